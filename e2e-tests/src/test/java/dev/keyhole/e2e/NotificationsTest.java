package dev.keyhole.e2e;

import static dev.keyhole.e2e.pages.ConsolePage.State.CONNECTED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keyhole.e2e.fixtures.Browser;
import dev.keyhole.e2e.fixtures.E2ePaths;
import dev.keyhole.e2e.fixtures.Fixtures;
import dev.keyhole.e2e.fixtures.InjectKeyhole;
import dev.keyhole.e2e.fixtures.KeyholeE2E;
import dev.keyhole.e2e.fixtures.KeyholeSetup;
import dev.keyhole.e2e.fixtures.LockedConsole;
import dev.keyhole.e2e.fixtures.LockedTarget;
import dev.keyhole.e2e.fixtures.Passphrases;
import dev.keyhole.e2e.fixtures.RunningKeyhole;
import dev.keyhole.e2e.fixtures.SignedIn;
import dev.keyhole.e2e.fixtures.Waits;
import dev.keyhole.e2e.pages.ConsolePage;
import dev.keyhole.server.accounts.Role;
import dev.keyhole.server.accounts.User;
import dev.keyhole.server.audit.AuditRecord;
import dev.keyhole.server.config.KeyholeConfig;
import dev.keyhole.server.config.NotifyConfig;
import dev.keyhole.server.notify.WebhookChannel;
import dev.keyhole.testsupport.HttpSink;
import dev.keyhole.testsupport.LeakNeedles;
import dev.keyhole.testsupport.SmtpServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Keyhole tells the on-call people that the real locked console waits for its passphrase, on every kind of
 * channel, each a real receiver: a webhook (its signature checked), an ntfy-like server, and an SMTP server
 * (Debian's aiosmtpd); a reminder while it waits, a wrong passphrase, and "unlocked by" once it is. A webhook that
 * never answers delays none of the others. Nothing secret reaches any of them.
 */
@KeyholeE2E
class NotificationsTest {

    /** Made at run time (a secret in the source would be in the compiled class, where the leak scan looks). */
    private static final String SECRET = "whsec-" + java.util.UUID.randomUUID().toString().replace("-", "");
    private static final Duration ARRIVES = Duration.ofSeconds(20);
    private static final Duration REMIND_AFTER = Duration.ofSeconds(8);
    private static final String VERAS_TOPIC = "vera-topic-4c8d1";

    private static HttpSink webhook;
    private static HttpSink deadWebhook;
    private static HttpSink ntfy;
    private static SmtpServer smtp;

    @BeforeAll
    static void startReceivers() {
        LeakNeedles.add(SECRET);
        webhook = HttpSink.start();
        deadWebhook = HttpSink.start().neverAnswer();
        ntfy = HttpSink.start();
        smtp = SmtpServer.start(SmtpServer.Tls.NONE, "", "");
    }

    @AfterAll
    static void stopReceivers() {
        for (AutoCloseable receiver : new AutoCloseable[] {webhook, deadWebhook, ntfy, smtp}) {
            try {
                receiver.close();
            } catch (Exception e) {
                // stopping a receiver changes nothing of what the test saw
            }
        }
    }

    /** The locked console, watched, with four channels: a webhook, a dead one, ntfy and email. */
    static final class FourChannels implements KeyholeSetup {
        @Override
        public void configure(KeyholeConfig.Builder keyhole, Fixtures fixtures) {
            new LockedTarget().configure(keyhole, fixtures);
            // The dead webhook comes first: its queue hangs, the others' must not.
            keyhole.notify(new NotifyConfig(REMIND_AFTER, Duration.ofMinutes(5), List.of(
                    new NotifyConfig.WebhookConfig("dead-hook", "", deadWebhook.url("/hook"), SECRET),
                    new NotifyConfig.WebhookConfig("on-call", "", webhook.url("/hook"), SECRET),
                    new NotifyConfig.NtfyConfig("phones", "", ntfy.url("/keyhole-oncall"), "", 4),
                    new NotifyConfig.EmailConfig("mail", "", "127.0.0.1", smtp.port(), NotifyConfig.StartTls.OFF,
                            "", "", "keyhole@example.org", List.of("oncall@example.org")))));
        }
    }

    @Test
    void theOnCallHearOfTheWaitingConsoleItsReminderItsWrongPassphraseAndItsUnlock(
            @InjectKeyhole(FourChannels.class) RunningKeyhole keyhole, LockedConsole console, Browser browser)
            throws Exception {
        String consoleUrl = keyhole.uri().resolve("/console.html?target=" + RunningKeyhole.TARGET).toString();
        // A viewer subscribes with a topic of her own; Keyhole sends her what happens from then on.
        User vera = keyhole.accounts().addUser("vera", Role.VIEWER, List.of(RunningKeyhole.TARGET),
                RunningKeyhole.TEST_PASSWORD);
        SignedIn asVera = SignedIn.redeem(keyhole.uri(), keyhole.signInLink(vera));
        Map<String, String> headers = new LinkedHashMap<>(asVera.headers());
        headers.put("Content-Type", "application/json");
        RawHttp.Answer subscribed = RawHttp.send(keyhole.uri(), "POST", "/api/me/subscriptions", null, headers,
                "{\"channel\":\"phones\",\"address\":\"" + VERAS_TOPIC + "\",\"targets\":[\""
                        + RunningKeyhole.TARGET + "\"]}");
        assertEquals(200, subscribed.status(), subscribed::toString);

        // Waiting: every live channel hears of it, while the dead webhook still hangs on its first try.
        JsonNode waiting = webhookNotice(1, "waiting-for-passphrase");
        assertEquals(consoleUrl, waiting.get("consoleUrl").asText());
        assertEquals("locked waits for its disk passphrase", waiting.get("title").asText());
        HttpSink.Request pushed = awaitNtfy("waiting for its disk passphrase");
        assertEquals(consoleUrl, pushed.header("Click"));
        assertEquals("/keyhole-oncall", pushed.path());
        SmtpServer.Message mail = awaitMail("locked waits for its disk passphrase");
        assertTrue(mail.text().contains(consoleUrl), mail::text);
        assertEquals(List.of("oncall@example.org"), mail.recipients());
        assertEquals(1, deadWebhook.requests().size(), "the dead webhook holds its first try, unanswered");

        // A reminder while it still waits.
        webhookNotice(2, "reminder");

        // A wrong passphrase, typed through the page, and then the right one: told, with who typed it.
        ConsolePage page = ConsolePage.open(browser, keyhole, RunningKeyhole.TARGET).waitForState(CONNECTED)
                .waitForPicture();
        page.typePassphrase(Passphrases.wrong());
        console.awaitEvent("prompt 2", Duration.ofSeconds(30));
        JsonNode wrong = awaitWebhook("wrong-passphrase");
        assertTrue(wrong.get("text").asText().contains("by " + RunningKeyhole.TEST_USER), wrong::toString);
        page.typePassphrase(Passphrases.right());
        console.awaitUnlocked(Duration.ofSeconds(30));
        JsonNode resolved = awaitWebhook("resolved");
        assertTrue(resolved.get("title").asText().startsWith("locked unlocked by " + RunningKeyhole.TEST_USER
                + " at "), resolved::toString);
        awaitMail("locked unlocked by " + RunningKeyhole.TEST_USER);
        // Vera's own topic heard of the wrong passphrase and the unlock; the channel's topic did too.
        for (String words : List.of("wrong passphrase was typed", "unlocked by")) {
            await("vera's topic to hear \"" + words + "\"", ntfy::requests,
                    r -> r.path().equals("/" + VERAS_TOPIC) && r.text().contains(words));
        }

        // Every webhook request is signed with the channel's secret over its timestamp and body.
        for (HttpSink.Request request : webhook.requests()) {
            String signature = WebhookChannel.signature(SECRET.getBytes(StandardCharsets.UTF_8),
                    request.header(WebhookChannel.TIMESTAMP_HEADER), request.body());
            assertEquals("sha256=" + signature, request.header(WebhookChannel.SIGNATURE_HEADER), request::text);
        }

        // Each delivery is in the audit trail, by channel.
        keyhole.audit().awaitWritten(Duration.ofSeconds(10));
        List<AuditRecord> sent = new ArrayList<>();
        keyhole.audit().store().forEach(java.time.Instant.EPOCH, record -> {
            if (record.kind().equals("notification-sent")) {
                sent.add(record);
            }
        });
        for (String channel : List.of("on-call", "phones", "mail")) {
            assertTrue(sent.stream().anyMatch(r -> r.detail().contains("\"" + channel + "\"")),
                    () -> "no notification-sent on " + channel + ": " + sent);
        }

        // Nothing secret reached a receiver: no passphrase, no webhook secret, no session or link token. What they
        // received is kept where the leak scan reads, which looks for every secret of the run.
        String received = everythingReceived();
        for (String secret : List.of(Passphrases.right(), Passphrases.wrong(), SECRET,
                keyhole.signedIn().session())) {
            assertFalse(received.contains(secret), "a receiver got a secret");
        }
        Path kept = E2ePaths.target().resolve("notifications/received.txt");
        Files.createDirectories(kept.getParent());
        Files.writeString(kept, received);
    }

    private static JsonNode webhookNotice(int count, String kind) throws Exception {
        List<HttpSink.Request> requests = webhook.awaitRequests(count, ARRIVES);
        JsonNode notice = new ObjectMapper().readTree(requests.get(count - 1).body());
        assertEquals(kind, notice.get("kind").asText(), notice::toString);
        return notice;
    }

    private static JsonNode awaitWebhook(String kind) throws Exception {
        return new ObjectMapper().readTree(await("a " + kind + " notice on the webhook", webhook::requests,
                r -> r.text().contains("\"kind\":\"" + kind + "\"")).body());
    }

    private static HttpSink.Request awaitNtfy(String words) {
        return await("an ntfy message saying \"" + words + "\"", ntfy::requests, r -> r.text().contains(words));
    }

    private static SmtpServer.Message awaitMail(String subject) {
        return await("a mail about \"" + subject + "\"", smtp::messages,
                m -> m.header("Subject") != null && m.header("Subject").startsWith(subject));
    }

    private static <T> T await(String what, java.util.function.Supplier<List<T>> received, Predicate<T> wanted) {
        Waits.until(what, ARRIVES, () -> received.get().size() + " received",
                () -> received.get().stream().anyMatch(wanted));
        return received.get().stream().filter(wanted).findFirst().orElseThrow();
    }

    private static String everythingReceived() {
        StringBuilder all = new StringBuilder();
        for (HttpSink sink : List.of(webhook, deadWebhook, ntfy)) {
            sink.requests().forEach(r -> all.append(r.everything()).append('\n'));
        }
        smtp.messages().forEach(m -> all.append(new String(m.raw(), StandardCharsets.UTF_8)).append('\n'));
        return all.toString();
    }
}
