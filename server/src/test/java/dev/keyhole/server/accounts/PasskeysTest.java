package dev.keyhole.server.accounts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keyhole.server.TestClock;
import dev.keyhole.server.config.AuthConfig;
import dev.keyhole.server.storage.Database;
import dev.keyhole.server.storage.Database.Vendor;
import dev.keyhole.server.storage.TestDatabases;
import dev.keyhole.server.audit.Actor;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The passkey ceremonies through {@link Passkeys}, on the real stores of SQLite and of a real PostgreSQL, answered by
 * a {@link SoftAuthenticator}: who may register one and when, that one signs in alone and proves a second factor,
 * and what is refused: another user's passkey, a removed one, a clone, an answer for another origin, a ceremony
 * spent, expired or another session's.
 */
@ParameterizedClass
@EnumSource(Vendor.class)
class PasskeysTest {

    /** What the accounts recorded in the audit trail. */
    private final java.util.List<dev.keyhole.server.audit.AuditEvent> recorded =
            new java.util.concurrent.CopyOnWriteArrayList<>();

    private static final Instant START = Instant.parse("2031-05-06T07:08:09Z");
    private static final String PASSWORD = "a long enough password";
    private static final String ADDRESS = "192.0.2.7";
    private static final String ORIGIN = "http://localhost";
    private static final String PHONE = "Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like "
            + "Gecko) Chrome/120.0.0.0 Mobile Safari/537.36";
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    final TestDatabases databases = new TestDatabases();

    @Parameter
    Vendor vendor;

    @TempDir
    Path dataDir;

    private final TestClock clock = new TestClock(START);
    private Accounts accounts;
    private Passkeys passkeys;
    /** The loopback default's site: localhost, for http://localhost (not http://127.0.0.1). */
    private final PasskeySite site = PasskeySite.of(List.of("http://127.0.0.1", ORIGIN), "").orElseThrow();

    @BeforeEach
    void open() {
        Database database = databases.open(vendor);
        accounts = Accounts.on(database, dataDir, AuthConfig.DEFAULT, clock, new SecureRandom(), recorded::add);
        passkeys = Passkeys.on(database, accounts, clock);
    }

    private Accounts.Resolved signInWithPassword(String name) {
        Accounts.Begun begun = assertInstanceOf(Accounts.Begun.class, accounts.signIn(name, PASSWORD, ADDRESS, ""));
        return begun.resolved();
    }

    /** Registers a passkey for a session, as its page would. */
    private Passkeys.Finish register(SoftAuthenticator authenticator, Accounts.Resolved session, String nickname)
            throws Exception {
        Passkeys.Options options = assertInstanceOf(Passkeys.Options.class, passkeys.beginRegistration(site,
                session, ADDRESS));
        return passkeys.finishRegistration(site, session, options.ceremony().value(),
                authenticator.create(options.publicKey()), nickname, PHONE);
    }

    /** An operator who enrolled a passkey as their second factor; their session is complete. */
    private SoftAuthenticator operatorWithPasskey(String name) throws Exception {
        accounts.addUser(name, Role.OPERATOR, List.of(), PASSWORD);
        SoftAuthenticator phone = new SoftAuthenticator(ORIGIN);
        assertInstanceOf(Passkeys.Registered.class, register(phone, signInWithPassword(name), ""));
        return phone;
    }

    private Passkeys.Finish signInWith(SoftAuthenticator authenticator) throws Exception {
        Passkeys.Options options = assertInstanceOf(Passkeys.Options.class, passkeys.beginSignIn(site, ADDRESS));
        return passkeys.finishSignIn(site, options.ceremony().value(), authenticator.get(options.publicKey()),
                ADDRESS, PHONE);
    }

