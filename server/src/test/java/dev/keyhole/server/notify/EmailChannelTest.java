package dev.keyhole.server.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.keyhole.server.config.NotifyConfig.EmailConfig;
import dev.keyhole.server.config.NotifyConfig.StartTls;
import dev.keyhole.testsupport.LeakNeedles;
import dev.keyhole.testsupport.SmtpServer;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import javax.net.ssl.SSLSocketFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The email channel against a real SMTP server (aiosmtpd) with STARTTLS: what arrives, and what is refused. */
class EmailChannelTest {

    // Made at run time: a secret written in the source would be in the compiled class, where the leak scan looks.
    private static final String PASSWORD = "smtp-pw-" + UUID.randomUUID().toString().replace("-", "");
    private static final Duration WAIT = Duration.ofSeconds(20);

    @BeforeAll
    static void needsTheServer() {
        assumeTrue(SmtpServer.installed(), "Debian's python3-aiosmtpd and openssl (./keyhole setup test)");
        LeakNeedles.add(PASSWORD);
    }

    private static EmailChannel channel(SmtpServer server, StartTls startTls, String username, String password,
            List<String> to, SSLSocketFactory tls) {
        return new EmailChannel(new EmailConfig("mail", "", "127.0.0.1", server.port(), startTls, username, password,
                "keyhole@example.org", to), tls, WAIT);
    }

    @Test
    void theMailArrivesOverStartTlsWithTheSubjectTheConsoleUrlAndItsMessageId() throws Exception {
        try (SmtpServer server = SmtpServer.start(SmtpServer.Tls.REQUIRED, "keyhole", PASSWORD)) {
            EmailChannel channel = channel(server, StartTls.REQUIRED, "keyhole", PASSWORD,
                    List.of("oncall@example.org", "ops@example.org"), server.sslContext().getSocketFactory());
            Notice notice = Notices.waiting("5ca1ab1e00c0ffee");

            assertEquals(Attempt.delivered(), channel.deliver(notice, Recipient.configured("mail")));

            SmtpServer.Message message = server.awaitMessages(1, WAIT).get(0);
            assertTrue(message.tls(), "the message came under STARTTLS");
            assertEquals("keyhole", message.login());
            assertEquals("keyhole@example.org", message.mailFrom());
            assertEquals(List.of("oncall@example.org", "ops@example.org"), message.recipients());
            MimeMessage mail = new MimeMessage(Session.getInstance(new Properties()),
                    new ByteArrayInputStream(message.raw()));
            assertEquals("web-1 waits for its disk passphrase", mail.getSubject());
            assertEquals("<5ca1ab1e00c0ffee.notice@example.org>", mail.getMessageID());
            assertEquals("auto-generated", mail.getHeader("Auto-Submitted", null));
            assertEquals("Keyhole <keyhole@example.org>", mail.getFrom()[0].toString());
            String body = ((String) mail.getContent()).replace("\r\n", "\n");
            assertEquals("""
                    Web server 1 (web-1) waits for its disk passphrase at the initramfs prompt.

                    Console: Web server 1 (web-1)
                    Since: 2031-05-06 09:58:00 UTC
                    Open it (sign-in required): https://keyhole.example.org/console.html#target=web-1

                    --\s
                    Keyhole notice 5ca1ab1e00c0ffee (waiting-for-passphrase)
                    """, body);
            assertFalse(message.text().contains(PASSWORD), "the message never holds the SMTP password");
        }
    }

    @Test
    void aUsersOwnAddressGetsItsOwnMail() throws Exception {
        try (SmtpServer server = SmtpServer.start()) {
            EmailChannel channel = channel(server, StartTls.REQUIRED, "", "", List.of(),
                    server.sslContext().getSocketFactory());
            assertEquals(Attempt.Outcome.GIVE_UP, channel.deliver(Notices.waiting(), Recipient.configured("mail"))
                    .outcome(), "no configured recipients: nothing to send to");
            assertEquals(Attempt.delivered(), channel.deliver(Notices.waiting(),
                    Recipient.address("mail", "ann@example.org", "ann")));
            SmtpServer.Message message = server.awaitMessages(1, WAIT).get(0);
            assertEquals(List.of("ann@example.org"), message.recipients());
            assertEquals("", message.login());
            for (String address : List.of("Ann <ann@example.org>", "ann@example.org, eve@example.org",
                    "ann@example.org\r\nBcc: eve@example.org", "not an address")) {
                assertEquals(Attempt.Outcome.GIVE_UP, channel.deliver(Notices.waiting(),
                        Recipient.address("mail", address, "ann")).outcome(), address);
            }
            assertEquals(1, server.messages().size(), "nothing went to an address that is not one plain address");
        }
    }

    @Test
    void withStartTlsRequiredAServerWithoutItGetsNothing() throws Exception {
        try (SmtpServer server = SmtpServer.start(SmtpServer.Tls.NONE, "", "")) {
            Attempt attempt = channel(server, StartTls.REQUIRED, "", "", List.of("oncall@example.org"), null)
                    .deliver(Notices.waiting(), Recipient.configured("mail"));
            assertEquals(Attempt.giveUp("the SMTP server does not offer STARTTLS, which starttls: required needs"),
                    attempt);
            assertEquals(List.of(), server.messages());
        }
    }

    @Test
    void anUntrustedCertificateIsGivenUp() throws Exception {
        try (SmtpServer server = SmtpServer.start()) {
            // The JDK's own trusted certificates: the server's self-signed one is not among them.
            Attempt attempt = channel(server, StartTls.REQUIRED, "", "", List.of("oncall@example.org"), null)
                    .deliver(Notices.waiting(), Recipient.configured("mail"));
            assertEquals(Attempt.Outcome.GIVE_UP, attempt.outcome());
            assertTrue(attempt.error().startsWith("TLS with the SMTP server failed"), attempt.error());
            assertEquals(List.of(), server.messages());
        }
    }

    @Test
    void aRefusedLoginIsGivenUpWithoutThePassword() throws Exception {
        try (SmtpServer server = SmtpServer.start(SmtpServer.Tls.REQUIRED, "keyhole", PASSWORD)) {
            String wrong = PASSWORD + "-wrong";
            Attempt attempt = channel(server, StartTls.REQUIRED, "keyhole", wrong, List.of("oncall@example.org"),
                    server.sslContext().getSocketFactory()).deliver(Notices.waiting(), Recipient.configured("mail"));
            assertEquals(Attempt.Outcome.GIVE_UP, attempt.outcome());
            assertTrue(attempt.error().startsWith("the SMTP server refused the login"), attempt.error());
            assertFalse(attempt.error().contains(wrong), attempt.error());
            assertEquals(List.of(), server.messages());
        }
    }

    @Test
    void noServerIsTriedAgain() throws Exception {
        int port;
        try (SmtpServer server = SmtpServer.start()) {
            port = server.port();
        }
        Attempt attempt = new EmailChannel(new EmailConfig("mail", "", "127.0.0.1", port, StartTls.REQUIRED, "", "",
                "keyhole@example.org", List.of("oncall@example.org")), null, WAIT)
                .deliver(Notices.waiting(), Recipient.configured("mail"));
        assertEquals(Attempt.Outcome.RETRY, attempt.outcome(), attempt.error());
    }
}
