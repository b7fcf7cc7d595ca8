package dev.keyhole.server.notify;

import java.util.Objects;

/**
 * Who a notice goes to on one channel: the channel's own configured recipients (an email channel's {@code to}, an
 * ntfy channel's topic, a webhook's URL), or one address on it (a user's own email address, or their own ntfy topic
 * on the channel's server). A webhook takes no address of its own: a user cannot make Keyhole call a URL.
 *
 * @param channel the channel's name, as configured
 * @param address the email address or ntfy topic; empty: the channel's configured recipients
 * @param user    whose subscription this is, for the audit; empty: nobody's (configured recipients)
 */
public record Recipient(String channel, String address, String user) {

    /** What the audit and the logs call the configured recipients of a channel. */
    public static final String CONFIGURED = "configured recipients";

    /** Checks that nothing is missing; null address and user are empty. */
    public Recipient {
        Objects.requireNonNull(channel, "channel");
        address = address == null ? "" : address.strip();
        user = user == null ? "" : user;
    }

    /** @return the configured recipients of {@code channel} */
    public static Recipient configured(String channel) {
        return new Recipient(channel, "", "");
    }

    /**
     * @param channel an email or ntfy channel's name
     * @param address the user's email address, or their ntfy topic
     * @param user    the user's name
     * @return that one address on the channel
     */
    public static Recipient address(String channel, String address, String user) {
        if (address == null || address.isBlank()) {
            throw new IllegalArgumentException("a recipient's address is not empty (for the channel's own "
                    + "recipients, use Recipient.configured)");
        }
        return new Recipient(channel, address, user);
    }

    /** @return whether this is the channel's configured recipients rather than one address */
    public boolean isConfigured() {
        return address.isEmpty();
    }

    /** @return the address, or {@value #CONFIGURED}: what the audit and the logs say it went to */
    public String shown() {
        return isConfigured() ? CONFIGURED : address;
    }
}
