package dev.keyhole.bench;

/**
 * The benchmark's progress lines, on standard error (the table goes to standard output), each with the minutes
 * and seconds since the benchmark started.
 */
final class Log {

    private static final long STARTED = System.nanoTime();

    private Log() {
    }

    static void say(String format, Object... args) {
        long seconds = (System.nanoTime() - STARTED) / 1_000_000_000L;
        System.err.println(String.format("bench %02d:%02d: ", seconds / 60, seconds % 60)
                + String.format(format, args));
    }
}
