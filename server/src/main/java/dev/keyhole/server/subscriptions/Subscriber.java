package dev.keyhole.server.subscriptions;

/**
 * Someone to tell about a console now, through a subscription of theirs.
 *
 * @param subscriptionId the subscription that asks for it
 * @param userName       whose it is, for the audit trail and the logs
 * @param channel        the channel's name
 * @param channelType    {@value SubscribableChannel#EMAIL} or {@value SubscribableChannel#NTFY}
 * @param address        their email address, or their topic on the ntfy channel's server
 */
public record Subscriber(String subscriptionId, String userName, String channel, String channelType,
        String address) {
}
