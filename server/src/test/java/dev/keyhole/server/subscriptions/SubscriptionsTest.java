package dev.keyhole.server.subscriptions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keyhole.server.TestClock;
import dev.keyhole.server.access.Caller;
import dev.keyhole.server.access.Identity;
import dev.keyhole.server.accounts.JdbcUserStore;
import dev.keyhole.server.accounts.NewUser;
import dev.keyhole.server.accounts.Role;
import dev.keyhole.server.accounts.User;
import dev.keyhole.server.accounts.UserStore;
import dev.keyhole.server.audit.AuditEvent;
import dev.keyhole.server.auth.TokenHash;
import dev.keyhole.server.storage.Database;
import dev.keyhole.server.storage.Database.Vendor;
import dev.keyhole.server.storage.TestDatabases;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Subscriptions added, listed and removed through {@link Subscriptions}, and whom a notice about a console reaches,
 * on SQLite and on a real PostgreSQL: each user sees and removes only their own; every refusal says what to change;
 * a subscription covers only consoles its user may see, when it is added and again whenever a notice is sent.
 */
@ParameterizedClass
@EnumSource(Vendor.class)
class SubscriptionsTest {

    private static final Instant START = Instant.parse("2031-05-06T07:08:09Z");
    private static final List<SubscribableChannel> CHANNELS = List.of(
            SubscribableChannel.email("team-mail", "The team's mail server"),
            SubscribableChannel.ntfy("phones", "ntfy at https://ntfy.example.org"),
            new SubscribableChannel("ops-hook", SubscribableChannel.WEBHOOK, "The on-call system"));

    @RegisterExtension
    final TestDatabases databases = new TestDatabases();

    @Parameter
    Vendor vendor;

    private final TestClock clock = new TestClock(START);
    /** What the subscriptions recorded in the audit trail. */
    private final List<AuditEvent> recorded = new CopyOnWriteArrayList<>();
    private UserStore users;
    private SubscriptionStore store;
    private Subscriptions subscriptions;
    private User vera;
    private User olga;

    @BeforeEach
    void open() {
        Database database = databases.open(vendor);
        SecureRandom random = new SecureRandom();
        users = new JdbcUserStore(database, clock, random);
        store = new JdbcSubscriptionStore(database, clock, random);
        subscriptions = new Subscriptions(store, users, CHANNELS, recorded::add);
        vera = users.add(new NewUser("vera", Role.VIEWER, List.of("web-*"), ""));
        olga = users.add(new NewUser("olga", Role.OPERATOR, List.of(), ""));
    }

    private static Caller as(User user) {
        return new Caller("192.0.2.9", new Identity(user.id(), user.name(), user.role(), user.targetPatterns(),
                TokenHash.of("session of " + user.name())));
    }

    /** Adds a subscription a second after the one before, so that they are listed in the order they were added. */
    private Subscription add(Caller by, SubscriptionRequest request) {
        clock.advance(Duration.ofSeconds(1));
        return subscriptions.add(by, request);
    }

    private static SubscriptionRequest email(String address, String... targets) {
        return SubscriptionRequest.of("team-mail", address, List.of(targets));
    }

    private static SubscriptionRequest ntfy(String topic, String... targets) {
        return SubscriptionRequest.of("phones", topic, List.of(targets));
    }

