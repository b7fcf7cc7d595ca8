package dev.keyhole.server.links;

import static dev.keyhole.server.links.ShareLink.Mode.TYPE;
import static dev.keyhole.server.links.ShareLink.Mode.WATCH;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keyhole.server.TestClock;
import dev.keyhole.server.access.Caller;
import dev.keyhole.server.access.Guest;
import dev.keyhole.server.audit.AuditEvent;
import dev.keyhole.server.access.Identity;
import dev.keyhole.server.accounts.JdbcUserStore;
import dev.keyhole.server.accounts.NewUser;
import dev.keyhole.server.accounts.Role;
import dev.keyhole.server.accounts.User;
import dev.keyhole.server.accounts.UserStore;
import dev.keyhole.server.auth.Token;
import dev.keyhole.server.auth.TokenHash;
import dev.keyhole.server.auth.Tokens;
import dev.keyhole.server.config.LinksConfig;
import dev.keyhole.server.links.ShareLink.Terms;
import dev.keyhole.server.storage.Database;
import dev.keyhole.server.storage.Database.Vendor;
import dev.keyhole.server.storage.TestDatabases;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** Share links made, opened and ended through {@link ShareLinks}, on SQLite and on a real PostgreSQL. */
@ParameterizedClass
@EnumSource(Vendor.class)
class ShareLinksTest {

    private static final Instant START = Instant.parse("2031-05-06T07:08:09Z");
    private static final Duration LONGEST = Duration.ofHours(24);

    @RegisterExtension
    final TestDatabases databases = new TestDatabases();

    @Parameter
    Vendor vendor;

    private final TestClock clock = new TestClock(START);
    /** What the links recorded in the audit trail. */
    private final List<AuditEvent> recorded = new CopyOnWriteArrayList<>();
    private Database database;
    private UserStore users;
    private ShareLinks links;
    private Identity alice;
    private Identity bob;
    private Identity admin;

    @BeforeEach
    void open() {
        database = databases.open(vendor);
        SecureRandom random = new SecureRandom();
        users = new JdbcUserStore(database, clock, random);
        links = new ShareLinks(new JdbcShareLinkStore(database, clock, random), users, new Tokens(random),
                new LinksConfig(LONGEST, false), clock, recorded::add);
        alice = identity(users.add(new NewUser("alice", Role.OPERATOR, List.of("web-*"), "")));
        bob = identity(users.add(new NewUser("bob", Role.OPERATOR, List.of(), "")));
        admin = identity(users.add(new NewUser("root", Role.ADMIN, List.of(), "")));
    }

    private static Caller as(Identity identity) {
        return new Caller("192.0.2.9", identity);
    }

    private static Identity identity(User user) {
        return new Identity(user.id(), user.name(), user.role(), user.targetPatterns(), TokenHash.of(user.name()));
    }

    @Test
    void aLinkOpensOnItsDevicesAndNoMore() {
        ShareLinks.Created created = links.create(as(alice), "web-1", Terms.of(WATCH).onDevices(2).noted("for Sam"));

        ShareLinks.Joined phone = links.join(created.token().value(), "192.0.2.1", "phone", null).orElseThrow();
        ShareLinks.Joined laptop = links.join(created.token().value(), "192.0.2.2", "laptop", null).orElseThrow();
        assertEquals(Optional.empty(), links.join(created.token().value(), "192.0.2.3", "third", null),
                "two devices only");

        assertEquals("web-1", phone.guest().target());
        assertFalse(phone.guest().mayType());
        assertEquals("alice", phone.guest().maker());
        assertEquals("for Sam", phone.link().note());
        assertEquals(created.link().id(), links.resolve(laptop.deviceToken().value(), null).orElseThrow().linkId());
        assertEquals(Optional.empty(), links.resolve(created.token().value(), null), "the link's token is no device's");
        assertEquals(2, links.devices(created.link()).size());
    }

