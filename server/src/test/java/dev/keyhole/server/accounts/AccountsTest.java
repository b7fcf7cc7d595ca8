package dev.keyhole.server.accounts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keyhole.server.TestClock;
import dev.keyhole.server.auth.Token;
import dev.keyhole.server.auth.TokenHash;
import dev.keyhole.server.auth.TotpEnrolment;
import dev.keyhole.server.config.AuthConfig;
import dev.keyhole.server.storage.Database;
import dev.keyhole.server.storage.Database.Vendor;
import dev.keyhole.server.storage.TestDatabases;
import dev.keyhole.testsupport.LeakNeedles;
import dev.keyhole.testsupport.TotpCodes;
import dev.keyhole.server.audit.Actor;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Signing in and staying signed in through {@link Accounts}, on the real stores of SQLite and of a real
 * PostgreSQL; TOTP codes computed by the tests' own generator from the secret the enrolment shows.
 */
@ParameterizedClass
@EnumSource(Vendor.class)
class AccountsTest {

    /** What the accounts recorded in the audit trail. */
    private final java.util.List<dev.keyhole.server.audit.AuditEvent> recorded =
            new java.util.concurrent.CopyOnWriteArrayList<>();

    private static final Instant START = Instant.parse("2031-05-06T07:08:09Z");
    private static final String PASSWORD = "a long enough password";
    private static final String ADDRESS = "192.0.2.7";

    @RegisterExtension
    final TestDatabases databases = new TestDatabases();

    @Parameter
    Vendor vendor;

    @TempDir
    Path dataDir;

    private final TestClock clock = new TestClock(START);
    private Accounts accounts;

    @BeforeEach
    void open() {
        Database database = databases.open(vendor);
        accounts = Accounts.on(database, dataDir, AuthConfig.DEFAULT, clock, new SecureRandom(), recorded::add);
    }

    private Accounts.Begun signIn(String name, String password) {
        return assertInstanceOf(Accounts.Begun.class, accounts.signIn(name, password, ADDRESS, "test"));
    }

    @Test
    void aViewerIsSignedInByTheirPasswordAlone() {
        accounts.addUser("vera", Role.VIEWER, List.of("web-*"), PASSWORD);

        Accounts.Begun begun = signIn("vera", PASSWORD);

        assertEquals(Accounts.State.SIGNED_IN, begun.resolved().state());
        Accounts.Resolved resolved = accounts.resolve(begun.tokens().session().value()).orElseThrow();
        assertEquals("vera", resolved.identity().name());
        assertEquals(List.of("web-*"), resolved.identity().targetPatterns());
        assertTrue(resolved.csrfMatches(begun.tokens().csrf().value()));
        assertFalse(resolved.csrfMatches(begun.tokens().session().value()), "the session's token is no CSRF token");
    }

    @Test
    void anUnknownNameAndAWrongPasswordAreAnsweredAlike() {
        accounts.addUser("alice", Role.ADMIN, List.of(), PASSWORD);

        Accounts.SignIn wrong = accounts.signIn("alice", "not the password", ADDRESS, "");
        Accounts.SignIn unknown = accounts.signIn("mallory", "not the password", "192.0.2.8", "");

        assertEquals(new Accounts.Refused("Wrong name or password"), wrong);
        assertEquals(wrong, unknown);
    }

    @Test
    void signInsAreRecordedWithTheirFactorAndNeverWhatWasTyped() {
        accounts.addUser("vera", Role.VIEWER, List.of(), PASSWORD);
        accounts.signIn("vera", "not her password", ADDRESS, "");
        accounts.signIn(PASSWORD, "a name typed as a password", ADDRESS, "");
        Accounts.Begun begun = signIn("vera", PASSWORD);
        accounts.signOut(begun.resolved());
        recorded.removeIf(e -> e.kind() == dev.keyhole.server.audit.AuditKind.USER_ADDED);

        assertEquals(List.of("sign-in-failed vera: wrong name or password",
                "sign-in-failed an unknown name: wrong name or password", "sign-in vera: ok password",
                "sign-out vera: ok"), recorded.stream().map(e -> e.kind().id() + " " + e.actor() + ": " + e.result()
                        + (e.detail().containsKey("factor") ? " " + e.detail().get("factor") : "")).toList());
        for (dev.keyhole.server.audit.AuditEvent event : recorded) {
            assertFalse(event.toString().contains(PASSWORD), event::toString);
            assertFalse(event.toString().contains("not her password"), event::toString);
            assertEquals(ADDRESS, event.address(), event::toString);
        }
    }

