package dev.keyhole.server.links;

import dev.keyhole.server.access.Caller;
import dev.keyhole.server.access.Guest;
import dev.keyhole.server.access.Identity;
import dev.keyhole.server.accounts.Role;
import dev.keyhole.server.audit.AuditEvent;
import dev.keyhole.server.audit.AuditKind;
import dev.keyhole.server.audit.AuditTrail;
import dev.keyhole.server.accounts.User;
import dev.keyhole.server.accounts.UserStore;
import dev.keyhole.server.auth.Token;
import dev.keyhole.server.auth.TokenHash;
import dev.keyhole.server.auth.Tokens;
import dev.keyhole.server.config.LinksConfig;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes, opens and ends share links.
 *
 * <p>A link's token is shown once, to its maker, for the URL's fragment; a browser that opens the link presents it
 * once and gets a device token of its own (its cookie) in exchange, and from then on is known by that. Both are
 * stored as hashes only and logged as fingerprints. Every way a link cannot be opened — unknown, tampered,
 * revoked, expired, opened on as many devices as it allows, its maker disabled — gets the same answer, so the
 * answer tells a guesser nothing.
 */
public final class ShareLinks {

    private static final Logger log = LoggerFactory.getLogger(ShareLinks.class);

    /** How long a link works unless its maker says otherwise. */
    public static final Duration DEFAULT_LIFETIME = Duration.ofMinutes(15);
    /** The shortest lifetime. */
    public static final Duration SHORTEST_LIFETIME = Duration.ofMinutes(1);
    /** The most devices one link may be opened on. */
    public static final int MAX_DEVICES = 50;
    /** The longest note. */
    public static final int MAX_NOTE = 200;
    /** Why a guest's console closes at their link's expiry. */
    public static final String EXPIRED = "This link expired";
    /** What every refused opening is told. */
    public static final String REFUSED = "This link does not open (any more): ask whoever sent it for a new one";

    /**
     * A link made: its token (for the URL's fragment, shown once) and the link as stored.
     *
     * @param token the link's token
     * @param link  the link
     */
    public record Created(Token token, ShareLink link) {
        @Override
        public String toString() {
            return "Created[" + link.fingerprint() + "]";
        }
    }

    /**
     * A browser that opened a link: its device token (for its cookie) and the link.
     *
     * @param deviceToken the device cookie's token
     * @param guest       the guest it is now
     * @param link        the link it opened
     */
    public record Joined(Token deviceToken, Guest guest, ShareLink link) {
        @Override
        public String toString() {
            return "Joined[" + guest + "]";
        }
    }

    private final ShareLinkStore links;
    private final UserStore users;
    private final Tokens tokens;
    private final Duration maxLifetime;
    private final boolean requireAccount;
    private final Clock clock;
    private final AuditTrail audit;

    /**
     * @param links  where links are kept
     * @param users  their makers
     * @param tokens makes link and device tokens
     * @param config the longest lifetime a link may have, and whether opening one needs an account
     * @param clock  what "now" is
     * @param audit  where every link made, opened, refused and revoked is recorded
     */
    public ShareLinks(ShareLinkStore links, UserStore users, Tokens tokens, LinksConfig config, Clock clock,
            AuditTrail audit) {
        this.audit = audit;
        this.links = links;
        this.users = users;
        this.tokens = tokens;
        this.maxLifetime = config.maxLifetime();
        this.requireAccount = config.requireAccount();
        this.clock = clock;
    }

    /** @return the longest a link may work ({@code links.max-lifetime}) */
    public Duration maxLifetime() {
        return maxLifetime;
    }

    /** @return whether a link opens only for someone signed in ({@code links.require-account}) */
    public boolean requireAccount() {
        return requireAccount;
    }

