package dev.keyhole.server.accounts;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Users' passkeys, kept where every Keyhole node sharing the database sees the same. A user's passkeys go with
 * the user when the user is removed.
 */
public interface PasskeyStore {

    /**
     * Keeps a new passkey.
     *
     * @return false when a passkey with its credential id exists already (for anyone), or its user does not
     */
    boolean add(Passkey passkey);

    /** @return the passkey with this credential id, if any */
    Optional<Passkey> byCredentialId(String credentialId);

    /** @return a user's passkeys, oldest first */
    List<Passkey> ofUser(String userId);

    /** @return whether a user has any passkey */
    boolean hasAny(String userId);

    /**
     * Records a use: the authenticator's new signature counter, whether it is backed up now, and when. One
     * statement that moves the counter only forwards (or leaves a counter that stays 0), so that of two answers
     * signed with the same counter at once, as a cloned authenticator would send them, only one is recorded.
     *
     * @return whether it was recorded; false when the passkey is gone, or its counter is not below the new one
     */
    boolean recordUse(String credentialId, long signatureCount, boolean backedUp, Instant at);

    /**
     * Removes one of a user's passkeys.
     *
     * @return whether the user had it
     */
    boolean remove(String userId, String credentialId);

    /**
     * Removes every passkey of a user (an admin's reset of their second factor).
     *
     * @return how many there were
     */
    int removeAll(String userId);
}
