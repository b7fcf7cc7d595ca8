package dev.keyhole.server.config;

import java.net.URI;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * How Keyhole tells people that a console waits: when to remind them, how long to keep trying a delivery, and the
 * channels notices go out on.
 *
 * @param remindAfter how long a console waits before the people told are reminded
 * @param retryFor    how long a delivery that keeps failing is tried again before it is given up
 * @param channels    the configured channels, in the file's order, their names unique; may be empty
 */
public record NotifyConfig(Duration remindAfter, Duration retryFor, List<ChannelConfig> channels) {

    /** The default: a reminder after 10 minutes, deliveries tried for an hour, no channels. */
    public static final NotifyConfig DEFAULT = new NotifyConfig(Duration.ofMinutes(10), Duration.ofHours(1), List.of());

    /** Refuses times that are not positive and names used twice; copies the list, so the record stays immutable. */
    public NotifyConfig {
        if (remindAfter == null || remindAfter.isNegative() || remindAfter.isZero()) {
            throw new IllegalArgumentException("a reminder comes after a positive time");
        }
        if (retryFor == null || retryFor.isNegative() || retryFor.isZero()) {
            throw new IllegalArgumentException("deliveries are tried again for a positive time");
        }
        channels = List.copyOf(channels);
        Set<String> names = new HashSet<>();
        for (ChannelConfig channel : channels) {
            if (!names.add(channel.name())) {
                throw new IllegalArgumentException("two notification channels are called " + channel.name());
            }
        }
    }

    /** @return the channel called {@code name}, if there is one */
    public Optional<ChannelConfig> channel(String name) {
        return channels.stream().filter(c -> c.name().equals(name)).findFirst();
    }

    /** One configured channel: its name, what people read about it, and its type's settings. */
    public sealed interface ChannelConfig permits WebhookConfig, NtfyConfig, EmailConfig {
        /** @return its name, {@code [a-z0-9][a-z0-9-]*}: what recipients and subscriptions name */
        String name();

        /** @return what people choosing where to be told read about it; empty: nothing but its name */
        String description();

        /** @return {@code webhook}, {@code ntfy} or {@code email} */
        String type();
    }

    /**
     * A webhook: every notice is POSTed as JSON to one URL, signed with HMAC-SHA256.
     *
     * @param name        the channel's name
     * @param description what people read about it; may be empty
     * @param url         where notices are POSTed (http or https)
     * @param secret      the HMAC-SHA256 key the receiver checks signatures with; never logged ({@link #toString}
     *                    leaves it out)
     */
    public record WebhookConfig(String name, String description, URI url, String secret) implements ChannelConfig {

        /** The type, as the configuration writes it. */
        public static final String TYPE = "webhook";

        /** Checks that nothing is missing. */
        public WebhookConfig {
            Objects.requireNonNull(name, "name");
            description = description == null ? "" : description;
            Objects.requireNonNull(url, "url");
            Objects.requireNonNull(secret, "secret");
            if (secret.isEmpty()) {
                throw new IllegalArgumentException("a webhook signs what it sends: it needs a secret");
            }
        }

        @Override
        public String type() {
            return TYPE;
        }

        /** Leaves the secret out. */
        @Override
        public String toString() {
            return "WebhookConfig[name=" + name + ", url=" + url + ", secret=(hidden)]";
        }
    }

    /**
     * An ntfy server: a notice is POSTed as text to a topic's URL, with a title, a priority and the console's URL to
     * open when it is tapped.
     *
     * @param name        the channel's name
     * @param description what people read about it; may be empty
     * @param url         the channel's own topic, e.g. {@code https://ntfy.example.org/keyhole-oncall}; a user's topic
     *                    replaces its last path segment ({@code https://ntfy.example.org/alice-x7}). A URL ending in
     *                    {@code /} names the server alone: only users' topics are sent to
     * @param token       an access token sent as {@code Authorization: Bearer}; empty: none. Never logged
     * @param priority    the priority (1 to 5) of a notice that asks someone to act; others get at most 3
     */
    public record NtfyConfig(String name, String description, URI url, String token, int priority)
            implements ChannelConfig {

        /** The type, as the configuration writes it. */
        public static final String TYPE = "ntfy";
        /** The priority of a notice that asks someone to act, when nobody says: ntfy's "high". */
        public static final int DEFAULT_PRIORITY = 4;

        /** Checks that nothing is missing and the priority is ntfy's. */
        public NtfyConfig {
            Objects.requireNonNull(name, "name");
            description = description == null ? "" : description;
            Objects.requireNonNull(url, "url");
            token = token == null ? "" : token;
            if (priority < 1 || priority > 5) {
                throw new IllegalArgumentException("an ntfy priority is from 1 to 5");
            }
        }

        @Override
        public String type() {
            return TYPE;
        }

        /** Leaves the token out. */
        @Override
        public String toString() {
            return "NtfyConfig[name=" + name + ", url=" + url + ", token=" + (token.isEmpty() ? "none" : "(hidden)")
                    + ", priority=" + priority + "]";
        }
    }

    /** Whether an email channel speaks STARTTLS to its SMTP server. */
    public enum StartTls {
        /** Always: a server that does not offer it gets nothing. */
        REQUIRED,
        /** When the server offers it; plain SMTP otherwise. */
        OPTIONAL,
        /** Never: plain SMTP, for a relay on the same machine. */
        OFF;

        /**
         * @param word {@code required}, {@code optional} or {@code off}
         * @return the policy it names
         * @throws IllegalArgumentException for any other word
         */
        public static StartTls of(String word) {
            for (StartTls value : values()) {
                if (value.toString().equals(word)) {
                    return value;
                }
            }
            throw new IllegalArgumentException("must be required, optional or off");
        }

        /** @return the policy as the configuration writes it, e.g. {@code required} */
        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * An SMTP server: a notice is a plain-text email whose subject is its title.
     *
     * @param name        the channel's name
     * @param description what people read about it; may be empty
     * @param host        the SMTP server
     * @param port        its port (587, submission, by default)
     * @param startTls    whether STARTTLS is spoken
     * @param username    the login; empty: none
     * @param password    its password; empty: none. Never logged
     * @param from        the sender's address
     * @param to          the configured recipients' addresses; may be empty (then only users' own addresses get mail)
     */
    public record EmailConfig(String name, String description, String host, int port, StartTls startTls,
            String username, String password, String from, List<String> to) implements ChannelConfig {

        /** The type, as the configuration writes it. */
        public static final String TYPE = "email";
        /** The port when nobody says: submission, which speaks STARTTLS. */
        public static final int DEFAULT_PORT = 587;

        /** Checks that nothing is missing; copies the list. */
        public EmailConfig {
            Objects.requireNonNull(name, "name");
            description = description == null ? "" : description;
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(startTls, "startTls");
            username = username == null ? "" : username;
            password = password == null ? "" : password;
            Objects.requireNonNull(from, "from");
            to = List.copyOf(to);
        }

        @Override
        public String type() {
            return TYPE;
        }

        /** Leaves the password out. */
        @Override
        public String toString() {
            return "EmailConfig[name=" + name + ", host=" + host + ", port=" + port + ", startTls=" + startTls
                    + ", username=" + username + ", password=" + (password.isEmpty() ? "none" : "(hidden)")
                    + ", from=" + from + ", to=" + to + "]";
        }
    }
}
