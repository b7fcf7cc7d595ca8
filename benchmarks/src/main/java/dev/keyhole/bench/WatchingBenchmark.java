package dev.keyhole.bench;

import dev.keyhole.server.watch.TesseractReader;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * What watching a console costs (`./keyhole bench --watching`): Keyhole's CPU, its JVM's and the Tesseract runs'
 * together, over a minute with one console watched, beside the same minute with the console not watched; and
 * what one reading of a 1024×768 console costs, from which a console that keeps changing (a boot scrolling by,
 * read at most every 2.5 s: 24 readings a minute) is worked out. Real guacd, the real locked console (its cursor
 * blinks: the picture changes twice a second, and Keyhole reads it only when more than a cursor changed).
 */
final class WatchingBenchmark {

    private static final Duration MINUTE = Duration.ofSeconds(60);
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int READINGS = 20;
    /** The most readings a minute of a console that never stops changing. */
    private static final int BUSY_READINGS_PER_MINUTE = 24;

    private WatchingBenchmark() {
    }

    /** Runs it and prints the figures. */
    static void run(Path repo, Path work) throws Exception {
        Files.createDirectories(work);
        long hz = clockTicks();
        try (RealConsole console = RealConsole.start(repo, work.resolve("watching"), "bench-passphrase-1")) {
            double never = keyholeCpuPerMinute(console, work, "never", hz);
            double always = keyholeCpuPerMinute(console, work, "always", hz);
            double reading = readingCost(work.resolve("watching/console/display"));
            System.out.printf("%nWatching one console (CPU seconds per minute, Keyhole's JVM and Tesseract)%n");
            System.out.printf("  %-52s %8.2f%n", "not watched (watch: never), the console idle", never);
            System.out.printf("  %-52s %8.2f%n", "watched (watch: always), at its prompt, cursor blinking", always);
            System.out.printf("  %-52s %8.2f%n", "  of which watching", always - never);
            System.out.printf("  %-52s %8.3f%n", "one reading of a 1024x768 console (s of CPU)", reading);
            System.out.printf("  %-52s %8.2f%n", "while booting: at most 24 readings a minute", reading
                    * BUSY_READINGS_PER_MINUTE);
        }
    }

    /** Starts Keyhole with the console as its one target, lets a minute pass, and returns the CPU it used. */
    private static double keyholeCpuPerMinute(RealConsole console, Path work, String watch, long hz)
            throws IOException, InterruptedException {
        int port = Ports.free();
        Path dataDir = work.resolve("watching/keyhole-" + watch);
        Path config = work.resolve("watching/keyhole-" + watch + ".yaml");
        Files.writeString(config, "data-dir: " + dataDir.toAbsolutePath() + "\nhttp:\n  bind: 127.0.0.1\n  port: "
                + port + "\nguacd:\n  host: 127.0.0.1\n  port: " + console.guacdPort() + "\ntargets:\n"
                + "  - name: watched\n    protocol: rdp\n    host: 127.0.0.1\n    port: " + console.rdpPort()
                + "\n    security: any\n    ignore-cert: true\n    watch: " + watch + "\n");
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), "dev.keyhole.server.Main", "--config", config.toString());
        try (Child keyhole = Child.start("keyhole-" + watch, command, null, work.resolve("watching/keyhole-" + watch
                + ".log"), null, line -> watch.equals("never") ? line.contains("Keyhole listening on")
                        : line.contains("Console watched reads:"))) {
            keyhole.awaitReady(WAIT);
            long before = cpuTicks(keyhole.pid());
            Log.say("watching: a minute of Keyhole with watch: %s", watch);
            Thread.sleep(MINUTE.toMillis()); // the benchmark measures a minute of CPU: it waits for that minute
            long after = cpuTicks(keyhole.pid());
            return (after - before) / (double) hz * (60.0 / MINUTE.toSeconds());
        }
    }

    /** Reads the console's screen {@link #READINGS} times and returns the CPU of one reading, Tesseract's included. */
    private static double readingCost(Path displayFile) throws Exception {
        String display = Files.readString(displayFile).strip();
        Path shot = Files.createTempFile("console", ".png");
        try {
            Process capture = new ProcessBuilder("import", "-display", display, "-window", "root", shot.toString())
                    .redirectErrorStream(true).start();
            capture.getInputStream().readAllBytes();
            if (capture.waitFor() != 0) {
                throw new IOException("import could not capture the console's display " + display);
            }
            BufferedImage screen = ImageIO.read(shot.toFile());
            TesseractReader reader = new TesseractReader("tesseract");
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            long jvmBefore = threads.getCurrentThreadCpuTime();
            long childrenBefore = childrenTicks();
            for (int i = 0; i < READINGS; i++) {
                reader.read(screen);
            }
            double jvm = (threads.getCurrentThreadCpuTime() - jvmBefore) / 1e9;
            double children = (childrenTicks() - childrenBefore) / (double) clockTicks();
            return (jvm + children) / READINGS;
        } finally {
            Files.deleteIfExists(shot);
        }
    }

    /** utime + stime + cutime + cstime of a process, in clock ticks (its reaped children's included). */
    private static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"), StandardCharsets.US_ASCII);
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // After the name: state is field 3 (index 0 here); utime, stime, cutime, cstime are fields 14 to 17.
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]) + Long.parseLong(fields[13])
                + Long.parseLong(fields[14]);
    }

    /** This JVM's reaped children's CPU (cutime + cstime), in clock ticks. */
    private static long childrenTicks() throws IOException {
        String stat = Files.readString(Path.of("/proc/self/stat"), StandardCharsets.US_ASCII);
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[13]) + Long.parseLong(fields[14]);
    }

    private static long clockTicks() throws IOException, InterruptedException {
        Process getconf = new ProcessBuilder("getconf", "CLK_TCK").start();
        String out = new String(getconf.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
        getconf.waitFor();
        return Long.parseLong(out);
    }
}
