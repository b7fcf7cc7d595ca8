package dev.keyhole.server.notify;

import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One thing to tell people, the same on every channel: which console, what about it, since when, and where to open
 * it. It carries the console page's URL, which needs a sign-in, and never a token, password or passphrase: the
 * callers put none in, and a URL with user information is refused.
 *
 * @param id          unique, random ({@link #newId}): the webhook's {@code id} (receivers drop a repeat by it), the
 *                    email's Message-ID; letters, digits, {@code .}, {@code _} and {@code -}, at most 64
 * @param kind        what it tells
 * @param target      the console's name, e.g. {@code web-1}
 * @param targetTitle the console's title as people see it; the name when it has none
 * @param title       one line, e.g. "web-1 waits for its disk passphrase": the email's subject, ntfy's title (line
 *                    breaks are turned into spaces: it becomes a header)
 * @param text        a few lines of plain text
 * @param consoleUrl  the console's page, e.g. {@code https://keyhole.example.org/console.html#target=web-1}, as the
 *                    caller gives it
 * @param since       when the state it tells of began; null when it has no such time (a test message)
 * @param at          when the notice was made
 */
public record Notice(String id, NoticeKind kind, String target, String targetTitle, String title, String text,
        URI consoleUrl, Instant since, Instant at) {

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Pattern LINE_BREAKS = Pattern.compile("[\\r\\n\\u0085\\u2028\\u2029]+");

    /** Checks that nothing is missing; makes the title one line. */
    public Notice {
        Objects.requireNonNull(id, "id");
        if (!ID.matcher(id).matches()) {
            throw new IllegalArgumentException("a notice's id is letters, digits, '.', '_' and '-', at most 64: " + id);
        }
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(target, "target");
        targetTitle = targetTitle == null || targetTitle.isBlank() ? target : targetTitle;
        Objects.requireNonNull(title, "title");
        title = LINE_BREAKS.matcher(title).replaceAll(" ").strip();
        text = text == null ? "" : text;
        Objects.requireNonNull(consoleUrl, "consoleUrl");
        if (consoleUrl.getRawUserInfo() != null) {
            throw new IllegalArgumentException("a notice's console URL carries no user information");
        }
        Objects.requireNonNull(at, "at");
    }

    /**
     * A new notice with a random id, made now.
     *
     * @param kind        what it tells
     * @param target      the console's name
     * @param targetTitle its title; null or blank: the name
     * @param title       one line
     * @param text        a few lines; null: none
     * @param consoleUrl  the console's page
     * @param since       when the state began; null: no such time
     * @param clock       what "now" is
     * @param random      where the id comes from
     * @return the notice
     */
    public static Notice of(NoticeKind kind, String target, String targetTitle, String title, String text,
            URI consoleUrl, Instant since, Clock clock, SecureRandom random) {
        return new Notice(newId(random), kind, target, targetTitle, title, text, consoleUrl, since, clock.instant());
    }

    /** @return 16 random hexadecimal digits (64 bits): a notice's id */
    public static String newId(SecureRandom random) {
        byte[] bytes = new byte[8];
        random.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
