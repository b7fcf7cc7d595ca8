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
        return Gateway.Starter.of("direct", streams -> Gateway.opening(i -> CompletableFuture.supplyAsync(() -> {
            try {
                return TcpSession.open("127.0.0.1", standIn.port(),
                        Map.of("hostname", streams.get(i).hostname(), "port", "3389"));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, blocking)));
    }

    /** (a′) A WebSocket server producing the stream itself, with no relay behind it. */
    static Gateway.Starter ceiling(WebSocketCeiling ceiling, WebSocketCoreClient client) {
        return Gateway.Starter.of("ws-ceiling", streams -> new WebSocketGateway(client,
                i -> ceiling.uri(streams.get(i)), null, () -> { }, -1, -1));
    }

    /**
     * (b) Keyhole's tunnel: the real server ({@code dev.keyhole.server.Main}) in a JVM of its own, with one target
     * per session, every target on the stand-in.
     */
    static Gateway.Starter keyhole(StandIn standIn, WebSocketCoreClient client, Path work) {
        return Gateway.Starter.of("keyhole", streams -> {
            int port = Ports.free();
            Path config = work.resolve("keyhole-" + streams.size() + ".yaml");
            Files.createDirectories(work);
            // A data directory of its own for each start: an earlier run's (its users, its sessions) is gone first.
            Path dataDir = work.resolve("keyhole-data-" + streams.size());
            deleteTree(dataDir);
            Files.writeString(config, keyholeConfig(port, standIn.port(), streams, dataDir));
            // The tunnel needs a session: a user of the benchmark's, signed in by a one-time link as a browser is.
            String token = KeyholeSignIn.linkToken(config);
            Child server = jvm("keyhole", "dev.keyhole.server.Main", List.of("--config", config.toString()), work,
                    line -> line.contains("Keyhole listening on"));
            try {
                String cookie = KeyholeSignIn.redeem(URI.create("http://127.0.0.1:" + port + "/"), token);
                return new WebSocketGateway(client, i -> URI.create("ws://127.0.0.1:" + port + "/tunnel?target=s" + i),
                        cookie, server::close, server.pid(), server.readyNanos());
            } catch (IOException | RuntimeException e) {
                server.close();
                throw e;
            }
        });
    }

    static String keyholeConfig(int httpPort, int guacdPort, List<StandIn.Stream> streams, Path dataDir) {
        StringBuilder yaml = new StringBuilder();
        yaml.append("data-dir: ").append(dataDir.toAbsolutePath()).append('\n');
        yaml.append("http:\n  bind: 127.0.0.1\n  port: ").append(httpPort).append('\n');
        yaml.append("guacd:\n  host: 127.0.0.1\n  port: ").append(guacdPort).append('\n');
        // Every session comes from this one address, and the benchmark's client counts bytes without answering
        // the stream's syncs: the limits are raised so that they measure the relay, not refuse it.
        int tunnels = Math.max(100, 2 * streams.size() + 16);
        yaml.append("limits:\n  tunnels: ").append(tunnels).append("\n  tunnels-per-address: ").append(tunnels)
                .append("\n  tunnels-per-target: ").append(tunnels).append("\n  viewer-lag: 600\n");
        yaml.append("targets:\n");
        for (int i = 0; i < streams.size(); i++) {
            yaml.append("  - name: s").append(i).append('\n')
                    .append("    protocol: rdp\n")
                    .append("    host: ").append(streams.get(i).hostname()).append('\n')
                    .append("    port: 3389\n    security: any\n    ignore-cert: true\n")
                    // The stand-in's recordings are no consoles to read: the relay alone is measured.
                    .append("    watch: never\n")
                    .append("    width: 1024\n    height: 768\n    dpi: 96\n    disable-audio: true\n");
        }
        return yaml.toString();
    }

    /** (c) Apache Guacamole's own tunnel on embedded Tomcat 9 ({@link GuacamolePeer}), in a JVM of its own. */
    static Gateway.Starter guacamole(StandIn standIn, WebSocketCoreClient client, Path work) {
        return Gateway.Starter.of("guacamole", streams -> {
            int port = Ports.free();
            Child peer = jvm("guacamole", GuacamolePeer.class.getName(),
                    List.of(String.valueOf(port), String.valueOf(standIn.port())), work,
                    line -> line.startsWith(GuacamolePeer.READY));
            return new WebSocketGateway(client, i -> URI.create("ws://127.0.0.1:" + port + "/tunnel?hostname="
                    + streams.get(i).hostname()), null, peer::close, peer.pid(), peer.readyNanos());
        });
    }

    /** (d) guacamole-lite 1.2.0 on Node.js, from the run's {@link NodePackages}. */
    static Gateway.Starter guacamoleLite(StandIn standIn, WebSocketCoreClient client, Path work, NodePackages node)
            throws IOException {
        Path script = node.directory().resolve("server.js");
        Files.writeString(script, """
                const GuacamoleLite = require('guacamole-lite');
                const server = new GuacamoleLite(
                    { host: '127.0.0.1', port: Number(process.env.LITE_PORT) },
                    { host: '127.0.0.1', port: Number(process.env.GUACD_PORT) },
                    { crypt: { cypher: 'AES-256-CBC', key: process.env.LITE_KEY },
                      log: { level: 'ERRORS' }, maxInactivityTime: 0 });
                server.webSocketServer.on('listening', () => console.log('READY'));
                """);
        return Gateway.Starter.of("guacamole-lite", streams -> {
            int port = Ports.free();
            String key = randomKey();
            List<String> command = List.of("env", "LITE_PORT=" + port, "GUACD_PORT=" + standIn.port(),
                    "LITE_KEY=" + key, "node", script.toString());
            Child lite = Child.start("guacamole-lite", command, node.directory(),
                    work.resolve("guacamole-lite-" + streams.size() + ".log"), null, "READY"::equals);
            try {
                lite.awaitReady(START);
            } catch (IOException | RuntimeException e) {
                lite.close();
                throw e;
            }
            return new WebSocketGateway(client, i -> URI.create("ws://127.0.0.1:" + port + "/?token="
                    + URLEncoder.encode(liteToken(key, streams.get(i).hostname()), StandardCharsets.UTF_8)), null,
                    lite::close, -1, lite.readyNanos());
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

    /** Starts a gateway in a JVM of its own, with this JVM's class path, and waits until it is ready. */
    private static Child jvm(String name, String mainClass, List<String> args, Path work,
            java.util.function.Predicate<String> readyLine) throws IOException, InterruptedException {
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
        try {
            child.awaitReady(START);
        } catch (IOException | RuntimeException e) {
            child.close();
            throw e;
        }
        return child;
    }
}
