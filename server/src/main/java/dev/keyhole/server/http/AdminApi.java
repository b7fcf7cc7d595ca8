package dev.keyhole.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keyhole.server.access.Guest;
import dev.keyhole.server.access.Identity;
import dev.keyhole.server.accounts.Accounts;
import dev.keyhole.server.audit.Actor;
import dev.keyhole.server.accounts.Role;
import dev.keyhole.server.accounts.SecondFactor;
import dev.keyhole.server.accounts.Session;
import dev.keyhole.server.accounts.User;
import dev.keyhole.server.accounts.UserExistsException;
import dev.keyhole.server.auth.Token;
import dev.keyhole.server.auth.TokenHash;
import dev.keyhole.server.links.ShareLinks;
import dev.keyhole.server.tunnel.TunnelService;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.guacamole.GuacamoleClientException;
import org.apache.guacamole.GuacamoleException;
import org.apache.guacamole.GuacamoleResourceConflictException;
import org.apache.guacamole.GuacamoleResourceNotFoundException;
import org.apache.guacamole.GuacamoleSecurityException;

/**
 * The admin pages' routes (admin.html), for admins only: every one answers {@code 403} to anyone else signed in,
 * before it reads anything (the front door answers {@code 401} without a session).
 * <ul>
 * <li>{@code GET /api/admin/users}: every user with their role, target patterns, whether disabled, when added,
 * which second factors they have (never a secret) and how many live sessions;</li>
 * <li>{@code POST /api/admin/users} {@code {"name","role","targets":[…],"password"}}: adds one, as
 * {@code keyhole-server user add} does;</li>
 * <li>{@code POST /api/admin/users/ID/change} {@code {"role","targets":[…]}} (no targets, or {@code ["*"]}: every
 * console), {@code …/disable}, {@code …/enable}, {@code …/reset-second-factor}, {@code …/remove}: as
 * {@code keyhole-server user} does them; what takes rights away ends the user's sessions, and their open consoles
 * close at once with a sentence that says why. An admin cannot disable, remove or take rights from themselves, nor
 * reset their own second factor here ({@code 409});</li>
 * <li>{@code POST /api/admin/users/ID/link} {@code {"minutes":60}}: a one-time sign-in link for that user, under the
 * origin the request came to, answered this once;</li>
 * <li>{@code GET /api/admin/sessions}: every live session with its user, address, browser, times and second
 * factor, and the consoles it holds open now; and the share links' guests in consoles. A session is named by its
 * token hash's fingerprint, never the hash;</li>
 * <li>{@code POST /api/admin/sessions/ID/end}: ends a session: its consoles close at once with "An admin ended your
 * session", its event stream within a second ({@code SessionSweep});</li>
 * <li>{@code POST /api/admin/tunnels/ID/close}: closes one viewer's console with "An admin closed your view of this
 * console" ({@code 0x0301}); their session goes on;</li>
 * <li>{@code GET /api/admin/links}: every share link of every console, newest first, as {@link LinksApi} shows a
 * console's (revoking one is {@code POST /api/links/ID/revoke}, which lets admins revoke any).</li>
 * </ul>
 * No answer holds a token (but the sign-in link this once), a token hash, a password, a TOTP secret or anything
 * of guacd's.
 */
final class AdminApi {

    /** What every route answers to a signed-in non-admin. */
    static final String ADMINS_ONLY = "The admin pages are for admins only";
    /** What a closed console's page says (after 0x0301) when an admin kicked its viewer. */
    static final String KICKED = "An admin closed your view of this console";
    /** What a console's page says when an admin ended its session. */
    static final String SESSION_ENDED = "An admin ended your session";

    private static final int MAX_BODY = 8192;
    /** The default and the longest lifetime of a sign-in link, as {@code keyhole-server user link} has them. */
    private static final long LINK_MINUTES = 60;
    private static final long MAX_LINK_MINUTES = 7 * 24 * 60;

    private final Accounts accounts;
    private final ShareLinks links;
    private final TunnelService tunnels;
    private final ObjectMapper json;

