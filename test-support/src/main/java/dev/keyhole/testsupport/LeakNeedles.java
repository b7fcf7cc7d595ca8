package dev.keyhole.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Secrets a test saw while it ran (a TOTP secret the enrolment page showed, say) written down for the leak scan
 * that {@code ./keyhole test} runs afterwards: one per line in the file {@code KEYHOLE_TEST_NEEDLES} names, which
 * lies outside every scanned directory and is removed after the scan. Outside {@code ./keyhole test} (no such
 * variable) nothing is written.
 */
public final class LeakNeedles {

    /** The environment variable naming the file. */
    public static final String VARIABLE = "KEYHOLE_TEST_NEEDLES";

    private LeakNeedles() {
    }

    /** Writes a secret down for the scan, if there is one to come. */
    public static synchronized void add(String secret) {
        String file = System.getenv(VARIABLE);
        if (file == null || file.isEmpty() || secret == null || secret.isBlank()) {
            return;
        }
        try {
            Files.writeString(Path.of(file), secret.strip() + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a secret down for the leak scan in " + file, e);
        }
    }
}
