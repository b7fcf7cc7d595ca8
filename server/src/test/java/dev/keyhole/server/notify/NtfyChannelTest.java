package dev.keyhole.server.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keyhole.server.config.NotifyConfig.NtfyConfig;
import dev.keyhole.testsupport.HttpSink;
import dev.keyhole.testsupport.LeakNeedles;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The ntfy channel against a real ntfy-compatible HTTP receiver: topic, headers, priority, token. */
class NtfyChannelTest {

    // Made at run time: a secret written in the source would be in the compiled class, where the leak scan looks.
    private static final String TOKEN = "tk_" + UUID.randomUUID().toString().replace("-", "");
    private static final Duration WAIT = Duration.ofSeconds(10);

    private HttpSink ntfy;

    @BeforeEach
    void start() {
        LeakNeedles.add(TOKEN);
        ntfy = HttpSink.start();
    }

    @AfterEach
    void stop() {
        ntfy.close();
    }

    private NtfyChannel channel(String path, String token, int priority) {
        return new NtfyChannel(new NtfyConfig("phones", "", ntfy.url(path), token, priority), Channels.httpClient(),
                WAIT);
    }

    @Test
    void theChannelsTopicGetsTheTitlePriorityClickUrlAndText() throws Exception {
        assertEquals(Attempt.delivered(), channel("/keyhole-oncall", TOKEN, 4).deliver(Notices.waiting(),
                Recipient.configured("phones")));

        HttpSink.Request request = ntfy.awaitRequests(1, WAIT).get(0);
        assertEquals("POST", request.method());
        assertEquals("/keyhole-oncall", request.path());
        assertEquals("web-1 waits for its disk passphrase", request.header("Title"));
        assertEquals("4", request.header("Priority"));
        assertEquals(Notices.CONSOLE.toString(), request.header("Click"));
        assertEquals("lock,keyhole", request.header("Tags"));
        assertEquals("Bearer " + TOKEN, request.header("Authorization"), "the token goes to the ntfy server only");
        assertEquals("Web server 1 (web-1) waits for its disk passphrase at the initramfs prompt.\n\n"
                + "Console (sign-in required): " + Notices.CONSOLE, request.text());
        String besidesItsHeader = request.everything().replace("authorization: Bearer " + TOKEN, "");
        assertFalse(besidesItsHeader.contains(TOKEN), "the token appears nowhere else: " + besidesItsHeader);
    }

    @Test
    void aUsersTopicIsOnTheSameServerAndNoTokenMeansNoAuthorization() throws Exception {
        NtfyChannel channel = channel("/keyhole-oncall", "", 4);
        assertEquals(Attempt.delivered(), channel.deliver(Notices.waiting(),
                Recipient.address("phones", "ann_phone-42", "ann")));
        HttpSink.Request request = ntfy.awaitRequests(1, WAIT).get(0);
        assertEquals("/ann_phone-42", request.path());
        assertNull(request.header("Authorization"));

        Attempt refused = channel.deliver(Notices.waiting(), Recipient.address("phones", "../admin?x=1", "ann"));
        assertEquals(Attempt.Outcome.GIVE_UP, refused.outcome());
        assertEquals(1, ntfy.requests().size(), "a topic that is not one is never sent to");
    }

    @Test
    void aServerAloneSendsOnlyToUsersTopics() throws Exception {
        NtfyChannel channel = channel("/", TOKEN, 4);
        assertEquals(Attempt.Outcome.GIVE_UP, channel.deliver(Notices.waiting(), Recipient.configured("phones"))
                .outcome());
        assertEquals(Attempt.delivered(), channel.deliver(Notices.waiting(), Recipient.address("phones", "bob", "bob")));
        assertEquals(List.of("/bob"), ntfy.awaitRequests(1, WAIT).stream().map(HttpSink.Request::path).toList());
    }

    @Test
    void whatNeedsSomeoneHasTheChannelsPriorityAndTheRestAtMostThree() {
        NtfyChannel urgent = channel("/t", "", 5);
        NtfyChannel quiet = channel("/t", "", 2);
        assertEquals(5, urgent.priority(NoticeKind.WAITING_FOR_PASSPHRASE));
        assertEquals(5, urgent.priority(NoticeKind.WRONG_PASSPHRASE));
        assertEquals(5, urgent.priority(NoticeKind.REMINDER));
        assertEquals(5, urgent.priority(NoticeKind.VM_ABORTED));
        assertEquals(3, urgent.priority(NoticeKind.RESOLVED));
        assertEquals(3, urgent.priority(NoticeKind.TEST));
        assertEquals(2, quiet.priority(NoticeKind.WAITING_FOR_PASSPHRASE));
        assertEquals(2, quiet.priority(NoticeKind.RESOLVED));
        assertEquals(4, channel("/t", "", NtfyConfig.DEFAULT_PRIORITY).priority(NoticeKind.REMINDER));
        assertEquals(3, channel("/t", "", NtfyConfig.DEFAULT_PRIORITY).priority(NoticeKind.RESOLVED));
    }

    @Test
    void aTitleThatIsNotAsciiIsSentAsAnEncodedWord() throws Exception {
        Notice notice = new Notice("00000000000000aa", NoticeKind.RESOLVED, "db-1", "Datenbank Müller",
                "Datenbank Müller ist entsperrt", "", Notices.CONSOLE, Notices.SINCE, Notices.AT);
        channel("/t", "", 4).deliver(notice, Recipient.configured("phones"));
        String title = ntfy.awaitRequests(1, WAIT).get(0).header("Title");
        assertTrue(title.startsWith("=?UTF-8?B?") && title.endsWith("?="), title);
        String decoded = new String(Base64.getDecoder().decode(title.substring(10, title.length() - 2)),
                StandardCharsets.UTF_8);
        assertEquals("Datenbank Müller ist entsperrt", decoded);
        assertEquals("white_check_mark,keyhole", ntfy.requests().get(0).header("Tags"));
        assertEquals("3", ntfy.requests().get(0).header("Priority"));
    }

    @Test
    void answersCountAsForAWebhook() throws Exception {
        ntfy.answer(200, 500, 403);
        NtfyChannel channel = channel("/t", TOKEN, 4);
        assertEquals(Attempt.Outcome.DELIVERED, channel.deliver(Notices.waiting(), Recipient.configured("p")).outcome());
        assertEquals(Attempt.retry("HTTP 500"), channel.deliver(Notices.waiting(), Recipient.configured("p")));
        assertEquals(Attempt.giveUp("HTTP 403: the receiver refused it"),
                channel.deliver(Notices.waiting(), Recipient.configured("p")));
    }
}