    /**
     * @param accounts the users and their sessions
     * @param links    the share links
     * @param tunnels  the open consoles, which it lists and closes
     * @param json     the API's JSON mapper
     */
    AdminApi(Accounts accounts, ShareLinks links, TunnelService tunnels, ObjectMapper json) {
        this.accounts = accounts;
        this.links = links;
        this.tunnels = tunnels;
        this.json = json;
    }

    /** Adds the routes to {@code api}. */
    void addTo(ApiServlet api) {
        api.route("GET", "/api/admin/users", admin(this::users))
                .route("POST", "/api/admin/users", admin(this::addUser))
                .route("POST", "/api/admin/users/{id}/change", admin(this::change))
                .route("POST", "/api/admin/users/{id}/disable", admin(this::disable))
                .route("POST", "/api/admin/users/{id}/enable", admin(this::enable))
                .route("POST", "/api/admin/users/{id}/reset-second-factor", admin(this::resetSecondFactor))
                .route("POST", "/api/admin/users/{id}/remove", admin(this::remove))
                .route("POST", "/api/admin/users/{id}/link", admin(this::signInLink))
                .route("GET", "/api/admin/sessions", admin(this::sessions))
                .route("POST", "/api/admin/sessions/{id}/end", admin(this::endSession))
                .route("POST", "/api/admin/tunnels/{id}/close", admin(this::closeTunnel))
                .route("GET", "/api/admin/links", admin(this::links));
    }

    /** A route of the admin's: the admin who calls it, and the call. */
    @FunctionalInterface
    private interface AdminRoute {
        ApiServlet.Answer answer(Identity admin, ApiServlet.Call call) throws GuacamoleException, IOException;
    }

    /** @return {@code route}, answering {@code 403} to anyone signed in who is not an admin */
    private static ApiServlet.Route admin(AdminRoute route) {
        return call -> {
            Identity who = call.caller().signedIn().filter(identity -> identity.role() == Role.ADMIN)
                    .orElseThrow(() -> new GuacamoleSecurityException(ADMINS_ONLY));
            return route.answer(who, call);
        };
    }

    // --- users ---------------------------------------------------------------------------------------------------

    /**
     * A user's second factors as the page shows them.
     *
     * @param kinds    {@code passkey}, {@code totp}: those they have
     * @param passkeys how many passkeys
     * @param locked   whether too many wrong codes locked them
     */
    record FactorsView(List<String> kinds, int passkeys, boolean locked) {
        static FactorsView of(Accounts.FactorSummary summary) {
            return new FactorsView(summary.kinds().stream().map(SecondFactor::id).toList(), summary.passkeys(),
                    summary.locked());
        }
    }

    /**
     * A user as the admin pages show them: never their password hash.
     *
     * @param targets  their target-name patterns; empty: every console
     * @param sessions how many live sessions they have
     * @param you      whether it is the admin who asks
     */
    record UserView(String id, String name, String role, List<String> targets, boolean disabled, String createdAt,
            FactorsView secondFactors, int sessions, boolean you) {
    }

    private UserView view(User user, Identity admin, List<Session> live) {
        int sessions = (int) live.stream().filter(session -> session.userId().equals(user.id())).count();
        return new UserView(user.id(), user.name(), user.role().id(), user.targetPatterns(), user.disabled(),
                user.createdAt().toString(), FactorsView.of(accounts.factorSummary(user)), sessions,
                user.id().equals(admin.userId()));
    }

    private ApiServlet.Answer users(Identity admin, ApiServlet.Call call) {
        List<Session> live = accounts.liveSessions();
        return ApiServlet.Json.ok(Map.of("users", accounts.users().list().stream()
                .map(user -> view(user, admin, live)).toList()));
    }

