package dev.keyhole.server.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.keyhole.server.TestClock;
import dev.keyhole.server.audit.AuditEvent;
import dev.keyhole.server.audit.AuditKind;
import dev.keyhole.server.config.NotifyConfig.EmailConfig;
import dev.keyhole.server.config.NotifyConfig.NtfyConfig;
import dev.keyhole.server.config.NotifyConfig.StartTls;
import dev.keyhole.server.config.NotifyConfig.WebhookConfig;
import dev.keyhole.testsupport.HttpSink;
import dev.keyhole.testsupport.LeakNeedles;
import dev.keyhole.testsupport.SmtpServer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The notifier with real channels and real receivers: a webhook receiver and an ntfy server on port 0 and aiosmtpd
 * with STARTTLS. Deliveries are retried with back-off, given up, dropped and audited; one channel that hangs delays
 * no other; and no secret reaches a receiver, the audit trail or the log.
 */
class NotifierTest {

    // Made at run time: a secret written in the source would be in the compiled class, where the leak scan looks.
    private static final String HOOK_SECRET = "whsec-" + UUID.randomUUID().toString().replace("-", "");
    // Made at run time: a secret written in the source would be in the compiled class, where the leak scan looks.
    private static final String NTFY_TOKEN = "tk_" + UUID.randomUUID().toString().replace("-", "");
    // Made at run time: a secret written in the source would be in the compiled class, where the leak scan looks.
    private static final String SMTP_PASSWORD = "smtp-pw-" + UUID.randomUUID().toString().replace("-", "");
    private static final Duration WAIT = Duration.ofSeconds(20);
    /** Back-offs short enough for a test, long enough to be told apart. */
    private static final Duration FIRST_BACK_OFF = Duration.ofMillis(200);

    private final RecordedAudit audit = new RecordedAudit();
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    private final List<AutoCloseable> closing = new ArrayList<>();
    private HttpSink hook;
    private HttpSink ntfy;

    @BeforeEach
    void start() {
        LeakNeedles.add(HOOK_SECRET);
        LeakNeedles.add(NTFY_TOKEN);
        LeakNeedles.add(SMTP_PASSWORD);
        hook = HttpSink.start();
        ntfy = HttpSink.start();
        logged.start();
        ((Logger) LoggerFactory.getLogger(Notifier.class)).addAppender(logged);
    }

    @AfterEach
    void stop() throws Exception {
        ((Logger) LoggerFactory.getLogger(Notifier.class)).detachAppender(logged);
        for (AutoCloseable c : closing) {
            c.close();
        }
        hook.close();
        ntfy.close();
    }

    private static Notifier.Policy policy() {
        return Notifier.Policy.retryingFor(Duration.ofHours(1)).withBackOff(FIRST_BACK_OFF, Duration.ofSeconds(5));
    }

    private WebhookChannel webhook(Duration timeout, Clock clock) {
        return new WebhookChannel(new WebhookConfig("hook", "", hook.url("/keyhole"), HOOK_SECRET),
                Channels.httpClient(), timeout, clock);
    }

    private NtfyChannel ntfyChannel() {
        return new NtfyChannel(new NtfyConfig("phones", "", ntfy.url("/keyhole-oncall"), NTFY_TOKEN, 4),
                Channels.httpClient(), WAIT);
    }

    private Notifier notifier(Notifier.Policy policy, Clock clock, Channel... channels) {
        Notifier notifier = new Notifier(List.of(channels), policy, audit, clock);
        closing.add(0, notifier);
        return notifier;
    }

