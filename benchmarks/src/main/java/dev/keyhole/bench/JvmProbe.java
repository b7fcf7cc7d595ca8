package dev.keyhole.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Looks into another JVM on this machine: its live heap after a full GC, and its thread count. */
final class JvmProbe {

    /** A JVM's state at one moment. */
    record Sample(long liveHeapBytes, int threads) {
    }

    private JvmProbe() {
    }

    /**
     * Runs a full GC in the JVM ({@code jcmd PID GC.class_histogram} collects first and counts live objects only)
     * and reads the total of live objects, and its threads from {@code /proc}.
     */
    static Sample sample(long pid) throws IOException, InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process process = new ProcessBuilder(jcmd.toString(), String.valueOf(pid), "GC.class_histogram")
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IOException("jcmd " + pid + " GC.class_histogram failed: " + output);
        }
        long total = -1;
        for (String line : output.split("\n")) {
            String trimmed = line.trim();
            if (trimmed.startsWith("Total")) {
                String[] fields = trimmed.split("\\s+");
                total = Long.parseLong(fields[2]);
            }
        }
        if (total < 0) {
            throw new IOException("jcmd printed no total: " + output);
        }
        return new Sample(total, threads(pid));
    }

    static int threads(long pid) throws IOException {
        List<String> status = Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"));
        for (String line : status) {
            if (line.startsWith("Threads:")) {
                return Integer.parseInt(line.substring("Threads:".length()).trim());
            }
        }
        throw new IOException("no thread count in /proc/" + pid + "/status");
    }
}
