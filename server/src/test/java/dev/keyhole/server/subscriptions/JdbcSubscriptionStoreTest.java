package dev.keyhole.server.subscriptions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keyhole.server.TestClock;
import dev.keyhole.server.accounts.JdbcUserStore;
import dev.keyhole.server.accounts.NewUser;
import dev.keyhole.server.accounts.Role;
import dev.keyhole.server.accounts.User;
import dev.keyhole.server.accounts.UserStore;
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

/** The subscriptions table through {@link JdbcSubscriptionStore}, the same tests on SQLite and on a real PostgreSQL. */
@ParameterizedClass
@EnumSource(Vendor.class)
class JdbcSubscriptionStoreTest {

    private static final Instant START = Instant.parse("2031-05-06T07:08:09.123Z");

    @RegisterExtension
    final TestDatabases databases = new TestDatabases();

    @Parameter
    Vendor vendor;

    private final TestClock clock = new TestClock(START);
    private UserStore users;
    private SubscriptionStore subscriptions;
    private User alice;
    private User bob;

    @BeforeEach
    void openDatabase() {
        Database database = databases.open(vendor);
        SecureRandom random = new SecureRandom();
        users = new JdbcUserStore(database, clock, random);
        subscriptions = new JdbcSubscriptionStore(database, clock, random);
        alice = users.add(new NewUser("alice", Role.OPERATOR, List.of(), ""));
        bob = users.add(new NewUser("bob", Role.VIEWER, List.of("web-*"), ""));
    }

    @Test
    void aSubscriptionIsKeptAsGivenAndFoundByIdAndByUser() {
        Subscription added = subscriptions.add(alice.id(), new SubscriptionRequest("team-mail", "alice@example.org",
                List.of("web-*", "db-1"), List.of("waiting-for-passphrase", "resolved"))).orElseThrow();

        assertEquals(alice.id(), added.userId());
        assertEquals("team-mail", added.channel());
        assertEquals("alice@example.org", added.address());
        assertEquals(List.of("web-*", "db-1"), added.targets());
        assertEquals(List.of("waiting-for-passphrase", "resolved"), added.kinds());
        assertEquals(START, added.createdAt(), "the time comes from the store's clock");
        assertEquals(Optional.of(added), subscriptions.byId(added.id()));
        assertEquals(List.of(added), subscriptions.ofUser(alice.id()));
        assertEquals(List.of(), subscriptions.ofUser(bob.id()));
    }

    @Test
    void noPatternsAndNoKindsStayNone() {
        Subscription added = subscriptions.add(bob.id(), SubscriptionRequest.of("phones", "bob-7f3k", List.of()))
                .orElseThrow();

        Subscription found = subscriptions.byId(added.id()).orElseThrow();
        assertEquals(List.of(), found.targets(), "no patterns: every console bob may see");
        assertEquals(List.of(), found.kinds(), "no kinds: every kind");
        assertTrue(found.covers("anything") && found.wants("resolved"));
    }

    @Test
    void listsAreOldestFirstAndIdsRandom() {
        Subscription first = subscriptions.add(alice.id(), SubscriptionRequest.of("phones", "a-1", List.of()))
                .orElseThrow();
        clock.advance(Duration.ofSeconds(1));
        Subscription second = subscriptions.add(bob.id(), SubscriptionRequest.of("phones", "b-1", List.of()))
                .orElseThrow();
        clock.advance(Duration.ofSeconds(1));
        Subscription third = subscriptions.add(alice.id(), SubscriptionRequest.of("phones", "a-2", List.of()))
                .orElseThrow();

        assertEquals(List.of(first, second, third), subscriptions.list());
        assertEquals(List.of(first, third), subscriptions.ofUser(alice.id()));
        assertNotEquals(first.id(), third.id());
    }

    @Test
    void onlyItsUserRemovesOne() {
        Subscription added = subscriptions.add(alice.id(), SubscriptionRequest.of("phones", "a-1", List.of()))
                .orElseThrow();

        assertFalse(subscriptions.remove(added.id(), bob.id()), "bob's removal of alice's");
        assertEquals(Optional.of(added), subscriptions.byId(added.id()));
        assertTrue(subscriptions.remove(added.id(), alice.id()));
        assertFalse(subscriptions.remove(added.id(), alice.id()), "once");
        assertEquals(Optional.empty(), subscriptions.byId(added.id()));
    }

    @Test
    void removingAUserRemovesTheirsAndAddingForNobodyKeepsNothing() {
        subscriptions.add(alice.id(), SubscriptionRequest.of("phones", "a-1", List.of())).orElseThrow();
        Subscription bobs = subscriptions.add(bob.id(), SubscriptionRequest.of("phones", "b-1", List.of()))
                .orElseThrow();

        assertTrue(users.remove(alice.id()));

        assertEquals(List.of(bobs), subscriptions.list());
        assertEquals(Optional.empty(), subscriptions.add(alice.id(), SubscriptionRequest.of("phones", "a-2",
                List.of())), "a user removed meanwhile");
        assertEquals(List.of(bobs), subscriptions.list());
    }
}
