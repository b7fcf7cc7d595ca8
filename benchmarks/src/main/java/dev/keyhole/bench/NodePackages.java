package dev.keyhole.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * guacamole-lite 1.2.0 and what it brings, installed with npm into a temporary directory once per run: the
 * guacamole-lite path runs it, and the browser-like client ({@link BrowserClient}) takes the WebSocket package it
 * depends on ({@code ws}) from it.
 */
final class NodePackages {

    private static final String GUACAMOLE_LITE = "guacamole-lite@1.2.0";

    private final Path directory;

    private NodePackages(Path directory) {
        this.directory = directory;
    }

    /**
     * Installs the packages (removed when the benchmark's JVM exits).
     *
     * @return null if node or npm is not installed (the caller says so and skips what needs them)
     */
    static NodePackages install(Path work) throws IOException, InterruptedException {
        if (!onPath("npm") || !onPath("node")) {
            return null;
        }
        Path directory = Files.createTempDirectory("keyhole-bench-guacamole-lite");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> Gateways.deleteTree(directory)));
        Log.say("installing %s with npm into %s", GUACAMOLE_LITE, directory);
        Files.createDirectories(work);
        Process npm = new ProcessBuilder("npm", "install", "--no-audit", "--no-fund", "--silent",
                "--prefix", directory.toString(), GUACAMOLE_LITE)
                .redirectErrorStream(true).redirectOutput(work.resolve("npm.log").toFile()).start();
        if (npm.waitFor() != 0) {
            throw new IOException("npm install " + GUACAMOLE_LITE + " failed; see " + work.resolve("npm.log"));
        }
        return new NodePackages(directory);
    }

    /** @return the directory the packages were installed into (guacamole-lite's server script goes there too) */
    Path directory() {
        return directory;
    }

    /** @return its {@code node_modules}, where {@code require} finds the packages */
    Path modules() {
        return directory.resolve("node_modules");
    }

    private static boolean onPath(String program) {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String entry : path.split(":")) {
            if (!entry.isEmpty() && Files.isExecutable(Path.of(entry, program))) {
                return true;
            }
        }
        return false;
    }
}
