package dev.keyhole.server.subscriptions;

import java.util.List;

/**
 * What a user asks to be told, before {@link Subscriptions} has checked it.
 *
 * @param channel the channel's name
 * @param address their email address, or their topic on the ntfy channel's server
 * @param targets target-name patterns ({@code *} stands for any characters); empty, or {@code *} alone: every console
 *                they may see
 * @param kinds   the kinds of notice ({@link Subscription#NOTICE_KINDS}); empty, or {@code all} alone: every kind
 */
public record SubscriptionRequest(String channel, String address, List<String> targets, List<String> kinds) {

    /** Copies the lists; null parts are empty. */
    public SubscriptionRequest {
        channel = channel == null ? "" : channel;
        address = address == null ? "" : address;
        targets = targets == null ? List.of() : List.copyOf(targets);
        kinds = kinds == null ? List.of() : List.copyOf(kinds);
    }

    /** @return a request about every kind of notice */
    public static SubscriptionRequest of(String channel, String address, List<String> targets) {
        return new SubscriptionRequest(channel, address, targets, List.of());
    }
}
