/**
 * Who wants to be told about which consoles, and where: each user's own
 * {@link dev.keyhole.server.subscriptions.Subscription}s to the notification channels that take them (an email
 * address, or a topic on an ntfy channel's server; never a URL of the user's: a webhook is configured by admins
 * only, so no user can make Keyhole call an address of their choosing).
 *
 * <p>{@link dev.keyhole.server.subscriptions.Subscriptions} is the service: a user adds, lists and removes their
 * own, checked against the channels it is given ({@link dev.keyhole.server.subscriptions.SubscribableChannel}, plain
 * values, so that it knows nothing of how a channel delivers) and against the consoles the user may see; and
 * {@link dev.keyhole.server.subscriptions.Subscriptions#recipientsFor(String, String)} says who is to be told about a
 * console now, checking each user's rights at that moment, so that a subscription never tells anyone more than
 * their account lets them see. They are kept in the {@code subscriptions} table
 * ({@link dev.keyhole.server.subscriptions.JdbcSubscriptionStore}), so every Keyhole node sharing the database knows
 * them, and removing a user removes theirs.
 */
package dev.keyhole.server.subscriptions;
