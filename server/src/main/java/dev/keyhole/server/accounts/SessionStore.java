package dev.keyhole.server.accounts;

import dev.keyhole.server.auth.TokenHash;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The sessions of signed-in browsers, kept in the database so that a restart signs nobody out and every Keyhole
 * node sharing the database knows them. A session goes with its user when the user is removed.
 */
public interface SessionStore {

    /**
     * Begins a session now.
     *
     * @param session whose, with which tokens' hashes and for how long at most
     * @return the session as stored; empty when its user does not exist (any more)
     */
    Optional<Session> begin(NewSession session);

    /**
     * @param tokenHash the hash of a session cookie's token
     * @return the session, live or not (see {@link Session#isLive}); empty when there is none
     */
    Optional<Session> find(TokenHash tokenHash);

    /**
     * Marks a session as used now, if it is still live: one statement, so a session that expired meanwhile is
     * never brought back.
     *
     * @param tokenHash   the hash of a session cookie's token
     * @param idleTimeout how long a session may go unused
     * @return whether the session was live (and is now seen as used now)
     */
    boolean touch(TokenHash tokenHash, Duration idleTimeout);

    /**
     * Records that a live session proved a second factor, and gives it new tokens: the ones it had were handed
     * out before it was fully signed in, so they stop working (no one who saw them can ride the stronger session).
     *
     * @param tokenHash        the hash of the session cookie's token until now
     * @param newTokenHash     the hash of its new token
     * @param newCsrfTokenHash the hash of its new CSRF token
     * @param factor           what it proved
     * @param idleTimeout      how long a session may go unused
     * @return whether the session was live (and now has the new tokens)
     */
    boolean proveSecondFactor(TokenHash tokenHash, TokenHash newTokenHash, TokenHash newCsrfTokenHash,
            SecondFactor factor, Duration idleTimeout);

    /**
     * Ends one session (sign-out).
     *
     * @return whether there was such a session
     */
    boolean end(TokenHash tokenHash);

    /**
     * Ends every session of a user (sign out everywhere, a user disabled or their role lowered).
     *
     * @return how many there were
     */
    int endAll(String userId);

    /** @return a user's sessions, oldest first, live or not */
    List<Session> ofUser(String userId);

    /** @return every session, oldest first, live or not */
    List<Session> list();
}