    @Test
    void aPasskeyEnrolledAsTheSecondFactorCompletesTheSessionWithNewTokens() throws Exception {
        accounts.addUser("olga", Role.OPERATOR, List.of(), PASSWORD);
        Accounts.Resolved enrolling = signInWithPassword("olga");
        assertEquals(Accounts.State.ENROL, enrolling.state());

        Passkeys.Options options = assertInstanceOf(Passkeys.Options.class, passkeys.beginRegistration(site,
                enrolling, ADDRESS));
        JsonNode publicKey = JSON.readTree(options.publicKey()).path("publicKey");
        assertEquals("localhost", publicKey.path("rp").path("id").asText());
        assertEquals("required", publicKey.path("authenticatorSelection").path("residentKey").asText());
        assertEquals("required", publicKey.path("authenticatorSelection").path("userVerification").asText());
        assertEquals("olga", publicKey.path("user").path("name").asText());
        SoftAuthenticator phone = new SoftAuthenticator(ORIGIN);
        Passkeys.Registered registered = assertInstanceOf(Passkeys.Registered.class, passkeys.finishRegistration(site,
                enrolling, options.ceremony().value(), phone.create(options.publicKey()), "", PHONE));

        assertEquals("Android phone", registered.passkey().nickname(), "named after the device");
        assertEquals(phone.credentialId(), registered.passkey().credentialId());
        Accounts.Proven proven = registered.proven();
        assertEquals(Accounts.State.SIGNED_IN, proven.resolved().state());
        assertEquals(SecondFactor.PASSKEY, proven.resolved().session().secondFactor());
        assertTrue(accounts.resolve(enrolling.session().tokenHash().value()).isEmpty(), "the old token is void");
        assertEquals(Accounts.State.SIGNED_IN, accounts.resolve(proven.tokens().session().value()).orElseThrow()
                .state());
        assertEquals(List.of(SecondFactor.PASSKEY), accounts.secondFactors(proven.resolved().user()));
    }

    @Test
    void aPasskeyAloneSignsInWithoutAName() throws Exception {
        SoftAuthenticator phone = operatorWithPasskey("olga");

        Passkeys.Options options = assertInstanceOf(Passkeys.Options.class, passkeys.beginSignIn(site, ADDRESS));
        JsonNode publicKey = JSON.readTree(options.publicKey()).path("publicKey");
        assertTrue(publicKey.path("allowCredentials").isMissingNode() || publicKey.path("allowCredentials").isEmpty(),
                () -> "no passkey is named: " + publicKey);
        assertEquals("required", publicKey.path("userVerification").asText());
        Passkeys.SignedIn signedIn = assertInstanceOf(Passkeys.SignedIn.class, passkeys.finishSignIn(site,
                options.ceremony().value(), phone.get(options.publicKey()), ADDRESS, PHONE));

        assertEquals("olga", signedIn.resolved().user().name());
        assertEquals(Accounts.State.SIGNED_IN, signedIn.resolved().state(), "an operator, with no password typed");
        assertEquals(SecondFactor.PASSKEY, signedIn.resolved().session().secondFactor());
        assertEquals(START, passkeys.of(signedIn.resolved().user()).get(0).lastUsedAt());
        assertEquals(1, passkeys.of(signedIn.resolved().user()).get(0).signatureCount());
    }

    @Test
    void aPasswordThenAPasskeyProvesTheSecondFactor() throws Exception {
        SoftAuthenticator phone = operatorWithPasskey("olga");
        Accounts.Resolved half = signInWithPassword("olga");
        assertEquals(Accounts.State.SECOND_FACTOR, half.state(), "a passkey is a second factor to prove");
        assertEquals(List.of(SecondFactor.PASSKEY), accounts.secondFactors(half.user()));
        assertInstanceOf(Accounts.WrongCode.class, accounts.proveCode(half, "123456"), "no code is hers");

        Passkeys.Options options = assertInstanceOf(Passkeys.Options.class,
                passkeys.beginSecondFactor(site, half, ADDRESS));
        JsonNode allowed = JSON.readTree(options.publicKey()).path("publicKey").path("allowCredentials");
        assertEquals(phone.credentialId(), allowed.path(0).path("id").asText(), "her passkeys are named");
        Passkeys.SignedIn proven = assertInstanceOf(Passkeys.SignedIn.class, passkeys.finishSecondFactor(site, half,
                options.ceremony().value(), phone.get(options.publicKey()), ADDRESS));

        assertEquals(Accounts.State.SIGNED_IN, proven.resolved().state());
        assertNotEquals(half.session().tokenHash(), proven.resolved().session().tokenHash());
    }

    @Test
    void onesPasskeyNeitherSignsInNorProvesAnother() throws Exception {
        SoftAuthenticator olgasPhone = operatorWithPasskey("olga");
        SoftAuthenticator pauls = operatorWithPasskey("paul");
        Accounts.Resolved paul = signInWithPassword("paul");

        Passkeys.Options options = assertInstanceOf(Passkeys.Options.class,
                passkeys.beginSecondFactor(site, paul, ADDRESS));
        Passkeys.Refused refused = assertInstanceOf(Passkeys.Refused.class, passkeys.finishSecondFactor(site, paul,
                options.ceremony().value(), olgasPhone.get(options.publicKey()), ADDRESS));
        assertEquals(Passkeys.Why.WRONG, refused.why());
        assertEquals("This passkey is not yours: use one of your own", refused.reason());

        Passkeys.SignedIn olga = assertInstanceOf(Passkeys.SignedIn.class, signInWith(olgasPhone));
        assertEquals("olga", olga.resolved().user().name(), "her passkey signs her in, nobody else");
        assertEquals("paul", assertInstanceOf(Passkeys.SignedIn.class, signInWith(pauls)).resolved().user().name());
    }

