package dev.keyhole.server.notify;

import java.time.Duration;
import java.util.regex.Pattern;

/** Error texts as the audit and the logs show them: one line, printable, short, and never a secret. */
final class Errors {

    private static final int MAX_LENGTH = 300;
    private static final Pattern UNPRINTABLE = Pattern.compile("\\p{Cntrl}+");

    private Errors() {
    }

    /**
     * @param text    an error's text (null: none)
     * @param secrets secrets of the channel's that must not appear in it (empty ones are ignored)
     * @return the text on one line, each secret replaced by {@code (hidden)}, cut after {@value #MAX_LENGTH}
     *         characters
     */
    static String printable(String text, String... secrets) {
        String shown = text == null ? "" : text;
        for (String secret : secrets) {
            if (secret != null && !secret.isEmpty()) {
                shown = shown.replace(secret, "(hidden)");
            }
        }
        shown = UNPRINTABLE.matcher(shown).replaceAll(" ").strip();
        return shown.length() > MAX_LENGTH ? shown.substring(0, MAX_LENGTH) + "…" : shown;
    }

    /** @return "300 ms", "90 s", "5 min", "2 h": a duration as errors and log lines say it */
    static String duration(Duration d) {
        if (d.toMillis() < 1000 || d.toMillis() % 1000 != 0) {
            return d.toMillis() < 1000 ? d.toMillis() + " ms" : d.toMillis() / 1000.0 + " s";
        }
        if (d.toSeconds() % 60 != 0) {
            return d.toSeconds() + " s";
        }
        return d.toMinutes() % 60 != 0 ? d.toMinutes() + " min" : d.toHours() + " h";
    }
}
