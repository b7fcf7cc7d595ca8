package dev.keyhole.server.config;

import java.time.Duration;

/**
 * How people sign in and how long they stay signed in.
 *
 * @param requireSecondFactor whether admins and operators must prove a second factor (a passkey, or a TOTP code
 *                            from an authenticator app) besides their password; viewers never must. A passkey
 *                            signs anyone in on its own
 * @param idleTimeout         how long a session may go unused (no request, no key into a console) before it ends
 * @param absoluteTimeout     how long after signing in a session ends however busy it is
 * @param passkeyRpId         the relying-party id passkeys are bound to (a DNS name); empty: the host of the first
 *                            allowed origin that is a name (see {@code accounts.PasskeySite})
 */
public record AuthConfig(boolean requireSecondFactor, Duration idleTimeout, Duration absoluteTimeout,
        String passkeyRpId) {

    /** The defaults: a second factor required, 30 minutes idle, 12 hours at most, the default passkey name. */
    public static final AuthConfig DEFAULT = new AuthConfig(true, Duration.ofMinutes(30), Duration.ofHours(12), "");

    /**
     * Refuses timeouts that are not positive, or an idle timeout longer than the absolute one; empty for a null
     * relying-party id.
     */
    public AuthConfig {
        passkeyRpId = passkeyRpId == null ? "" : passkeyRpId;
        if (idleTimeout == null || idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("the idle timeout is positive");
        }
        if (absoluteTimeout == null || absoluteTimeout.compareTo(idleTimeout) < 0) {
            throw new IllegalArgumentException("the absolute timeout is at least the idle timeout");
        }
    }

    /** @return this with {@code value} as the idle timeout */
    public AuthConfig withIdleTimeout(Duration value) {
        return new AuthConfig(requireSecondFactor, value, absoluteTimeout, passkeyRpId);
    }

    /** @return this with or without a second factor required */
    public AuthConfig withRequireSecondFactor(boolean value) {
        return new AuthConfig(value, idleTimeout, absoluteTimeout, passkeyRpId);
    }

    /** @return this with {@code value} as the passkeys' relying-party id; empty: the default */
    public AuthConfig withPasskeyRpId(String value) {
        return new AuthConfig(requireSecondFactor, idleTimeout, absoluteTimeout, value);
    }
}
