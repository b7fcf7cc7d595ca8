package dev.keyhole.server.notify;

import dev.keyhole.server.config.NotifyConfig.EmailConfig;
import dev.keyhole.server.config.NotifyConfig.StartTls;
import jakarta.mail.Address;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.UnsupportedEncodingException;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Properties;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocketFactory;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;

/**
 * Email through an SMTP server (Angus Mail, Jakarta Mail's implementation): a plain-text message whose subject is the
 * notice's title and whose body says what happened, since when, and where the console is (its page, which needs a
 * sign-in). Its Message-ID is made from the notice's id, the same over retries, so a retry that reaches a mailbox
 * twice can be told for what it is.
 *
 * <p>With {@code starttls: required} (the default) nothing is sent unless the server offers STARTTLS, and its
 * certificate is checked against the trusted certificates and the host name; {@code optional} takes STARTTLS when
 * offered; {@code off} speaks plain SMTP. A login is made only under TLS when STARTTLS is required. A permanent
 * refusal (a 5xx, a refused login, no STARTTLS when required, an untrusted certificate) is given up; anything else
 * (no connection, a 4xx, a time-out) is tried again.
 */
public final class EmailChannel implements Channel {

    /** How long connecting, and each read and write, may take when nobody says. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(20);

    private static final DateTimeFormatter SHOWN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);

    private final EmailConfig config;
    private final Session session;

    /**
     * @param config  the channel's configuration
     * @param tls     the sockets STARTTLS makes: the trusted certificates; null: the JDK's own trusted certificates
     * @param timeout how long connecting, and each read and write, may take
     */
    public EmailChannel(EmailConfig config, SSLSocketFactory tls, Duration timeout) {
        this.config = config;
        Properties properties = new Properties();
        String millis = Long.toString(timeout.toMillis());
        properties.put("mail.transport.protocol", "smtp");
        properties.put("mail.smtp.host", config.host());
        properties.put("mail.smtp.port", Integer.toString(config.port()));
        properties.put("mail.smtp.connectiontimeout", millis);
        properties.put("mail.smtp.timeout", millis);
        properties.put("mail.smtp.writetimeout", millis);
        properties.put("mail.smtp.starttls.enable", Boolean.toString(config.startTls() != StartTls.OFF));
        properties.put("mail.smtp.starttls.required", Boolean.toString(config.startTls() == StartTls.REQUIRED));
        properties.put("mail.smtp.ssl.checkserveridentity", "true");
        properties.put("mail.smtp.auth", Boolean.toString(!config.username().isEmpty()));
        properties.put("mail.smtp.from", config.from());
        if (tls != null) {
            properties.put("mail.smtp.ssl.socketFactory", tls);
        }
        this.session = Session.getInstance(properties);
    }

    @Override
    public String name() {
        return config.name();
    }

    @Override
    public String type() {
        return EmailConfig.TYPE;
    }

    @Override
    public boolean takesAddresses() {
        return true;
    }

    @Override
    public Attempt deliver(Notice notice, Recipient recipient) throws InterruptedException {
        List<InternetAddress> to = new ArrayList<>();
        try {
            if (recipient.isConfigured()) {
                for (String address : config.to()) {
                    to.add(new InternetAddress(address, true));
                }
            } else {
                to.add(address(recipient.address()));
            }
        } catch (AddressException e) {
            return Attempt.giveUp("not an email address: " + Errors.printable(e.getMessage()));
        }
        if (to.isEmpty()) {
            return Attempt.giveUp("the channel has no configured recipients (no to:): only users' own addresses get "
                    + "its mail");
        }
        try {
            MimeMessage message = message(notice, to);
            if (config.username().isEmpty()) {
                Transport.send(message);
            } else {
                Transport.send(message, config.username(), config.password());
            }
            return Attempt.delivered();
        } catch (MessagingException e) {
            return judge(e);
        }
    }

