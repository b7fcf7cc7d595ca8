package dev.keyhole.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keyhole.server.accounts.Accounts;
import dev.keyhole.server.accounts.Passkey;
import dev.keyhole.server.accounts.PasskeySite;
import dev.keyhole.server.accounts.Passkeys;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.guacamole.GuacamoleClientException;
import org.apache.guacamole.GuacamoleResourceConflictException;
import org.apache.guacamole.GuacamoleResourceNotFoundException;

/**
 * Passkeys over HTTP ({@link Doorway} says which routes need what session). Each ceremony is two posts: the
 * options, answered {@code {"ceremony": ID, "publicKey": {…}}} (WebAuthn's JSON, binary values in base64url, for
 * {@code navigator.credentials.create} or {@code .get}), then the browser's answer, posted as
 * {@code {"ceremony": ID, "credential": {…}}} (the credential as WebAuthn's JSON):
 * <ul>
 * <li>{@code POST /api/sign-in/passkey/options}, {@code POST /api/sign-in/passkey}: signs in with a passkey alone,
 * no name asked ({@code allowCredentials} empty); both cookies, {@code {"state":"signed-in","user":{…}}};</li>
 * <li>{@code POST /api/second-factor/passkey/options}, {@code POST /api/second-factor/passkey}: a session in state
 * {@code second-factor} proves it with one of its user's passkeys; new cookies;</li>
 * <li>{@code POST /api/passkeys/register/options}, {@code POST /api/passkeys/register} (with an optional
 * {@code "nickname"}): registers a passkey for a session signed in, or enrolling its second factor (which the
 * passkey then is: new cookies, {@code "state":"signed-in"}); answers {@code {"passkey":{…},"state","user"}};</li>
 * <li>{@code GET /api/passkeys}: the user's own, {@code {"passkeys":[{"id","nickname","createdAt","lastUsedAt",
 * "synced"}]}} (times ISO-8601, {@code lastUsedAt} null until first used);</li>
 * <li>{@code POST /api/passkeys/{id}/remove}: removes one of them.</li>
 * </ul>
 * An options route answers {@code 409} with the reason when the page's origin cannot use passkeys (an IP address,
 * or a name other than the passkeys'); an answer {@code 410} when its ceremony expired or was used, {@code 401} when
 * it proves nothing (a wrong, unknown, removed or another user's passkey, or a clone), {@code 400} when unreadable;
 * and an options route {@code 429} while too many ceremonies are under way (from the address, or in all).
 */
final class PasskeyApi {

    /** An answer with an attestation can be a few kilobytes; nothing Keyhole asks for comes near this. */
    private static final int MAX_BODY = 64 * 1024;

    private final Passkeys passkeys;
    private final Accounts accounts;
    private final ObjectMapper json;
    private final Supplier<Set<String>> origins;
    /** Where passkeys work, known once the server listens (its default origins need its port). */
    private volatile Optional<PasskeySite> site;

    /**
     * @param passkeys the ceremonies
     * @param accounts the sessions' states, for the answers
     * @param json     reads and writes the bodies
     * @param origins  the server's allowed origins, in order, once it listens
     */
    PasskeyApi(Passkeys passkeys, Accounts accounts, ObjectMapper json, Supplier<Set<String>> origins) {
        this.passkeys = passkeys;
        this.accounts = accounts;
        this.json = json;
        this.origins = origins;
    }

    /** Adds the routes to {@code api}. */
    void addTo(ApiServlet api) {
        api.route("POST", "/api/sign-in/passkey/options", this::signInOptions)
                .route("POST", "/api/sign-in/passkey", this::signIn)
                .route("POST", "/api/second-factor/passkey/options", this::secondFactorOptions)
                .route("POST", "/api/second-factor/passkey", this::secondFactor)
                .route("POST", "/api/passkeys/register/options", this::registerOptions)
                .route("POST", "/api/passkeys/register", this::register)
                .route("GET", "/api/passkeys", this::list)
                .route("POST", "/api/passkeys/{id}/remove", this::remove);
    }

    // --- signing in ----------------------------------------------------------------------------------------------

    private ApiServlet.Answer signInOptions(ApiServlet.Call call) throws GuacamoleClientException, IOException {
        PasskeySite here = here(call);
        return options(passkeys.beginSignIn(here, call.caller().address()));
    }

    private ApiServlet.Answer signIn(ApiServlet.Call call) throws GuacamoleClientException, IOException {
        PasskeySite here = here(call);
        Answer answer = answer(call);
        Passkeys.Finish result = passkeys.finishSignIn(here, answer.ceremony(), answer.credential(),
                call.caller().address(), SessionApi.userAgent(call));
        if (result instanceof Passkeys.SignedIn signedIn) {
            // A session this browser had (one still signing in, say) is replaced: end it rather than leave it be.
            FrontDoor.session(call.request()).ifPresent(accounts::signOut);
            return signedIn(call, signedIn);
        }
        return refused((Passkeys.Refused) result);
    }

    private ApiServlet.Answer secondFactorOptions(ApiServlet.Call call) throws GuacamoleClientException,
            IOException {
        Accounts.Resolved session = FrontDoor.session(call.request()).orElseThrow();
        return options(passkeys.beginSecondFactor(here(call), session, call.caller().address()));
    }

