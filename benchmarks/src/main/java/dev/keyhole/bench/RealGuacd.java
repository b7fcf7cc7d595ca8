package dev.keyhole.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** Real guacd (the machine's, as {@code guacd-config/} installs it) on a free port of 127.0.0.1. */
final class RealGuacd implements AutoCloseable {

    private static final Duration START = Duration.ofSeconds(60);

    private final Child guacd;
    private final int port;

    private RealGuacd(Child guacd, int port) {
        this.guacd = guacd;
        this.port = port;
    }

    /** Starts guacd and waits until it listens; its log goes to {@code work/guacd.log}. */
    static RealGuacd start(Path work) throws IOException, InterruptedException {
        int port = Ports.free();
        Child guacd = Child.start("guacd", List.of("guacd", "-f", "-b", "127.0.0.1", "-l", String.valueOf(port),
                "-L", "info"), null, work.resolve("guacd.log"), null, line -> line.contains("Listening on host"));
        try {
            guacd.awaitReady(START);
        } catch (IOException | InterruptedException | RuntimeException e) {
            guacd.close();
            throw e;
        }
        return new RealGuacd(guacd, port);
    }

    int port() {
        return port;
    }

    @Override
    public void close() {
        guacd.close();
    }
}
