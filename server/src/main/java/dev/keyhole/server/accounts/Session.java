package dev.keyhole.server.accounts;

import dev.keyhole.server.auth.TokenHash;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * A signed-in browser, as stored. It ends when it has been idle too long, when its absolute expiry comes,
 * whichever is first, or when it is ended (signed out, its user disabled or removed).
 *
 * @param tokenHash      the hash of the session cookie's token: the session's key
 * @param userId         whose it is
 * @param csrfTokenHash  the hash of the token its page sends with every request that changes something
 * @param createdAt      when it began
 * @param lastSeenAt     when it was last used
 * @param absoluteExpiry when it ends however busy it is
 * @param address        the address it signed in from; may be empty
 * @param userAgent      the browser's {@code User-Agent} as it signed in; may be empty
 * @param secondFactor   the second factor it has proven ({@link SecondFactor}); null: none yet
 */
public record Session(TokenHash tokenHash, String userId, TokenHash csrfTokenHash, Instant createdAt,
        Instant lastSeenAt, Instant absoluteExpiry, String address, String userAgent, SecondFactor secondFactor) {

    /** Checks that nothing is missing; empty for a null address or user agent. */
    public Session {
        Objects.requireNonNull(tokenHash, "tokenHash");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(csrfTokenHash, "csrfTokenHash");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(lastSeenAt, "lastSeenAt");
        Objects.requireNonNull(absoluteExpiry, "absoluteExpiry");
        address = address == null ? "" : address;
        userAgent = userAgent == null ? "" : userAgent;
    }

    /**
     * @param now         the time
     * @param idleTimeout how long a session may go unused
     * @return whether it is still valid at {@code now}: before its absolute expiry, and used within
     *         {@code idleTimeout}
     */
    public boolean isLive(Instant now, Duration idleTimeout) {
        return now.isBefore(absoluteExpiry) && now.isBefore(lastSeenAt.plus(idleTimeout));
    }
}