    @Test
    void aDeliveryIsRetriedWithBackOffAfter500sAndItsSendAudited() throws Exception {
        hook.answer(500, 500, 200);
        Notifier notifier = notifier(policy(), Clock.systemUTC(), webhook(WAIT, Clock.systemUTC()));
        Notice notice = Notices.waiting();

        notifier.send(notice, List.of(Recipient.configured("hook")));

        AuditEvent sent = audit.awaitEnd(AuditKind.NOTIFICATION_SENT, "hook", notice.id(), WAIT);
        List<HttpSink.Request> requests = hook.requests();
        assertEquals(3, requests.size());
        Duration first = Duration.between(requests.get(0).receivedAt(), requests.get(1).receivedAt());
        Duration second = Duration.between(requests.get(1).receivedAt(), requests.get(2).receivedAt());
        assertTrue(first.compareTo(FIRST_BACK_OFF) >= 0, "the first retry waited " + first);
        assertTrue(second.compareTo(FIRST_BACK_OFF.multipliedBy(2)) >= 0, "the second retry waited twice as long: "
                + second);
        assertEquals("ok", sent.result());
        assertEquals(AuditEvent.KEYHOLE, sent.actor());
        assertEquals("web-1", sent.target());
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("channel", "hook");
        detail.put("type", "webhook");
        detail.put("recipient", "configured recipients");
        detail.put("notice", "waiting-for-passphrase");
        detail.put("noticeId", notice.id());
        detail.put("attempts", 3);
        assertEquals(detail, sent.detail());
        assertEquals(List.of(notice.id()), requests.stream().map(r -> r.header("Idempotency-Key")).distinct().toList(),
                "every try carries the same id");
        assertEquals(1, audit.events().size(), "one audit event for one delivery");
    }

    @Test
    void a4xxIsGivenUpAtOnceAndAuditedAsFailed() throws Exception {
        hook.answer(410);
        Notifier notifier = notifier(policy(), Clock.systemUTC(), webhook(WAIT, Clock.systemUTC()));
        Notice notice = Notices.waiting();

        notifier.send(notice, List.of(Recipient.configured("hook")));

        AuditEvent failed = audit.awaitEnd(AuditKind.NOTIFICATION_FAILED, "hook", notice.id(), WAIT);
        assertEquals("failed", failed.result());
        assertEquals(1, failed.detail().get("attempts"));
        assertEquals("HTTP 410: the receiver refused it", failed.detail().get("error"));
        assertEquals(1, hook.requests().size(), "not tried again");
    }

    @Test
    void aDeadWebhookDoesNotDelayNtfyOrEmailAndCloseDoesNotHangOnIt() throws Exception {
        assumeTrue(SmtpServer.installed(), "Debian's python3-aiosmtpd and openssl (./keyhole setup test)");
        SmtpServer smtp = SmtpServer.start(SmtpServer.Tls.REQUIRED, "keyhole", SMTP_PASSWORD);
        closing.add(smtp);
        hook.neverAnswer();
        EmailChannel email = new EmailChannel(new EmailConfig("mail", "", "127.0.0.1", smtp.port(), StartTls.REQUIRED,
                "keyhole", SMTP_PASSWORD, "keyhole@example.org", List.of("oncall@example.org")),
                smtp.sslContext().getSocketFactory(), WAIT);
        // The webhook waits far longer for its answer than this test for the others.
        Notifier notifier = new Notifier(List.of(webhook(Duration.ofMinutes(5), Clock.systemUTC()), ntfyChannel(),
                email), policy().withCloseGrace(Duration.ofMillis(500)), audit, Clock.systemUTC());
        Notice notice = Notices.waiting();

        notifier.send(notice, List.of(Recipient.configured("hook"), Recipient.configured("phones"),
                Recipient.configured("mail")));

        HttpSink.Request hanging = hook.awaitRequests(1, WAIT).get(0);
        HttpSink.Request pushed = ntfy.awaitRequests(1, WAIT).get(0);
        SmtpServer.Message mailed = smtp.awaitMessages(1, WAIT).get(0);
        audit.awaitEnd(AuditKind.NOTIFICATION_SENT, "phones", notice.id(), WAIT);
        audit.awaitEnd(AuditKind.NOTIFICATION_SENT, "mail", notice.id(), WAIT);
        assertEquals(List.of(), audit.events().stream().filter(e -> "hook".equals(e.detail().get("channel")))
                .toList(), "the webhook still hangs while the others are delivered");

        long start = System.nanoTime();
        notifier.close();
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertTrue(took.compareTo(Duration.ofSeconds(5)) < 0, "close() took " + took + " with a dead webhook");
        AuditEvent failed = audit.awaitEnd(AuditKind.NOTIFICATION_FAILED, "hook", notice.id(), WAIT);
        assertEquals("not delivered before Keyhole stopped (its try was cut short)", failed.detail().get("error"));

        String console = Notices.CONSOLE.toString();
        assertTrue(hanging.text().contains(console), "the webhook's body has the console's URL");
        assertTrue(pushed.text().contains(console) && console.equals(pushed.header("Click")), "so does ntfy's");
        assertTrue(mailed.text().contains(console), "and the email");
        assertTrue(mailed.tls(), "the email went under STARTTLS");
        assertNoSecretIn("the webhook receiver", hanging.everything());
        assertNoSecretIn("the ntfy server, besides its own token header",
                pushed.everything().replace("authorization: Bearer " + NTFY_TOKEN, ""));
        assertNoSecretIn("the SMTP server's message", mailed.text());
        assertNoSecretIn("the audit trail", audit.events().toString());
        assertNoSecretIn("the log", logged.list.stream().map(ILoggingEvent::getFormattedMessage).toList().toString());
    }

