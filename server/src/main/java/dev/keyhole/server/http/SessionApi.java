package dev.keyhole.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keyhole.server.access.Guest;
import dev.keyhole.server.accounts.Accounts;
import dev.keyhole.server.auth.TotpEnrolment;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.guacamole.GuacamoleClientException;
import org.apache.guacamole.GuacamoleResourceConflictException;

/**
 * Signing in and out ({@link Doorway} says which of these routes need what session):
 * <ul>
 * <li>{@code GET /api/session}: {@code {"state":"signed-in"|"second-factor"|"enrol","user":{"name","role"},
 * "idleTimeoutSeconds"}} (in state {@code second-factor} also {@code "secondFactors"}: {@code "passkey"},
 * {@code "totp"}, those the user has), or for a share link's guest without a session {@code {"state":"guest",
 * "guest":{"target","mode","stages","maker","since","expiresAt"}}} (with a session, {@code "guest"} beside the
 * rest), or {@code 401};</li>
 * <li>{@code POST /api/sign-in} {@code {"name","password"}}: begins a session (both cookies) in one of those
 * states; {@code 401} for a wrong name or password (the same for both), {@code 429} with {@code Retry-After} and
 * {@code retryAfterSeconds} while the name or the address is blocked;</li>
 * <li>{@code POST /api/sign-in/code} {@code {"code"}}: a TOTP or recovery code, for a session in state
 * {@code second-factor}; new cookies; {@code 401} wrong, {@code 423} locked;</li>
 * <li>{@code POST /api/sign-in/link} {@code {"token"}}: a one-time link's token (from the link's fragment): signs in,
 * or answers {@code {"state":"setup"}} for the first admin's link; {@code 410} spent, expired or unknown;</li>
 * <li>{@code POST /api/setup} {@code {"token","name","password"}}: creates the first admin;</li>
 * <li>{@code POST /api/second-factor/totp}: a new TOTP secret to enrol ({@code secret}, {@code uri},
 * {@code qrCodeSvg}); {@code POST /api/second-factor/totp/confirm} {@code {"code"}}: confirms it, answering the
 * ten recovery codes once;</li>
 * <li>{@code POST /api/sign-out} and {@code POST /api/sign-out-everywhere}.</li>
 * </ul>
 * Passkeys have routes of their own ({@link PasskeyApi}).
 * Every body is JSON ({@code application/json}, which a page of another site cannot send without a preflight).
 */
final class SessionApi {

    private static final int MAX_BODY = 8192;

    private final Accounts accounts;
    private final ObjectMapper json;

    SessionApi(Accounts accounts, ObjectMapper json) {
        this.accounts = accounts;
        this.json = json;
    }

    /** Adds the routes to {@code api}. */
    void addTo(ApiServlet api) {
        api.route("GET", "/api/session", this::session)
                .route("POST", "/api/sign-in", this::signIn)
                .route("POST", "/api/sign-in/code", this::code)
                .route("POST", "/api/sign-in/link", this::link)
                .route("POST", "/api/setup", this::setup)
                .route("POST", "/api/second-factor/totp", this::beginTotp)
                .route("POST", "/api/second-factor/totp/confirm", this::confirmTotp)
                .route("POST", "/api/sign-out", this::signOut)
                .route("POST", "/api/sign-out-everywhere", this::signOutEverywhere);
    }

    /** A user as their own page sees them. */
    record UserView(String name, String role) {
        static UserView of(Accounts.Resolved resolved) {
            return new UserView(resolved.user().name(), resolved.user().role().id());
        }
    }

    /** A share link's guest as their own page sees them: whose link, for which console, to do what, until when. */
    record GuestView(String target, String mode, boolean stages, String maker, String since, String expiresAt) {
        static GuestView of(Guest guest) {
            return new GuestView(guest.target(), guest.mode(), guest.maySwitchStage(), guest.maker(),
                    guest.since().toString(), guest.expiresAt().toString());
        }
    }

