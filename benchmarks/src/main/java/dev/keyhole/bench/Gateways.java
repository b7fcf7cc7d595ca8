package dev.keyhole.bench;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.eclipse.jetty.websocket.core.client.WebSocketCoreClient;

/** The paths under test: (a) direct, (a′) WebSocket ceiling, (b) Keyhole, (c) Guacamole, (d) guacamole-lite. */
final class Gateways {

    private static final Duration START = Duration.ofSeconds(60);
    private static final java.util.concurrent.atomic.AtomicInteger STARTS = new java.util.concurrent.atomic.AtomicInteger();

    private Gateways() {
    }

    /** (a) Straight to the stand-in over TCP: the physical limit of the socket. */
    static Gateway.Starter direct(StandIn standIn, ExecutorService blocking) {
        return Gateway.Starter.of("direct", sessionBytes -> Gateway.opening(i -> CompletableFuture.supplyAsync(() -> {
            try {
                return TcpSession.open("127.0.0.1", standIn.port(),
                        Map.of("hostname", StandIn.hostnameFor(sessionBytes.get(i)), "port", "3389"));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, blocking)));
    }

    /** (a′) A WebSocket server producing the stream itself, with no relay behind it. */
    static Gateway.Starter ceiling(WebSocketCeiling ceiling, WebSocketCoreClient client) {
        return Gateway.Starter.of("ws-ceiling", sessionBytes -> Gateway.opening(
                i -> WebSocketSession.open(client, ceiling.uri(sessionBytes.get(i)))));
    }

    /**
     * (b) Keyhole's tunnel: the real server ({@code dev.keyhole.server.Main}) in a JVM of its own, with one target
     * per session, every target on the stand-in.
     */
    static Gateway.Starter keyhole(StandIn standIn, WebSocketCoreClient client, Path work) {
        return Gateway.Starter.of("keyhole", sessionBytes -> {
            int port = Ports.free();
            Path config = work.resolve("keyhole-" + sessionBytes.size() + ".yaml");
            Files.createDirectories(work);
            // A data directory of its own for each start: an earlier run's (its users, its sessions) is gone first.
            Path dataDir = work.resolve("keyhole-data-" + sessionBytes.size());
            deleteTree(dataDir);
            Files.writeString(config, keyholeConfig(port, standIn.port(), sessionBytes, dataDir));
            // The tunnel needs a session: a user of the benchmark's, signed in by a one-time link as a browser is.
            String token = KeyholeSignIn.linkToken(config);
            java.util.concurrent.atomic.AtomicReference<String> cookie = new java.util.concurrent.atomic.AtomicReference<>();
            Gateway keyhole = jvm("keyhole", "dev.keyhole.server.Main", List.of("--config", config.toString()),
                    work, line -> line.contains("Keyhole listening on"),
                    i -> URI.create("ws://127.0.0.1:" + port + "/tunnel?target=s" + i), client, cookie);
            try {
                cookie.set(KeyholeSignIn.redeem(URI.create("http://127.0.0.1:" + port + "/"), token));
                return keyhole;
            } catch (IOException | RuntimeException e) {
                keyhole.close();
                throw e;
            }
        });
    }

    static String keyholeConfig(int httpPort, int guacdPort, List<Long> sessionBytes, Path dataDir) {
        StringBuilder yaml = new StringBuilder();
        yaml.append("data-dir: ").append(dataDir.toAbsolutePath()).append('\n');
        yaml.append("http:\n  bind: 127.0.0.1\n  port: ").append(httpPort).append('\n');
        yaml.append("guacd:\n  host: 127.0.0.1\n  port: ").append(guacdPort).append('\n');
        // Every session comes from this one address, and the benchmark's client counts bytes without answering
        // the stream's syncs: the limits are raised so that they measure the relay, not refuse it.
        int tunnels = Math.max(100, 2 * sessionBytes.size() + 16);
        yaml.append("limits:\n  tunnels: ").append(tunnels).append("\n  tunnels-per-address: ").append(tunnels)
                .append("\n  tunnels-per-target: ").append(tunnels).append("\n  viewer-lag: 600\n");
        yaml.append("targets:\n");
        for (int i = 0; i < sessionBytes.size(); i++) {
            yaml.append("  - name: s").append(i).append('\n')
                    .append("    protocol: rdp\n")
                    .append("    host: ").append(StandIn.hostnameFor(sessionBytes.get(i))).append('\n')
                    .append("    port: 3389\n    security: any\n    ignore-cert: true\n")
                    // The stand-in's recordings are no consoles to read: the relay alone is measured.
                    .append("    watch: never\n")
                    .append("    width: 1024\n    height: 768\n    dpi: 96\n    disable-audio: true\n");
        }
        return yaml.toString();
    }

    /** (c) Apache Guacamole's own tunnel on embedded Tomcat 9 ({@link GuacamolePeer}), in a JVM of its own. */
    static Gateway.Starter guacamole(StandIn standIn, WebSocketCoreClient client, Path work) {
        return Gateway.Starter.of("guacamole", sessionBytes -> {
            int port = Ports.free();
            return jvm("guacamole", GuacamolePeer.class.getName(),
                    List.of(String.valueOf(port), String.valueOf(standIn.port())), work,
                    line -> line.startsWith(GuacamolePeer.READY),
                    i -> URI.create("ws://127.0.0.1:" + port + "/tunnel?hostname="
                            + StandIn.hostnameFor(sessionBytes.get(i))), client, null);
        });
    }

    /**
     * (d) guacamole-lite 1.2.0, installed with npm into a temporary directory, on Node.js.
     *
     * @return {@code null} if npm or node is missing (the caller says so and skips it)
     */
    static Gateway.Starter guacamoleLite(StandIn standIn, WebSocketCoreClient client, Path work) throws Exception {
        if (!onPath("npm") || !onPath("node")) {
            return null;
        }
        Path directory = Files.createTempDirectory("keyhole-bench-guacamole-lite");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(directory)));
        Log.say("installing guacamole-lite 1.2.0 with npm into %s", directory);
        Process npm = new ProcessBuilder("npm", "install", "--no-audit", "--no-fund", "--silent",
                "--prefix", directory.toString(), "guacamole-lite@1.2.0")
                .redirectErrorStream(true).redirectOutput(work.resolve("npm.log").toFile()).start();
        if (npm.waitFor() != 0) {
            throw new IOException("npm install guacamole-lite@1.2.0 failed; see " + work.resolve("npm.log"));
        }
        Path script = directory.resolve("server.js");
        Files.writeString(script, """
                const GuacamoleLite = require('guacamole-lite');
                const server = new GuacamoleLite(
                    { host: '127.0.0.1', port: Number(process.env.LITE_PORT) },
                    { host: '127.0.0.1', port: Number(process.env.GUACD_PORT) },
                    { crypt: { cypher: 'AES-256-CBC', key: process.env.LITE_KEY },
                      log: { level: 'ERRORS' }, maxInactivityTime: 0 });
                server.webSocketServer.on('listening', () => console.log('READY'));
                """);
        return Gateway.Starter.of("guacamole-lite", sessionBytes -> {
            int port = Ports.free();
            String key = randomKey();
            List<String> command = List.of("env", "LITE_PORT=" + port, "GUACD_PORT=" + standIn.port(),
                    "LITE_KEY=" + key, "node", script.toString());
            Child node = Child.start("guacamole-lite", command, directory,
                    work.resolve("guacamole-lite-" + sessionBytes.size() + ".log"), null, "READY"::equals);
            long ready = node.awaitReady(START).nanos() - node.startedNanos();
            return new Gateway() {
                @Override
                public CompletableFuture<? extends Session> open(int i) {
                    String token = liteToken(key, StandIn.hostnameFor(sessionBytes.get(i)));
                    return WebSocketSession.open(client, URI.create("ws://127.0.0.1:" + port + "/?token="
                            + URLEncoder.encode(token, StandardCharsets.UTF_8)));
                }

                @Override
                public long startToReadyNanos() {
                    return ready;
                }

                @Override
                public void close() {
                    node.close();
                }
            };
        });
    }

