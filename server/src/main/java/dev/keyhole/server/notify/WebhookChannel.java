package dev.keyhole.server.notify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keyhole.server.config.NotifyConfig.WebhookConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A webhook: each notice is POSTed as JSON to one URL, signed so that its receiver can tell it came from Keyhole and
 * was not changed or replayed much later.
 *
 * <p>The body has a stable schema, {@value #SCHEMA}: {@code {"schema", "id", "kind", "target", "targetTitle",
 * "title", "text", "consoleUrl", "since", "at"}} in that order, times as ISO-8601 UTC strings ({@code since} may be
 * null). New fields may be added to this schema; none is removed or changes meaning without a new schema name.
 * Headers: {@code X-Keyhole-Timestamp} (the send time, in seconds since 1970), {@code X-Keyhole-Signature:
 * sha256=HEX}, HEX being the lower-case HMAC-SHA256, with the channel's secret as key, of the timestamp, a
 * {@code .}, and the body's bytes; and {@code Idempotency-Key}, the notice's id, which stays the same over retries.
 *
 * <p>A 2xx answer is delivered; a 4xx but 408 and 429 is given up (the receiver refused it: another try would not
 * change that), as is a 3xx (redirects are not followed: a signed POST goes where it was configured to); anything
 * else, or no answer within the time limit, is tried again.
 */
public final class WebhookChannel implements Channel {

    /** The schema name of the body. */
    public static final String SCHEMA = "keyhole.notice.v1";
    /** The header carrying the send time, in seconds since 1970. */
    public static final String TIMESTAMP_HEADER = "X-Keyhole-Timestamp";
    /** The header carrying {@code sha256=HEX}. */
    public static final String SIGNATURE_HEADER = "X-Keyhole-Signature";
    /** How long one try may take, from connecting to the answer's status, when nobody says. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String name;
    private final URI url;
    private final byte[] secret;
    private final String secretText;
    private final HttpClient http;
    private final Duration timeout;
    private final Clock clock;

    /**
     * @param config  the channel's configuration
     * @param http    the client it POSTs with (its connect timeout is its own; see {@link Channels#httpClient})
     * @param timeout how long one try may take
     * @param clock   the time the signature covers
     */
    public WebhookChannel(WebhookConfig config, HttpClient http, Duration timeout, Clock clock) {
        this.name = config.name();
        this.url = config.url();
        this.secretText = config.secret();
        this.secret = config.secret().getBytes(StandardCharsets.UTF_8);
        this.http = Objects.requireNonNull(http, "http");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String type() {
        return WebhookConfig.TYPE;
    }

    @Override
    public boolean takesAddresses() {
        return false;
    }

    @Override
    public Attempt deliver(Notice notice, Recipient recipient) throws InterruptedException {
        if (!recipient.isConfigured()) {
            return Attempt.giveUp("a webhook sends to its configured URL only, never to an address of its own");
        }
        byte[] body = body(notice);
        String timestamp = Long.toString(clock.instant().getEpochSecond());
        HttpRequest request = HttpRequest.newBuilder(url)
                .timeout(timeout)
                .header("Content-Type", "application/json; charset=utf-8")
                .header("User-Agent", "Keyhole")
                .header("Idempotency-Key", notice.id())
                .header(TIMESTAMP_HEADER, timestamp)
                .header(SIGNATURE_HEADER, "sha256=" + signature(secret, timestamp, body))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        try {
            HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
            return HttpAnswers.judge(response.statusCode());
        } catch (HttpTimeoutException e) {
            return Attempt.retry("no answer within " + Errors.duration(timeout));
        } catch (IOException e) {
            return Attempt.retry(HttpAnswers.describe(e, secretText));
        }
    }

    /**
     * @param notice a notice
     * @return its JSON body, schema {@value #SCHEMA}, as UTF-8
     */
    public static byte[] body(Notice notice) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("schema", SCHEMA);
        fields.put("id", notice.id());
        fields.put("kind", notice.kind().id());
        fields.put("target", notice.target());
        fields.put("targetTitle", notice.targetTitle());
        fields.put("title", notice.title());
        fields.put("text", notice.text());
        fields.put("consoleUrl", notice.consoleUrl().toString());
        fields.put("since", notice.since() == null ? null : notice.since().toString());
        fields.put("at", notice.at().toString());
        try {
            return JSON.writeValueAsBytes(fields);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a notice as JSON", e);
        }
    }

    /**
     * @param secret    the channel's key
     * @param timestamp the {@value #TIMESTAMP_HEADER} header's value
     * @param body      the body's bytes
     * @return the lower-case hexadecimal HMAC-SHA256 of {@code timestamp + "." + body}, as the signature header
     *         carries it after {@code sha256=}
     */
    public static String signature(byte[] secret, String timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            mac.update(timestamp.getBytes(StandardCharsets.US_ASCII));
            mac.update((byte) '.');
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is part of every JDK", e);
        }
    }
}
