package dev.keyhole.server.subscriptions;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What a user may give as the address of a subscription: one plain email address, or one ntfy topic. Both are
 * checked strictly, so that an address is only ever an address, whatever a channel does with it: no display name,
 * no second address, nothing that would begin another header line of a message.
 */
public final class DeliveryAddresses {

    /** The longest email address (RFC 5321's path limit less its angle brackets). */
    public static final int MAX_EMAIL = 254;
    /** The longest part before the {@code @}. */
    public static final int MAX_LOCAL_PART = 64;
    /** An ntfy topic: what ntfy's servers take in a topic's name. */
    public static final Pattern NTFY_TOPIC = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private static final Pattern LOCAL_PART = Pattern.compile(
            "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*");
    private static final Pattern DOMAIN = Pattern.compile(
            "[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");
    /** What gives away a name, a second address or a quoted part. */
    private static final Pattern NOT_ALONE = Pattern.compile("[\\s<>\",;()\\[\\]\\\\:]");

    private DeliveryAddresses() {
    }

    /**
     * @param address what the user typed, surrounding spaces removed
     * @return what is wrong with it as one email address, in a sentence; empty when nothing is
     */
    public static Optional<String> emailProblem(String address) {
        if (address == null || address.isEmpty()) {
            return Optional.of("Give the email address to send to");
        }
        if (address.indexOf('\r') >= 0 || address.indexOf('\n') >= 0) {
            return Optional.of("An email address is one line");
        }
        if (address.length() > MAX_EMAIL) {
            return Optional.of("An email address has at most " + MAX_EMAIL + " characters");
        }
        if (NOT_ALONE.matcher(address).find() || address.indexOf('@') != address.lastIndexOf('@')) {
            return Optional.of("Give one email address alone, like alice@example.org: no name, no <>, no spaces, "
                    + "no commas");
        }
        int at = address.indexOf('@');
        if (at < 0) {
            return Optional.of("An email address has an @, like alice@example.org");
        }
        String local = address.substring(0, at);
        String domain = address.substring(at + 1);
        if (local.isEmpty() || local.length() > MAX_LOCAL_PART || !LOCAL_PART.matcher(local).matches()) {
            return Optional.of("The part before the @ is up to " + MAX_LOCAL_PART + " letters, digits, dots and "
                    + "!#$%&'*+/=?^_`{|}~- (no dot first, last or twice in a row)");
        }
        if (!DOMAIN.matcher(domain).matches() || domain.substring(domain.lastIndexOf('.') + 1).matches("[0-9]+")) {
            return Optional.of("The part after the @ is a domain name, like example.org");
        }
        return Optional.empty();
    }

    /** @return an email address as kept: its domain in lower case (the part before the @ as given) */
    public static String normalEmail(String address) {
        int at = address.indexOf('@');
        return address.substring(0, at + 1) + address.substring(at + 1).toLowerCase(Locale.ROOT);
    }

    /** @return the domain of a checked email address, which is all the audit trail and the logs say of it */
    public static String emailDomain(String address) {
        return address.substring(address.indexOf('@') + 1);
    }

    /**
     * @param topic what the user typed, surrounding spaces removed
     * @return what is wrong with it as an ntfy topic, in a sentence; empty when nothing is
     */
    public static Optional<String> ntfyTopicProblem(String topic) {
        if (topic == null || topic.isEmpty()) {
            return Optional.of("Give your ntfy topic: the channel's server is set, the topic is yours");
        }
        if (!NTFY_TOPIC.matcher(topic).matches()) {
            return Optional.of("An ntfy topic is 1 to 64 letters, digits, - and _, like keyhole-alice-7f3k (the "
                    + "topic alone, not its URL)");
        }
        return Optional.empty();
    }
}