    @Test
    void aSessionNobodyCameBackToIsEndedAndItsEndRecorded() {
        accounts.addUser("vera", Role.VIEWER, List.of(), PASSWORD);
        Accounts.Begun begun = signIn("vera", PASSWORD);
        clock.advance(AuthConfig.DEFAULT.idleTimeout().minusMinutes(1));
        assertEquals(0, accounts.endExpiredSessions(), "still live");
        clock.advance(Duration.ofMinutes(2));

        assertEquals(1, accounts.endExpiredSessions());
        assertEquals(0, accounts.endExpiredSessions(), "once");
        assertTrue(accounts.resolve(begun.tokens().session().value()).isEmpty());
        dev.keyhole.server.audit.AuditEvent ended = recorded.get(recorded.size() - 1);
        assertEquals("session-ended", ended.kind().id());
        assertEquals("vera", ended.actor());
        assertEquals("signed out after 30 minutes without activity", ended.detail().get("why"));
    }

    @Test
    void whatIsDoneToUsersIsRecordedAsWhoeverDidIt() {
        Actor admin = new Actor("root", "192.0.2.99");
        User olga = accounts.addUser("olga", Role.VIEWER, List.of(), PASSWORD, admin);
        signIn("olga", PASSWORD);
        accounts.change(olga, Role.VIEWER, List.of("web-*"), admin);
        accounts.disable(olga, Actor.COMMAND_LINE);
        accounts.enable(olga, Actor.COMMAND_LINE);
        accounts.resetSecondFactor(olga.id(), admin);
        accounts.remove(olga, admin);

        assertEquals(List.of("user-added root olga", "user-changed root olga", "session-ended olga by root",
                "user-disabled keyhole-server user olga", "user-enabled keyhole-server user olga",
                "second-factor-reset root olga", "user-removed root olga"), recorded.stream()
                .filter(e -> e.kind() != dev.keyhole.server.audit.AuditKind.SIGN_IN)
                .map(e -> e.kind().id() + " " + e.actor() + " " + (e.detail().containsKey("by")
                        ? "by " + e.detail().get("by") : e.detail().get("user"))).toList());
        assertEquals("web-*", recorded.get(2).detail().get("consoles"));
        assertEquals("viewer", recorded.get(2).detail().get("role"));
        assertEquals("192.0.2.99", recorded.get(0).address());
    }

    @Test
    void theSixthSignInAfterFiveFailuresIsRefusedUncheckedForFiveMinutes() {
        accounts.addUser("alice", Role.VIEWER, List.of(), PASSWORD);
        for (int i = 0; i < SignInThrottle.FREE_FAILURES; i++) {
            assertInstanceOf(Accounts.Refused.class, accounts.signIn("alice", "wrong " + i, ADDRESS, ""));
        }

        Accounts.SignIn sixth = accounts.signIn("alice", PASSWORD, "198.51.100.1", "");

        assertEquals(new Accounts.Throttled(START.plus(SignInThrottle.FIRST_BLOCK), SignInThrottle.FIRST_BLOCK), sixth,
                "blocked by the name from any address, the right password unchecked");
        clock.advance(SignInThrottle.FIRST_BLOCK);
        assertInstanceOf(Accounts.Begun.class, accounts.signIn("alice", PASSWORD, "198.51.100.1", ""));
    }