    @Test
    void aDeliveryThatKeepsFailingIsGivenUpOnceRetryForHasPassed() throws Exception {
        hook.answerAlways(503);
        TestClock clock = new TestClock(Instant.parse("2031-05-06T10:00:00Z"));
        Notifier notifier = notifier(Notifier.Policy.retryingFor(Duration.ofMinutes(1))
                .withBackOff(Duration.ofMillis(50), Duration.ofMillis(50)), clock, webhook(WAIT, clock));
        Notice notice = Notices.waiting();

        notifier.send(notice, List.of(Recipient.configured("hook")));
        hook.awaitRequests(2, WAIT);
        clock.advance(Duration.ofMinutes(2));

        AuditEvent failed = audit.awaitEnd(AuditKind.NOTIFICATION_FAILED, "hook", notice.id(), WAIT);
        assertEquals("given up after retrying for 1 min; last error: HTTP 503", failed.detail().get("error"));
        int attempts = (Integer) failed.detail().get("attempts");
        assertTrue(attempts >= 2, "tried " + attempts + " times");
        assertEquals(attempts, hook.requests().size(), "no try after giving up");
    }

    @Test
    void closeGivesWhatWaitsToRetryOneMoreTryAtOnce() throws Exception {
        hook.answer(500, 200);
        // The retry would come in a minute; close() does not wait for it.
        Notifier notifier = notifier(Notifier.Policy.retryingFor(Duration.ofHours(1))
                .withBackOff(Duration.ofMinutes(1), Duration.ofMinutes(5)), Clock.systemUTC(),
                webhook(WAIT, Clock.systemUTC()));
        Notice notice = Notices.waiting();
        notifier.send(notice, List.of(Recipient.configured("hook")));
        hook.awaitRequests(1, WAIT);

        notifier.close();

        AuditEvent sent = audit.awaitEnd(AuditKind.NOTIFICATION_SENT, "hook", notice.id(), WAIT);
        assertEquals(2, sent.detail().get("attempts"));
        notifier.send(Notices.waiting("00000000000000cc"), List.of(Recipient.configured("hook")));
        assertEquals("not sent: Keyhole is stopping", audit.awaitEnd(AuditKind.NOTIFICATION_FAILED, "hook",
                "00000000000000cc", WAIT).detail().get("error"), "after close, nothing more is sent");
    }