    @Test
    void usersAddListAndRemoveTheirOwnAndNoOneElses() {
        Subscription veras = add(as(vera), email(" vera@Example.ORG ", "web-*"));
        Subscription olgas = add(as(olga), ntfy("olga-7f3k"));

        assertEquals("vera@example.org", veras.address(), "spaces go, the domain in lower case");
        assertEquals(List.of("web-*"), veras.targets());
        assertEquals(List.of(), olgas.targets(), "every console olga may see");
        assertEquals(List.of(veras), subscriptions.of(as(vera).identity()));
        assertEquals(List.of(olgas), subscriptions.of(as(olga).identity()));

        assertFalse(subscriptions.remove(as(olga), veras.id()), "olga cannot remove vera's");
        assertFalse(subscriptions.remove(as(olga), "no-such-id"), "nor one that is nobody's: the same answer");
        assertEquals(List.of(veras), subscriptions.of(as(vera).identity()));
        assertTrue(subscriptions.remove(as(vera), veras.id()));
        assertFalse(subscriptions.remove(as(vera), veras.id()), "once");
        assertEquals(List.of(), subscriptions.of(as(vera).identity()));

        assertEquals(List.of("subscription-added vera", "subscription-added olga", "subscription-removed vera"),
                recorded.stream().map(e -> e.kind().id() + " " + e.actor()).toList());
        Map<String, Object> added = recorded.get(0).detail();
        assertEquals(veras.id(), added.get("subscription"));
        assertEquals("team-mail", added.get("channel"));
        assertEquals("email", added.get("type"));
        assertEquals("web-*", added.get("consoles"));
        assertEquals("all", added.get("kinds"));
        assertEquals("example.org", added.get("domain"), "of an email address, its domain alone");
        assertEquals("192.0.2.9", recorded.get(0).address());
        for (AuditEvent event : recorded) {
            assertFalse(event.toString().contains("vera@") || event.toString().contains("olga-7f3k"),
                    () -> "no address or topic in the trail: " + event);
        }
        assertEquals("*", recorded.get(1).detail().get("consoles"));
        assertFalse(recorded.get(1).detail().containsKey("domain"), "nothing of a topic");
    }

    @Test
    void everyRefusalSaysWhatToChange() {
        Map<SubscriptionRequest, String> refusals = new LinkedHashMap<>();
        refusals.put(SubscriptionRequest.of("", "vera@example.org", List.of()), "Choose a channel");
        refusals.put(SubscriptionRequest.of("pager", "vera@example.org", List.of()),
                "No notification channel is called pager: choose one of team-mail, phones");
        refusals.put(SubscriptionRequest.of("ops-hook", "https://example.org/hook", List.of()),
                "The channel ops-hook is a webhook, which sends only where an admin configured it: choose an email "
                        + "or ntfy channel");
        refusals.put(email(""), "Give the email address to send to");
        refusals.put(email("Vera <vera@example.org>"), "Give one email address alone, like alice@example.org: no "
                + "name, no <>, no spaces, no commas");
        refusals.put(email("vera@example.org, boss@example.org"), "Give one email address alone, like "
                + "alice@example.org: no name, no <>, no spaces, no commas");
        refusals.put(email("vera@example.org\r\nBcc: boss@example.org"), "An email address is one line");
        refusals.put(email("vera@example.org\nBcc: boss@example.org"), "An email address is one line");
        refusals.put(email("v".repeat(64) + "@" + "d".repeat(63) + "." + "e".repeat(63) + "."
                + "f".repeat(63) + ".org"), "An email address has at most 254 characters");
        refusals.put(email("vera"), "An email address has an @, like alice@example.org");
        refusals.put(email("vera@@example.org"), "Give one email address alone, like alice@example.org: no "
                + "name, no <>, no spaces, no commas");
        refusals.put(email(".vera@example.org"), "The part before the @ is up to 64 letters, digits, dots and "
                + "!#$%&'*+/=?^_`{|}~- (no dot first, last or twice in a row)");
        refusals.put(email("v".repeat(65) + "@example.org"), "The part before the @ is up to 64 letters, digits, "
                + "dots and !#$%&'*+/=?^_`{|}~- (no dot first, last or twice in a row)");
        refusals.put(email("vera@-example.org"), "The part after the @ is a domain name, like example.org");
        refusals.put(email("vera@192.0.2.1"), "The part after the @ is a domain name, like example.org");
        refusals.put(email("vera@"), "The part after the @ is a domain name, like example.org");
        refusals.put(ntfy(""), "Give your ntfy topic: the channel's server is set, the topic is yours");
        refusals.put(ntfy("https://ntfy.sh/vera"), "An ntfy topic is 1 to 64 letters, digits, - and _, like "
                + "keyhole-alice-7f3k (the topic alone, not its URL)");
        refusals.put(ntfy("t".repeat(65)), "An ntfy topic is 1 to 64 letters, digits, - and _, like "
                + "keyhole-alice-7f3k (the topic alone, not its URL)");
        refusals.put(ntfy("vera-1", "Web 1"), "A console is named by its name, or by a pattern in which * stands "
                + "for any characters, like web-*; not Web 1");
        refusals.put(new SubscriptionRequest("phones", "vera-1", List.of(), List.of("sometimes")), "No notice is "
                + "called sometimes: the kinds are waiting-for-passphrase, wrong-passphrase, reminder, resolved, "
                + "vm-aborted, vm-restarted, vm-restart-failed, or all");

        refusals.forEach((request, sentence) -> assertEquals(sentence, assertThrows(IllegalArgumentException.class,
                () -> add(as(vera), request), request::toString).getMessage(), request::toString));
        assertEquals(List.of(), store.list(), "nothing refused was kept");
        assertEquals(List.of(), recorded, "nor recorded");
    }