    @Test
    void anUnknownNameIsBlockedAsAKnownOneIs() {
        for (int i = 0; i < SignInThrottle.FREE_FAILURES; i++) {
            accounts.signIn("nobody", "wrong", "198.51.100.2", "");
        }

        assertEquals(new Accounts.Throttled(START.plus(SignInThrottle.FIRST_BLOCK), SignInThrottle.FIRST_BLOCK),
                accounts.signIn("nobody", "wrong", "198.51.100.3", ""));
    }

    @Test
    void eachBlockAfterTheFirstIsTwiceAsLong() {
        assertEquals(Duration.ZERO, SignInThrottle.block(4));
        assertEquals(Duration.ofMinutes(5), SignInThrottle.block(5));
        assertEquals(Duration.ofMinutes(10), SignInThrottle.block(6));
        assertEquals(Duration.ofMinutes(20), SignInThrottle.block(7));
        assertEquals(SignInThrottle.LONGEST_BLOCK, SignInThrottle.block(1000));
    }

    @Test
    void anOperatorEnrolsTotpThenSignsInWithPasswordAndACodeUsedOnce() {
        accounts.addUser("otto", Role.OPERATOR, List.of(), PASSWORD);
        Accounts.Begun first = signIn("otto", PASSWORD);
        assertEquals(Accounts.State.ENROL, first.resolved().state());

        TotpEnrolment enrolment = accounts.beginTotp(first.resolved()).orElseThrow();
        LeakNeedles.add(enrolment.secret());
        assertTrue(enrolment.uri().startsWith("otpauth://totp/Keyhole:otto?secret="), enrolment.uri());
        assertInstanceOf(Accounts.WrongCode.class, accounts.confirmTotp(first.resolved(), "000000".equals(
                TotpCodes.at(enrolment.secret(), START)) ? "111111" : "000000"));
        Accounts.Proven enrolled = assertInstanceOf(Accounts.Proven.class,
                accounts.confirmTotp(first.resolved(), TotpCodes.at(enrolment.secret(), START)));
        assertEquals(10, enrolled.recoveryCodes().size());
        assertTrue(accounts.resolve(first.tokens().session().value()).isEmpty(), "the old token stopped working");
        assertEquals(Accounts.State.SIGNED_IN, accounts.resolve(enrolled.tokens().session().value()).orElseThrow()
                .state());

        clock.advance(Duration.ofSeconds(30));
        Accounts.Begun again = signIn("otto", PASSWORD);
        assertEquals(Accounts.State.SECOND_FACTOR, again.resolved().state());
        assertEquals(java.util.Optional.empty(), accounts.beginTotp(again.resolved()),
                "no new secret before the second factor is proven");
        String code = TotpCodes.at(enrolment.secret(), clock.instant());
        assertInstanceOf(Accounts.Proven.class, accounts.proveCode(again.resolved(), code));

        Accounts.Begun replay = signIn("otto", PASSWORD);
        assertInstanceOf(Accounts.WrongCode.class, accounts.proveCode(replay.resolved(), code),
                "the same code a second time");
    }

    @Test
    void aRecoveryCodeWorksOnceAndEightWrongCodesLock() {
        accounts.addUser("otto", Role.OPERATOR, List.of(), PASSWORD);
        Accounts.Begun first = signIn("otto", PASSWORD);
        TotpEnrolment enrolment = accounts.beginTotp(first.resolved()).orElseThrow();
        LeakNeedles.add(enrolment.secret());
        Accounts.Proven enrolled = (Accounts.Proven) accounts.confirmTotp(first.resolved(),
                TotpCodes.at(enrolment.secret(), START));
        String recovery = enrolled.recoveryCodes().get(3);

        Accounts.Begun second = signIn("otto", PASSWORD);
        assertInstanceOf(Accounts.Proven.class, accounts.proveCode(second.resolved(), recovery.toLowerCase()));
        Accounts.Begun third = signIn("otto", PASSWORD);
        assertInstanceOf(Accounts.WrongCode.class, accounts.proveCode(third.resolved(), recovery), "spent");

        String wrong = TotpCodes.ofStep(enrolment.secret(), TotpCodes.step(START) + 100);
        for (int i = 2; i < Accounts.CODE_TRIES; i++) {
            assertInstanceOf(Accounts.WrongCode.class, accounts.proveCode(third.resolved(), wrong));
        }
        assertInstanceOf(Accounts.Locked.class, accounts.proveCode(third.resolved(), wrong), "the eighth");
        assertInstanceOf(Accounts.Locked.class, accounts.proveCode(third.resolved(),
                TotpCodes.at(enrolment.secret(), clock.instant())), "locked: even the right code");

        User otto = accounts.users().byName("otto").orElseThrow();
        assertTrue(accounts.resetSecondFactor(otto.id(), Actor.KEYHOLE));
        assertEquals(Accounts.State.ENROL, signIn("otto", PASSWORD).resolved().state(), "enrols anew");
    }

