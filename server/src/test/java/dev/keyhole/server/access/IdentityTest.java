package dev.keyhole.server.access;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keyhole.server.accounts.Role;
import dev.keyhole.server.auth.TokenHash;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which targets a user's patterns and a share link let a caller see, and who may type. */
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
        assertFalse(Caller.anonymous("192.0.2.1").mayType("anything"));
        assertFalse(Caller.anonymous("192.0.2.1").sees("anything"));
    }

    @Test
    void aGuestSeesTheLinksConsoleAloneAndTypesOrSwitchesOnlyAsTheLinkSays() {
        Caller watching = new Caller("192.0.2.1", null, guest("web-1", false, false));
        Caller typing = new Caller("192.0.2.1", null, guest("web-1", true, false));
        Caller switching = new Caller("192.0.2.1", null, guest("web-1", true, true));

        assertTrue(watching.sees("web-1"));
        assertFalse(watching.sees("web-2"));
        assertFalse(watching.mayType("web-1"));
        assertTrue(typing.mayType("web-1"));
        assertFalse(typing.mayType("web-2"));
        assertFalse(typing.maySwitchStage("web-1"));
        assertTrue(switching.maySwitchStage("web-1"));
        assertFalse(switching.maySwitchStage("web-2"));
        assertTrue(watching.signedIn().isEmpty(), "a guest is nobody signed in: no lists, actions or links");
    }

    @Test
    void aSignedInGuestHasWhatTheirAccountGrantsAndTheLinkAdds() {
        Identity viewer = new Identity("v", "vera", Role.VIEWER, List.of("db-*"), TokenHash.of("v"));
        Caller vera = new Caller("192.0.2.1", viewer, guest("web-1", true, false));

        assertTrue(vera.sees("db-1"));
        assertFalse(vera.mayType("db-1"), "her own role watches");
        assertTrue(vera.mayType("web-1"), "the link types into its console");
        assertFalse(vera.sees("web-2"));
    }

    private static Guest guest(String target, boolean type, boolean stages) {
        return new Guest("link-id", "abcdefgh", target, type, stages, "alice", TokenHash.of("device"), null,
                Instant.EPOCH, Instant.EPOCH.plusSeconds(900));
    }
}
