package dev.keyhole.server.accounts;

import java.util.Locale;

/** What a session proved besides (or instead of) a password. */
public enum SecondFactor {
    /** A TOTP code from the user's authenticator app. */
    TOTP,
    /** One of the user's single-use recovery codes. */
    RECOVERY_CODE,
    /** A passkey (WebAuthn), which proves possession and the user's presence on its own. */
    PASSKEY,
    /** A one-time sign-in link that an admin (or the demo) handed over out of band. */
    LINK;

    /** @return the factor as the database writes it: {@code totp}, {@code recovery-code}, {@code passkey}, {@code link} */
    public String id() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * @param id what {@link #id} returns, or null
     * @return that factor; null for null
     */
    public static SecondFactor of(String id) {
        if (id == null) {
            return null;
        }
        for (SecondFactor factor : values()) {
            if (factor.id().equals(id)) {
                return factor;
            }
        }
        throw new IllegalArgumentException("no second factor is called " + id);
    }
}