    @Test
    void aOneTimeLinkSignsInOnceWithItsFactorCounted() {
        User admin = accounts.addUser("alice", Role.ADMIN, List.of(), PASSWORD);
        Token token = accounts.issueSignInLink(admin, Duration.ofMinutes(60));

        Accounts.Begun begun = assertInstanceOf(Accounts.Begun.class,
                accounts.redeemLink(token.value(), ADDRESS, ""));
        assertEquals(Accounts.State.SIGNED_IN, begun.resolved().state());
        assertEquals(SecondFactor.LINK, begun.resolved().session().secondFactor());
        assertInstanceOf(Accounts.LinkGone.class, accounts.redeemLink(token.value(), ADDRESS, ""), "spent");

        Token late = accounts.issueSignInLink(admin, Duration.ofMinutes(1));
        clock.advance(Duration.ofMinutes(1));
        assertInstanceOf(Accounts.LinkGone.class, accounts.redeemLink(late.value(), ADDRESS, ""), "expired");
        assertInstanceOf(Accounts.LinkGone.class, accounts.redeemLink("not a token", ADDRESS, ""));
    }

    @Test
    void theFirstAdminsLinkWorksOnlyWhileThereAreNoUsersAndOnlyOnce() {
        Token token = accounts.issueFirstAdminLinkIfNoUsers().orElseThrow();
        Token newer = accounts.issueFirstAdminLinkIfNoUsers().orElseThrow();
        assertInstanceOf(Accounts.LinkGone.class, accounts.redeemLink(token.value(), ADDRESS, ""),
                "a newer one replaced it");

        assertInstanceOf(Accounts.FirstAdminSetup.class, accounts.redeemLink(newer.value(), ADDRESS, ""));
        assertThrows(IllegalArgumentException.class,
                () -> accounts.setUpFirstAdmin(newer.value(), "root", "short", ADDRESS, ""));
        Accounts.Begun admin = assertInstanceOf(Accounts.Begun.class,
                accounts.setUpFirstAdmin(newer.value(), "root", PASSWORD, ADDRESS, ""));
        assertEquals(Role.ADMIN, admin.resolved().user().role());
        assertEquals(Accounts.State.ENROL, admin.resolved().state(), "an admin enrols a second factor next");

        assertInstanceOf(Accounts.LinkGone.class,
                accounts.setUpFirstAdmin(newer.value(), "eve", PASSWORD, ADDRESS, ""), "spent");
        assertTrue(accounts.issueFirstAdminLinkIfNoUsers().isEmpty(), "there is a user now");
    }