    @Test
    void aRemovedPasskeySignsNobodyIn() throws Exception {
        SoftAuthenticator phone = operatorWithPasskey("olga");
        User olga = accounts.users().byName("olga").orElseThrow();
        String handle = passkeys.of(olga).get(0).handle();

        assertFalse(passkeys.remove(accounts.addUser("paul", Role.ADMIN, List.of(), PASSWORD), handle),
                "nobody removes another's");
        assertTrue(passkeys.remove(olga, handle));
        assertFalse(passkeys.remove(olga, handle), "gone");

        Passkeys.Refused refused = assertInstanceOf(Passkeys.Refused.class, signInWith(phone));
        assertEquals(Passkeys.Why.WRONG, refused.why());
        assertTrue(refused.reason().startsWith("This passkey is not registered with Keyhole"), refused::reason);
        assertEquals(Accounts.State.ENROL, signInWithPassword("olga").state(), "she enrols a second factor anew");
    }

    @Test
    void aClonedAuthenticatorsCounterGoingBackwardsIsRefused() throws Exception {
        SoftAuthenticator key = operatorWithPasskey("olga");
        SoftAuthenticator clone = key.copy();
        assertInstanceOf(Passkeys.SignedIn.class, signInWith(key));
        assertInstanceOf(Passkeys.SignedIn.class, signInWith(key));

        Passkeys.Refused refused = assertInstanceOf(Passkeys.Refused.class, signInWith(clone),
                "the clone signs with 1, after 2");
        assertEquals(Passkeys.Why.WRONG, refused.why());
        assertTrue(refused.reason().contains("signature counter went backwards"), refused::reason);
        User olga = accounts.users().byName("olga").orElseThrow();
        assertEquals(2, passkeys.of(olga).get(0).signatureCount(), "the clone changed nothing");
        assertInstanceOf(Passkeys.SignedIn.class, signInWith(key), "the original goes on");
    }

    @Test
    void aPasskeyThatCountsNothingSignsInAgainAndAgain() throws Exception {
        accounts.addUser("olga", Role.OPERATOR, List.of(), PASSWORD);
        SoftAuthenticator synced = new SoftAuthenticator(ORIGIN).counting(0, 0);
        assertInstanceOf(Passkeys.Registered.class, register(synced, signInWithPassword("olga"), "Phone"));

        assertInstanceOf(Passkeys.SignedIn.class, signInWith(synced));
        assertInstanceOf(Passkeys.SignedIn.class, signInWith(synced), "0 after 0 is no clone's mark");
    }

    @Test
    void aCeremonyIsSpentByItsFirstAnswerAndExpires() throws Exception {
        SoftAuthenticator phone = operatorWithPasskey("olga");
        Passkeys.Options options = assertInstanceOf(Passkeys.Options.class, passkeys.beginSignIn(site, ADDRESS));
        String answer = phone.get(options.publicKey());
        assertInstanceOf(Passkeys.SignedIn.class, passkeys.finishSignIn(site, options.ceremony().value(), answer,
                ADDRESS, PHONE));

        Passkeys.Refused again = assertInstanceOf(Passkeys.Refused.class, passkeys.finishSignIn(site,
                options.ceremony().value(), answer, ADDRESS, PHONE), "a replayed answer");
        assertEquals(Passkeys.Why.GONE, again.why());

        Passkeys.Options late = assertInstanceOf(Passkeys.Options.class, passkeys.beginSignIn(site, ADDRESS));
        String lateAnswer = phone.get(late.publicKey());
        clock.advance(Passkeys.CEREMONY_LIFETIME);
        assertEquals(Passkeys.Why.GONE, assertInstanceOf(Passkeys.Refused.class, passkeys.finishSignIn(site,
                late.ceremony().value(), lateAnswer, ADDRESS, PHONE)).why());
        assertEquals(Passkeys.Why.GONE, assertInstanceOf(Passkeys.Refused.class, passkeys.finishSignIn(site,
                "not a ceremony", lateAnswer, ADDRESS, PHONE)).why());
    }

