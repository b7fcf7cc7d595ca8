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

    /** Finds the same signed-in admin's session for every request, with a cookie or without. */
    static final SessionFinder EVERYONE_SIGNED_IN = cookie -> Optional.of(new Accounts.Resolved(SESSION, ADMIN,
            Accounts.State.SIGNED_IN));

    private TestSessions() {
    }
}