    private ApiServlet.Answer addUser(Identity admin, ApiServlet.Call call) throws GuacamoleException, IOException {
        JsonNode body = body(call, "{\"name\":\"…\",\"role\":\"operator\",\"targets\":[],\"password\":\"…\"}");
        String name = body.path("name").asText("").strip();
        try {
            User.checkName(name);
            // The name, role and consoles are checked before the password is hashed, which takes a while.
            Role role = role(body);
            List<String> patterns = User.checkPatterns(targets(body));
            User added = accounts.addUser(name, role, patterns, body.path("password").asText(""),
                    Actor.of(call.caller()));
            return ApiServlet.Json.ok(Map.of("user", view(added, admin, List.of())));
        } catch (UserExistsException e) {
            throw new GuacamoleResourceConflictException("There is a user called " + name + " already");
        } catch (IllegalArgumentException e) {
            throw new GuacamoleClientException(capitalized(e.getMessage()));
        }
    }

    private ApiServlet.Answer change(Identity admin, ApiServlet.Call call) throws GuacamoleException, IOException {
        User user = user(call);
        JsonNode body = body(call, "{\"role\":\"viewer\",\"targets\":[\"web-*\"]}");
        Role role;
        List<String> patterns;
        try {
            role = body.has("role") ? role(body) : user.role();
            patterns = body.has("targets") ? User.checkPatterns(targets(body)) : user.targetPatterns();
        } catch (IllegalArgumentException e) {
            throw new GuacamoleClientException(capitalized(e.getMessage()));
        }
        if (isSelf(admin, user) && takesAway(user, role, patterns)) {
            throw new GuacamoleResourceConflictException("You cannot take rights away from yourself: another admin "
                    + "can");
        }
        List<TokenHash> before = sessionsOf(user);
        int ended = accounts.change(user, role, patterns, Actor.of(call.caller()));
        if (ended > 0) {
            closeConsoles(before, "What you may do was changed");
        }
        User now = accounts.users().byId(user.id()).orElseThrow();
        return ApiServlet.Json.ok(Map.of("user", view(now, admin, accounts.liveSessions()), "sessionsEnded", ended));
    }

    private ApiServlet.Answer disable(Identity admin, ApiServlet.Call call) throws GuacamoleException {
        User user = user(call);
        refuseSelf(admin, user, "You cannot disable yourself: another admin can");
        List<TokenHash> before = sessionsOf(user);
        int ended = accounts.disable(user, Actor.of(call.caller()));
        closeConsoles(before, "Your account was disabled");
        return ApiServlet.Json.ok(Map.of("ok", true, "sessionsEnded", ended));
    }

    private ApiServlet.Answer enable(Identity admin, ApiServlet.Call call) throws GuacamoleException {
        User user = user(call);
        accounts.enable(user, Actor.of(call.caller()));
        return ApiServlet.Json.ok(Map.of("ok", true));
    }

    private ApiServlet.Answer resetSecondFactor(Identity admin, ApiServlet.Call call) throws GuacamoleException {
        User user = user(call);
        refuseSelf(admin, user, "You cannot reset your own second factor here: remove a passkey on the Passkeys "
                + "page, or ask another admin");
        List<TokenHash> before = sessionsOf(user);
        boolean had = accounts.resetSecondFactor(user.id(), Actor.of(call.caller()));
        closeConsoles(before, "Your second factor was reset");
        return ApiServlet.Json.ok(Map.of("ok", true, "had", had));
    }

    private ApiServlet.Answer remove(Identity admin, ApiServlet.Call call) throws GuacamoleException {
        User user = user(call);
        refuseSelf(admin, user, "You cannot remove yourself: another admin can");
        List<TokenHash> before = sessionsOf(user);
        accounts.remove(user, Actor.of(call.caller()));
        closeConsoles(before, "Your account was removed");
        return ApiServlet.Json.ok(Map.of("ok", true));
    }

    private ApiServlet.Answer signInLink(Identity admin, ApiServlet.Call call) throws GuacamoleException, IOException {
        User user = user(call);
        JsonNode body = body(call, "{\"minutes\":60}");
        long minutes = body.path("minutes").asLong(LINK_MINUTES);
        if (minutes < 1 || minutes > MAX_LINK_MINUTES) {
            throw new GuacamoleClientException("A sign-in link works from 1 minute to " + MAX_LINK_MINUTES / 60
                    + " hours");
        }
        if (user.disabled()) {
            throw new GuacamoleResourceConflictException(user.name() + " is disabled: enable them first");
        }
        Token token = accounts.issueSignInLink(user, Duration.ofMinutes(minutes));
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("url", signInPage(call.request()) + "#link=" + token.value());
        answer.put("expiresAt", Instant.now().plus(Duration.ofMinutes(minutes)).toString());
        return ApiServlet.Json.ok(answer);
    }

