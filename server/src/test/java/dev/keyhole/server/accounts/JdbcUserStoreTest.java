package dev.keyhole.server.accounts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
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

/** The users table through {@link JdbcUserStore}, the same tests on SQLite and on a real PostgreSQL. */
@ParameterizedClass
@EnumSource(Vendor.class)
class JdbcUserStoreTest {

    private static final Instant START = Instant.parse("2031-05-06T07:08:09.123Z");
    private static final String HASH = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo";

    @RegisterExtension
    final TestDatabases databases = new TestDatabases();

    @Parameter
    Vendor vendor;

    private final TestClock clock = new TestClock(START);
    private Database database;
    private UserStore users;

    @BeforeEach
    void openDatabase() {
        database = databases.open(vendor);
        users = new JdbcUserStore(database, clock, new SecureRandom());
    }

    @Test
    void anAddedUserIsFoundByNameAndIdAsAdded() {
        User added = users.add(new NewUser("alice", Role.OPERATOR, List.of("web-*", "db-1"), HASH));

        assertEquals("alice", added.name());
        assertEquals(Role.OPERATOR, added.role());
        assertEquals(List.of("web-*", "db-1"), added.targetPatterns());
        assertEquals(HASH, added.passwordHash());
        assertFalse(added.disabled());
        assertEquals(START, added.createdAt(), "the time comes from the store's clock");
        assertEquals(Optional.of(added), users.byName("alice"));
        assertEquals(Optional.of(added), users.byId(added.id()));
    }

    @Test
    void aUserWithoutPasswordOrPatternsKeepsNeither() {
        User added = users.add(new NewUser("bob", Role.VIEWER, List.of(), ""));

        User found = users.byName("bob").orElseThrow();
        assertEquals(List.of(), found.targetPatterns(), "no patterns: every target");
        assertFalse(found.hasPassword());
        assertEquals(added, found);
    }

    @Test
    void idsAreRandomAndNeverReusedForTheSameName() {
        User first = users.add(new NewUser("carol", Role.ADMIN, List.of(), HASH));
        assertTrue(users.remove(first.id()));
        User second = users.add(new NewUser("carol", Role.ADMIN, List.of(), HASH));

        assertNotEquals(first.id(), second.id());
        assertTrue(second.id().matches("[A-Za-z0-9_-]{22}"), second.id());
        assertEquals(Optional.empty(), users.byId(first.id()));
    }

    @Test
    void aTakenNameIsRefusedAndTheFirstUserIsKept() {
        User first = users.add(new NewUser("dave", Role.VIEWER, List.of(), HASH));

        UserExistsException e = assertThrows(UserExistsException.class,
                () -> users.add(new NewUser("dave", Role.ADMIN, List.of(), "")));

        assertEquals("a user named dave exists already", e.getMessage());
        assertEquals(List.of(first), users.list());
    }

    @Test
    void theListIsByNameAndTheCountCountsEveryone() {
        assertEquals(0, users.count());
        users.add(new NewUser("zoe", Role.VIEWER, List.of(), HASH));
        clock.advance(Duration.ofSeconds(1));
        users.add(new NewUser("adam", Role.ADMIN, List.of(), HASH));
        users.add(new NewUser("mia", Role.OPERATOR, List.of(), HASH));

        assertEquals(List.of("adam", "mia", "zoe"), users.list().stream().map(User::name).toList());
        assertEquals(3, users.count());
    }

    @Test
    void disablingChangingTheRoleAndThePasswordChangeOnlyThatUser() {
        User erin = users.add(new NewUser("erin", Role.OPERATOR, List.of(), HASH));
        User frank = users.add(new NewUser("frank", Role.OPERATOR, List.of(), HASH));

        assertTrue(users.setDisabled(erin.id(), true));
        assertTrue(users.setRole(erin.id(), Role.VIEWER));
        assertTrue(users.setPasswordHash(erin.id(), ""));

        User changed = users.byId(erin.id()).orElseThrow();
        assertTrue(changed.disabled());
        assertEquals(Role.VIEWER, changed.role());
        assertFalse(changed.hasPassword());
        assertEquals(Optional.of(frank), users.byId(frank.id()));

        assertTrue(users.setDisabled(erin.id(), false));
        assertTrue(users.setPasswordHash(erin.id(), HASH));
        assertEquals(new User(erin.id(), "erin", Role.VIEWER, List.of(), HASH, false, START),
                users.byId(erin.id()).orElseThrow());
    }

    @Test
    void changesToAnUnknownUserSaySo() {
        assertFalse(users.setDisabled("nobody", true));
        assertFalse(users.setRole("nobody", Role.ADMIN));
        assertFalse(users.setPasswordHash("nobody", HASH));
        assertFalse(users.remove("nobody"));
        assertEquals(Optional.empty(), users.byName("nobody"));
    }

    @Test
    void removingAUserEndsTheirSessionsAndNoOneElses() {
        SessionStore sessions = new JdbcSessionStore(database, clock);
        User gone = users.add(new NewUser("gina", Role.ADMIN, List.of(), HASH));
        User stays = users.add(new NewUser("hank", Role.ADMIN, List.of(), HASH));
        sessions.begin(new NewSession(TokenHash.of("gina-1"), TokenHash.of("c1"), gone.id(), Duration.ofHours(12),
                "", "", null)).orElseThrow();
        sessions.begin(new NewSession(TokenHash.of("hank-1"), TokenHash.of("c2"), stays.id(), Duration.ofHours(12),
                "", "", null)).orElseThrow();

        assertTrue(users.remove(gone.id()));

        assertEquals(Optional.empty(), sessions.find(TokenHash.of("gina-1")), "the database's foreign key cascades");
        assertTrue(sessions.find(TokenHash.of("hank-1")).isPresent());
    }

    @Test
    void toStringNeverShowsThePasswordHash() {
        User added = users.add(new NewUser("ivan", Role.VIEWER, List.of(), HASH));

        assertFalse(added.toString().contains(HASH), added::toString);
        assertTrue(added.toString().contains("password=(hidden)"), added::toString);
    }

    @Test
    void namesAndPatternsAreCheckedBeforeTheyReachTheDatabase() {
        assertThrows(IllegalArgumentException.class, () -> new NewUser("Alice", Role.VIEWER, List.of(), ""));
        assertThrows(IllegalArgumentException.class, () -> new NewUser("al ice", Role.VIEWER, List.of(), ""));
        assertThrows(IllegalArgumentException.class, () -> new NewUser("eve", Role.VIEWER, List.of("web,db"), ""));
        assertEquals(0, users.count());
    }
}