    /**
     * Makes a link into a console.
     *
     * @param by     who makes it: an operator or admin who may see the console
     * @param target the console's target name
     * @param terms  what it allows: a lifetime from {@link #SHORTEST_LIFETIME} to the configured longest, 1 to
     *               {@link #MAX_DEVICES} devices, switching stages only for a link to type
     * @return the link and its token
     * @throws IllegalArgumentException saying what is wrong with the request
     * @throws SecurityException when the owner may not share that console
     */
    public Created create(Caller by, String target, ShareLink.Terms terms) {
        Identity owner = by.signedIn().orElseThrow(() -> new SecurityException("Sign in first"));
        if (!owner.mayType() || !owner.sees(target)) {
            throw new SecurityException("Only operators and admins who may open a console share it");
        }
        if (terms.lifetime().compareTo(SHORTEST_LIFETIME) < 0 || terms.lifetime().compareTo(maxLifetime) > 0) {
            throw new IllegalArgumentException("A link works from " + SHORTEST_LIFETIME.toMinutes() + " minute to "
                    + maxLifetime.toHours() + " hours (links.max-lifetime)");
        }
        if (terms.maxDevices() < 1 || terms.maxDevices() > MAX_DEVICES) {
            throw new IllegalArgumentException("A link opens on 1 to " + MAX_DEVICES + " devices");
        }
        if (terms.stages() && terms.mode() != ShareLink.Mode.TYPE) {
            throw new IllegalArgumentException("Only a link to type may switch the keyboard stage");
        }
        Token token = tokens.next();
        ShareLink link = links.create(token.hash(), target, terms.noted(note(terms.note())), owner.userId())
                .orElseThrow(() -> new SecurityException("Your account is gone"));
        log.info("{} shared {} ({}{}, {} device(s), until {}): link {}", owner.name(), target, link.mode().id(),
                link.stages() ? " and switch stages" : "", link.maxDevices(), link.expiresAt(), link.fingerprint());
        audit.record(AuditEvent.by(AuditKind.LINK_CREATED, by).on(target).with("link", link.fingerprint())
                .with("mode", link.mode().id()).with("stages", link.stages()).with("devices", link.maxDevices())
                .with("expiresAt", link.expiresAt().toString()));
        return new Created(token, link);
    }

    /**
     * Opens a link in a browser: spends one of its devices and gives the browser a device token of its own.
     *
     * @param presented the token from the link's fragment, as the join page posted it
     * @param address   where from
     * @param userAgent the browser's {@code User-Agent}
     * @param userId    the account it is opened with; null: none (refused when links need one)
     * @return the guest the browser is now; empty ({@link #REFUSED}) for every reason a link does not open
     */
    public Optional<Joined> join(String presented, String address, String userAgent, String userId) {
        String actor = userId == null ? address : users.byId(userId).map(User::name).orElse(address);
        if (requireAccount && userId == null) {
            log.info("Refused to open a share link from {}: not signed in (links.require-account)", address);
            audit.record(AuditEvent.of(AuditKind.LINK_REFUSED, actor, address).result("not signed in"));
            return Optional.empty();
        }
        Optional<ShareLink> found = Tokens.parse(presented).flatMap(token -> links.byTokenHash(token.hash()));
        Optional<String> unusable = found.isEmpty() ? Optional.of("no such link") : whyUnusable(found.get());
        if (unusable.isPresent()) {
            log.info("Refused to open a share link from {}: {}", address, unusable.get());
            audit.record(refused(actor, address, found, unusable.get()));
            return Optional.empty();
        }
        ShareLink link = found.get();
        Token device = tokens.next();
        Optional<LinkDevice> added = links.addDevice(link.id(), device.hash(), address, userAgent, userId);
        if (added.isEmpty()) {
            log.info("Refused to open share link {} from {}: revoked, expired or on all its devices already",
                    link.fingerprint(), address);
            audit.record(refused(actor, address, found, "opened on all its devices already"));
            return Optional.empty();
        }
        log.info("Share link {} opened from {} ({} of {} device(s))", link.fingerprint(), address,
                links.devices(link.id()).size(), link.maxDevices());
        audit.record(AuditEvent.of(AuditKind.LINK_REDEEMED, actor, address).on(link.target())
                .with("link", link.fingerprint()).with("mode", link.mode().id()));
        return guest(link, added.get()).map(guest -> new Joined(device, guest, link));
    }

    private static AuditEvent refused(String actor, String address, Optional<ShareLink> link, String why) {
        AuditEvent event = AuditEvent.of(AuditKind.LINK_REFUSED, actor, address).result(why);
        return link.map(l -> event.on(l.target()).with("link", l.fingerprint())).orElse(event);
    }

    /**
     * @param presented a device cookie's value; may be null or malformed
     * @param userId    the user signed in beside it; null: nobody. A device opened with an account works only
     *                  beside a session of that account.
     * @return the guest it makes its browser, while its link is usable
     */
    public Optional<Guest> resolve(String presented, String userId) {
        return Tokens.parse(presented).flatMap(token -> links.device(token.hash()))
                .filter(device -> device.userId() == null || device.userId().equals(userId))
                .flatMap(device -> links.byId(device.linkId()).filter(this::usable)
                        .flatMap(link -> guest(link, device)));
    }

    /**
     * The CSRF token of a guest without a session (their page sends it back on a {@code POST}): derived from the
     * device's token, which only this browser holds (its cookie is {@code HttpOnly}); stored nowhere.
     *
     * @param deviceToken the device cookie's value
     * @return the CSRF token its page sends
     */
    public static String csrfOf(String deviceToken) {
        return TokenHash.of("csrf " + deviceToken).value();
    }

