package dev.keyhole.server.subscriptions;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A configured notification channel, as the subscriptions see it: its name, its type and a line for people. Only
 * {@value #EMAIL} and {@value #NTFY} channels take users' subscriptions (their own email address, their own topic
 * on the channel's ntfy server); any other type (a {@value #WEBHOOK}) sends only where its configuration says.
 *
 * @param name        as the configuration names it ({@link #NAME})
 * @param type        {@value #EMAIL}, {@value #NTFY}, {@value #WEBHOOK}, …
 * @param description what the settings page says of it ("The on-call team's mail server", "ntfy at
 *                    https://ntfy.example.org"); empty: nothing beyond its name and type
 */
public record SubscribableChannel(String name, String type, String description) {

    /** A channel's name: lower-case letters, digits and {@code -}. */
    public static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}");
    /** Email, to the subscriber's own address. */
    public static final String EMAIL = "email";
    /** ntfy, to the subscriber's own topic on the channel's server. */
    public static final String NTFY = "ntfy";
    /** A webhook: configured by admins, subscribed to by nobody. */
    public static final String WEBHOOK = "webhook";

    /** Checks the name and type; a null description is empty. */
    public SubscribableChannel {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("a channel's name is lower-case letters, digits and -, not " + name);
        }
        Objects.requireNonNull(type, "type");
        description = description == null ? "" : description.strip();
    }

    /** @return an email channel */
    public static SubscribableChannel email(String name, String description) {
        return new SubscribableChannel(name, EMAIL, description);
    }

    /** @return an ntfy channel */
    public static SubscribableChannel ntfy(String name, String description) {
        return new SubscribableChannel(name, NTFY, description);
    }

    /** @return whether users may subscribe to it: an email or ntfy channel */
    public boolean acceptsUsers() {
        return type.equals(EMAIL) || type.equals(NTFY);
    }
}
