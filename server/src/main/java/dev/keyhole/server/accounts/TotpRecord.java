package dev.keyhole.server.accounts;

import java.time.Instant;

/**
 * A user's TOTP secret as stored: sealed, never in the clear.
 *
 * @param sealedSecret what {@link dev.keyhole.server.auth.SecretBox} sealed, base64url
 * @param confirmed    whether a first code proved the enrolment (until then it signs no one in)
 * @param lastUsedStep the last time step whose code was accepted, or {@link dev.keyhole.server.auth.Totp#NONE_USED}
 * @param failures     wrong codes in a row
 * @param lockedAt     when too many wrong codes locked it (until an admin resets it); null: not locked
 */
public record TotpRecord(String sealedSecret, boolean confirmed, long lastUsedStep, int failures, Instant lockedAt) {

    /** @return whether too many wrong codes locked it */
    public boolean locked() {
        return lockedAt != null;
    }

    /** Says nothing of the secret. */
    @Override
    public String toString() {
        return "TotpRecord[confirmed=" + confirmed + ", lastUsedStep=" + lastUsedStep + ", failures=" + failures
                + ", lockedAt=" + lockedAt + "]";
    }
}