    @Test
    void aSingleDeviceLinkOpenedTwiceAtOnceLetsOneIn() throws Exception {
        ShareLinks.Created created = links.create(as(bob), "db-1", Terms.of(TYPE));
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            List<CompletableFuture<Optional<ShareLinks.Joined>>> tries = java.util.stream.IntStream.range(0, 8)
                    .mapToObj(i -> CompletableFuture.supplyAsync(() -> links.join(created.token().value(),
                            "192.0.2." + i, "", null), threads)).toList();
            long joined = tries.stream().map(CompletableFuture::join).filter(Optional::isPresent).count();
            assertEquals(1, joined, "the first browser claims it; every other is refused");
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void revokedExpiredTamperedAndUnknownLinksAreRefusedAlike() {
        ShareLinks.Created revoked = links.create(as(bob), "db-1", Terms.of(WATCH).onDevices(5));
        ShareLinks.Created expiring = links.create(as(bob), "db-1", Terms.of(WATCH).lasting(Duration.ofMinutes(1)).onDevices(5));
        ShareLinks.Joined guest = links.join(revoked.token().value(), "192.0.2.1", "", null).orElseThrow();
        ShareLinks.Joined late = links.join(expiring.token().value(), "192.0.2.1", "", null).orElseThrow();

        assertTrue(links.revoke(as(bob), revoked.link().id()));
        assertFalse(links.revoke(as(bob), revoked.link().id()), "once");
        assertEquals(Optional.of("This link was revoked"), links.whyEnded(guest.deviceToken().hash()));
        assertEquals(Optional.empty(), links.resolve(guest.deviceToken().value(), null));
        assertEquals(Optional.empty(), links.whyEnded(late.deviceToken().hash()));
        clock.advance(Duration.ofMinutes(1));
        assertEquals(Optional.of("This link expired"), links.whyEnded(late.deviceToken().hash()));

        String token = revoked.token().value();
        String tampered = (token.charAt(5) == 'A' ? 'B' : 'A') + "";
        for (String presented : List.of(token, expiring.token().value(),
                token.substring(0, 5) + tampered + token.substring(6), "A".repeat(43), "not a token", "")) {
            assertEquals(Optional.empty(), links.join(presented, "192.0.2.9", "", null), presented.length() + " chars");
        }
    }

    @Test
    void onlyOperatorsWhoSeeAConsoleShareItWithinTheLimits() {
        Identity viewer = identity(users.add(new NewUser("vera", Role.VIEWER, List.of(), "")));
        assertThrows(SecurityException.class, () -> links.create(as(viewer), "web-1", Terms.of(WATCH)), "a viewer shares nothing");
        assertThrows(SecurityException.class, () -> links.create(as(alice), "db-1", Terms.of(WATCH)), "alice does not see db-1");
        assertThrows(IllegalArgumentException.class,
                () -> links.create(as(bob), "db-1", Terms.of(WATCH).lasting(LONGEST.plusMinutes(1))));
        assertThrows(IllegalArgumentException.class,
                () -> links.create(as(bob), "db-1", Terms.of(WATCH).lasting(Duration.ofSeconds(30))));
        assertThrows(IllegalArgumentException.class, () -> links.create(as(bob), "db-1", Terms.of(WATCH).onDevices(0)));
        assertThrows(IllegalArgumentException.class,
                () -> links.create(as(bob), "db-1", Terms.of(WATCH).switchingStages()), "watching switches no stage");
        assertEquals("abc für Sam", links.create(as(bob), "db-1", Terms.of(WATCH).noted("  a\u0007b\u202Ec für Sam\n"))
                .link().note(), "no control or formatting characters, any script");
    }

    @Test
    void aLinkToTypeMaySwitchStagesWhenItsMakerSaysSo() {
        ShareLinks.Created plain = links.create(as(bob), "db-1", Terms.of(TYPE));
        ShareLinks.Created staging = links.create(as(bob), "db-1", Terms.of(TYPE).switchingStages());

        Guest typing = links.join(plain.token().value(), "192.0.2.1", "", null).orElseThrow().guest();
        Guest switching = links.join(staging.token().value(), "192.0.2.1", "", null).orElseThrow().guest();
        assertTrue(typing.mayType());
        assertFalse(typing.maySwitchStage());
        assertTrue(switching.maySwitchStage());
        assertTrue(links.of(bob, "db-1").stream().anyMatch(ShareLink::stages), "kept in the database");
    }

    @Test
    void whereLinksNeedAnAccountADeviceWorksOnlyBesideItsUsersSession() {
        ShareLinks needy = new ShareLinks(new JdbcShareLinkStore(database, clock, new SecureRandom()), users,
                new Tokens(new SecureRandom()), new LinksConfig(LONGEST, true), clock, recorded::add);
        ShareLinks.Created created = needy.create(as(bob), "db-1", Terms.of(WATCH).onDevices(5));

        assertEquals(Optional.empty(), needy.join(created.token().value(), "192.0.2.1", "", null), "not signed in");
        ShareLinks.Joined joined = needy.join(created.token().value(), "192.0.2.1", "", alice.userId()).orElseThrow();
        assertEquals(alice.userId(), joined.guest().userId());
        String device = joined.deviceToken().value();
        assertTrue(needy.resolve(device, alice.userId()).isPresent());
        assertEquals(Optional.empty(), needy.resolve(device, null), "a copied cookie without alice's session");
        assertEquals(Optional.empty(), needy.resolve(device, admin.userId()), "nor beside someone else's");
    }

    @Test
    void linksAndTheirDevicesOutliveTheServerThatMadeThem() {
        ShareLinks.Created created = links.create(as(bob), "db-1", Terms.of(TYPE).onDevices(2));
        ShareLinks.Joined joined = links.join(created.token().value(), "192.0.2.1", "", null).orElseThrow();

        ShareLinks restarted = new ShareLinks(new JdbcShareLinkStore(database, clock, new SecureRandom()), users,
                new Tokens(new SecureRandom()), new LinksConfig(LONGEST, false), clock, recorded::add);
        assertEquals(created.link().id(), restarted.resolve(joined.deviceToken().value(), null).orElseThrow().linkId());
        assertTrue(restarted.join(created.token().value(), "192.0.2.2", "", null).isPresent(), "its second device");
    }

    @Test
    void aGuestsCsrfTokenComesFromTheirDeviceAndShowsNothingOfIt() {
        ShareLinks.Created created = links.create(as(bob), "db-1", Terms.of(WATCH));
        String device = links.join(created.token().value(), "192.0.2.1", "", null).orElseThrow().deviceToken().value();

        assertEquals(ShareLinks.csrfOf(device), ShareLinks.csrfOf(device));
        assertFalse(ShareLinks.csrfOf(device).contains(device));
        assertFalse(ShareLinks.csrfOf(device).equals(TokenHash.of(device).value()), "not the stored hash");
    }

    @Test
    void aLinkIsItsMakersAndAnAdminsToListAndRevoke() {
        ShareLinks.Created bobs = links.create(as(bob), "web-1", Terms.of(WATCH));
        ShareLinks.Created alices = links.create(as(alice), "web-1", Terms.of(TYPE));

        assertEquals(List.of(bobs.link().id()), links.of(bob, "web-1").stream().map(ShareLink::id).toList());
        assertEquals(2, links.of(admin, "web-1").size());
        assertFalse(links.revoke(as(bob), alices.link().id()), "bob revokes no link of alice's");
        assertTrue(links.revoke(as(admin), alices.link().id()));
    }

    @Test
    void aDisabledMakersLinksStopAndARemovedMakersGoWithThem() {
        ShareLinks.Created created = links.create(as(bob), "db-1", Terms.of(WATCH).onDevices(3));
        ShareLinks.Joined guest = links.join(created.token().value(), "192.0.2.1", "", null).orElseThrow();

        users.setDisabled(bob.userId(), true);
        assertEquals(Optional.of("This link was revoked"), links.whyEnded(guest.deviceToken().hash()));
        assertEquals(Optional.empty(), links.join(created.token().value(), "192.0.2.2", "", null));
        users.setDisabled(bob.userId(), false);
        assertTrue(links.resolve(guest.deviceToken().value(), null).isPresent());

        users.remove(bob.userId());
        assertEquals(Optional.of("This link was revoked"), links.whyEnded(guest.deviceToken().hash()));
        assertEquals(Optional.empty(), links.resolve(guest.deviceToken().value(), null));
    }

    @Test
    void whatLinksDoIsRecordedWithTheirFingerprintAndNeverTheirToken() {
        ShareLinks.Created created = links.create(as(bob), "db-1", Terms.of(WATCH));
        ShareLinks.Joined joined = links.join(created.token().value(), "192.0.2.1", "phone", null).orElseThrow();
        links.join(created.token().value(), "192.0.2.2", "", null);
        links.join("x".repeat(43), "192.0.2.3", "", null);
        links.revoke(as(admin), created.link().id());
        links.join(created.token().value(), "192.0.2.4", "", null);

        assertEquals(List.of("link-created bob ok", "link-redeemed 192.0.2.1 ok",
                "link-refused 192.0.2.2 opened on all its devices already", "link-refused 192.0.2.3 no such link",
                "link-revoked root ok", "link-refused 192.0.2.4 revoked"), recorded.stream()
                .map(e -> e.kind().id() + " " + e.actor() + " " + e.result()).toList());
        for (AuditEvent event : recorded) {
            assertFalse(event.toString().contains(created.token().value()), event::toString);
            assertFalse(event.toString().contains(joined.deviceToken().value()), event::toString);
            if (!event.result().equals("no such link")) {
                assertEquals(created.link().fingerprint(), event.detail().get("link"), event::toString);
                assertEquals("db-1", event.target(), event::toString);
            }
        }
    }

    @Test
    void noTokenShowsInWhatIsPrinted() {
        ShareLinks.Created created = links.create(as(bob), "db-1", Terms.of(WATCH));
        ShareLinks.Joined joined = links.join(created.token().value(), "192.0.2.1", "", null).orElseThrow();
        for (Object printed : List.of(created, joined, joined.guest(), created.link(), joined.guest().device())) {
            for (Token token : List.of(created.token(), joined.deviceToken())) {
                assertFalse(printed.toString().contains(token.value()), printed::toString);
            }
        }
    }
}