    @Test
    void tooManyRequestsFromOneAddressWaitUntilTheirsExpire() {
        for (int i = 0; i < PasskeyCeremonies.MAX_PER_ADDRESS; i++) {
            assertInstanceOf(Passkeys.Options.class, passkeys.beginSignIn(site, ADDRESS));
        }

        Passkeys.Refused busy = assertInstanceOf(Passkeys.Refused.class, passkeys.beginSignIn(site, ADDRESS));
        assertEquals(Passkeys.Why.BUSY, busy.why());
        assertInstanceOf(Passkeys.Options.class, passkeys.beginSignIn(site, "198.51.100.9"), "another address");
        clock.advance(Passkeys.CEREMONY_LIFETIME);
        assertInstanceOf(Passkeys.Options.class, passkeys.beginSignIn(site, ADDRESS), "the expired are gone");
    }

    @Test
    void aFailedAnswerSpendsItsCeremonyToo() throws Exception {
        SoftAuthenticator phone = operatorWithPasskey("olga");
        Passkeys.Options options = assertInstanceOf(Passkeys.Options.class, passkeys.beginSignIn(site, ADDRESS));

        Passkeys.Refused phished = assertInstanceOf(Passkeys.Refused.class, passkeys.finishSignIn(site,
                options.ceremony().value(), phone.copyAt("http://evil.example:8080").get(options.publicKey()),
                ADDRESS, PHONE), "signed for another origin's page");
        assertEquals(Passkeys.Why.WRONG, phished.why());
        assertEquals(Passkeys.Why.GONE, assertInstanceOf(Passkeys.Refused.class, passkeys.finishSignIn(site,
                options.ceremony().value(), phone.get(options.publicKey()), ADDRESS, PHONE)).why());
    }

    @Test
    void aPasskeyWithoutUserVerificationIsRefused() throws Exception {
        accounts.addUser("olga", Role.OPERATOR, List.of(), PASSWORD);
        Passkeys.Refused refused = assertInstanceOf(Passkeys.Refused.class, register(
                new SoftAuthenticator(ORIGIN).withoutUserVerification(), signInWithPassword("olga"), ""));
        assertEquals(Passkeys.Why.WRONG, refused.why());
        assertTrue(passkeys.of(accounts.users().byName("olga").orElseThrow()).isEmpty());
    }

    @Test
    void onlyTheSessionThatBeganARegistrationFinishesIt() throws Exception {
        accounts.addUser("olga", Role.ADMIN, List.of(), PASSWORD);
        accounts.addUser("paul", Role.ADMIN, List.of(), PASSWORD);
        Accounts.Resolved olga = signInWithPassword("olga");
        Accounts.Resolved paul = signInWithPassword("paul");
        Passkeys.Options options = assertInstanceOf(Passkeys.Options.class,
                passkeys.beginRegistration(site, olga, ADDRESS));

        Passkeys.Refused refused = assertInstanceOf(Passkeys.Refused.class, passkeys.finishRegistration(site, paul,
                options.ceremony().value(), new SoftAuthenticator(ORIGIN).create(options.publicKey()), "", PHONE));
        assertEquals(Passkeys.Why.GONE, refused.why());
        assertTrue(passkeys.of(paul.user()).isEmpty());
        assertTrue(passkeys.of(olga.user()).isEmpty());
    }

    @Test
    void aSessionStillProvingItsSecondFactorRegistersNothing() throws Exception {
        operatorWithPasskey("olga");
        Accounts.Resolved half = signInWithPassword("olga");
        assertEquals(Accounts.State.SECOND_FACTOR, half.state());

        Passkeys.Refused refused = assertInstanceOf(Passkeys.Refused.class,
                passkeys.beginRegistration(site, half, ADDRESS));
        assertEquals(Passkeys.Why.CONFLICT, refused.why());
    }

    @Test
    void aSignedInUserAddsPasskeysButNotTheSameOneTwice() throws Exception {
        SoftAuthenticator phone = operatorWithPasskey("olga");
        Accounts.Resolved olga = assertInstanceOf(Passkeys.SignedIn.class, signInWith(phone)).resolved();
        Passkeys.Options options = assertInstanceOf(Passkeys.Options.class,
                passkeys.beginRegistration(site, olga, ADDRESS));
        JsonNode excluded = JSON.readTree(options.publicKey()).path("publicKey").path("excludeCredentials");
        assertEquals(phone.credentialId(), excluded.path(0).path("id").asText(),
                "her authenticator is told it has one already");

        Passkeys.Registered second = assertInstanceOf(Passkeys.Registered.class,
                register(new SoftAuthenticator(ORIGIN), olga, "  YubiKey\u0007 5C  "));
        assertNull(second.proven(), "a complete session stays as it is");
        assertEquals("YubiKey 5C", second.passkey().nickname());
        assertEquals(2, passkeys.of(olga.user()).size());
    }