    @Test
    void disablingAUserOrSigningOutEverywhereEndsTheirSessions() {
        User vera = accounts.addUser("vera", Role.VIEWER, List.of(), PASSWORD);
        Accounts.Begun one = signIn("vera", PASSWORD);
        Accounts.Begun two = signIn("vera", PASSWORD);

        accounts.users().setDisabled(vera.id(), true);
        assertTrue(accounts.resolve(one.tokens().session().value()).isEmpty(), "a disabled user's session");
        assertInstanceOf(Accounts.Refused.class, accounts.signIn("vera", PASSWORD, ADDRESS, ""));
        accounts.users().setDisabled(vera.id(), false);
        assertTrue(accounts.resolve(one.tokens().session().value()).isPresent());

        assertEquals(2, accounts.signOutEverywhere(vera.id()));
        assertTrue(accounts.resolve(one.tokens().session().value()).isEmpty());
        assertTrue(accounts.resolve(two.tokens().session().value()).isEmpty());
    }

    @Test
    void loweringARoleOrNarrowingTheConsolesEndsTheSessionsRaisingDoesNot() {
        User olga = accounts.addUser("olga", Role.VIEWER, List.of(), PASSWORD);
        Accounts.Begun begun = signIn("olga", PASSWORD);

        assertEquals(0, accounts.change(olga, Role.VIEWER, List.of(), Actor.KEYHOLE));
        olga = accounts.users().byId(olga.id()).orElseThrow();
        assertEquals(1, accounts.change(olga, Role.VIEWER, List.of("web-*"), Actor.KEYHOLE), "narrowed to web-*");
        assertTrue(accounts.resolve(begun.tokens().session().value()).isEmpty());
        assertEquals(List.of("web-*"), accounts.users().byId(olga.id()).orElseThrow().targetPatterns());

        Accounts.Begun again = signIn("olga", PASSWORD);
        olga = accounts.users().byId(olga.id()).orElseThrow();
        assertEquals(0, accounts.change(olga, Role.VIEWER, List.of(), Actor.KEYHOLE), "widened to every console");
        olga = accounts.users().byId(olga.id()).orElseThrow();
        assertEquals(0, accounts.change(olga, Role.ADMIN, List.of(), Actor.KEYHOLE), "raised");
        assertTrue(accounts.resolve(again.tokens().session().value()).isPresent());
        olga = accounts.users().byId(olga.id()).orElseThrow();
        assertEquals(1, accounts.change(olga, Role.OPERATOR, List.of(), Actor.KEYHOLE), "lowered");
    }

    @Test
    void aSessionHoldingConsolesHearsWhyItEnded() {
        User vera = accounts.addUser("vera", Role.VIEWER, List.of(), PASSWORD);
        Accounts.Begun one = signIn("vera", PASSWORD);
        TokenHash session = one.resolved().session().tokenHash();
        assertEquals(java.util.Optional.empty(), accounts.whyEnded(session, false));

        clock.advance(AuthConfig.DEFAULT.idleTimeout().minusMinutes(1));
        assertEquals(java.util.Optional.empty(), accounts.whyEnded(session, true), "typing keeps it alive");
        clock.advance(Duration.ofMinutes(2));
        assertEquals(java.util.Optional.empty(), accounts.whyEnded(session, false), "it was typed into");
        clock.advance(AuthConfig.DEFAULT.idleTimeout());
        assertEquals(java.util.Optional.of("You were signed out after 30 minutes without activity"),
                accounts.whyEnded(session, false));

        Accounts.Begun two = signIn("vera", PASSWORD);
        accounts.users().setDisabled(vera.id(), true);
        assertEquals(java.util.Optional.of("Your account was disabled"),
                accounts.whyEnded(two.resolved().session().tokenHash(), false));
        accounts.users().remove(vera.id());
        assertEquals(java.util.Optional.of("You were signed out"),
                accounts.whyEnded(two.resolved().session().tokenHash(), false), "its sessions went with it");
    }

