package dev.keyhole.server.accounts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keyhole.server.TestClock;
import dev.keyhole.server.auth.TokenHash;
import dev.keyhole.server.storage.Database;
import dev.keyhole.server.storage.Database.Vendor;
import dev.keyhole.server.storage.TestDatabases;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** The sessions table through {@link JdbcSessionStore}, the same tests on SQLite and on a real PostgreSQL. */
@ParameterizedClass
@EnumSource(Vendor.class)
class JdbcSessionStoreTest {

    private static final Instant START = Instant.parse("2031-05-06T07:08:09.123Z");
    private static final Duration IDLE = Duration.ofMinutes(30);
    private static final Duration LIFETIME = Duration.ofHours(12);

    @RegisterExtension
    final TestDatabases databases = new TestDatabases();

    @Parameter
    Vendor vendor;

    private final TestClock clock = new TestClock(START);
    private SessionStore sessions;
    private User alice;
    private User bob;

    @BeforeEach
    void openDatabase() {
        Database database = databases.open(vendor);
        UserStore users = new JdbcUserStore(database, clock, new SecureRandom());
        alice = users.add(new NewUser("alice", Role.ADMIN, List.of(), ""));
        bob = users.add(new NewUser("bob", Role.VIEWER, List.of(), ""));
        sessions = new JdbcSessionStore(database, clock);
    }

    private Session begin(String token, User user) {
        return sessions.begin(new NewSession(TokenHash.of(token), TokenHash.of("csrf-" + token), user.id(), LIFETIME,
                "192.0.2.7", "Mozilla/5.0 (test)", null)).orElseThrow();
    }

    @Test
    void aSessionIsFoundByItsTokensHashAsItBegan() {
        Session begun = begin("token-1", alice);

        assertEquals(new Session(TokenHash.of("token-1"), alice.id(), TokenHash.of("csrf-token-1"), START, START,
                START.plus(LIFETIME), "192.0.2.7", "Mozilla/5.0 (test)", null), begun);
        assertEquals(Optional.of(begun), sessions.find(TokenHash.of("token-1")));
        assertEquals(Optional.empty(), sessions.find(TokenHash.of("token-2")));
        assertTrue(begun.isLive(START, IDLE));
    }

    @Test
    void aSessionOfAUserWhoDoesNotExistDoesNotBegin() {
        Optional<Session> none = sessions.begin(new NewSession(TokenHash.of("t"), TokenHash.of("c"), "no-such-user",
                LIFETIME, "", "", null));

        assertEquals(Optional.empty(), none);
        assertEquals(List.of(), sessions.list());
    }

    @Test
    void provingASecondFactorRecordsItAndReplacesBothTokens() {
        begin("token-1", alice);

        assertTrue(sessions.proveSecondFactor(TokenHash.of("token-1"), TokenHash.of("token-2"),
                TokenHash.of("csrf-2"), SecondFactor.TOTP, IDLE));

        assertEquals(Optional.empty(), sessions.find(TokenHash.of("token-1")));
        Session proven = sessions.find(TokenHash.of("token-2")).orElseThrow();
        assertEquals(SecondFactor.TOTP, proven.secondFactor());
        assertEquals(TokenHash.of("csrf-2"), proven.csrfTokenHash());
        assertEquals(alice.id(), proven.userId());
    }

    @Test
    void anExpiredSessionCannotProveASecondFactor() {
        begin("token-1", alice);
        clock.advance(IDLE);

        assertFalse(sessions.proveSecondFactor(TokenHash.of("token-1"), TokenHash.of("token-2"),
                TokenHash.of("csrf-2"), SecondFactor.TOTP, IDLE));
        assertEquals(Optional.empty(), sessions.find(TokenHash.of("token-2")));
    }

    @Test
    void aSessionBegunByALinkHasItsFactorFromTheStart() {
        Session begun = sessions.begin(new NewSession(TokenHash.of("t"), TokenHash.of("c"), alice.id(), LIFETIME,
                "", "", SecondFactor.LINK)).orElseThrow();

        assertEquals(SecondFactor.LINK, begun.secondFactor());
        assertEquals(Optional.of(begun), sessions.find(TokenHash.of("t")));
    }

    @Test
    void touchingMovesTheIdleExpiryButNotTheAbsoluteOne() {
        begin("token-1", alice);
        clock.advance(Duration.ofMinutes(29));

        assertTrue(sessions.touch(TokenHash.of("token-1"), IDLE));

        Session touched = sessions.find(TokenHash.of("token-1")).orElseThrow();
        assertEquals(START.plus(Duration.ofMinutes(29)), touched.lastSeenAt());
        assertEquals(START.plus(LIFETIME), touched.absoluteExpiry());
        clock.advance(Duration.ofMinutes(29));
        assertTrue(touched.isLive(clock.instant(), IDLE), "58 minutes after it began, 29 after it was used");
    }

    @Test
    void anIdleSessionIsNotBroughtBackByTouchingIt() {
        begin("token-1", alice);
        clock.advance(IDLE);

        assertFalse(sessions.touch(TokenHash.of("token-1"), IDLE));

        Session idle = sessions.find(TokenHash.of("token-1")).orElseThrow();
        assertEquals(START, idle.lastSeenAt());
        assertFalse(idle.isLive(clock.instant(), IDLE));
    }

    @Test
    void aBusySessionEndsAtItsAbsoluteExpiry() {
        begin("token-1", alice);
        for (Duration used = Duration.ZERO; used.compareTo(LIFETIME) < 0; used = used.plus(Duration.ofMinutes(20))) {
            assertTrue(sessions.touch(TokenHash.of("token-1"), IDLE), "used " + used + " after it began");
            clock.advance(Duration.ofMinutes(20));
        }

        assertFalse(sessions.touch(TokenHash.of("token-1"), IDLE));
        assertFalse(sessions.find(TokenHash.of("token-1")).orElseThrow().isLive(clock.instant(), IDLE));
    }

    @Test
    void endingOneSessionLeavesTheOthers() {
        begin("token-1", alice);
        begin("token-2", alice);

        assertTrue(sessions.end(TokenHash.of("token-1")));
        assertFalse(sessions.end(TokenHash.of("token-1")), "it was ended already");

        assertEquals(List.of(TokenHash.of("token-2")), sessions.ofUser(alice.id()).stream().map(Session::tokenHash)
                .toList());
    }

    @Test
    void endingAllOfAUsersSessionsLeavesOtherUsers() {
        begin("alice-1", alice);
        clock.advance(Duration.ofSeconds(1));
        begin("alice-2", alice);
        begin("bob-1", bob);

        assertEquals(2, sessions.endAll(alice.id()));

        assertEquals(List.of(), sessions.ofUser(alice.id()));
        assertEquals(List.of(TokenHash.of("bob-1")), sessions.list().stream().map(Session::tokenHash).toList());
    }

    @Test
    void listsAreOldestFirst() {
        begin("second", alice);
        clock.advance(Duration.ofSeconds(-1));
        begin("first", bob);
        clock.advance(Duration.ofSeconds(2));
        begin("third", alice);

        assertEquals(List.of(TokenHash.of("first"), TokenHash.of("second"), TokenHash.of("third")),
                sessions.list().stream().map(Session::tokenHash).toList());
        assertEquals(List.of(TokenHash.of("second"), TokenHash.of("third")),
                sessions.ofUser(alice.id()).stream().map(Session::tokenHash).toList());
    }
}