    private ApiServlet.Answer secondFactor(ApiServlet.Call call) throws GuacamoleClientException, IOException {
        Accounts.Resolved session = FrontDoor.session(call.request()).orElseThrow();
        PasskeySite here = here(call);
        Answer answer = answer(call);
        Passkeys.Finish result = passkeys.finishSecondFactor(here, session, answer.ceremony(), answer.credential(),
                call.caller().address());
        return result instanceof Passkeys.SignedIn signedIn ? signedIn(call, signedIn)
                : refused((Passkeys.Refused) result);
    }

    // --- registering ---------------------------------------------------------------------------------------------

    private ApiServlet.Answer registerOptions(ApiServlet.Call call) throws GuacamoleClientException, IOException {
        Accounts.Resolved session = FrontDoor.session(call.request()).orElseThrow();
        return options(passkeys.beginRegistration(here(call), session, call.caller().address()));
    }

    private ApiServlet.Answer register(ApiServlet.Call call) throws GuacamoleClientException, IOException {
        Accounts.Resolved session = FrontDoor.session(call.request()).orElseThrow();
        PasskeySite here = here(call);
        Answer answer = answer(call);
        Passkeys.Finish result = passkeys.finishRegistration(here, session, answer.ceremony(), answer.credential(),
                answer.nickname(), SessionApi.userAgent(call));
        if (!(result instanceof Passkeys.Registered registered)) {
            return refused((Passkeys.Refused) result);
        }
        Accounts.Resolved now = session;
        if (registered.proven() != null) {
            Cookies.set(call.response(), registered.proven().tokens(), accounts.config().absoluteTimeout());
            now = registered.proven().resolved();
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("passkey", view(registered.passkey()));
        body.putAll(SessionApi.state(accounts, now));
        return ApiServlet.Json.ok(body);
    }

    // --- the user's own ------------------------------------------------------------------------------------------

    private ApiServlet.Answer list(ApiServlet.Call call) {
        Accounts.Resolved session = FrontDoor.session(call.request()).orElseThrow();
        List<Map<String, Object>> views = passkeys.of(session.user()).stream().map(PasskeyApi::view).toList();
        return ApiServlet.Json.ok(Map.of("passkeys", views));
    }

    private ApiServlet.Answer remove(ApiServlet.Call call) throws GuacamoleResourceNotFoundException {
        Accounts.Resolved session = FrontDoor.session(call.request()).orElseThrow();
        if (!passkeys.remove(session.user(), call.parameter("id"))) {
            throw new GuacamoleResourceNotFoundException("You have no such passkey (it may have been removed)");
        }
        return ApiServlet.Json.ok(Map.of("ok", true));
    }

    // --- inside --------------------------------------------------------------------------------------------------

    /** What a browser posts back: the ceremony's id, its credential as JSON text, and a nickname (maybe empty). */
    private record Answer(String ceremony, String credential, String nickname) {
    }

    private Answer answer(ApiServlet.Call call) throws GuacamoleClientException, IOException {
        String shape = "{\"ceremony\":\"…\",\"credential\":{…}}";
        JsonNode body = JsonResponses.readObject(call.request(), json, MAX_BODY, shape);
        JsonNode credential = body.path("credential");
        if (!body.path("ceremony").isTextual() || !credential.isObject()) {
            throw new GuacamoleClientException("Send " + shape);
        }
        return new Answer(body.path("ceremony").asText(), json.writeValueAsString(credential),
                body.path("nickname").asText(""));
    }

    /**
     * Where passkeys work for this request's page.
     *
     * @throws GuacamoleResourceConflictException saying why when its origin cannot use passkeys
     */
    private PasskeySite here(ApiServlet.Call call) throws GuacamoleResourceConflictException {
        Optional<PasskeySite> known = site;
        if (known == null) {
            known = passkeys.site(origins.get());
            site = known;
        }
        Optional<String> unavailable = Passkeys.unavailable(known, call.request().getHeader("Origin"));
        if (unavailable.isPresent()) {
            throw new GuacamoleResourceConflictException(unavailable.get());
        }
        return known.orElseThrow();
    }

    private ApiServlet.Answer options(Passkeys.Begin begin) throws JsonProcessingException {
        if (begin instanceof Passkeys.Refused refused) {
            return refused(refused);
        }
        Passkeys.Options options = (Passkeys.Options) begin;
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("ceremony", options.ceremony().value());
        body.put("publicKey", json.readTree(options.publicKey()).path("publicKey"));
        return ApiServlet.Json.ok(body);
    }

    private ApiServlet.Answer signedIn(ApiServlet.Call call, Passkeys.SignedIn signedIn) {
        Cookies.set(call.response(), signedIn.tokens(), accounts.config().absoluteTimeout());
        return ApiServlet.Json.ok(SessionApi.state(accounts, signedIn.resolved()));
    }

    private static ApiServlet.Answer refused(Passkeys.Refused refused) {
        int status = switch (refused.why()) {
            case CONFLICT -> HttpServletResponse.SC_CONFLICT;
            case GONE -> HttpServletResponse.SC_GONE;
            case WRONG -> HttpServletResponse.SC_UNAUTHORIZED;
            case MALFORMED -> HttpServletResponse.SC_BAD_REQUEST;
            case BUSY -> 429;
        };
        return new ApiServlet.Json(status, Map.of("error", refused.reason()));
    }

    private static Map<String, Object> view(Passkey passkey) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", passkey.handle());
        view.put("nickname", passkey.nickname());
        view.put("createdAt", passkey.createdAt().toString());
        view.put("lastUsedAt", passkey.lastUsedAt() == null ? null : passkey.lastUsedAt().toString());
        view.put("synced", passkey.backupEligible());
        return view;
    }
}
