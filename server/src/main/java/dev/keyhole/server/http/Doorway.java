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
        /**
         * A session fully signed in, or a share link's guest: the console page and its files, one target, its
         * stage, the tunnel. Only here does a request's caller carry the guest's link; the handlers check that it
         * is the link's console.
         */
        GUEST,
        /** A session fully signed in. */
        SIGNED_IN
    }

    /** The sign-in page. */
    static final String SIGN_IN_PAGE = "/sign-in.html";

    /** The page a share link opens. */
    static final String JOIN_PAGE = "/join.html";

    /** The files the sign-in and join pages load (and nothing else of the web app's). */
    private static final Set<String> PUBLIC_FILES = Set.of(SIGN_IN_PAGE, "/css/keyhole.css", "/css/sign-in.css",
            "/js/sign-in.js", "/js/api.js", "/js/dom.js", "/js/address.js", "/js/second-factor.js", "/js/passkey.js",
            "/js/base64url.js", JOIN_PAGE, "/js/join.js");

    /** The routes that begin a session or open a link, or say whether there is one: {@code METHOD PATH}. */
    static final Set<String> PUBLIC_ROUTES = Set.of("POST /api/sign-in", "POST /api/sign-in/link",
            "POST /api/setup", "GET /api/session", "POST /api/sign-in/passkey/options", "POST /api/sign-in/passkey",
            "POST /api/join");

    /**
     * What a share link's guest may reach ({@code *}: one path segment): the console page, one target, its stage
     * (if the link allows it: {@code TargetsApi} checks), its passphrase box's record, the tunnel, leaving; and the web app's scripts, styles
     * and vendored code, which hold nothing of anyone's.
     */
    static final Set<String> GUEST_ROUTES = Set.of("GET /console.html", "GET /api/targets/*",
            "POST /api/targets/*/stage", "POST /api/targets/*/passphrase-box", "GET " + TunnelEndpoint.PATH,
            "POST /api/join/leave");

    /** The folders of files a guest's page loads. */
    private static final Set<String> GUEST_FOLDERS = Set.of("/js/", "/css/", "/vendor/");

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
        if (GUEST_ROUTES.stream().anyMatch(route -> matches(route, method + " " + path))
                || method.equals("GET") && GUEST_FOLDERS.stream().anyMatch(path::startsWith)) {
            return Door.GUEST;
        }
        return Door.SIGNED_IN;
    }

    /** @return whether {@code METHOD PATH} matches a route in which {@code *} stands for one non-empty segment */
    static boolean matches(String route, String request) {
        String[] want = route.split("/", -1);
        String[] got = request.split("/", -1);
        if (want.length != got.length) {
            return false;
        }
        for (int i = 0; i < want.length; i++) {
            if (!(want[i].equals("*") ? !got[i].isEmpty() : want[i].equals(got[i]))) {
                return false;
            }
        }
        return true;
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
