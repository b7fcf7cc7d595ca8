package dev.keyhole.server.access;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keyhole.server.accounts.Role;
import dev.keyhole.server.auth.TokenHash;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which targets a user's patterns let them see, and who may type. */
class IdentityTest {

    private static Identity limitedTo(Role role, String... patterns) {
        return new Identity("id", "someone", role, List.of(patterns), TokenHash.of("session"));
    }

    @Test
    void aStarStandsForAnyCharactersAndNothingElseMatchesLoosely() {
        Identity web = limitedTo(Role.OPERATOR, "web-*", "db-1");
        assertTrue(web.sees("web-1"));
        assertTrue(web.sees("web-"));
        assertTrue(web.sees("web-eu-2"));
        assertTrue(web.sees("db-1"));
        assertFalse(web.sees("db-10"), "db-1 is a name, not a prefix");
        assertFalse(web.sees("xweb-1"));
        assertFalse(web.sees("we"));
        assertTrue(limitedTo(Role.OPERATOR, "*-eu-*").sees("web-eu-2"));
        assertFalse(limitedTo(Role.OPERATOR, "*-eu-*").sees("web-us-2"));
        assertTrue(limitedTo(Role.OPERATOR, "*").sees("anything"));
    }

    @Test
    void noPatternsSeeEveryTargetAndOnlyOperatorsAndAdminsType() {
        assertTrue(limitedTo(Role.VIEWER).sees("anything"));
        assertFalse(limitedTo(Role.VIEWER).mayType());
        assertTrue(limitedTo(Role.OPERATOR).mayType());
        assertTrue(limitedTo(Role.ADMIN).mayType());
        assertFalse(Caller.anonymous("192.0.2.1").mayType());
        assertFalse(Caller.anonymous("192.0.2.1").sees("anything"));
    }
}
