package dev.keyhole.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * An X session like the locked console's ({@code demo/locked-console.sh}: Xvfb, an xterm filling the 1024×768
 * screen, FreeRDP's shadow server sharing it over RDP), whose terminal shows something busy instead of a prompt:
 * {@code console-text.sh}'s boot log scrolling by or its whole screen redrawn in colour.
 */
final class BusyConsole implements AutoCloseable {

    private static final Duration START = Duration.ofSeconds(30);

    private final List<Child> children;
    private final int rdpPort;

    private BusyConsole(List<Child> children, int rdpPort) {
        this.children = children;
        this.rdpPort = rdpPort;
    }

    /**
     * Starts the session and waits until its RDP server listens.
     *
     * @param text what the terminal shows: {@code boot-log} or {@code redraws} (see {@code console-text.sh})
     */
    static BusyConsole start(String text, Path work) throws IOException, InterruptedException {
        Path script = Scripts.copy("console-text.sh", work);
        List<Child> children = new java.util.ArrayList<>();
        try {
            // -displayfd: Xvfb picks a free display and writes its number (here: to its standard output).
            Child xvfb = Child.start("Xvfb", List.of("Xvfb", "-displayfd", "1", "-screen", "0", "1024x768x24",
                    "-nolisten", "tcp", "-noreset"), null, work.resolve("xvfb.log"), null,
                    line -> line.matches("[0-9]+"));
            children.add(xvfb);
            String display = ":" + xvfb.awaitReady(START).text();
            children.add(Child.start("xterm", List.of("env", "DISPLAY=" + display, "LANG=C.UTF-8", "LC_ALL=C.UTF-8",
                    "xterm", "-u8", "-geometry", "80x24+0+0", "-bw", "0", "-b", "8", "+sb", "-bg", "black",
                    "-fg", "#e0e0e0", "-fa", "DejaVu Sans Mono", "-fs", "16", "-xrm", "XTerm*allowWindowOps: true",
                    "-e", script.toString(), text), null, work.resolve("xterm.log"), null, line -> false));
            int rdpPort = Ports.free();
            Child shadow = Child.start("freerdp-shadow", List.of("env", "DISPLAY=" + display, "freerdp-shadow-cli",
                    "/port:" + rdpPort, "-auth", "/bind-address:127.0.0.1"), null, work.resolve("shadow.log"), null,
                    line -> false);
            children.add(shadow);
            Ports.awaitListening(rdpPort, START, shadow);
            return new BusyConsole(List.copyOf(children), rdpPort);
        } catch (IOException | InterruptedException | RuntimeException e) {
            children.forEach(Child::close);
            throw e;
        }
    }

    /** @return the RDP parameters of a client of guacd to this console */
    Map<String, String> rdpParameters() {
        return RealConsole.rdpParameters(rdpPort);
    }

    @Override
    public void close() {
        for (int i = children.size() - 1; i >= 0; i--) {
            children.get(i).close();
        }
    }
}