    /** The message: subject, sender, recipients, body, and the headers that mark it as sent by a machine. */
    private MimeMessage message(Notice notice, List<InternetAddress> to) throws MessagingException {
        String domain = config.from().substring(config.from().lastIndexOf('@') + 1);
        String messageId = "<" + notice.id() + ".notice@" + domain + ">";
        MimeMessage message = new MimeMessage(session) {
            @Override
            protected void updateMessageID() throws MessagingException {
                // The notice's own id, not a new one per try.
                setHeader("Message-ID", messageId);
            }
        };
        try {
            message.setFrom(new InternetAddress(config.from(), "Keyhole", "UTF-8"));
        } catch (UnsupportedEncodingException e) {
            throw new IllegalStateException("UTF-8 is part of every JDK", e);
        }
        message.setRecipients(MimeMessage.RecipientType.TO, to.toArray(new Address[0]));
        message.setSubject(notice.title(), "UTF-8");
        message.setSentDate(Date.from(notice.at()));
        message.setText(body(notice), "UTF-8");
        // A machine's message: out-of-office replies and the like are not sent back to it (RFC 3834).
        message.setHeader("Auto-Submitted", "auto-generated");
        message.setHeader("X-Keyhole-Notice", notice.kind().id());
        message.saveChanges();
        return message;
    }

    /**
     * @param notice a notice
     * @return the text of its email: what happened, since when, the console's page, and what the message is
     */
    static String body(Notice notice) {
        StringBuilder body = new StringBuilder();
        if (!notice.text().isBlank()) {
            body.append(notice.text().strip()).append("\n\n");
        } else {
            body.append(notice.title()).append("\n\n");
        }
        body.append("Console: ").append(notice.targetTitle());
        if (!notice.targetTitle().equals(notice.target())) {
            body.append(" (").append(notice.target()).append(')');
        }
        body.append('\n');
        if (notice.since() != null) {
            body.append("Since: ").append(SHOWN.format(notice.since())).append('\n');
        }
        body.append("Open it (sign-in required): ").append(notice.consoleUrl()).append("\n\n");
        body.append("-- \nKeyhole notice ").append(notice.id()).append(" (").append(notice.kind().id())
                .append(")\n");
        return body.toString();
    }

    /** One address, plain: {@code local@domain}, without a name or a list. */
    private static InternetAddress address(String text) throws AddressException {
        if (text.length() > 254 || text.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new AddressException("control characters, or longer than 254");
        }
        InternetAddress[] parsed = InternetAddress.parse(text, true);
        if (parsed.length != 1 || parsed[0].getPersonal() != null || !parsed[0].getAddress().equals(text)) {
            throw new AddressException("one plain address, like alice@example.org");
        }
        parsed[0].validate();
        return parsed[0];
    }

    /** What a failed send comes to: permanent refusals are given up, the rest tried again. */
    private Attempt judge(MessagingException e) {
        String error = Errors.printable(describe(e), config.password());
        if (e instanceof AuthenticationFailedException) {
            String why = e.getMessage() == null || e.getMessage().isBlank() ? ""
                    : ": " + Errors.printable(e.getMessage(), config.password());
            return Attempt.giveUp("the SMTP server refused the login" + why);
        }
        int code = replyCode(e);
        if (code >= 500) {
            return Attempt.giveUp(error);
        }
        if (code >= 400) {
            return Attempt.retry(error);
        }
        String message = String.valueOf(e.getMessage());
        if (message.contains("STARTTLS is required")) {
            return Attempt.giveUp("the SMTP server does not offer STARTTLS, which starttls: required needs");
        }
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof CertificateException || cause instanceof SSLException) {
                return Attempt.giveUp("TLS with the SMTP server failed (is its certificate trusted, and for its "
                        + "name?): " + error);
            }
        }
        return Attempt.retry(error);
    }

    /** The SMTP reply code of a refusal, from the exception or the ones it wraps; 0 when there is none. */
    private static int replyCode(MessagingException e) {
        for (Exception next = e; next != null;
                next = next instanceof MessagingException m ? m.getNextException() : null) {
            if (next instanceof SMTPSendFailedException failed) {
                return failed.getReturnCode();
            }
            if (next instanceof SMTPAddressFailedException failed) {
                return failed.getReturnCode();
            }
        }
        return 0;
    }

    /** The exception and what it wraps, in words. */
    private static String describe(Exception e) {
        StringBuilder text = new StringBuilder(e.getClass().getSimpleName());
        if (e.getMessage() != null && !e.getMessage().isBlank()) {
            text.append(": ").append(e.getMessage());
        }
        return text.toString();
    }
}
