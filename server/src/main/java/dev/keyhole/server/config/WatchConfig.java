package dev.keyhole.server.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How Keyhole reads its consoles' screens.
 *
 * @param whileBootingFor how long a {@code while-booting} watch lasts when no passphrase prompt shows
 * @param tesseract       the Tesseract program that reads the screens' text
 * @param waitingPatterns more lines that mean a console waits for its passphrase (regular expressions)
 * @param wrongPatterns   more lines that mean a passphrase was refused
 * @param grubPatterns    more lines that mean GRUB's menu is up
 */
public record WatchConfig(Duration whileBootingFor, String tesseract, List<String> waitingPatterns,
        List<String> wrongPatterns, List<String> grubPatterns) {

    /** The default: boots watched for 15 min, Tesseract from the PATH, the built-in patterns alone. */
    public static final WatchConfig DEFAULT = new WatchConfig(Duration.ofMinutes(15), "tesseract", List.of(),
            List.of(), List.of());

    /** Copies the lists. */
    public WatchConfig {
        Objects.requireNonNull(whileBootingFor, "whileBootingFor");
        Objects.requireNonNull(tesseract, "tesseract");
        waitingPatterns = List.copyOf(waitingPatterns);
        wrongPatterns = List.copyOf(wrongPatterns);
        grubPatterns = List.copyOf(grubPatterns);
    }
}