    @Test
    void aSessionEndsWhenIdleAndAtItsAbsoluteTimeout() {
        accounts.addUser("vera", Role.VIEWER, List.of(), PASSWORD);
        Accounts.Begun idle = signIn("vera", PASSWORD);
        clock.advance(AuthConfig.DEFAULT.idleTimeout());
        assertTrue(accounts.resolve(idle.tokens().session().value()).isEmpty());

        Accounts.Begun busy = signIn("vera", PASSWORD);
        String token = busy.tokens().session().value();
        Duration step = AuthConfig.DEFAULT.idleTimeout().minusMinutes(1);
        Duration used = Duration.ZERO;
        while (used.plus(step).compareTo(AuthConfig.DEFAULT.absoluteTimeout()) < 0) {
            clock.advance(step);
            used = used.plus(step);
            assertTrue(accounts.resolve(token).isPresent(), "used every " + step.toMinutes() + " min, at " + used);
        }
        clock.advance(AuthConfig.DEFAULT.absoluteTimeout().minus(used));
        assertTrue(accounts.resolve(token).isEmpty(), "however busy, at the absolute timeout");
    }

    @Test
    void tokensNeverShowInWhatIsPrinted() {
        User admin = accounts.addUser("alice", Role.ADMIN, List.of(), PASSWORD);
        Token token = accounts.issueSignInLink(admin, Duration.ofMinutes(5));
        Accounts.Begun begun = (Accounts.Begun) accounts.redeemLink(token.value(), ADDRESS, "");

        for (Object printed : List.of(token, begun.tokens().session(), begun.resolved(), begun.resolved().identity())) {
            assertFalse(printed.toString().contains(token.value()), printed::toString);
            assertFalse(printed.toString().contains(begun.tokens().session().value()), printed::toString);
        }
        assertNotEquals(token.value(), begun.tokens().session().value());
        assertFalse(admin.toString().contains(PASSWORD));
    }

    @Test
    void anAdminSeesTheLiveSessionsAndTheKindsOfSecondFactorAndEndsOneSession() {
        User olga = accounts.addUser("olga", Role.OPERATOR, List.of(), PASSWORD);
        assertEquals(new Accounts.FactorSummary(List.of(), 0, false), accounts.factorSummary(olga));
        Accounts.Begun enrolling = signIn("olga", PASSWORD);
        assertEquals(Accounts.State.ENROL, accounts.stateOf(olga, enrolling.resolved().session()));
        TotpEnrolment enrolment = accounts.beginTotp(enrolling.resolved()).orElseThrow();
        LeakNeedles.add(enrolment.secret());
        assertInstanceOf(Accounts.Proven.class, accounts.confirmTotp(enrolling.resolved(),
                TotpCodes.at(enrolment.secret(), clock.instant())));
        assertEquals(new Accounts.FactorSummary(List.of(SecondFactor.TOTP), 0, false), accounts.factorSummary(olga));

        accounts.addUser("vera", Role.VIEWER, List.of(), PASSWORD);
        Accounts.Begun vera = signIn("vera", PASSWORD);
        Accounts.Begun idle = signIn("vera", PASSWORD);
        clock.advance(AuthConfig.DEFAULT.idleTimeout().minusMinutes(1));
        accounts.resolve(vera.tokens().session().value());
        clock.advance(Duration.ofMinutes(2));
        List<TokenHash> live = accounts.liveSessions().stream().map(Session::tokenHash).toList();
        assertEquals(List.of(vera.resolved().session().tokenHash()), live, "the idle ones and olga's are over");
        assertFalse(live.contains(idle.resolved().session().tokenHash()));

        recorded.clear();
        assertTrue(accounts.endSession(vera.resolved().session().tokenHash(), "alice"));
        assertTrue(accounts.resolve(vera.tokens().session().value()).isEmpty(), "ended");
        assertEquals(List.of("session-ended vera: ended by an admin, by alice"), recorded.stream()
                .map(e -> e.kind().id() + " " + e.actor() + ": " + e.detail().get("why") + ", by " + e.detail().get("by"))
                .toList(), "recorded as vera's session's end, by whom");
        assertEquals(java.util.Optional.of("You were signed out"),
                accounts.whyEnded(vera.resolved().session().tokenHash(), false));
        assertFalse(accounts.endSession(vera.resolved().session().tokenHash(), "alice"), "once");
        assertEquals(List.of(), accounts.liveSessions());
    }
}