    /** Marks the devices of guests holding a console as seen now (for their links' lists). */
    public void seen(TokenHash device) {
        links.touchDevice(device);
    }

    private Optional<Guest> guest(ShareLink link, LinkDevice device) {
        return maker(link).map(maker -> new Guest(link.id(), link.fingerprint(), link.target(),
                link.mode() == ShareLink.Mode.TYPE, link.stages(), maker.name(), device.tokenHash(), device.userId(),
                device.createdAt(), link.expiresAt()));
    }

    /**
     * Why a guest's connections must end, if they must.
     *
     * @param device the hash of the guest's device token
     * @return "This link was revoked" or "This link expired"; empty while the link is usable
     */
    public Optional<String> whyEnded(TokenHash device) {
        Optional<ShareLink> link = links.device(device).flatMap(d -> links.byId(d.linkId()));
        if (link.isEmpty()) {
            return Optional.of("This link was revoked");
        }
        return whyUnusable(link.get()).map(why -> why.equals("expired") ? EXPIRED : "This link was revoked");
    }

    /**
     * Revokes a link.
     *
     * @param caller who: its maker, or an admin
     * @param linkId the link's id
     * @return whether it was live until now; false too when {@code caller} is neither
     */
    public boolean revoke(Caller caller, String linkId) {
        Optional<Identity> by = caller.signedIn();
        Optional<ShareLink> link = links.byId(linkId);
        if (by.isEmpty() || link.isEmpty() || !mayManage(by.get(), link.get())) {
            return false;
        }
        boolean revoked = links.revoke(linkId, by.get().userId());
        if (revoked) {
            log.info("{} revoked share link {} of {}", by.get().name(), link.get().fingerprint(), link.get().target());
            audit.record(AuditEvent.by(AuditKind.LINK_REVOKED, caller).on(link.get().target())
                    .with("link", link.get().fingerprint()));
        }
        return revoked;
    }

    /** Records that a device's connections closed because its link expired (the sweep closed them). */
    public void expired(TokenHash device) {
        links.device(device).flatMap(d -> links.byId(d.linkId())).ifPresent(link -> audit.record(AuditEvent.of(
                AuditKind.LINK_EXPIRED, AuditEvent.KEYHOLE, "").on(link.target()).with("link", link.fingerprint())));
    }

    /** @return the links of a console that {@code who} may manage (their own; an admin's: everyone's) */
    public List<ShareLink> of(Identity who, String target) {
        return links.ofTarget(target).stream().filter(link -> mayManage(who, link)).toList();
    }

    /** @return the devices that opened a link */
    public List<LinkDevice> devices(ShareLink link) {
        return links.devices(link.id());
    }

    /**
     * A note as it is kept: without control or formatting characters (no line breaks in a log line, no right-to-left
     * overrides turning it around on a page), trimmed, at most {@link #MAX_NOTE} characters; any script is fine.
     */
    static String note(String note) {
        if (note == null) {
            return "";
        }
        StringBuilder kept = new StringBuilder();
        note.codePoints().filter(c -> Character.getType(c) != Character.CONTROL && Character.getType(c) != Character.FORMAT)
                .limit(MAX_NOTE).forEach(kept::appendCodePoint);
        return kept.toString().strip();
    }

    private static boolean mayManage(Identity who, ShareLink link) {
        return who.role() == Role.ADMIN || link.createdBy().equals(who.userId());
    }

    private boolean usable(ShareLink link) {
        return whyUnusable(link).isEmpty();
    }

    /** @return why a link does not open (revoked, expired, its maker disabled); empty while it does */
    private Optional<String> whyUnusable(ShareLink link) {
        if (link.revokedAt() != null) {
            return Optional.of("revoked");
        }
        if (!makerEnabled(link)) {
            return Optional.of("its maker is disabled or removed");
        }
        return clock.instant().isBefore(link.expiresAt()) ? Optional.empty() : Optional.of("expired");
    }

    /** A disabled maker's links stop working (a removed maker's went with them). */
    private boolean makerEnabled(ShareLink link) {
        return users.byId(link.createdBy()).filter(user -> !user.disabled()).isPresent();
    }

    /** @return the user who made a link, if they still exist */
    public Optional<User> maker(ShareLink link) {
        return users.byId(link.createdBy());
    }

    /** @return every link of every console, newest first, live or not: the admin pages' list (admins only) */
    public List<ShareLink> all() {
        return links.list();
    }
}
