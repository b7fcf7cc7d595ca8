package dev.keyhole.server.accounts;

import java.util.List;
import java.util.Optional;

/**
 * Users' TOTP secrets (sealed) and recovery codes (hashed). Wrong codes of either kind count together: after
 * {@code lockAfter} in a row the user's second factor is locked until an admin resets it.
 */
public interface SecondFactorStore {

    /**
     * Begins a TOTP enrolment: keeps a new, unconfirmed secret, replacing an unconfirmed one.
     *
     * @param userId       whose
     * @param sealedSecret the sealed secret, base64url
     * @return false when the user has a confirmed secret already (an admin resets it first), or does not exist
     */
    boolean beginTotp(String userId, String sealedSecret);

    /** @return the user's TOTP secret, confirmed or not */
    Optional<TotpRecord> totp(String userId);

    /**
     * Accepts a code's time step: once only, and only a step later than the last accepted one, in one statement
     * (two requests with the same code cannot both pass). It confirms an enrolment and clears the failures.
     *
     * @return whether the step was accepted
     */
    boolean acceptTotpStep(String userId, long step);

    /**
     * Counts a wrong code (TOTP or recovery code), locking the second factor at the {@code lockAfter}-th in a row.
     *
     * @return the record afterwards; empty when the user has no TOTP secret (recovery codes alone are not kept)
     */
    Optional<TotpRecord> recordFailure(String userId, int lockAfter);

    /** Replaces the user's recovery codes with these hashes, all unused. */
    void replaceRecoveryCodes(String userId, List<String> hashes);

    /** @return the hashes of the user's unused recovery codes */
    List<String> unusedRecoveryCodes(String userId);

    /**
     * Spends a recovery code, once only, and clears the failures.
     *
     * @return whether it was unused until now
     */
    boolean spendRecoveryCode(String userId, String hash);

    /**
     * Forgets the user's TOTP secret and recovery codes (an admin's reset): they enrol again at their next sign-in.
     *
     * @return whether there was anything to forget
     */
    boolean reset(String userId);
}
