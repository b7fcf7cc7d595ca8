package dev.keyhole.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Real guacd and the locked console ({@code demo/locked-console.sh}) on free ports, for as long as it is open. */
final class RealConsole implements AutoCloseable {

    private static final Duration START = Duration.ofSeconds(60);

    private final Child guacd;
    private final Child console;
    private final int guacdPort;
    private final int rdpPort;

    private RealConsole(Child guacd, Child console, int guacdPort, int rdpPort) {
        this.guacd = guacd;
        this.console = console;
        this.guacdPort = guacdPort;
        this.rdpPort = rdpPort;
    }

    /**
     * Starts guacd and the console and waits until both are ready.
     *
     * @param passphrase the console's passphrase (given on its standard input only)
     */
    static RealConsole start(Path repo, Path work, String passphrase) throws IOException, InterruptedException {
        int guacdPort = freePort();
        Child guacd = Child.start("guacd", List.of("guacd", "-f", "-b", "127.0.0.1", "-l",
                String.valueOf(guacdPort), "-L", "info"), null, work.resolve("guacd.log"), null,
                line -> line.contains("Listening on host"));
        Child console = null;
        try {
            guacd.awaitReady(START);
            int rdpPort = freePort();
            console = Child.start("locked-console", List.of(repo.resolve("demo/locked-console.sh").toString(),
                    "--dir", work.resolve("console").toString(), "--rdp-port", String.valueOf(rdpPort)), null,
                    work.resolve("console.log"), passphrase, line -> line.startsWith("READY "));
            console.awaitReady(START);
            return new RealConsole(guacd, console, guacdPort, rdpPort);
        } catch (IOException | InterruptedException | RuntimeException e) {
            if (console != null) {
                console.close();
            }
            guacd.close();
            throw e;
        }
    }

    int guacdPort() {
        return guacdPort;
    }

    int rdpPort() {
        return rdpPort;
    }

    /** @return the RDP parameters Keyhole's demo target uses, for a client of guacd */
    Map<String, String> rdpParameters() {
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("hostname", "127.0.0.1");
        parameters.put("port", String.valueOf(rdpPort));
        parameters.put("security", "any");
        parameters.put("ignore-cert", "true");
        parameters.put("server-layout", "en-us-qwerty");
        parameters.put("width", "1024");
        parameters.put("height", "768");
        parameters.put("dpi", "96");
        parameters.put("disable-audio", "true");
        return parameters;
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() {
        console.close();
        guacd.close();
    }
}