    @Test
    void aSessionSignedInLongAgoAddsNoSecondFactor() throws Exception {
        SoftAuthenticator phone = operatorWithPasskey("olga");
        Accounts.Resolved olga = assertInstanceOf(Passkeys.SignedIn.class, signInWith(phone)).resolved();
        clock.advance(Accounts.ADD_FACTOR_WITHIN);
        Accounts.Resolved later = olga;

        Passkeys.Refused refused = assertInstanceOf(Passkeys.Refused.class,
                passkeys.beginRegistration(site, later, ADDRESS), "a browser left signed in adds no passkey");
        assertEquals(Passkeys.Why.CONFLICT, refused.why());
        assertTrue(refused.reason().contains("sign out and in again"), refused.reason());
        assertEquals(java.util.Optional.empty(), accounts.beginTotp(later), "nor an authenticator app");
    }

    @Test
    void aDisabledUsersPasskeyIsRefused() throws Exception {
        SoftAuthenticator phone = operatorWithPasskey("olga");
        accounts.users().setDisabled(accounts.users().byName("olga").orElseThrow().id(), true);

        Passkeys.Refused refused = assertInstanceOf(Passkeys.Refused.class, signInWith(phone));
        assertEquals("Your account is disabled", refused.reason());
    }

    @Test
    void resettingTheSecondFactorRemovesThePasskeys() throws Exception {
        SoftAuthenticator phone = operatorWithPasskey("olga");
        User olga = accounts.users().byName("olga").orElseThrow();

        assertTrue(accounts.resetSecondFactor(olga.id(), Actor.KEYHOLE));
        assertTrue(passkeys.of(olga).isEmpty());
        assertInstanceOf(Passkeys.Refused.class, signInWith(phone));
        assertEquals(Accounts.State.ENROL, signInWithPassword("olga").state());
    }

    @Test
    void theSiteIsWherePeopleOpenKeyholeUnderAName() {
        assertEquals(Optional.of(new PasskeySite("localhost", java.util.Set.of("http://localhost"))),
                PasskeySite.of(List.of("http://127.0.0.1:8080", "http://localhost"), ""));
        assertEquals(Optional.empty(), PasskeySite.of(List.of("https://192.0.2.10", "https://[2001:db8::1]"), ""),
                "an IP address cannot have passkeys");
        PasskeySite shared = PasskeySite.of(List.of("https://192.0.2.10", "https://keyhole.example.org",
                "https://keyhole.lab.example.org", "https://other.example.net"), "example.org").orElseThrow();
        assertEquals("example.org", shared.rpId());
        assertEquals(List.of("https://keyhole.example.org", "https://keyhole.lab.example.org"),
                List.copyOf(shared.origins()));
        assertTrue(shared.allows("https://Keyhole.example.org:443"));
        assertFalse(shared.allows("https://other.example.net"));
        assertFalse(shared.allows(null));

        assertEquals(Optional.empty(), Passkeys.unavailable(Optional.of(shared), "https://keyhole.example.org"));
        assertEquals(Optional.of("Passkeys are not available at http://127.0.0.1:8080: they belong to localhost. "
                + "Open Keyhole at http://localhost to use them"), Passkeys.unavailable(Optional.of(site),
                "http://127.0.0.1:8080"));
        assertTrue(Passkeys.unavailable(Optional.empty(), "https://192.0.2.10").orElseThrow()
                .contains("Open it under a name (localhost, or a DNS name with TLS)"));
    }

    @Test
    void aPasskeyIsNamedAfterItsDevice() {
        assertEquals("Android phone", Passkeys.nickname("", PHONE, List.of("internal"), Optional.empty()));
        assertEquals("iPhone", Passkeys.nickname(null, "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X)",
                List.of("internal"), Optional.empty()));
        assertEquals("Phone (by its QR code)", Passkeys.nickname(" ", PHONE, List.of("hybrid", "internal"),
                Optional.empty()));
        assertEquals("Security key", Passkeys.nickname("", PHONE, List.of("usb", "nfc"), Optional.empty()));
        assertEquals("Linux computer", Passkeys.nickname("", "Mozilla/5.0 (X11; Linux x86_64)", List.of(),
                Optional.empty()));
        assertEquals("Handy von Jürgen", Passkeys.nickname("Handy von Jürgen", PHONE, List.of(), Optional.empty()));
        assertEquals("x".repeat(Passkey.NICKNAME_LENGTH), Passkey.cleanNickname("x".repeat(100)));
    }
}