    // --- sessions and consoles -----------------------------------------------------------------------------------

    /**
     * A console held open now.
     *
     * @param tunnel the tunnel's id, for {@code /api/admin/tunnels/ID/close}
     * @param mode   {@code watch} or {@code type}
     * @param link   the fingerprint of the share link it came through, for someone signed in who opened one; null
     */
    record ConsoleView(String tunnel, String target, String since, String mode, String link) {
        static ConsoleView of(TunnelService.OpenConsole console) {
            return new ConsoleView(console.id(), console.target(), console.since().toString(),
                    console.mayType() ? "type" : "watch",
                    console.caller().viaLink().map(Guest::linkFingerprint).orElse(null));
        }
    }

    /**
     * A live session.
     *
     * @param id           its token hash's fingerprint
     * @param secondFactor what it proved ({@code totp}, {@code recovery-code}, {@code passkey}, {@code link}); null:
     *                     none (a viewer's password alone)
     * @param state        {@code signed-in}, or {@code second-factor} / {@code enrol} while still signing in
     * @param you          whether it is the session that asks
     */
    record SessionView(String id, String user, String role, String address, String userAgent, String createdAt,
            String lastSeenAt, String secondFactor, String state, boolean you, List<ConsoleView> consoles) {
    }

    /** A share link's guest (no account) in a console now. */
    record GuestView(String tunnel, String link, String linkId, String maker, String target, String mode,
            String since, String address) {
    }

    private ApiServlet.Answer sessions(Identity admin, ApiServlet.Call call) {
        List<TunnelService.OpenConsole> open = tunnels.openConsoles();
        List<SessionView> sessions = new ArrayList<>();
        for (Session session : accounts.liveSessions()) {
            Optional<User> user = accounts.users().byId(session.userId());
            if (user.isEmpty() || user.get().disabled()) {
                continue;
            }
            List<ConsoleView> consoles = open.stream()
                    .filter(console -> console.caller().signedIn()
                            .filter(identity -> identity.session().equals(session.tokenHash())).isPresent())
                    .map(ConsoleView::of).toList();
            sessions.add(new SessionView(session.tokenHash().fingerprint(), user.get().name(), user.get().role().id(),
                    session.address(), session.userAgent(), session.createdAt().toString(),
                    session.lastSeenAt().toString(),
                    session.secondFactor() == null ? null : session.secondFactor().id(), state(user.get(), session),
                    session.tokenHash().equals(admin.session()), consoles));
        }
        List<GuestView> guests = open.stream().filter(console -> console.caller().identity() == null)
                .flatMap(console -> console.caller().viaLink().stream().map(guest -> new GuestView(console.id(),
                        guest.linkFingerprint(), guest.linkId(), guest.maker(), console.target(), guest.mode(),
                        console.since().toString(), console.caller().address())))
                .toList();
        return ApiServlet.Json.ok(Map.of("sessions", sessions, "guests", guests));
    }

    private ApiServlet.Answer endSession(Identity admin, ApiServlet.Call call) throws GuacamoleException {
        String id = call.parameter("id");
        List<Session> matching = accounts.liveSessions().stream()
                .filter(session -> session.tokenHash().fingerprint().equals(id)).toList();
        if (matching.isEmpty()) {
            throw new GuacamoleResourceNotFoundException("No such live session: it may have ended already");
        }
        if (matching.size() > 1) {
            throw new GuacamoleResourceConflictException("Several sessions share this id: end them with "
                    + "keyhole-server user disable, or ask them to sign out");
        }
        TokenHash session = matching.get(0).tokenHash();
        if (session.equals(admin.session())) {
            throw new GuacamoleResourceConflictException("This is your own session: sign out from the account menu");
        }
        accounts.endSession(session, admin.name());
        closeConsoles(List.of(session), SESSION_ENDED);
        return ApiServlet.Json.ok(Map.of("ok", true));
    }

