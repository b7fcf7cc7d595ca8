package dev.keyhole.server.notify;

import dev.keyhole.server.config.NotifyConfig.NtfyConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * An ntfy server: each notice is POSTed as plain text to a topic's URL, with the headers ntfy reads: {@code Title}
 * (the notice's title; RFC 2047-encoded when it is not ASCII, which ntfy decodes), {@code Priority} (the configured
 * one, 4 by default, for a notice that asks someone to act; at most 3 for the others), {@code Click} (the console's
 * URL, opened when the message is tapped) and {@code Tags} (an emoji by kind). With a token, it is sent as
 * {@code Authorization: Bearer}.
 *
 * <p>The configured recipients are the channel's own topic, its URL; a user's topic replaces the URL's last path
 * segment, so it lives on the same server. Answers count as for a webhook: 2xx delivered; 3xx, and 4xx but 408 and
 * 429, given up; anything else retried.
 */
public final class NtfyChannel implements Channel {

    /** What an ntfy topic may be called (as ntfy itself allows). */
    public static final Pattern TOPIC = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private final String name;
    private final URI url;
    private final String token;
    private final int priority;
    private final HttpClient http;
    private final Duration timeout;

    /**
     * @param config  the channel's configuration
     * @param http    the client it POSTs with
     * @param timeout how long one try may take
     */
    public NtfyChannel(NtfyConfig config, HttpClient http, Duration timeout) {
        this.name = config.name();
        this.url = config.url();
        this.token = config.token();
        this.priority = config.priority();
        this.http = Objects.requireNonNull(http, "http");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String type() {
        return NtfyConfig.TYPE;
    }

    @Override
    public boolean takesAddresses() {
        return true;
    }

    @Override
    public Attempt deliver(Notice notice, Recipient recipient) throws InterruptedException {
        URI topic;
        if (recipient.isConfigured()) {
            if (url.getRawPath().endsWith("/")) {
                return Attempt.giveUp("the channel names no topic of its own (its URL ends in /): only users' "
                        + "topics get its messages");
            }
            topic = url;
        } else if (TOPIC.matcher(recipient.address()).matches()) {
            topic = url.resolve(recipient.address());
        } else {
            return Attempt.giveUp("not an ntfy topic (letters, digits, '_' and '-', at most 64)");
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(topic)
                .timeout(timeout)
                .header("Content-Type", "text/plain; charset=utf-8")
                .header("User-Agent", "Keyhole")
                .header("Title", header(notice.title()))
                .header("Priority", Integer.toString(priority(notice.kind())))
                .header("Click", notice.consoleUrl().toASCIIString())
                .header("Tags", tags(notice.kind()))
                .POST(HttpRequest.BodyPublishers.ofString(body(notice), StandardCharsets.UTF_8));
        if (!token.isEmpty()) {
            request.header("Authorization", "Bearer " + token);
        }
        try {
            HttpResponse<Void> response = http.send(request.build(), HttpResponse.BodyHandlers.discarding());
            return HttpAnswers.judge(response.statusCode());
        } catch (HttpTimeoutException e) {
            return Attempt.retry("no answer within " + Errors.duration(timeout));
        } catch (IOException e) {
            return Attempt.retry(HttpAnswers.describe(e, token));
        }
    }

    /** @return ntfy's priority for a notice of {@code kind}: the channel's when someone must act, else 3 at most */
    int priority(NoticeKind kind) {
        return kind.needsSomeone() ? priority : Math.min(3, priority);
    }

    /** The message: the notice's text, then where its console is. */
    private static String body(Notice notice) {
        String text = notice.text().isBlank() ? notice.title() : notice.text().strip();
        return text + "\n\nConsole (sign-in required): " + notice.consoleUrl();
    }

    /** ntfy's tags (shortcodes it shows as emoji) by kind. */
    private static String tags(NoticeKind kind) {
        return switch (kind) {
            case WAITING_FOR_PASSPHRASE, REMINDER -> "lock,keyhole";
            case WRONG_PASSPHRASE -> "x,keyhole";
            case RESOLVED -> "white_check_mark,keyhole";
            case VM_ABORTED, VM_RESTART_FAILED -> "warning,keyhole";
            case VM_RESTARTED -> "arrows_counterclockwise,keyhole";
            case TEST -> "test_tube,keyhole";
        };
    }

    /** A header value: as it is when ASCII, else one RFC 2047 encoded word (UTF-8, base64), which ntfy decodes. */
    static String header(String text) {
        if (text.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
            return text;
        }
        return "=?UTF-8?B?" + Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8)) + "?=";
    }
}