    @Test
    void aFullQueueDropsItsOldestUndeliveredNoticeAndSaysSo() throws Exception {
        hook.neverAnswer();
        Notifier notifier = notifier(policy().withQueueLimit(2).withCloseGrace(Duration.ofMillis(200)),
                Clock.systemUTC(), webhook(Duration.ofMinutes(5), Clock.systemUTC()));
        Notice first = Notices.waiting();
        notifier.send(first, List.of(Recipient.configured("hook")));
        hook.awaitRequests(1, WAIT);
        Notice second = Notices.waiting();
        Notice third = Notices.waiting();
        Notice fourth = Notices.waiting();

        notifier.send(second, List.of(Recipient.configured("hook")));
        notifier.send(third, List.of(Recipient.configured("hook")));
        notifier.send(fourth, List.of(Recipient.configured("hook")));

        List<AuditEvent> dropped = audit.await("two dropped", 2, e -> "dropped".equals(e.result()), WAIT);
        assertEquals(List.of(second.id(), third.id()), dropped.stream().map(e -> e.detail().get("noticeId"))
                .toList(), "the oldest not being tried go first; the one being tried stays");
        assertEquals("dropped: the channel's queue was full (2 undelivered)", dropped.get(0).detail().get("error"));
        assertEquals(AuditKind.NOTIFICATION_FAILED, dropped.get(0).kind());
        notifier.close();
        audit.awaitEnd(AuditKind.NOTIFICATION_FAILED, "hook", first.id(), WAIT);
        audit.awaitEnd(AuditKind.NOTIFICATION_FAILED, "hook", fourth.id(), WAIT);
    }

    @Test
    void aRecipientOnNoChannelOrWithAnAddressOnAWebhookIsRecordedAsFailedAndNothingThrows() throws Exception {
        Notifier notifier = notifier(policy(), Clock.systemUTC(), webhook(WAIT, Clock.systemUTC()), ntfyChannel());
        Notice notice = Notices.waiting();

        notifier.send(notice, List.of(Recipient.configured("pager"), Recipient.address("hook", "https://evil.example/",
                "mallory"), Recipient.address("phones", "ann-phone", "ann")));

        AuditEvent unknown = audit.awaitEnd(AuditKind.NOTIFICATION_FAILED, "pager", notice.id(), WAIT);
        assertEquals("no channel is called pager", unknown.detail().get("error"));
        assertEquals("unknown", unknown.detail().get("type"));
        AuditEvent address = audit.awaitEnd(AuditKind.NOTIFICATION_FAILED, "hook", notice.id(), WAIT);
        assertEquals("a webhook channel sends to its configured recipients only, never to an address of its own",
                address.detail().get("error"));
        assertEquals("mallory", address.detail().get("user"));
        AuditEvent sent = audit.awaitEnd(AuditKind.NOTIFICATION_SENT, "phones", notice.id(), WAIT);
        assertEquals("ann-phone", sent.detail().get("recipient"));
        assertEquals("ann", sent.detail().get("user"));
        assertEquals(List.of("/ann-phone"), ntfy.requests().stream().map(HttpSink.Request::path).toList());
        assertEquals(List.of(), hook.requests(), "the webhook was never called");
    }

    @Test
    void theRetryWaitDoublesUpToItsLongest() {
        Notifier.Policy policy = Notifier.Policy.retryingFor(Duration.ofHours(1));
        List<Duration> waits = new ArrayList<>();
        for (int attempts = 1; attempts <= 11; attempts++) {
            waits.add(policy.delayAfter(attempts));
        }
        assertEquals(List.of(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4), Duration.ofSeconds(8),
                Duration.ofSeconds(16), Duration.ofSeconds(32), Duration.ofSeconds(64), Duration.ofSeconds(128),
                Duration.ofSeconds(256), Duration.ofMinutes(5), Duration.ofMinutes(5)), waits);
        assertEquals(Duration.ofMinutes(5), policy.delayAfter(1000), "no overflow after many tries");
    }

    private static void assertNoSecretIn(String where, String text) {
        for (String secret : List.of(HOOK_SECRET, NTFY_TOKEN, SMTP_PASSWORD)) {
            assertFalse(text.contains(secret), where + " holds a secret: " + text);
        }
    }
}
