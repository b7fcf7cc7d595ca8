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

    /** How a line marks a secret that travels in a URL a browser opens (see {@link #addLinkToken}). */
    public static final String LINK_TOKEN = "link-token\t";

    /** Writes a secret down for the scan, if there is one to come. */
    public static void add(String secret) {
        write("", secret);
    }

    /**
     * Writes down a share link's token, which a browser opens in the link's URL ({@code join.html#TOKEN}): the scan
     * looks for it everywhere but in a browser's own record of the URLs it opened (its history, its sessions),
     * where any URL a browser opens stays.
     */
    public static void addLinkToken(String token) {
        write(LINK_TOKEN, token);
    }

    private static synchronized void write(String kind, String secret) {
        String file = System.getenv(VARIABLE);
        if (file == null || file.isEmpty() || secret == null || secret.isBlank()) {
            return;
        }
        try {
            Files.writeString(Path.of(file), kind + secret.strip() + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a secret down for the leak scan in " + file, e);
        }
    }
}
