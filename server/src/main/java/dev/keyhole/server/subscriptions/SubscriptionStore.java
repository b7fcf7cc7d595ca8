package dev.keyhole.server.subscriptions;

import java.util.List;
import java.util.Optional;

/**
 * The users' subscriptions, where every Keyhole node sharing a database sees the same. Removing a user removes
 * theirs.
 */
public interface SubscriptionStore {

    /**
     * Keeps a subscription as given ({@link Subscriptions} checks it first); the store gives its id and the time.
     *
     * @param userId whose it is
     * @return the subscription as stored; empty when the user does not exist (any more)
     */
    Optional<Subscription> add(String userId, SubscriptionRequest request);

    /** @return the subscription with this id, whoever's */
    Optional<Subscription> byId(String id);

    /** @return a user's subscriptions, oldest first */
    List<Subscription> ofUser(String userId);

    /** @return every subscription, oldest first */
    List<Subscription> list();

    /**
     * Removes a subscription, if it is that user's.
     *
     * @return whether it was there and theirs
     */
    boolean remove(String id, String userId);
}