    private ApiServlet.Answer closeTunnel(Identity admin, ApiServlet.Call call) throws GuacamoleException {
        if (!tunnels.closeTunnel(call.parameter("id"), KICKED)) {
            throw new GuacamoleResourceNotFoundException("No such open console: it may have closed already");
        }
        return ApiServlet.Json.ok(Map.of("ok", true));
    }

    // --- links ---------------------------------------------------------------------------------------------------

    private ApiServlet.Answer links(Identity admin, ApiServlet.Call call) {
        Instant now = Instant.now();
        return ApiServlet.Json.ok(Map.of("links", links.all().stream()
                .map(link -> LinksApi.LinkView.of(link, links.maker(link).map(User::name).orElse(""),
                        links.devices(link), now)).toList()));
    }

    // --- inside --------------------------------------------------------------------------------------------------

    private JsonNode body(ApiServlet.Call call, String shape) throws GuacamoleClientException, IOException {
        return JsonResponses.readObject(call.request(), json, MAX_BODY, shape);
    }

    /** @return the user the route's {@code {id}} names; else 404 */
    private User user(ApiServlet.Call call) throws GuacamoleResourceNotFoundException {
        return accounts.users().byId(call.parameter("id"))
                .orElseThrow(() -> new GuacamoleResourceNotFoundException("No such user: removed already?"));
    }

    /** @throws IllegalArgumentException for a role that is none */
    private static Role role(JsonNode body) {
        return Role.of(body.path("role").asText("").strip().toLowerCase(Locale.ROOT));
    }

    /** @return the body's target patterns; none, or {@code *} alone: every console (the command line's rule) */
    private static List<String> targets(JsonNode body) {
        List<String> patterns = new ArrayList<>();
        for (JsonNode pattern : body.path("targets")) {
            String text = pattern.asText("").strip();
            if (!text.isEmpty()) {
                patterns.add(text);
            }
        }
        return patterns.equals(List.of("*")) ? List.of() : List.copyOf(patterns);
    }

    private static boolean isSelf(Identity admin, User user) {
        return admin.userId().equals(user.id());
    }

    private static void refuseSelf(Identity admin, User user, String why) throws GuacamoleResourceConflictException {
        if (isSelf(admin, user)) {
            throw new GuacamoleResourceConflictException(why);
        }
    }

    /** Whether a change takes anything away: a lower role, or other consoles than every one (as Accounts.change). */
    private static boolean takesAway(User user, Role role, List<String> patterns) {
        return role.compareTo(user.role()) < 0
                || !patterns.isEmpty() && !Set.copyOf(patterns).equals(Set.copyOf(user.targetPatterns()));
    }

    /** @return the token hashes of a user's live sessions (taken before they end, to close their consoles after) */
    private List<TokenHash> sessionsOf(User user) {
        return accounts.liveSessions().stream().filter(session -> session.userId().equals(user.id()))
                .map(Session::tokenHash).toList();
    }

    /**
     * Closes the consoles of sessions that just ended, at once and with the reason (the sweep would close them
     * within a second, but could only say "You were signed out": an ended session leaves no row to say why). The
     * session ends first, so that the page, asking at once, finds itself signed out.
     */
    private void closeConsoles(List<TokenHash> sessions, String why) {
        sessions.forEach(session -> tunnels.closeSession(session, why));
    }

    /** @return {@code signed-in}, {@code second-factor} or {@code enrol}, as {@code GET /api/session} says it */
    private String state(User user, Session session) {
        return accounts.stateOf(user, session).name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** @return the sign-in page's URL under the origin the request came to (one the front door allows) */
    private static String signInPage(HttpServletRequest request) {
        return URI.create(request.getRequestURL().toString()).resolve(Doorway.SIGN_IN_PAGE).toString();
    }

    private static String capitalized(String message) {
        return message == null || message.isEmpty() ? "That is not possible"
                : message.substring(0, 1).toUpperCase(Locale.ROOT) + message.substring(1);
    }
}