    /** The token guacamole-lite expects: base64 of {"iv","value"}, the value AES-256-CBC of the settings. */
    static String liteToken(String key, String hostname) {
        String json = "{\"connection\":{\"type\":\"rdp\",\"settings\":{\"hostname\":\"" + hostname
                + "\",\"port\":\"3389\",\"security\":\"any\",\"ignore-cert\":true,\"width\":1024,\"height\":768,"
                + "\"dpi\":96,\"disable-audio\":true}}}";
        try {
            byte[] iv = new byte[16];
            new SecureRandom().nextBytes(iv);
            Cipher cipher = Cipher.getInstance("AES/CBC/PKCS5Padding");
            cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key.getBytes(StandardCharsets.US_ASCII), "AES"),
                    new IvParameterSpec(iv));
            byte[] value = cipher.doFinal(json.getBytes(StandardCharsets.US_ASCII));
            Base64.Encoder base64 = Base64.getEncoder();
            String wrapped = "{\"iv\":\"" + base64.encodeToString(iv) + "\",\"value\":\""
                    + base64.encodeToString(value) + "\"}";
            return base64.encodeToString(wrapped.getBytes(StandardCharsets.US_ASCII));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String randomKey() {
        SecureRandom random = new SecureRandom();
        StringBuilder key = new StringBuilder();
        for (int i = 0; i < 32; i++) {
            key.append((char) ('a' + random.nextInt(26)));
        }
        return key.toString();
    }

    static void deleteTree(Path directory) {
        try (var paths = Files.walk(directory)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // A temporary directory left behind is harmless.
        }
    }

    private static boolean onPath(String program) {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String directory : path.split(":")) {
            if (!directory.isEmpty() && Files.isExecutable(Path.of(directory, program))) {
                return true;
            }
        }
        return false;
    }

    /** A gateway in a JVM of its own, started with this JVM's class path. */
    private static Gateway jvm(String name, String mainClass, List<String> args, Path work,
            java.util.function.Predicate<String> readyLine, java.util.function.IntFunction<URI> uri,
            WebSocketCoreClient client, java.util.concurrent.atomic.AtomicReference<String> cookie) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // For profiling, e.g. -Dkeyhole.bench.jvmOptions=-XX:StartFlightRecording=filename=/tmp/NAME-%s.jfr
        // (%s: a number of its own for each start).
        String jvmOptions = System.getProperty("keyhole.bench.jvmOptions", "").trim()
                .replace("%s", String.valueOf(STARTS.incrementAndGet()));
        if (!jvmOptions.isEmpty()) {
            command.addAll(List.of(jvmOptions.split("\\s+")));
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass);
        command.addAll(args);
        Child child = Child.start(name, command, null, work.resolve(name + "-" + System.nanoTime() + ".log"), null,
                readyLine);
        long ready;
        try {
            ready = child.awaitReady(START).nanos() - child.startedNanos();
        } catch (IOException | RuntimeException e) {
            child.close();
            throw e;
        }
        return new Gateway() {
            @Override
            public CompletableFuture<? extends Session> open(int i) {
                return WebSocketSession.open(client, uri.apply(i), cookie == null ? null : cookie.get());
            }

            @Override
            public OptionalLong jvmPid() {
                return OptionalLong.of(child.pid());
            }

            @Override
            public long startToReadyNanos() {
                return ready;
            }

            @Override
            public void close() {
                child.close();
            }
        };
    }
}