    @Test
    void plainAddressesOfEveryShapeAreTaken() {
        for (String address : List.of("vera@example.org", "vera.b+keyhole@mail.example.org", "o'neil@example.org",
                "ops@mailhost", "v@x-y.example")) {
            assertEquals(address, add(as(olga), email(address)).address());
        }
        for (String topic : List.of("a", "Keyhole_olga-7F3k", "t".repeat(64))) {
            assertEquals(topic, add(as(olga), ntfy(topic)).address());
        }
    }

    @Test
    void aViewerLimitedToWebConsolesCannotSubscribeToDb1() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> add(as(vera), email("vera@example.org", "web-1", "db-1")));
        assertEquals("You may not see db-1: a subscription covers only consoles you may see (web-*)",
                refused.getMessage());
        for (String wider : List.of("w*", "*-1", "web*")) {
            assertThrows(IllegalArgumentException.class, () -> add(as(vera),
                    email("vera@example.org", wider)), () -> wider + " names consoles vera may not see");
        }
        assertEquals(List.of(), store.list());

        assertEquals(List.of("web-1"), add(as(vera), email("vera@example.org", "web-1")).targets());
        assertEquals(List.of("web-db-*"), add(as(vera), email("vera@example.org", "web-db-*"))
                .targets());
        assertEquals(List.of(), add(as(vera), email("vera@example.org", "*")).targets(),
                "every console vera may see");
        assertEquals(List.of("vera"), subscriptions.recipientsFor("web-1").stream().map(Subscriber::userName)
                .distinct().toList());
        assertEquals(List.of(), subscriptions.recipientsFor("db-1"), "her every console is not db-1");
    }

    @Test
    void afterAnAdminNarrowsAUsersConsolesTheirSubscriptionsNoLongerReachThem() {
        Subscription every = add(as(olga), ntfy("olga-all"));
        Subscription databases = add(as(olga), email("olga@example.org", "db-*"));
        assertEquals(List.of(new Subscriber(every.id(), "olga", "phones", "ntfy", "olga-all"),
                new Subscriber(databases.id(), "olga", "team-mail", "email", "olga@example.org")),
                subscriptions.recipientsFor("db-1"));

        assertTrue(users.setTargetPatterns(olga.id(), List.of("web-*")));

        assertEquals(List.of(), subscriptions.recipientsFor("db-1"), "olga may not see db-1 any more");
        assertEquals(List.of(new Subscriber(every.id(), "olga", "phones", "ntfy", "olga-all")),
                subscriptions.recipientsFor("web-1"), "her every console is web-* now");
        assertEquals(2, subscriptions.of(as(olga).identity()).size(), "both are kept: widened again, they reach her");
        assertTrue(users.setTargetPatterns(olga.id(), List.of()));
        assertEquals(2, subscriptions.recipientsFor("db-1").size());
    }

    @Test
    void aDisabledUserIsToldNothingAndARemovedOnesSubscriptionsGo() {
        add(as(olga), ntfy("olga-all"));
        add(as(vera), ntfy("vera-web", "web-*"));
        assertEquals(List.of("olga", "vera"), names(subscriptions.recipientsFor("web-1")));

        users.setDisabled(olga.id(), true);
        assertEquals(List.of("vera"), names(subscriptions.recipientsFor("web-1")), "olga is disabled");
        users.setDisabled(olga.id(), false);
        assertEquals(List.of("olga", "vera"), names(subscriptions.recipientsFor("web-1")), "enabled again");

        users.remove(vera.id());
        assertEquals(List.of("olga"), names(subscriptions.recipientsFor("web-1")));
        assertEquals(1, store.list().size(), "vera's went with her");
    }

    @Test
    void kindsChannelsAndAddressesDecideWhoIsToldWhat() {
        Subscription resolvedOnly = add(as(olga), new SubscriptionRequest("phones", "olga-resolved",
                List.of(), List.of("resolved")));
        Subscription waiting = add(as(olga), new SubscriptionRequest("team-mail", "olga@example.org",
                List.of("web-1"), List.of("waiting-for-passphrase", "reminder")));
        Subscription everyKind = add(as(olga), new SubscriptionRequest("team-mail", "OLGA@example.org",
                List.of("web-*"), List.of("all")));
        assertEquals(List.of(), everyKind.kinds(), "all: every kind");

        assertEquals(List.of(resolvedOnly.id()), ids(subscriptions.recipientsFor("db-1", "resolved")));
        assertEquals(List.of(waiting.id()), ids(subscriptions.recipientsFor("web-1", "reminder")),
                "her two subscriptions with one address tell it once");
        assertEquals(List.of(resolvedOnly.id(), everyKind.id()),
                ids(subscriptions.recipientsFor("web-1", "resolved")));
        assertEquals(List.of(resolvedOnly.id(), waiting.id()), ids(subscriptions.recipientsFor("web-1")),
                "whatever kinds they chose");

        Subscriptions mailOnly = new Subscriptions(store, users, List.of(CHANNELS.get(0)), recorded::add);
        assertEquals(List.of(everyKind.id()), ids(mailOnly.recipientsFor("web-1", "resolved")),
                "a channel no longer configured tells no one");
        assertEquals(List.of(), new Subscriptions(store, users, List.of(), recorded::add)
                .recipientsFor("web-1"), "nor do none");
    }

    @Test
    void oneSubscriptionOnceAndAtMostTwentyEach() {
        add(as(olga), new SubscriptionRequest("phones", "olga-1", List.of("web-1", "db-1"),
                List.of("resolved", "reminder")));
        IllegalArgumentException twice = assertThrows(IllegalArgumentException.class, () -> subscriptions.add(
                as(olga), new SubscriptionRequest("phones", "olga-1", List.of("db-1", "web-1", "db-1"),
                        List.of("reminder", "resolved"))));
        assertEquals("You have this subscription already", twice.getMessage());

        for (int i = 2; i <= Subscriptions.MAX_PER_USER; i++) {
            add(as(olga), ntfy("olga-" + i));
        }
        IllegalArgumentException more = assertThrows(IllegalArgumentException.class,
                () -> add(as(olga), ntfy("olga-21")));
        assertEquals("You have 20 subscriptions, the most one may have: remove one first", more.getMessage());
        add(as(vera), ntfy("vera-1"));
    }

    @Test
    void withoutChannelsOrWithoutAnAccountNobodySubscribes() {
        Subscriptions none = new Subscriptions(store, users, List.of(), recorded::add);
        assertEquals(List.of(), none.channels());
        assertEquals("No notification channels are configured: ask an admin", assertThrows(
                IllegalArgumentException.class, () -> none.add(as(olga), ntfy("olga-1"))).getMessage());
        Subscriptions webhookOnly = new Subscriptions(store, users, List.of(CHANNELS.get(2)), recorded::add);
        assertEquals(List.of(), webhookOnly.channels(), "a webhook is offered to nobody");

        assertEquals(List.of("team-mail", "phones"), subscriptions.channels().stream()
                .map(SubscribableChannel::name).toList());
        assertThrows(SecurityException.class, () -> subscriptions.add(Caller.anonymous("192.0.2.1"), ntfy("x")));
        assertThrows(SecurityException.class, () -> subscriptions.remove(Caller.anonymous("192.0.2.1"), "x"));
        User gone = users.add(new NewUser("gone", Role.VIEWER, List.of(), ""));
        Caller stale = as(gone);
        users.remove(gone.id());
        assertThrows(SecurityException.class, () -> subscriptions.add(stale, ntfy("gone-1")),
                "an account removed while its page was open");
        assertThrows(IllegalArgumentException.class, () -> new Subscriptions(store, users,
                List.of(CHANNELS.get(0), CHANNELS.get(0)), recorded::add), "two channels of one name");
    }

    private static List<String> names(List<Subscriber> subscribers) {
        return subscribers.stream().map(Subscriber::userName).toList();
    }

    private static List<String> ids(List<Subscriber> subscribers) {
        return subscribers.stream().map(Subscriber::subscriptionId).toList();
    }
}
