package dev.keyhole.server.accounts;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.yubico.webauthn.AssertionRequest;
import com.yubico.webauthn.AssertionResult;
import com.yubico.webauthn.FinishAssertionOptions;
import com.yubico.webauthn.FinishRegistrationOptions;
import com.yubico.webauthn.RegistrationResult;
import com.yubico.webauthn.RelyingParty;
import com.yubico.webauthn.StartAssertionOptions;
import com.yubico.webauthn.StartRegistrationOptions;
import com.yubico.webauthn.data.AttestationConveyancePreference;
import com.yubico.webauthn.data.AuthenticatorAssertionResponse;
import com.yubico.webauthn.data.AuthenticatorAttachment;
import com.yubico.webauthn.data.AuthenticatorAttestationResponse;
import com.yubico.webauthn.data.AuthenticatorSelectionCriteria;
import com.yubico.webauthn.data.AuthenticatorTransport;
import com.yubico.webauthn.data.ClientAssertionExtensionOutputs;
import com.yubico.webauthn.data.ClientRegistrationExtensionOutputs;
import com.yubico.webauthn.data.PublicKeyCredential;
import com.yubico.webauthn.data.PublicKeyCredentialCreationOptions;
import com.yubico.webauthn.data.RelyingPartyIdentity;
import com.yubico.webauthn.data.ResidentKeyRequirement;
import com.yubico.webauthn.data.UserIdentity;
import com.yubico.webauthn.data.UserVerificationRequirement;
import com.yubico.webauthn.exception.AssertionFailedException;
import com.yubico.webauthn.exception.InvalidSignatureCountException;
import com.yubico.webauthn.exception.RegistrationFailedException;
import dev.keyhole.server.auth.Token;
import dev.keyhole.server.auth.TokenHash;
import dev.keyhole.server.auth.Tokens;
import dev.keyhole.server.config.AuthConfig;
import dev.keyhole.server.storage.Database;
import dev.keyhole.server.tunnel.Printable;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Passkeys: registering one, signing in with one alone, and proving a second factor with one. Each is a WebAuthn
 * ceremony in two steps: Keyhole sends the browser options with a fresh challenge ({@code begin…}), the browser's
 * authenticator signs them once its person unlocked it, and Keyhole checks the answer ({@code finish…}).
 * Yubico's library does the checking (origins, relying-party id, challenge, flags, signatures, counters); this class
 * decides who may do what, keeps the ceremonies ({@link PasskeyCeremonies}) and the passkeys ({@link PasskeyStore}),
 * and begins or completes sessions through {@link Accounts}.
 *
 * <p>Every passkey is a discoverable credential (its authenticator keeps the user's handle with it, so a sign-in
 * needs no name typed), made and used with user verification required (a fingerprint, face or PIN on the
 * authenticator): a passkey is possession and that check at once, so it signs its user in on its own, whatever
 * their role, and counts as the second factor of a session that began with a password. A passkey whose signature
 * counter goes backwards (two authenticators with one key: a clone) is refused.
 *
 * <p>Nothing here is secret (a passkey's private key never leaves its authenticator); logs still name a passkey
 * only by its {@linkplain Passkey#fingerprint() fingerprint}, and a ceremony by its id's.
 */
public final class Passkeys {

    private static final Logger log = LoggerFactory.getLogger(Passkeys.class);

    /** How long a browser has to answer a ceremony's options: longer than its own timeout, which it enforces. */
    public static final Duration CEREMONY_LIFETIME = Duration.ofMinutes(5);
    /** The browser's timeout for the person to unlock the authenticator (or use their phone by its QR code). */
    static final Duration BROWSER_TIMEOUT = Duration.ofMinutes(3);
    /** The most passkeys one user may have: enough for every device they own, few enough to list. */
    public static final int MAX_PER_USER = 20;

    /**
     * The options of a ceremony begun, for the browser.
     *
     * @param ceremony  the ceremony's id: the browser sends it back with its answer; handed out once, kept as a hash
     * @param publicKey the options for {@code navigator.credentials.create} or {@code .get}, as WebAuthn's JSON
     *                  (binary values in base64url): {@code {"publicKey": {…}}}
     */
    public record Options(Token ceremony, String publicKey) implements Begin {
    }

    /** What beginning a ceremony came to. */
    public sealed interface Begin permits Options, Refused {
    }

    /** What an answer came to. */
    public sealed interface Finish permits Registered, SignedIn, Refused {
    }

    /**
     * A passkey was registered.
     *
     * @param passkey the passkey
     * @param proven  the session, now complete with new tokens, when it was enrolling its second factor; null for a
     *                session that was signed in already
     */
    public record Registered(Passkey passkey, Accounts.Proven proven) implements Finish {
    }

    /**
     * A passkey signed in, or proved a session's second factor.
     *
     * @param tokens   the session's tokens, new, for the cookies
     * @param resolved the session, complete
     * @param passkey  the passkey that did, as it is now
     */
    public record SignedIn(Accounts.SessionTokens tokens, Accounts.Resolved resolved, Passkey passkey)
            implements Finish {
    }

    /**
     * Refused, with a sentence for the person.
     *
     * @param why    what kind of refusal, for the edge's status
     * @param reason what to tell them
     */
    public record Refused(Why why, String reason) implements Begin, Finish {
    }

    /** Kinds of refusal. */
    public enum Why {
        /** Not now: the session's state or the user's passkeys do not allow it. */
        CONFLICT,
        /** The ceremony is unknown, spent or expired: begin again. */
        GONE,
        /** The answer did not prove what it should: a wrong, unknown or foreign passkey, or a clone. */
        WRONG,
        /** The answer cannot be read. */
        MALFORMED,
        /** Too many ceremonies are under way: later. */
        BUSY
    }

    private final Accounts accounts;
    private final UserStore users;
    private final PasskeyStore passkeys;
    private final PasskeyCeremonies ceremonies;
    private final PasskeyCredentials credentials;
    private final Tokens tokens;
    private final AuthConfig config;
    private final Clock clock;

    /**
     * @param accounts   begins and completes sessions
     * @param users      the users
     * @param passkeys   their passkeys
     * @param ceremonies the ceremonies under way
     * @param tokens     makes the ceremonies' ids
     * @param config     the configured relying-party id, if any
     * @param clock      what "now" is
     */
    public Passkeys(Accounts accounts, UserStore users, PasskeyStore passkeys, PasskeyCeremonies ceremonies,
            Tokens tokens, AuthConfig config, Clock clock) {
        this.accounts = accounts;
        this.users = users;
        this.passkeys = passkeys;
        this.ceremonies = ceremonies;
        this.credentials = new PasskeyCredentials(users, passkeys);
        this.tokens = tokens;
        this.config = config;
        this.clock = clock;
    }

    /**
     * The passkeys of {@code accounts}, in {@code database}.
     *
     * @param database where the ceremonies are kept
     * @param accounts the accounts, on the same database
     * @param clock    what "now" is
     */
    public static Passkeys on(Database database, Accounts accounts, Clock clock) {
        return new Passkeys(accounts, accounts.users(), accounts.passkeyStore(), new PasskeyCeremonies(database, clock),
                accounts.tokens(), accounts.config(), clock);
    }

    /**
     * Where passkeys work on a server with these allowed origins (see {@link PasskeySite#of}).
     *
     * @param allowedOrigins the server's allowed origins, the one people open first
     * @return the site; empty when passkeys work nowhere there (every origin is an IP address)
     */
    public Optional<PasskeySite> site(Collection<String> allowedOrigins) {
        return PasskeySite.of(allowedOrigins, config.passkeyRpId());
    }

    /**
     * Why a page cannot use passkeys, in words for it.
     *
     * @param site   where passkeys work; empty: nowhere on this server
     * @param origin the page's origin ({@code Origin}); null when the browser sent none
     * @return the reason; empty when the page may use them
     */
    public static Optional<String> unavailable(Optional<PasskeySite> site, String origin) {
        if (site.isEmpty()) {
            return Optional.of("Passkeys are not available here: a passkey belongs to a name, and Keyhole is opened "
                    + "at an IP address. Open it under a name (localhost, or a DNS name with TLS)");
        }
        if (origin != null && site.get().allows(origin)) {
            return Optional.empty();
        }
        return Optional.of("Passkeys are not available at " + (origin == null ? "this address"
                : Printable.of(origin, 80)) + ": they belong to " + site.get().rpId() + ". Open Keyhole at "
                + site.get().origins().iterator().next() + " to use them");
    }

    // --- registering ---------------------------------------------------------------------------------------------

    /**
     * Begins registering a passkey for a session's user: signed in, or enrolling its second factor. The options
     * exclude the user's passkeys (an authenticator that has one already says so instead of making another).
     *
     * @param site    where passkeys work
     * @param session the session, in state {@link Accounts.State#SIGNED_IN} or {@link Accounts.State#ENROL}
     * @param address where from
     */
    public Begin beginRegistration(PasskeySite site, Accounts.Resolved session, String address) {
        if (session.state() == Accounts.State.SECOND_FACTOR) {
            return new Refused(Why.CONFLICT, "Prove your second factor before you add a passkey");
        }
        if (accounts.staleForNewFactor(session)) {
            return new Refused(Why.CONFLICT, "To add a passkey, sign out and in again first: a passkey is added "
                    + "only within " + Accounts.ADD_FACTOR_WITHIN.toMinutes() + " minutes of signing in");
        }
        User user = session.user();
        if (passkeys.ofUser(user.id()).size() >= MAX_PER_USER) {
            return new Refused(Why.CONFLICT, "You have " + MAX_PER_USER + " passkeys already: remove one first");
        }
        PublicKeyCredentialCreationOptions request = party(site).startRegistration(StartRegistrationOptions.builder()
                .user(UserIdentity.builder().name(user.name()).displayName(user.name())
                        .id(PasskeyCredentials.handle(user)).build())
                .authenticatorSelection(AuthenticatorSelectionCriteria.builder()
                        .residentKey(ResidentKeyRequirement.REQUIRED)
                        .userVerification(UserVerificationRequirement.REQUIRED).build())
                .timeout(BROWSER_TIMEOUT.toMillis())
                .build());
        try {
            return keep(PasskeyCeremonies.Kind.REGISTER, session.session().tokenHash(), address, request.toJson(),
                    request.toCredentialsCreateJson());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the WebAuthn library cannot write its own options", e);
        }
    }

    /**
     * Finishes registering a passkey: checks the authenticator's answer, keeps the passkey, and completes the
     * session when it was enrolling its second factor (new tokens).
     *
     * @param site       where passkeys work
     * @param session    the session that began the ceremony
     * @param ceremony   the ceremony's id, as the browser sent it back
     * @param credential the browser's answer: the new credential as WebAuthn's JSON
     * @param nickname   what the user calls it; empty: named after their device ({@code userAgent})
     * @param userAgent  the browser's {@code User-Agent}
     */
    public Finish finishRegistration(PasskeySite site, Accounts.Resolved session, String ceremony, String credential,
            String nickname, String userAgent) {
        if (session.state() == Accounts.State.SECOND_FACTOR) {
            return new Refused(Why.CONFLICT, "Prove your second factor before you add a passkey");
        }
        Optional<PasskeyCeremonies.Pending> pending = spend(ceremony, PasskeyCeremonies.Kind.REGISTER)
                .filter(p -> session.session().tokenHash().matches(p.sessionHash()));
        if (pending.isEmpty()) {
            return gone();
        }
        User user = session.user();
        RegistrationResult result;
        PublicKeyCredential<AuthenticatorAttestationResponse, ClientRegistrationExtensionOutputs> answer;
        try {
            PublicKeyCredentialCreationOptions request = PublicKeyCredentialCreationOptions.fromJson(
                    pending.get().request());
            answer = PublicKeyCredential.parseRegistrationResponseJson(credential);
            result = party(site).finishRegistration(FinishRegistrationOptions.builder().request(request)
                    .response(answer).build());
        } catch (IOException | IllegalArgumentException e) {
            log.info("{} sent an unreadable new passkey: {}", user.name(), e.getMessage());
            return new Refused(Why.MALFORMED, "Your browser sent a passkey Keyhole cannot read");
        } catch (RegistrationFailedException e) {
            log.info("Refused a new passkey of {}: {}", user.name(), why(e));
            return new Refused(Why.WRONG, "Your passkey could not be checked: " + why(e));
        }
        if (!result.isDiscoverable().orElse(true)) {
            log.info("Refused a new passkey of {}: its authenticator did not keep it (not discoverable)", user.name());
            return new Refused(Why.WRONG, "This authenticator made a passkey it can only use when told your name: "
                    + "use your phone, or a security key that keeps passkeys");
        }
        Instant now = clock.instant();
        List<String> transports = result.getKeyId().getTransports().map(set -> set.stream()
                .map(AuthenticatorTransport::getId).toList()).orElse(List.of());
        Passkey passkey = new Passkey(PasskeyCredentials.text(result.getKeyId().getId()), user.id(),
                PasskeyCredentials.text(result.getPublicKeyCose()), result.getSignatureCount(), transports,
                result.isBackupEligible(), result.isBackedUp(),
                nickname(nickname, userAgent, transports, result.getAuthenticatorAttachment()), now, null);
        if (!passkeys.add(passkey)) {
            return new Refused(Why.CONFLICT, "This passkey is registered with Keyhole already");
        }
        log.info("{} registered a passkey ({}, \"{}\"{})", user.name(), passkey.fingerprint(),
                Printable.of(passkey.nickname(), Passkey.NICKNAME_LENGTH), passkey.backupEligible() ? ", synced" : "");
        accounts.enrolled(session, SecondFactor.PASSKEY);
        Accounts.Proven proven = session.state() == Accounts.State.ENROL ? accounts.provePasskey(session) : null;
        return new Registered(passkey, proven);
    }

    // --- signing in ----------------------------------------------------------------------------------------------

    /**
     * Begins a sign-in with a passkey alone: the options name no passkey ({@code allowCredentials} empty), so the
     * browser offers every passkey it has for this site, and the one chosen says whose it is.
     *
     * @param site    where passkeys work
     * @param address where from
     */
    public Begin beginSignIn(PasskeySite site, String address) {
        AssertionRequest request = party(site).startAssertion(StartAssertionOptions.builder()
                .userVerification(UserVerificationRequirement.REQUIRED)
                .timeout(BROWSER_TIMEOUT.toMillis()).build());
        return keepAssertion(PasskeyCeremonies.Kind.SIGN_IN, null, address, request);
    }

    /**
     * Finishes a sign-in with a passkey alone: begins its user's session, complete at once.
     *
     * @param site       where passkeys work
     * @param ceremony   the ceremony's id, as the browser sent it back
     * @param credential the browser's answer: the assertion as WebAuthn's JSON
     * @param address    where from
     * @param userAgent  the browser's {@code User-Agent}
     */
    public Finish finishSignIn(PasskeySite site, String ceremony, String credential, String address,
            String userAgent) {
        Optional<PasskeyCeremonies.Pending> pending = spend(ceremony, PasskeyCeremonies.Kind.SIGN_IN);
        if (pending.isEmpty()) {
            return gone();
        }
        Checked checked = check(site, pending.get(), credential, null, address);
        if (checked.refused() != null) {
            return checked.refused();
        }
        Accounts.Begun begun = accounts.beginWithPasskey(checked.user(), address, userAgent);
        log.info("{} signed in with a passkey ({}) from {}", checked.user().name(), checked.passkey().fingerprint(),
                address);
        return new SignedIn(begun.tokens(), begun.resolved(), checked.passkey());
    }

    // --- the second factor ---------------------------------------------------------------------------------------

    /**
     * Begins proving a session's second factor with one of its user's passkeys: the options name them.
     *
     * @param site    where passkeys work
     * @param session a session in state {@link Accounts.State#SECOND_FACTOR}
     * @param address where from
     */
    public Begin beginSecondFactor(PasskeySite site, Accounts.Resolved session, String address) {
        if (session.state() != Accounts.State.SECOND_FACTOR) {
            return new Refused(Why.CONFLICT, "This session needs no second factor now");
        }
        if (!passkeys.hasAny(session.user().id())) {
            return new Refused(Why.CONFLICT, "You have no passkey: use the code from your app");
        }
        AssertionRequest request = party(site).startAssertion(StartAssertionOptions.builder()
                .username(session.user().name())
                .userVerification(UserVerificationRequirement.REQUIRED)
                .timeout(BROWSER_TIMEOUT.toMillis()).build());
        return keepAssertion(PasskeyCeremonies.Kind.SECOND_FACTOR, session.session().tokenHash(), address, request);
    }

    /**
     * Finishes proving a session's second factor with a passkey, which must be its user's own: the session is
     * complete, with new tokens.
     *
     * @param site       where passkeys work
     * @param session    the session that began the ceremony, in state {@link Accounts.State#SECOND_FACTOR}
     * @param ceremony   the ceremony's id, as the browser sent it back
     * @param credential the browser's answer: the assertion as WebAuthn's JSON
     * @param address    where from
     */
    public Finish finishSecondFactor(PasskeySite site, Accounts.Resolved session, String ceremony, String credential,
            String address) {
        if (session.state() != Accounts.State.SECOND_FACTOR) {
            return new Refused(Why.CONFLICT, "This session needs no second factor now");
        }
        Optional<PasskeyCeremonies.Pending> pending = spend(ceremony, PasskeyCeremonies.Kind.SECOND_FACTOR)
                .filter(p -> session.session().tokenHash().matches(p.sessionHash()));
        if (pending.isEmpty()) {
            return gone();
        }
        Checked checked = check(site, pending.get(), credential, session.user(), address);
        if (checked.refused() != null) {
            return checked.refused();
        }
        Accounts.Proven proven = accounts.provePasskey(session);
        return new SignedIn(proven.tokens(), proven.resolved(), checked.passkey());
    }

    // --- the user's own ------------------------------------------------------------------------------------------

    /** @return a user's passkeys, oldest first */
    public List<Passkey> of(User user) {
        return passkeys.ofUser(user.id());
    }

    /**
     * Removes one of a user's passkeys: it signs nobody in from now on (the authenticator still offers it, and is
     * refused).
     *
     * @param user   whose
     * @param handle the passkey's {@link Passkey#handle()}
     * @return whether the user had it
     */
    public boolean remove(User user, String handle) {
        Optional<Passkey> passkey = passkeys.ofUser(user.id()).stream().filter(p -> p.handle().equals(handle))
                .findFirst();
        if (passkey.isEmpty() || !passkeys.remove(user.id(), passkey.get().credentialId())) {
            return false;
        }
        log.info("{} removed a passkey ({}, \"{}\")", user.name(), passkey.get().fingerprint(),
                Printable.of(passkey.get().nickname(), Passkey.NICKNAME_LENGTH));
        return true;
    }

    // --- inside --------------------------------------------------------------------------------------------------

    /** What checking an assertion came to: its user and passkey, or why not. */
    private record Checked(User user, Passkey passkey, Refused refused) {
        static Checked refused(Why why, String reason) {
            return new Checked(null, null, new Refused(why, reason));
        }
    }

    /**
     * Checks an assertion against its ceremony, and records the passkey's use.
     *
     * @param expected the user it must be of (the second factor's); null: anyone's (a sign-in)
     */
    private Checked check(PasskeySite site, PasskeyCeremonies.Pending pending, String credential, User expected,
            String address) {
        PublicKeyCredential<AuthenticatorAssertionResponse, ClientAssertionExtensionOutputs> answer;
        AssertionRequest request;
        try {
            request = AssertionRequest.fromJson(pending.request());
            answer = PublicKeyCredential.parseAssertionResponseJson(credential);
        } catch (IOException | IllegalArgumentException e) {
            log.info("Refused an unreadable passkey answer from {}: {}", address, e.getMessage());
            return Checked.refused(Why.MALFORMED, "Your browser sent a passkey answer Keyhole cannot read");
        }
        String credentialId = PasskeyCredentials.text(answer.getId());
        String fingerprint = Passkey.fingerprint(credentialId);
        Optional<Passkey> known = passkeys.byCredentialId(credentialId);
        if (known.isEmpty()) {
            log.info("Refused an unknown passkey ({}) from {}: never registered, or removed", fingerprint, address);
            return Checked.refused(Why.WRONG, "This passkey is not registered with Keyhole (it may have been "
                    + "removed): sign in another way");
        }
        if (expected != null && !known.get().userId().equals(expected.id())) {
            log.info("Refused another user's passkey ({}) as {}'s second factor, from {}", fingerprint,
                    expected.name(), address);
            return Checked.refused(Why.WRONG, "This passkey is not yours: use one of your own");
        }
        AssertionResult result;
        try {
            result = party(site).finishAssertion(FinishAssertionOptions.builder().request(request).response(answer)
                    .build());
        } catch (InvalidSignatureCountException e) {
            log.warn("Refused a passkey ({}) from {}: its signature counter went backwards ({} after {}), as a "
                    + "cloned authenticator's would", fingerprint, address, e.getReceived(),
                    e.getExpectedMinimum() - 1);
            return Checked.refused(Why.WRONG, "This passkey was refused: its authenticator may have been copied "
                    + "(its signature counter went backwards). Tell an admin");
        } catch (AssertionFailedException | IllegalArgumentException e) {
            log.info("Refused a passkey ({}) from {}: {}", fingerprint, address, why(e));
            return Checked.refused(Why.WRONG, "Your passkey could not be checked: " + why(e));
        }
        if (!result.isSuccess()) {
            log.info("Refused a passkey ({}) from {}: its answer did not verify", fingerprint, address);
            return Checked.refused(Why.WRONG, "Your passkey could not be checked");
        }
        String userId = PasskeyCredentials.userId(result.getUserHandle());
        Optional<User> user = users.byId(userId);
        if (user.isEmpty() || !userId.equals(known.get().userId())
                || expected != null && !userId.equals(expected.id())) {
            log.info("Refused a passkey ({}) from {}: it is not its user's", fingerprint, address);
            return Checked.refused(Why.WRONG, "This passkey is not registered with Keyhole: sign in another way");
        }
        if (user.get().disabled()) {
            log.info("Refused {}'s passkey ({}) from {}: the account is disabled", user.get().name(), fingerprint,
                    address);
            return Checked.refused(Why.WRONG, "Your account is disabled");
        }
        Instant now = clock.instant();
        if (!passkeys.recordUse(credentialId, result.getSignatureCount(), result.isBackedUp(), now)) {
            log.warn("Refused a passkey ({}) from {}: another answer with the same signature counter came first, as "
                    + "a cloned authenticator's would", fingerprint, address);
            return Checked.refused(Why.WRONG, "This passkey was refused: its authenticator may have been copied "
                    + "(its signature counter went backwards). Tell an admin");
        }
        Passkey used = new Passkey(known.get().credentialId(), known.get().userId(), known.get().publicKeyCose(),
                result.getSignatureCount(), known.get().transports(), known.get().backupEligible(),
                result.isBackedUp(), known.get().nickname(), known.get().createdAt(), now);
        return new Checked(user.get(), used, null);
    }

    private Begin keepAssertion(PasskeyCeremonies.Kind kind, TokenHash session, String address,
            AssertionRequest request) {
        try {
            return keep(kind, session, address, request.toJson(), request.toCredentialsGetJson());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the WebAuthn library cannot write its own options", e);
        }
    }

    private Begin keep(PasskeyCeremonies.Kind kind, TokenHash session, String address, String request,
            String publicKey) {
        Token id = tokens.next();
        if (!ceremonies.begin(id.hash(), kind, session, address, request, CEREMONY_LIFETIME)) {
            log.warn("Refused a passkey request from {}: too many are under way (at most {} from one address, {} in "
                    + "all)", address, PasskeyCeremonies.MAX_PER_ADDRESS, PasskeyCeremonies.MAX_IN_ALL);
            return new Refused(Why.BUSY, "Too many passkey requests are under way: wait a few minutes");
        }
        return new Options(id, publicKey);
    }

    private Optional<PasskeyCeremonies.Pending> spend(String ceremony, PasskeyCeremonies.Kind kind) {
        return Tokens.parse(ceremony).flatMap(id -> ceremonies.spend(id.hash(), kind));
    }

    /** The library's own words for a failed check: its cause's message, which it wraps ("User Verification…"). */
    private static String why(Exception e) {
        Throwable cause = e.getCause() != null && e.getCause().getMessage() != null ? e.getCause() : e;
        String message = cause.getMessage() == null ? cause.toString() : cause.getMessage();
        return Printable.of(message, 200);
    }

    private static Refused gone() {
        return new Refused(Why.GONE, "This passkey request has expired or was used already: try again");
    }

    private RelyingParty party(PasskeySite site) {
        return RelyingParty.builder()
                .identity(RelyingPartyIdentity.builder().id(site.rpId()).name(PasskeySite.NAME).build())
                .credentialRepository(credentials)
                .origins(site.origins())
                .attestationConveyancePreference(AttestationConveyancePreference.NONE)
                .clock(clock)
                .build();
    }

    /**
     * A passkey's name: the one the user gave, else their device's kind, from how the browser reached the
     * authenticator and its {@code User-Agent} ("Android phone", "Security key").
     */
    static String nickname(String given, String userAgent, List<String> transports,
            Optional<AuthenticatorAttachment> attachment) {
        String name = Passkey.cleanNickname(given);
        if (!name.isEmpty()) {
            return name;
        }
        Set<String> via = transports.stream().map(t -> t.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
        if (via.contains("hybrid")) {
            return "Phone (by its QR code)";
        }
        if (attachment.orElse(null) == AuthenticatorAttachment.CROSS_PLATFORM
                || !via.isEmpty() && !via.contains("internal")) {
            return "Security key";
        }
        String agent = userAgent == null ? "" : userAgent;
        if (agent.contains("iPhone")) {
            return "iPhone";
        }
        if (agent.contains("iPad")) {
            return "iPad";
        }
        if (agent.contains("Android")) {
            return agent.contains("Mobile") ? "Android phone" : "Android tablet";
        }
        if (agent.contains("CrOS")) {
            return "Chromebook";
        }
        if (agent.contains("Macintosh")) {
            return "Mac";
        }
        if (agent.contains("Windows")) {
            return "Windows computer";
        }
        if (agent.contains("Linux")) {
            return "Linux computer";
        }
        return "Passkey";
    }
}
