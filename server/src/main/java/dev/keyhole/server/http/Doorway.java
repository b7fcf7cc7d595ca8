package dev.keyhole.server.http;

import java.util.Set;

/**
 * Which paths need what session: the one table the {@link FrontDoor} applies to every request. Anything not named
 * here needs a session fully signed in, so a route or page added later is closed until it is listed.
 */
final class Doorway {

    /** What a path needs. */
    enum Door {
        /** Nothing: the sign-in page, its files and the routes that begin a session. */
        PUBLIC,
        /** A session, signed in or still proving its second factor: the second factor's routes, and signing out. */
        SIGNING_IN,
        /** A session fully signed in. */
        SIGNED_IN
    }

    /** The sign-in page. */
    static final String SIGN_IN_PAGE = "/sign-in.html";

    /** The files the sign-in page loads (and nothing else of the web app's). */
    private static final Set<String> PUBLIC_FILES = Set.of(SIGN_IN_PAGE, "/css/keyhole.css", "/css/sign-in.css",
            "/js/sign-in.js", "/js/api.js", "/js/dom.js", "/js/address.js", "/js/second-factor.js", "/js/passkey.js",
            "/js/base64url.js");

    /** The routes that begin a session, or say whether there is one: {@code METHOD PATH}. */
    static final Set<String> PUBLIC_ROUTES = Set.of("POST /api/sign-in", "POST /api/sign-in/link",
            "POST /api/setup", "GET /api/session", "POST /api/sign-in/passkey/options", "POST /api/sign-in/passkey");

    /**
     * The routes of a session that is still signing in (and of one signed in): its second factor's steps, and
     * registering a passkey, which a session enrolling its second factor does (one still proving it is refused by
     * {@code Passkeys} itself).
     */
    static final Set<String> SIGNING_IN_ROUTES = Set.of("POST /api/sign-in/code", "POST /api/second-factor/totp",
            "POST /api/second-factor/totp/confirm", "POST /api/second-factor/passkey/options",
            "POST /api/second-factor/passkey", "POST /api/passkeys/register/options", "POST /api/passkeys/register",
            "POST /api/sign-out");

    private Doorway() {
    }

    /**
     * @param method {@code GET} (for {@code HEAD} too) or {@code POST}
     * @param path   the request's decoded, normalised path
     * @return what it needs
     */
    static Door door(String method, String path) {
        if (PUBLIC_ROUTES.contains(method + " " + path) || method.equals("GET") && PUBLIC_FILES.contains(path)) {
            return Door.PUBLIC;
        }
        if (SIGNING_IN_ROUTES.contains(method + " " + path)) {
            return Door.SIGNING_IN;
        }
        return Door.SIGNED_IN;
    }

    /** @return whether a path is the API's or the tunnel's (answered 401 without a session, never redirected) */
    static boolean isApi(String path) {
        return path.startsWith("/api/") || path.equals(TunnelEndpoint.PATH);
    }

    /** @return the files anyone may fetch */
    static Set<String> publicFiles() {
        return PUBLIC_FILES;
    }
}
