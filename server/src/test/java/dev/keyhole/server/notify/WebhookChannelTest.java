package dev.keyhole.server.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keyhole.server.TestClock;
import dev.keyhole.server.config.NotifyConfig.WebhookConfig;
import dev.keyhole.testsupport.HttpSink;
import dev.keyhole.testsupport.LeakNeedles;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The webhook channel against a real HTTP receiver: the body's schema, its signature, and what each answer means. */
class WebhookChannelTest {

    // Made at run time: a secret written in the source would be in the compiled class, where the leak scan looks.
    private static final String SECRET = "whsec-" + UUID.randomUUID().toString().replace("-", "");
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final TestClock clock = new TestClock(Instant.parse("2031-05-06T10:00:07Z"));
    private HttpSink sink;

    @BeforeEach
    void start() {
        LeakNeedles.add(SECRET);
        sink = HttpSink.start();
    }

    @AfterEach
    void stop() {
        sink.close();
    }

    private WebhookChannel channel(Duration timeout) {
        return new WebhookChannel(new WebhookConfig("hook", "", sink.url("/hooks/keyhole"), SECRET),
                Channels.httpClient(), timeout, clock);
    }

    @Test
    void theReceiverChecksTheSignatureWithTheSecretAndReadsTheStableSchema() throws Exception {
        Notice notice = Notices.waiting("0123456789abcdef");
        assertEquals(Attempt.delivered(), channel(WAIT).deliver(notice, Recipient.configured("hook")));

        HttpSink.Request request = sink.awaitRequests(1, WAIT).get(0);
        assertEquals("POST", request.method());
        assertEquals("/hooks/keyhole", request.path());
        assertEquals("application/json; charset=utf-8", request.header("Content-Type"));
        assertEquals("0123456789abcdef", request.header("Idempotency-Key"));
        String timestamp = request.header("X-Keyhole-Timestamp");
        assertEquals(Long.toString(clock.instant().getEpochSecond()), timestamp);
        // As a receiver checks it: its own HMAC of "timestamp.body" with the shared secret.
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        mac.update((timestamp + ".").getBytes(StandardCharsets.UTF_8));
        String expected = "sha256=" + HexFormat.of().formatHex(mac.doFinal(request.body()));
        assertEquals(expected, request.header("X-Keyhole-Signature"));

        JsonNode body = new ObjectMapper().readTree(request.body());
        List<String> fields = new ArrayList<>();
        body.fieldNames().forEachRemaining(fields::add);
        assertEquals(List.of("schema", "id", "kind", "target", "targetTitle", "title", "text", "consoleUrl", "since",
                "at"), fields, "the schema's fields, in its order");
        assertEquals("keyhole.notice.v1", body.get("schema").asText());
        assertEquals("0123456789abcdef", body.get("id").asText());
        assertEquals("waiting-for-passphrase", body.get("kind").asText());
        assertEquals("web-1", body.get("target").asText());
        assertEquals("Web server 1", body.get("targetTitle").asText());
        assertEquals("web-1 waits for its disk passphrase", body.get("title").asText());
        assertEquals(Notices.CONSOLE.toString(), body.get("consoleUrl").asText());
        assertEquals("2031-05-06T09:58:00Z", body.get("since").asText());
        assertEquals("2031-05-06T10:00:00Z", body.get("at").asText());
        assertFalse(request.everything().contains(SECRET), "the receiver never sees the secret itself");
    }

    @Test
    void aNoticeWithoutASinceTimeSaysNull() throws Exception {
        Notice test = new Notice("feedc0de00000001", NoticeKind.TEST, "web-1", null, "A test from Keyhole", null,
                Notices.CONSOLE, null, Notices.AT);
        channel(WAIT).deliver(test, Recipient.configured("hook"));
        JsonNode body = new ObjectMapper().readTree(sink.awaitRequests(1, WAIT).get(0).body());
        assertTrue(body.get("since").isNull());
        assertEquals("test", body.get("kind").asText());
        assertEquals("web-1", body.get("targetTitle").asText(), "a console without a title shows its name");
    }

    @Test
    void eachAnswerMeansDeliveredRetryOrGiveUp() throws Exception {
        sink.answer(204, 500, 503, 408, 429, 404, 401, 302);
        WebhookChannel channel = channel(WAIT);
        List<Attempt> attempts = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            attempts.add(channel.deliver(Notices.waiting(), Recipient.configured("hook")));
        }
        assertEquals(List.of(Attempt.delivered(), Attempt.retry("HTTP 500"), Attempt.retry("HTTP 503"),
                Attempt.retry("HTTP 408"), Attempt.retry("HTTP 429"),
                Attempt.giveUp("HTTP 404: the receiver refused it"), Attempt.giveUp("HTTP 401: the receiver refused it"),
                Attempt.giveUp("HTTP 302: the receiver redirects, and a notice is never sent elsewhere than "
                        + "configured; configure the URL it redirects to")), attempts);
    }

    @Test
    void aReceiverThatNeverAnswersIsRetriedAfterTheTimeLimit() throws Exception {
        sink.neverAnswer();
        Attempt attempt = channel(Duration.ofMillis(300)).deliver(Notices.waiting(), Recipient.configured("hook"));
        assertEquals(Attempt.Outcome.RETRY, attempt.outcome());
        assertEquals("no answer within 300 ms", attempt.error());
    }

    @Test
    void noReceiverIsRetriedAndTheErrorSaysSo() throws Exception {
        int port = sink.port();
        sink.close();
        Attempt attempt = new WebhookChannel(new WebhookConfig("hook", "",
                URI.create("http://127.0.0.1:" + port + "/hooks"), SECRET), Channels.httpClient(), WAIT,
                clock).deliver(Notices.waiting(), Recipient.configured("hook"));
        assertEquals(Attempt.Outcome.RETRY, attempt.outcome());
        assertTrue(attempt.error().startsWith("cannot connect"), attempt.error());
        sink = HttpSink.start();
    }

    @Test
    void aWebhookTakesNoAddressOfItsOwn() throws Exception {
        Attempt attempt = channel(WAIT).deliver(Notices.waiting(), Recipient.address("hook", "x@example.org", "ann"));
        assertEquals(Attempt.Outcome.GIVE_UP, attempt.outcome());
        assertEquals(List.of(), sink.requests());
    }
}
