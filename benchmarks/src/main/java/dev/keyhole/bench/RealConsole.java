package dev.keyhole.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Real guacd and the locked console ({@code demo/locked-console.sh}) on free ports, for as long as it is open. */
final class RealConsole implements AutoCloseable {

    private static final Duration START = Duration.ofSeconds(60);

    private final RealGuacd guacd;
    private final Child console;
    private final int rdpPort;

    private RealConsole(RealGuacd guacd, Child console, int rdpPort) {
        this.guacd = guacd;
        this.console = console;
        this.rdpPort = rdpPort;
    }

    /**
     * Starts guacd and the console and waits until both are ready.
     *
     * @param passphrase the console's passphrase (given on its standard input only)
     */
    static RealConsole start(Path repo, Path work, String passphrase) throws IOException, InterruptedException {
        RealGuacd guacd = RealGuacd.start(work);
        Child console = null;
        try {
            int rdpPort = Ports.free();
            console = Child.start("locked-console", List.of(repo.resolve("demo/locked-console.sh").toString(),
                    "--dir", work.resolve("console").toString(), "--rdp-port", String.valueOf(rdpPort)), null,
                    work.resolve("console.log"), passphrase, line -> line.startsWith("READY "));
            console.awaitReady(START);
            return new RealConsole(guacd, console, rdpPort);
        } catch (IOException | InterruptedException | RuntimeException e) {
            if (console != null) {
                console.close();
            }
            guacd.close();
            throw e;
        }
    }

    int guacdPort() {
        return guacd.port();
    }

    int rdpPort() {
        return rdpPort;
    }

    /** @return the RDP parameters Keyhole's demo target uses, for a client of guacd */
    Map<String, String> rdpParameters() {
        return rdpParameters(rdpPort);
    }

    /** @return the RDP parameters of Keyhole's demo target, for a client of guacd, with an RDP server's port */
    static Map<String, String> rdpParameters(int rdpPort) {
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

    @Override
    public void close() {
        console.close();
        guacd.close();
    }
}