    private ApiServlet.Answer session(ApiServlet.Call call) {
        Optional<Accounts.Resolved> session = FrontDoor.session(call.request());
        Optional<Guest> guest = call.caller().viaLink();
        if (session.isEmpty() && guest.isPresent()) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("state", "guest");
            body.put("guest", GuestView.of(guest.get()));
            return ApiServlet.Json.ok(body);
        }
        if (session.isEmpty()) {
            call.response().setHeader("WWW-Authenticate", Cookies.CHALLENGE);
            return error(HttpServletResponse.SC_UNAUTHORIZED, "Not signed in");
        }
        Map<String, Object> body = state(accounts, session.get());
        body.put("idleTimeoutSeconds", accounts.config().idleTimeout().toSeconds());
        guest.ifPresent(g -> body.put("guest", GuestView.of(g)));
        return ApiServlet.Json.ok(body);
    }

    private ApiServlet.Answer signIn(ApiServlet.Call call) throws GuacamoleClientException, IOException {
        JsonNode body = body(call, "{\"name\":\"…\",\"password\":\"…\"}");
        Accounts.SignIn result = accounts.signIn(body.path("name").asText(""), body.path("password").asText(""),
                call.caller().address(), userAgent(call));
        if (result instanceof Accounts.Throttled throttled) {
            long seconds = Math.max(1, (throttled.waitFor().toMillis() + 999) / 1000);
            call.response().setHeader("Retry-After", Long.toString(seconds));
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("error", "Too many failed sign-ins: wait " + minutes(seconds) + " before trying again");
            answer.put("retryAfterSeconds", seconds);
            return new ApiServlet.Json(429, answer);
        }
        if (result instanceof Accounts.Refused refused) {
            call.response().setHeader("WWW-Authenticate", Cookies.CHALLENGE);
            return error(HttpServletResponse.SC_UNAUTHORIZED, refused.reason());
        }
        return begun(call, (Accounts.Begun) result);
    }

    private ApiServlet.Answer code(ApiServlet.Call call) throws GuacamoleClientException, IOException {
        Accounts.Resolved session = FrontDoor.session(call.request()).orElseThrow();
        String code = body(call, "{\"code\":\"123456\"}").path("code").asText("");
        if (session.state() != Accounts.State.SECOND_FACTOR) {
            throw new GuacamoleResourceConflictException("This session needs no code now");
        }
        return proven(call, accounts.proveCode(session, code));
    }

    private ApiServlet.Answer link(ApiServlet.Call call) throws GuacamoleClientException, IOException {
        String token = body(call, "{\"token\":\"…\"}").path("token").asText("");
        Accounts.LinkResult result = accounts.redeemLink(token, call.caller().address(), userAgent(call));
        if (result instanceof Accounts.FirstAdminSetup) {
            return ApiServlet.Json.ok(Map.of("state", "setup"));
        }
        if (result instanceof Accounts.Begun begun) {
            return begun(call, begun);
        }
        return linkGone();
    }

    private ApiServlet.Answer setup(ApiServlet.Call call) throws GuacamoleClientException, IOException {
        JsonNode body = body(call, "{\"token\":\"…\",\"name\":\"…\",\"password\":\"…\"}");
        Accounts.LinkResult result;
        try {
            result = accounts.setUpFirstAdmin(body.path("token").asText(""), body.path("name").asText(""),
                    body.path("password").asText(""), call.caller().address(), userAgent(call));
        } catch (IllegalArgumentException e) {
            throw new GuacamoleClientException(capitalised(e.getMessage()));
        }
        return result instanceof Accounts.Begun begun ? begun(call, begun) : linkGone();
    }

    private ApiServlet.Answer beginTotp(ApiServlet.Call call) throws GuacamoleResourceConflictException {
        Accounts.Resolved session = FrontDoor.session(call.request()).orElseThrow();
        if (accounts.staleForNewFactor(session)) {
            throw new GuacamoleResourceConflictException("To add an authenticator, sign out and in again first: one "
                    + "is added only within " + Accounts.ADD_FACTOR_WITHIN.toMinutes() + " minutes of signing in");
        }
        TotpEnrolment enrolment = accounts.beginTotp(session).orElseThrow(() -> new GuacamoleResourceConflictException(
                "You have an authenticator already; an admin can reset it"));
        return ApiServlet.Json.ok(Map.of("secret", enrolment.secret(), "uri", enrolment.uri(), "qrCodeSvg",
                enrolment.qrCodeSvg()));
    }

    private ApiServlet.Answer confirmTotp(ApiServlet.Call call) throws GuacamoleClientException, IOException {
        Accounts.Resolved session = FrontDoor.session(call.request()).orElseThrow();
        String code = body(call, "{\"code\":\"123456\"}").path("code").asText("");
        return proven(call, accounts.confirmTotp(session, code));
    }

    private ApiServlet.Answer signOut(ApiServlet.Call call) {
        FrontDoor.session(call.request()).ifPresent(accounts::signOut);
        Cookies.clear(call.response());
        return ApiServlet.Json.ok(Map.of("ok", true));
    }

    private ApiServlet.Answer signOutEverywhere(ApiServlet.Call call) {
        Accounts.Resolved session = FrontDoor.session(call.request()).orElseThrow();
        int ended = accounts.signOutEverywhere(session.user().id());
        Cookies.clear(call.response());
        return ApiServlet.Json.ok(Map.of("ok", true, "ended", ended));
    }

    // --- answers -------------------------------------------------------------------------------------------------

    private ApiServlet.Answer begun(ApiServlet.Call call, Accounts.Begun begun) {
        Cookies.set(call.response(), begun.tokens(), accounts.config().absoluteTimeout());
        return ApiServlet.Json.ok(state(accounts, begun.resolved()));
    }

    private ApiServlet.Answer proven(ApiServlet.Call call, Accounts.CodeResult result) {
        if (result instanceof Accounts.Locked) {
            return error(423, "Too many wrong codes: this second factor is locked until an admin resets it");
        }
        if (result instanceof Accounts.WrongCode) {
            call.response().setHeader("WWW-Authenticate", Cookies.CHALLENGE);
            return error(HttpServletResponse.SC_UNAUTHORIZED, "Wrong code");
        }
        Accounts.Proven proven = (Accounts.Proven) result;
        Cookies.set(call.response(), proven.tokens(), accounts.config().absoluteTimeout());
        Map<String, Object> body = state(accounts, proven.resolved());
        if (!proven.recoveryCodes().isEmpty()) {
            body.put("recoveryCodes", proven.recoveryCodes());
        }
        return ApiServlet.Json.ok(body);
    }

    /**
     * The body that names a session's state: {@code {"state", "user"}}, and for a session in state
     * {@code second-factor} the factors its user has, {@code "secondFactors": ["passkey", "totp"]}, so its page
     * offers those.
     */
    static Map<String, Object> state(Accounts accounts, Accounts.Resolved resolved) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("state", resolved.state().name().toLowerCase(Locale.ROOT).replace('_', '-'));
        body.put("user", UserView.of(resolved));
        if (resolved.state() == Accounts.State.SECOND_FACTOR) {
            body.put("secondFactors", accounts.secondFactors(resolved.user()).stream().map(f -> f.id()).toList());
        }
        return body;
    }

    private static ApiServlet.Answer linkGone() {
        return error(HttpServletResponse.SC_GONE, "This link was used already or has expired");
    }

    private static ApiServlet.Answer error(int status, String message) {
        return new ApiServlet.Json(status, Map.of("error", message));
    }

    private JsonNode body(ApiServlet.Call call, String shape) throws GuacamoleClientException, IOException {
        return JsonResponses.readObject(call.request(), json, MAX_BODY, shape);
    }

    /** @return the browser's {@code User-Agent}, at most 256 characters; empty when it sent none */
    static String userAgent(ApiServlet.Call call) {
        String agent = call.request().getHeader("User-Agent");
        return agent == null ? "" : agent.length() > 256 ? agent.substring(0, 256) : agent;
    }

    private static String minutes(long seconds) {
        long minutes = (seconds + 59) / 60;
        return minutes == 1 ? "1 minute" : minutes + " minutes";
    }

    private static String capitalised(String text) {
        return text.isEmpty() ? text : Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }
}
