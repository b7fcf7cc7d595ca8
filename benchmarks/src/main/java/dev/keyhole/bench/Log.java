package dev.keyhole.bench;

/** The benchmark's progress lines, on standard error (the table goes to standard output). */
final class Log {

    private Log() {
    }

    static void say(String format, Object... args) {
        System.err.printf("bench: " + format + "%n", args);
    }
}
