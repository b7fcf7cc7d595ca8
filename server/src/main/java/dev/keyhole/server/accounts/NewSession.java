package dev.keyhole.server.accounts;

import dev.keyhole.server.auth.TokenHash;
import java.time.Duration;
import java.util.Objects;

/**
 * A session to begin: the store stamps it with the time it begins and its absolute expiry.
 *
 * @param tokenHash     the hash of the session cookie's token
 * @param csrfTokenHash the hash of its page's CSRF token
 * @param userId        whose it is
 * @param lifetime      how long after it begins it ends however busy it is (the absolute timeout)
 * @param address       the address it signs in from; may be empty
 * @param userAgent     the browser's {@code User-Agent}; may be empty
 * @param secondFactor  the second factor proven as it begins (a sign-in link); null: none yet
 */
public record NewSession(TokenHash tokenHash, TokenHash csrfTokenHash, String userId, Duration lifetime,
        String address, String userAgent, SecondFactor secondFactor) {

    /** Checks that nothing is missing and that the lifetime is positive; empty for a null address or user agent. */
    public NewSession {
        Objects.requireNonNull(tokenHash, "tokenHash");
        Objects.requireNonNull(csrfTokenHash, "csrfTokenHash");
        Objects.requireNonNull(userId, "userId");
        if (lifetime == null || lifetime.isNegative() || lifetime.isZero()) {
            throw new IllegalArgumentException("a session's lifetime is positive");
        }
        address = address == null ? "" : address;
        userAgent = userAgent == null ? "" : userAgent;
    }
}
