package dev.keyhole.server.accounts;

import dev.keyhole.server.access.Identity;
import dev.keyhole.server.audit.Actor;
import dev.keyhole.server.audit.AuditEvent;
import dev.keyhole.server.audit.AuditKind;
import dev.keyhole.server.audit.AuditTrail;
import dev.keyhole.server.auth.PasswordHasher;
import dev.keyhole.server.auth.RecoveryCodes;
import dev.keyhole.server.auth.SecretBox;
import dev.keyhole.server.auth.Token;
import dev.keyhole.server.auth.TokenHash;
import dev.keyhole.server.auth.Tokens;
import dev.keyhole.server.auth.Totp;
import dev.keyhole.server.auth.TotpEnrolment;
import dev.keyhole.server.auth.TotpSecret;
import dev.keyhole.server.config.AuthConfig;
import dev.keyhole.server.storage.Database;
import dev.keyhole.server.tunnel.Printable;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Signing in and staying signed in: passwords, second factors, one-time links and sessions, on the stores.
 *
 * <p>A sign-in begins a session at once, in one of three {@link State}s: a user whose role needs no second factor,
 * or who signed in by a one-time link, is {@link State#SIGNED_IN}; otherwise the session reaches nothing but the
 * second factor's steps until it proves one ({@link State#SECOND_FACTOR}: a TOTP code, a recovery code, or one of
 * their passkeys, see {@link Passkeys}), or, when the user has none yet, enrols one ({@link State#ENROL}: an
 * authenticator app, or a passkey). Proving it gives the session new tokens. A passkey also signs in on its own,
 * without a password, whatever the role.
 *
 * <p>What is secret never leaves this class but to the person it belongs to: tokens go back to the browser that
 * signs in (and are stored only as hashes), a TOTP secret to the enrolling user's page (and is stored sealed), and
 * recovery codes to that page once (stored hashed). Logs name users and sessions by name and fingerprint.
 */
public final class Accounts {

    private static final Logger log = LoggerFactory.getLogger(Accounts.class);

    /** Wrong codes in a row that lock a user's second factor until an admin resets it (as Proxmox does). */
    public static final int CODE_TRIES = 8;
    /** The shortest password Keyhole accepts. */
    public static final int MIN_PASSWORD_LENGTH = 12;
    /**
     * How recently a signed-in session must have signed in to add a second factor (a passkey, an authenticator
     * app): a browser left signed in must not let whoever finds it add one of their own, which would outlast the
     * session.
     */
    public static final Duration ADD_FACTOR_WITHIN = Duration.ofMinutes(10);
    /** How long a first admin's setup link works. */
    public static final Duration FIRST_ADMIN_LINK_LIFETIME = Duration.ofHours(1);
    /** A session is written back as used at most this often (every request reads it; few need to write it). */
    private static final Duration TOUCH_EVERY = Duration.ofSeconds(10);

    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder BASE64URL_DECODER = Base64.getUrlDecoder();

    /** How far a session has come. */
    public enum State {
        /** Fully signed in. */
        SIGNED_IN,
        /** The password was right; the user's second factor is wanted next. */
        SECOND_FACTOR,
        /** The password was right; the user's role needs a second factor and they have none yet: enrol one. */
        ENROL
    }

    /**
     * The tokens of a session, for the browser's cookies only.
     *
     * @param session the session cookie's token
     * @param csrf    the token the page sends back with every request that changes something
     */
    public record SessionTokens(Token session, Token csrf) {
    }

    /**
     * A live session with its user.
     *
     * @param session the session
     * @param user    its user, enabled
     * @param state   how far it has come
     */
    public record Resolved(Session session, User user, State state) {
        /** @return who it is, for the services */
        public Identity identity() {
            return new Identity(user.id(), user.name(), user.role(), user.targetPatterns(), session.tokenHash());
        }

        /** @return whether the page's CSRF token is this session's */
        public boolean csrfMatches(String presented) {
            return Tokens.parse(presented)
                    .map(token -> token.hash().matches(session.csrfTokenHash())).orElse(false);
        }
    }

    /** What a sign-in came to. */
    public sealed interface SignIn permits Begun, Refused, Throttled {
    }

    /**
     * A session began.
     *
     * @param tokens   its tokens, for the cookies
     * @param resolved the session, its user and state
     */
    public record Begun(SessionTokens tokens, Resolved resolved) implements SignIn, LinkResult {
    }

    /**
     * Refused, with a sentence for the person.
     *
     * @param reason what to tell them; the same for an unknown name and a wrong password
     */
    public record Refused(String reason) implements SignIn {
    }

    /**
     * Refused without checking: too many failures from this name or address.
     *
     * @param until    when it may be tried again
     * @param waitFor  how long that is from now
     */
    public record Throttled(Instant until, Duration waitFor) implements SignIn {
    }

    /** What a code (TOTP or recovery) came to. */
    public sealed interface CodeResult permits Proven, WrongCode, Locked {
    }

    /**
     * The code was right.
     *
     * @param tokens        the session's new tokens
     * @param resolved      the session, now signed in
     * @param recoveryCodes the new recovery codes to show once (at enrolment); empty otherwise
     */
    public record Proven(SessionTokens tokens, Resolved resolved, List<String> recoveryCodes) implements CodeResult {
    }

    /** The code was wrong (or used already). */
    public record WrongCode() implements CodeResult {
    }

    /** Too many wrong codes: the second factor is locked until an admin resets it. */
    public record Locked() implements CodeResult {
    }

    /** What redeeming a one-time link came to. */
    public sealed interface LinkResult permits Begun, FirstAdminSetup, LinkGone {
    }

    /** The link creates the first admin: ask for a name and a password, then {@link #setUpFirstAdmin}. */
    public record FirstAdminSetup() implements LinkResult {
    }

    /** The link was spent already, expired, or never existed. */
    public record LinkGone() implements LinkResult {
    }

    private final UserStore users;
    private final SessionStore sessions;
    private final SecondFactorStore factors;
    private final PasskeyStore passkeys;
    private final SignInThrottle throttle;
    private final SetupLinks links;
    private final PasswordHasher hasher;
    private final Totp totp;
    private final RecoveryCodes recoveryCodes;
    private final SecretBox secrets;
    private final Tokens tokens;
    private final AuthConfig config;
    private final Clock clock;
    private final AuditTrail audit;

    /**
     * @param users         the users
     * @param sessions      their sessions
     * @param factors       their TOTP secrets and recovery codes
     * @param passkeys      their passkeys
     * @param throttle      the failed sign-ins
     * @param links         the one-time links
     * @param hasher        checks and makes password hashes
     * @param totp          checks TOTP codes and makes secrets
     * @param recoveryCodes makes and checks recovery codes
     * @param secrets       seals TOTP secrets with the data directory's key
     * @param tokens        makes session, CSRF and link tokens
     * @param config        timeouts, and whether a second factor is required
     * @param clock         what "now" is
     * @param audit         where sign-ins, sign-outs, ended sessions and second factors are recorded
     */
    public Accounts(UserStore users, SessionStore sessions, SecondFactorStore factors, PasskeyStore passkeys,
            SignInThrottle throttle, SetupLinks links, PasswordHasher hasher, Totp totp, RecoveryCodes recoveryCodes,
            SecretBox secrets, Tokens tokens, AuthConfig config, Clock clock, AuditTrail audit) {
        this.users = users;
        this.sessions = sessions;
        this.factors = factors;
        this.passkeys = passkeys;
        this.throttle = throttle;
        this.links = links;
        this.hasher = hasher;
        this.totp = totp;
        this.recoveryCodes = recoveryCodes;
        this.secrets = secrets;
        this.tokens = tokens;
        this.config = config;
        this.clock = clock;
        this.audit = audit;
    }

    /**
     * The accounts kept in {@code database}, with the TOTP secrets sealed by the key in the data directory (made
     * there at first use).
     *
     * @param database where they are
     * @param dataDir  the data directory, ready
     * @param config   timeouts, and whether a second factor is required
     * @param clock    what "now" is
     * @param random   where tokens, secrets, salts and ids come from
     * @param audit    where sign-ins, sign-outs, ended sessions and second factors are recorded
     */
    public static Accounts on(Database database, Path dataDir, AuthConfig config, Clock clock, SecureRandom random,
            AuditTrail audit) {
        return new Accounts(new JdbcUserStore(database, clock, random), new JdbcSessionStore(database, clock),
                new JdbcSecondFactorStore(database, clock), new JdbcPasskeyStore(database),
                new SignInThrottle(database, clock),
                new SetupLinks(database, clock), new PasswordHasher(random), new Totp(clock, random),
                new RecoveryCodes(random), SecretBox.loadOrCreate(dataDir.resolve(SecretBox.KEY_FILE), random),
                new Tokens(random), config, clock, audit);
    }

    /**
     * Adds a user with a password.
     *
     * @throws IllegalArgumentException when the password is not good enough (the message says why)
     * @throws UserExistsException when the name is taken
     */
    public User addUser(String name, Role role, List<String> targetPatterns, CharSequence password) {
        return addUser(name, role, targetPatterns, password, Actor.KEYHOLE);
    }

    /**
     * Adds a user with a password, recorded as {@code by}'s doing.
     *
     * @throws IllegalArgumentException when the password is not good enough (the message says why)
     * @throws UserExistsException when the name is taken
     */
    public User addUser(String name, Role role, List<String> targetPatterns, CharSequence password, Actor by) {
        passwordProblem(password).ifPresent(problem -> {
            throw new IllegalArgumentException(problem);
        });
        User user = users.add(new NewUser(name, role, targetPatterns, hasher.hash(password)));
        log.info("Added the user {} ({})", user.name(), user.role().id());
        audit.record(about(by.did(AuditKind.USER_ADDED), user).with("role", user.role().id())
                .with("consoles", patternsText(user.targetPatterns())));
        return user;
    }

    /**
     * Disables a user, which ends every session of theirs.
     *
     * @return how many sessions ended
     */
    public int disable(User user, Actor by) {
        users.setDisabled(user.id(), true);
        audit.record(about(by.did(AuditKind.USER_DISABLED), user));
        return endSessions(user, by, "the account was disabled");
    }

    /** Enables a disabled user again. */
    public void enable(User user, Actor by) {
        users.setDisabled(user.id(), false);
        audit.record(about(by.did(AuditKind.USER_ENABLED), user));
    }

    /** Removes a user, with their sessions, second factors and share links. */
    public void remove(User user, Actor by) {
        users.remove(user.id());
        log.info("Removed the user {}", user.name());
        audit.record(about(by.did(AuditKind.USER_REMOVED), user));
    }

    /**
     * Changes what a user may do and see. When that takes anything away (a lower role, other consoles), every
     * session of theirs ends: their open consoles close, and they sign in again under the new rules.
     *
     * @param user     who
     * @param role     their role from now on
     * @param patterns their target-name patterns from now on; empty: every target
     * @param by       who changes it
     * @return how many sessions ended
     */
    public int change(User user, Role role, List<String> patterns, Actor by) {
        List<String> checked = User.checkPatterns(patterns);
        boolean lowered = role.compareTo(user.role()) < 0
                || !checked.isEmpty() && !Set.copyOf(checked).equals(Set.copyOf(user.targetPatterns()));
        users.setRole(user.id(), role);
        users.setTargetPatterns(user.id(), checked);
        log.info("Changed {}: {} → {}, consoles {} → {}", user.name(), user.role().id(), role.id(),
                user.targetPatterns().isEmpty() ? "*" : user.targetPatterns(), checked.isEmpty() ? "*" : checked);
        audit.record(about(by.did(AuditKind.USER_CHANGED), user).with("role", role.id())
                .with("consoles", patternsText(checked)).with("fromRole", user.role().id())
                .with("fromConsoles", patternsText(user.targetPatterns())));
        return lowered ? endSessions(user, by, "what they may do was changed") : 0;
    }

    /** Ends every session of a user because of what {@code by} did to their account, and records it. */
    private int endSessions(User user, Actor by, String why) {
        int ended = sessions.endAll(user.id());
        if (ended > 0) {
            audit.record(AuditEvent.of(AuditKind.SESSION_ENDED, user.name(), "").with("sessions", ended)
                    .with("why", why).with("by", by.name()));
        }
        return ended;
    }

    /** @return the users */
    public UserStore users() {
        return users;
    }

    /** @return the timeouts and whether a second factor is required */
    public AuthConfig config() {
        return config;
    }

    /** @return the users' passkeys, for the {@link Passkeys} ceremonies */
    PasskeyStore passkeyStore() {
        return passkeys;
    }

    /** @return the tokens' maker, for the {@link Passkeys} ceremonies' ids */
    Tokens tokens() {
        return tokens;
    }

    /**
     * The second factors a user has, for the page of a session in state {@link State#SECOND_FACTOR} to offer:
     * {@link SecondFactor#PASSKEY} when they have a passkey, {@link SecondFactor#TOTP} when they have a confirmed
     * authenticator app (whose recovery codes come with it).
     *
     * @return passkey first, then TOTP; empty when they have neither
     */
    public List<SecondFactor> secondFactors(User user) {
        List<SecondFactor> have = new java.util.ArrayList<>(2);
        if (passkeys.hasAny(user.id())) {
            have.add(SecondFactor.PASSKEY);
        }
        if (factors.totp(user.id()).filter(TotpRecord::confirmed).isPresent()) {
            have.add(SecondFactor.TOTP);
        }
        return List.copyOf(have);
    }

    // --- sessions ------------------------------------------------------------------------------------------------

    /**
     * Finds the live session of a cookie's token, and marks it as used.
     *
     * @param presented the session cookie's value, as the browser sent it; may be null or malformed
     * @return the session with its user and state; empty when there is none, it expired, or its user is disabled
     */
    public Optional<Resolved> resolve(String presented) {
        Optional<Token> token = Tokens.parse(presented);
        if (token.isEmpty()) {
            return Optional.empty();
        }
        Optional<Session> found = sessions.find(token.get().hash());
        Instant now = clock.instant();
        if (found.isEmpty() || !found.get().isLive(now, config.idleTimeout())) {
            return Optional.empty();
        }
        Session session = found.get();
        Optional<User> user = users.byId(session.userId()).filter(u -> !u.disabled());
        if (user.isEmpty()) {
            return Optional.empty();
        }
        if (!now.isBefore(session.lastSeenAt().plus(TOUCH_EVERY))
                && !sessions.touch(session.tokenHash(), config.idleTimeout())) {
            return Optional.empty();
        }
        return Optional.of(new Resolved(session, user.get(), state(user.get(), session)));
    }

    /**
     * Marks a session as used now (a key typed into a console keeps it alive as a request does).
     *
     * @return whether it is still live
     */
    public boolean touch(TokenHash session) {
        return sessions.touch(session, config.idleTimeout());
    }

    /**
     * Checks that a session holding consoles is still live, and marks it as used when its person typed or pointed
     * into a console since {@code activeSince} would have it expire (console activity keeps a session alive).
     *
     * @param session the session's token hash
     * @param active  whether its person typed or pointed into a console since the last check
     * @return why it ended, in words for its page; empty while it is live
     */
    public Optional<String> whyEnded(TokenHash session, boolean active) {
        Optional<Session> found = sessions.find(session);
        if (found.isEmpty()) {
            return Optional.of("You were signed out");
        }
        Instant now = clock.instant();
        Optional<User> user = users.byId(found.get().userId());
        String why = null;
        if (!found.get().isLive(now, config.idleTimeout())) {
            why = now.isBefore(found.get().absoluteExpiry())
                    ? "You were signed out after " + config.idleTimeout().toMinutes() + " minutes without activity"
                    : "Your session reached its " + config.absoluteTimeout().toHours() + "-hour limit";
        } else if (user.isEmpty()) {
            why = "Your account was removed";
        } else if (user.get().disabled()) {
            why = "Your account was disabled";
        }
        if (why != null) {
            // Ended here, once: the next look finds no session (and records nothing more).
            sessions.end(session);
            audit.record(AuditEvent.of(AuditKind.SESSION_ENDED, user.map(User::name).orElse(found.get().userId()),
                    found.get().address()).with("session", session.fingerprint()).with("why", why));
            return Optional.of(why);
        }
        if (active && !now.isBefore(found.get().lastSeenAt().plus(TOUCH_EVERY))) {
            sessions.touch(session, config.idleTimeout());
        }
        return Optional.empty();
    }

    /**
     * Ends the sessions that timed out (idle too long, or past their absolute limit), each recorded with why: run
     * now and then, so that a session nobody comes back to is ended (and its end known) too.
     *
     * @return how many ended
     */
    public int endExpiredSessions() {
        Instant now = clock.instant();
        int ended = 0;
        for (Session session : sessions.list()) {
            if (!session.isLive(now, config.idleTimeout()) && sessions.end(session.tokenHash())) {
                ended++;
                String why = now.isBefore(session.absoluteExpiry())
                        ? "signed out after " + config.idleTimeout().toMinutes() + " minutes without activity"
                        : "reached its " + config.absoluteTimeout().toHours() + "-hour limit";
                audit.record(AuditEvent.of(AuditKind.SESSION_ENDED, users.byId(session.userId()).map(User::name)
                        .orElse(session.userId()), session.address()).with("session", session.tokenHash()
                        .fingerprint()).with("why", why));
            }
        }
        return ended;
    }

    /** Ends a session (sign-out). */
    public void signOut(Resolved resolved) {
        sessions.end(resolved.session().tokenHash());
        audit.record(AuditEvent.of(AuditKind.SIGN_OUT, resolved.user().name(), resolved.session().address())
                .with("session", resolved.session().tokenHash().fingerprint()));
        log.info("{} signed out (session {})", resolved.user().name(), resolved.session().tokenHash().fingerprint());
    }

    /**
     * Ends every session of a user (sign out everywhere).
     *
     * @return how many there were
     */
    public int signOutEverywhere(String userId) {
        int ended = sessions.endAll(userId);
        audit.record(AuditEvent.of(AuditKind.SIGN_OUT, users.byId(userId).map(User::name).orElse(userId), "")
                .with("everywhere", true).with("sessions", ended));
        log.info("Ended every session of user {} ({})", users.byId(userId).map(User::name).orElse(userId), ended);
        return ended;
    }

    // --- password ------------------------------------------------------------------------------------------------

    /**
     * Signs in with a name and a password. An unknown name, a disabled user, a user without a password and a wrong
     * password are answered alike, after the same work (a password hash is checked in every case), and counted
     * alike against the name and the address; a name or address blocked by earlier failures is refused before
     * anything is checked.
     *
     * @param name      what they typed as their name
     * @param password  what they typed as their password
     * @param address   where from
     * @param userAgent their browser's {@code User-Agent}
     * @return the session begun, or why not
     */
    public SignIn signIn(String name, CharSequence password, String address, String userAgent) {
        Optional<Instant> blocked = throttle.blockedUntil(name, address);
        if (blocked.isPresent()) {
            log.info("Refused a sign-in as {} from {} without checking it: blocked until {}", shown(name), address,
                    blocked.get());
            audit.record(failed(name, address, "throttled"));
            return new Throttled(blocked.get(), Duration.between(clock.instant(), blocked.get()));
        }
        Optional<User> user = users.byName(name == null ? "" : name.strip());
        boolean right;
        if (user.isPresent() && user.get().hasPassword()) {
            right = hasher.verify(password, user.get().passwordHash()) && !user.get().disabled();
        } else {
            hasher.verifyUnknown(password);
            right = false;
        }
        if (!right) {
            Optional<Instant> now = throttle.recordFailure(name, address);
            log.info("A sign-in as {} from {} failed{}", shown(name), address,
                    now.map(until -> "; blocked until " + until).orElse(""));
            audit.record(failed(name, address, "wrong name or password"));
            return new Refused("Wrong name or password");
        }
        throttle.clear(name, address);
        if (hasher.needsRehash(user.get().passwordHash())) {
            users.setPasswordHash(user.get().id(), hasher.hash(password));
        }
        return begin(user.get(), null, address, userAgent);
    }

    /**
     * @param password a new password
     * @return why it is not good enough, if it is not
     */
    public static Optional<String> passwordProblem(CharSequence password) {
        if (password == null || password.length() < MIN_PASSWORD_LENGTH) {
            return Optional.of("A password has at least " + MIN_PASSWORD_LENGTH + " characters");
        }
        if (password.length() > 1024) {
            return Optional.of("A password has at most 1024 characters");
        }
        return Optional.empty();
    }

    // --- second factor -------------------------------------------------------------------------------------------

    /**
     * Checks a second factor's code for a session that needs one: a TOTP code, or one of the user's recovery codes.
     *
     * @param resolved a session in state {@link State#SECOND_FACTOR}
     * @param code     what the user typed
     */
    public CodeResult proveCode(Resolved resolved, String code) {
        if (resolved.state() != State.SECOND_FACTOR) {
            throw new IllegalStateException("this session needs no code now");
        }
        String userId = resolved.user().id();
        Optional<TotpRecord> record = factors.totp(userId).filter(TotpRecord::confirmed);
        if (record.isEmpty()) {
            // Their second factor is a passkey: no code is theirs, and none is counted (there is nothing to lock).
            return new WrongCode();
        }
        if (record.get().locked()) {
            return new Locked();
        }
        SecondFactor factor = null;
        OptionalLong step = totp.verify(secret(userId, record.get()), code, record.get().lastUsedStep());
        if (step.isPresent() && factors.acceptTotpStep(userId, step.getAsLong())) {
            factor = SecondFactor.TOTP;
        } else if (step.isEmpty()) {
            Optional<RecoveryCodes.Redeemed> redeemed = recoveryCodes.redeem(code,
                    factors.unusedRecoveryCodes(userId));
            if (redeemed.isPresent() && factors.spendRecoveryCode(userId, redeemed.get().spentHash())) {
                factor = SecondFactor.RECOVERY_CODE;
            }
        }
        if (factor == null) {
            Optional<TotpRecord> after = factors.recordFailure(userId, CODE_TRIES);
            log.info("{} typed a wrong second-factor code ({} in a row)", resolved.user().name(),
                    after.map(TotpRecord::failures).orElse(0));
            audit.record(AuditEvent.of(AuditKind.SIGN_IN_FAILED, resolved.user().name(),
                    resolved.session().address()).result(after.map(TotpRecord::locked).orElse(false) ? "locked"
                            : "wrong code"));
            return after.map(TotpRecord::locked).orElse(false) ? new Locked() : new WrongCode();
        }
        if (factor == SecondFactor.RECOVERY_CODE) {
            log.info("{} signed in with a recovery code ({} left)", resolved.user().name(),
                    factors.unusedRecoveryCodes(userId).size());
        }
        return prove(resolved, factor, List.of());
    }

    /**
     * Begins a TOTP enrolment: a new secret, kept sealed and unconfirmed until {@link #confirmTotp}.
     *
     * @param resolved a session in state {@link State#ENROL}, or signed in without a TOTP secret yet
     * @return what the page shows: the secret as text, its URI and QR code; empty when the user has a confirmed
     *         secret already (an admin resets it first)
     */
    public Optional<TotpEnrolment> beginTotp(Resolved resolved) {
        if (resolved.state() == State.SECOND_FACTOR || staleForNewFactor(resolved)) {
            return Optional.empty();
        }
        TotpSecret secret = totp.newSecret();
        String userId = resolved.user().id();
        if (!factors.beginTotp(userId, BASE64URL.encodeToString(secrets.seal(secret.bytes(), recordId(userId))))) {
            return Optional.empty();
        }
        return Optional.of(totp.enrolment(secret, resolved.user().name()));
    }

    /**
     * @return whether a session may not add a second factor now: it is fully signed in, but signed in longer than
     *         {@link #ADD_FACTOR_WITHIN} ago (enrolling right after the password is always allowed)
     */
    public boolean staleForNewFactor(Resolved resolved) {
        return resolved.state() == State.SIGNED_IN
                && !clock.instant().isBefore(resolved.session().createdAt().plus(ADD_FACTOR_WITHIN));
    }

    /**
     * Confirms a TOTP enrolment with a first code; the user gets ten new recovery codes.
     *
     * @param resolved the enrolling session
     * @param code     the first code
     */
    public CodeResult confirmTotp(Resolved resolved, String code) {
        String userId = resolved.user().id();
        Optional<TotpRecord> record = factors.totp(userId).filter(r -> !r.confirmed());
        if (record.isEmpty()) {
            return new WrongCode();
        }
        OptionalLong step = totp.verify(secret(userId, record.get()), code, record.get().lastUsedStep());
        if (step.isEmpty() || !factors.acceptTotpStep(userId, step.getAsLong())) {
            return new WrongCode();
        }
        RecoveryCodes.Issued issued = recoveryCodes.issue();
        factors.replaceRecoveryCodes(userId, issued.hashes());
        log.info("{} enrolled a TOTP authenticator", resolved.user().name());
        enrolled(resolved, SecondFactor.TOTP);
        return prove(resolved, SecondFactor.TOTP, issued.codes());
    }

    /**
     * Forgets a user's second factors: their TOTP secret, recovery codes and passkeys (an admin's reset, which also
     * unlocks them), and ends their sessions. They enrol anew at their next sign-in.
     *
     * @param by who resets them
     * @return whether there was anything to forget
     */
    public boolean resetSecondFactor(String userId, Actor by) {
        boolean totp = factors.reset(userId);
        users.byId(userId).ifPresent(user -> {
            audit.record(about(by.did(AuditKind.SECOND_FACTOR_RESET), user));
            endSessions(user, by, "the second factor was reset");
        });
        int removed = passkeys.removeAll(userId);
        if (removed > 0) {
            log.info("Removed the {} passkey(s) of user {} with their second factor",
                    removed, users.byId(userId).map(User::name).orElse(userId));
        }
        return totp || removed > 0;
    }

    // --- one-time links ------------------------------------------------------------------------------------------

    /**
     * Makes a one-time link that signs a user in once (their second factor counted as proven: whoever hands it over
     * could sign them in anyway).
     *
     * @param user     whom it signs in
     * @param lifetime how long it works
     * @return its token, to put in the link's fragment; shown once, stored only as a hash
     */
    public Token issueSignInLink(User user, Duration lifetime) {
        Token token = tokens.next();
        links.issue(token.hash(), user.id(), lifetime);
        log.info("Issued a one-time sign-in link for {} ({}), valid for {} min", user.name(), token.fingerprint(),
                lifetime.toMinutes());
        return token;
    }

    /**
     * When there are no users: withdraws any earlier first-admin link and makes a new one, working for
     * {@link #FIRST_ADMIN_LINK_LIFETIME}.
     *
     * @return its token; empty when there are users
     */
    public Optional<Token> issueFirstAdminLinkIfNoUsers() {
        if (users.count() > 0) {
            return Optional.empty();
        }
        links.withdrawFirstAdminLinks();
        Token token = tokens.next();
        links.issue(token.hash(), null, FIRST_ADMIN_LINK_LIFETIME);
        log.info("There are no users: issued the link that creates the first admin ({})", token.fingerprint());
        return Optional.of(token);
    }

    /**
     * Redeems a one-time link: a sign-in link begins its user's session and is spent; the first admin's link is
     * only looked at (it is spent by {@link #setUpFirstAdmin}).
     *
     * @param presented the token from the link's fragment
     */
    public LinkResult redeemLink(String presented, String address, String userAgent) {
        Optional<Token> token = Tokens.parse(presented);
        Optional<SetupLinks.Link> link = token.flatMap(t -> links.find(t.hash()));
        if (link.isEmpty()) {
            log.info("Refused a one-time link from {}: spent, expired or unknown", address);
            return new LinkGone();
        }
        if (link.get().createsFirstAdmin()) {
            return users.count() == 0 ? new FirstAdminSetup() : new LinkGone();
        }
        Optional<User> user = users.byId(link.get().userId()).filter(u -> !u.disabled());
        if (user.isEmpty() || links.spend(link.get().tokenHash()).isEmpty()) {
            return new LinkGone();
        }
        log.info("{} signed in from {} with a one-time link ({})", user.get().name(), address,
                link.get().tokenHash().fingerprint());
        return begin(user.get(), SecondFactor.LINK, address, userAgent);
    }

    /**
     * Creates the first admin with the first admin's link, and begins their session (which enrols a second
     * factor next, when one is required).
     *
     * @throws IllegalArgumentException when the name or the password is not acceptable (the message says why)
     */
    public LinkResult setUpFirstAdmin(String presented, String name, CharSequence password, String address,
            String userAgent) {
        User.checkName(name);
        passwordProblem(password).ifPresent(problem -> {
            throw new IllegalArgumentException(problem);
        });
        Optional<Token> token = Tokens.parse(presented);
        Optional<SetupLinks.Link> link = token.flatMap(t -> links.find(t.hash()))
                .filter(SetupLinks.Link::createsFirstAdmin);
        if (link.isEmpty() || users.count() > 0 || links.spend(link.get().tokenHash()).isEmpty()) {
            return new LinkGone();
        }
        User admin = users.add(new NewUser(name, Role.ADMIN, List.of(), hasher.hash(password)));
        log.info("{} set up the first admin, {}", address, admin.name());
        audit.record(about(new Actor(admin.name(), address).did(AuditKind.USER_ADDED), admin)
                .with("role", admin.role().id()).with("consoles", "*").with("firstAdmin", true));
        return begin(admin, null, address, userAgent);
    }

    // --- passkeys (their ceremonies are Passkeys') -----------------------------------------------------------------

    /** Begins the session of a user who signed in with a passkey alone: complete at once, whatever the role. */
    Begun beginWithPasskey(User user, String address, String userAgent) {
        return begin(user, SecondFactor.PASSKEY, address, userAgent);
    }

    /** Records that a session's user enrolled a second factor. */
    void enrolled(Resolved resolved, SecondFactor factor) {
        audit.record(AuditEvent.of(AuditKind.SECOND_FACTOR_ENROLLED, resolved.user().name(),
                resolved.session().address()).with("factor", factor.id()));
    }

    /** Completes a session that proved its second factor with a passkey, or enrolled one: new tokens. */
    Proven provePasskey(Resolved resolved) {
        return prove(resolved, SecondFactor.PASSKEY, List.of());
    }

    // --- inside --------------------------------------------------------------------------------------------------

    private Begun begin(User user, SecondFactor factor, String address, String userAgent) {
        Token session = tokens.next();
        Token csrf = tokens.next();
        Session begun = sessions.begin(new NewSession(session.hash(), csrf.hash(), user.id(),
                config.absoluteTimeout(), address, userAgent, factor)).orElseThrow(
                        () -> new IllegalStateException("the user " + user.name() + " went away while signing in"));
        Resolved resolved = new Resolved(begun, user, state(user, begun));
        log.info("{} signed in from {} (session {}, {})", user.name(), address, session.fingerprint(),
                resolved.state());
        if (resolved.state() == State.SIGNED_IN) {
            audit.record(signedIn(resolved, factor == null ? "password" : factor.id()));
        }
        return new Begun(new SessionTokens(session, csrf), resolved);
    }

    private Proven prove(Resolved resolved, SecondFactor factor, List<String> codes) {
        Token session = tokens.next();
        Token csrf = tokens.next();
        if (!sessions.proveSecondFactor(resolved.session().tokenHash(), session.hash(), csrf.hash(), factor,
                config.idleTimeout())) {
            throw new IllegalStateException("the session ended while proving its second factor");
        }
        Session proven = sessions.find(session.hash()).orElseThrow();
        log.info("{} proved a second factor ({}): session {} is now {}", resolved.user().name(), factor.id(),
                resolved.session().tokenHash().fingerprint(), session.fingerprint());
        audit.record(signedIn(new Resolved(proven, resolved.user(), State.SIGNED_IN), factor.id()));
        return new Proven(new SessionTokens(session, csrf), new Resolved(proven, resolved.user(), State.SIGNED_IN), codes);
    }

    private State state(User user, Session session) {
        if (session.secondFactor() != null || !needsSecondFactor(user)) {
            return State.SIGNED_IN;
        }
        return factors.totp(user.id()).filter(TotpRecord::confirmed).isPresent() || passkeys.hasAny(user.id())
                ? State.SECOND_FACTOR : State.ENROL;
    }

    private boolean needsSecondFactor(User user) {
        return config.requireSecondFactor() && user.role() != Role.VIEWER;
    }

    private TotpSecret secret(String userId, TotpRecord record) {
        return new TotpSecret(secrets.open(BASE64URL_DECODER.decode(record.sealedSecret()), recordId(userId)));
    }

    private static String recordId(String userId) {
        return "user:" + userId + ":totp";
    }

    /** @return an event about a user: who it was done to */
    private static AuditEvent about(AuditEvent event, User user) {
        return event.with("user", user.name());
    }

    private static String patternsText(List<String> patterns) {
        return patterns.isEmpty() ? "*" : String.join(",", patterns);
    }

    private static AuditEvent signedIn(Resolved resolved, String factor) {
        return AuditEvent.of(AuditKind.SIGN_IN, resolved.user().name(), resolved.session().address())
                .with("factor", factor).with("session", resolved.session().tokenHash().fingerprint());
    }

    /**
     * A refused sign-in: by the user whose name was typed, or by "an unknown name" (what was typed is not kept:
     * it could be a password typed in the wrong field).
     */
    private AuditEvent failed(String name, String address, String why) {
        String actor = users.byName(name == null ? "" : name.strip()).map(User::name).orElse("an unknown name");
        return AuditEvent.of(AuditKind.SIGN_IN_FAILED, actor, address).result(why);
    }

    /** A name as typed, fit for a log line. */
    private static String shown(String name) {
        return Printable.of(name == null ? "" : name, 64);
    }

    // --- administration (the admin pages, http.AdminApi) ------------------------------------------------------------

    /**
     * What an admin is shown of a user's second factors: which kinds they have and whether they are locked, never a
     * secret.
     *
     * @param kinds    {@link SecondFactor#PASSKEY} and {@link SecondFactor#TOTP}, those they have (as
     *                 {@link #secondFactors}); empty: none, they enrol one at their next sign-in if their role needs
     *                 one
     * @param passkeys how many passkeys they have
     * @param locked   whether too many wrong codes in a row locked their second factor (an admin's reset unlocks it)
     */
    public record FactorSummary(List<SecondFactor> kinds, int passkeys, boolean locked) {

        /** Copies the kinds. */
        public FactorSummary {
            kinds = List.copyOf(kinds);
        }
    }

    /** @return what an admin is shown of {@code user}'s second factors */
    public FactorSummary factorSummary(User user) {
        return new FactorSummary(secondFactors(user), passkeys.ofUser(user.id()).size(),
                factors.totp(user.id()).map(TotpRecord::locked).orElse(false));
    }

    /** @return how far {@code session}, a session of {@code user}, has come */
    public State stateOf(User user, Session session) {
        return state(user, session);
    }

    /** @return every session that is live now (not idle too long, not past its absolute timeout), oldest first */
    public List<Session> liveSessions() {
        Instant now = clock.instant();
        return sessions.list().stream().filter(session -> session.isLive(now, config.idleTimeout())).toList();
    }

    /**
     * Ends one session on someone else's behalf (an admin's, from the admin pages); its consoles close as a
     * sign-out's do. The audit trail records it as the session's user's {@link AuditKind#SESSION_ENDED}, saying by
     * whom.
     *
     * @param session the session's token hash
     * @param by      the name of who ends it
     * @return whether there was such a session
     */
    public boolean endSession(TokenHash session, String by) {
        Optional<Session> found = sessions.find(session);
        boolean ended = sessions.end(session);
        if (ended) {
            String whose = found.map(Session::userId).map(id -> users.byId(id).map(User::name).orElse(id))
                    .orElse("");
            audit.record(AuditEvent.of(AuditKind.SESSION_ENDED, whose, found.map(Session::address).orElse(""))
                    .with("session", session.fingerprint()).with("why", "ended by an admin").with("by", by));
            log.info("{} ended session {} of {}", by, session.fingerprint(), whose);
        }
        return ended;
    }
}
