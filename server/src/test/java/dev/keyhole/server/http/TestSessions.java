package dev.keyhole.server.http;

import dev.keyhole.server.accounts.Accounts;
import dev.keyhole.server.accounts.Role;
import dev.keyhole.server.accounts.Session;
import dev.keyhole.server.accounts.User;
import dev.keyhole.server.auth.TokenHash;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Sessions for the unit tests of what stands behind the {@link FrontDoor} (a servlet, a route): every request is
 * an admin's, signed in, whose page's CSRF token is {@link #CSRF}. The front door's own checks are tested end to
 * end against the real accounts.
 */
final class TestSessions {

    /** The CSRF token of {@link #EVERYONE_SIGNED_IN}'s session. */
    static final String CSRF = "c".repeat(43);

    private static final Instant NOW = Instant.now();
    private static final User ADMIN = new User("admin-id", "admin", Role.ADMIN, List.of(), "", false, NOW);
    private static final Session SESSION = new Session(TokenHash.of("s".repeat(43)), ADMIN.id(), TokenHash.of(CSRF),
            NOW, NOW, NOW.plus(Duration.ofHours(1)), "127.0.0.1", "", null);

    /**
     * A session signed in for someone else: a user of that role, limited to those target patterns.
     *
     * @param name     the user's name (and id)
     * @param role     their role
     * @param patterns their target-name patterns; none: every target
     */
    static Accounts.Resolved signedIn(String name, Role role, String... patterns) {
        User user = new User(name + "-id", name, role, List.of(patterns), "", false, NOW);
        return new Accounts.Resolved(new Session(TokenHash.of("session of " + name), user.id(), TokenHash.of(CSRF),
                NOW, NOW, NOW.plus(Duration.ofHours(1)), "127.0.0.1", "", null), user, Accounts.State.SIGNED_IN);
    }

    /**
     * @param byCookie the session of each session cookie's value
     * @return a finder of those sessions; a request without a cookie of theirs is {@link #EVERYONE_SIGNED_IN}'s admin
     */
    static SessionFinder byCookie(java.util.Map<String, Accounts.Resolved> byCookie) {
        return cookie -> cookie != null && byCookie.containsKey(cookie) ? Optional.of(byCookie.get(cookie))
                : EVERYONE_SIGNED_IN.find(cookie);
    }

    /** Finds the same signed-in admin's session for every request, with a cookie or without. */
    /** Finds no share link's guest: the tests of what the front door does for sessions. */
    static final FrontDoor.GuestFinder NO_GUESTS = (cookie, userId) -> Optional.empty();

    static final SessionFinder EVERYONE_SIGNED_IN = cookie -> Optional.of(new Accounts.Resolved(SESSION, ADMIN,
            Accounts.State.SIGNED_IN));

    private TestSessions() {
    }
}
