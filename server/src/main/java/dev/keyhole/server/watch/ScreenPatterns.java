package dev.keyhole.server.watch;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The one table of what a console's text means: the lines that say it waits for a passphrase, that one was
 * refused, or that GRUB's menu is up. Built in, and extended by {@code watch.*-patterns} in the configuration.
 *
 * <p>A screen reads as its lowest line that matches a prompt or a refusal: a prompt with a refusal above it (and
 * below the prompt before it) is {@link ConsoleState#WRONG_PASSPHRASE}; a prompt with text below it is gone
 * ({@link ConsoleState#BOOTING}: cryptsetup leaves its prompt on the screen as the boot goes on under it). A screen
 * with no prompt is GRUB's menu when a menu line matches, booting when it shows any text, and unknown when blank.
 * Patterns are searched for (not matched whole) in each line, ignoring case; text recognition may add a stray
 * character where the cursor is, so a pattern needs no end anchor.
 */
public final class ScreenPatterns {

    /** The states a pattern may say; booting and unknown are what is left. */
    public static final List<ConsoleState> PATTERN_STATES = List.of(ConsoleState.WAITING_FOR_PASSPHRASE,
            ConsoleState.WRONG_PASSPHRASE, ConsoleState.GRUB_MENU);

    private static final ScreenPatterns BUILT_IN = new ScreenPatterns(Map.of(
            ConsoleState.WAITING_FOR_PASSPHRASE, List.of(
                    // cryptsetup itself, and GRUB's cryptomount: "Enter passphrase for hd0,gpt2 (c0ffee…):"
                    "Enter passphrase for \\S+.*:",
                    // Debian's initramfs (cryptroot's askpass): "Please unlock disk sda3_crypt:"
                    "Please unlock disk \\S+.*:",
                    // systemd-cryptsetup: "Please enter passphrase for disk foo (luks-…):"
                    "Please enter passphrase for disk "),
            ConsoleState.WRONG_PASSPHRASE, List.of(
                    // cryptsetup
                    "No key available with this passphrase",
                    // GRUB
                    "Invalid passphrase",
                    // systemd-cryptsetup
                    "Failed to activate with specified passphrase"),
            ConsoleState.GRUB_MENU, List.of(
                    "GNU GRUB +version",
                    "keys to select which entry is highlighted",
                    "will be (executed|booted) automatically in \\d+ ?s",
                    "Press enter to boot the selected OS")));

    private final Map<ConsoleState, List<Pattern>> patterns;

    private ScreenPatterns(Map<ConsoleState, List<String>> sources) {
        Map<ConsoleState, List<Pattern>> compiled = new EnumMap<>(ConsoleState.class);
        for (ConsoleState state : PATTERN_STATES) {
            compiled.put(state, sources.getOrDefault(state, List.of()).stream()
                    .map(p -> Pattern.compile(p, Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE)).toList());
        }
        this.patterns = compiled;
    }

    /** @return the built-in table */
    public static ScreenPatterns builtIn() {
        return BUILT_IN;
    }

    /**
     * @param extra more patterns per state (regular expressions, already checked with {@link #check})
     * @return this table with {@code extra} added after the built-in patterns
     */
    public ScreenPatterns with(Map<ConsoleState, List<String>> extra) {
        Map<ConsoleState, List<String>> sources = new EnumMap<>(ConsoleState.class);
        for (ConsoleState state : PATTERN_STATES) {
            List<String> all = new ArrayList<>(patterns.get(state).stream().map(Pattern::pattern).toList());
            all.addAll(extra.getOrDefault(state, List.of()));
            sources.put(state, all);
        }
        return new ScreenPatterns(sources);
    }

    /**
     * @param pattern a regular expression from the configuration
     * @return it
     * @throws IllegalArgumentException saying why Java's regular expressions refuse it
     */
    public static String check(String pattern) {
        if (pattern.isBlank()) {
            throw new IllegalArgumentException("must not be empty");
        }
        try {
            Pattern.compile(pattern);
        } catch (java.util.regex.PatternSyntaxException e) {
            throw new IllegalArgumentException("is not a regular expression: " + e.getDescription() + " near index "
                    + e.getIndex());
        }
        return pattern;
    }

    /**
     * @param text a screen's text, as read, line by line
     * @return what it shows
     */
    public ConsoleState classify(String text) {
        List<String> lines = text.lines().map(String::strip).filter(ScreenPatterns::hasWords).toList();
        int last = -1;
        ConsoleState lastState = null;
        for (int i = 0; i < lines.size(); i++) {
            ConsoleState state = promptOrRefusal(lines.get(i));
            if (state != null) {
                last = i;
                lastState = state;
            }
        }
        if (lastState == null) {
            if (lines.stream().anyMatch(line -> matches(ConsoleState.GRUB_MENU, line))) {
                return ConsoleState.GRUB_MENU;
            }
            return lines.isEmpty() ? ConsoleState.UNKNOWN : ConsoleState.BOOTING;
        }
        if (last < lines.size() - 1) {
            // Text under the last prompt or refusal: the console has gone on.
            return ConsoleState.BOOTING;
        }
        if (lastState == ConsoleState.WRONG_PASSPHRASE) {
            return lastState;
        }
        for (int i = last - 1; i >= 0; i--) {
            ConsoleState above = promptOrRefusal(lines.get(i));
            if (above == ConsoleState.WRONG_PASSPHRASE) {
                return ConsoleState.WRONG_PASSPHRASE;
            }
            if (above == ConsoleState.WAITING_FOR_PASSPHRASE) {
                break;
            }
        }
        return ConsoleState.WAITING_FOR_PASSPHRASE;
    }

    private ConsoleState promptOrRefusal(String line) {
        if (matches(ConsoleState.WRONG_PASSPHRASE, line)) {
            return ConsoleState.WRONG_PASSPHRASE;
        }
        if (matches(ConsoleState.WAITING_FOR_PASSPHRASE, line)) {
            return ConsoleState.WAITING_FOR_PASSPHRASE;
        }
        return null;
    }

    private boolean matches(ConsoleState state, String line) {
        for (Pattern pattern : patterns.get(state)) {
            if (pattern.matcher(line).find()) {
                return true;
            }
        }
        return false;
    }

    /** A line with at least three letters or digits: less is what recognition makes of a cursor or a border. */
    private static boolean hasWords(String line) {
        int letters = 0;
        for (int i = 0; i < line.length() && letters < 3; i++) {
            if (Character.isLetterOrDigit(line.charAt(i))) {
                letters++;
            }
        }
        return letters >= 3;
    }
}
