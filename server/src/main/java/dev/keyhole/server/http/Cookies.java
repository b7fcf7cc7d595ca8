package dev.keyhole.server.http;

import dev.keyhole.server.accounts.Accounts;
import dev.keyhole.server.auth.Token;
import dev.keyhole.server.links.ShareLinks;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Duration;
import org.eclipse.jetty.http.HttpCookie;
import org.eclipse.jetty.server.Request;

/**
 * The cookies of a session, and of a share link's guest. All are {@code __Host-} cookies ({@code Secure},
 * {@code Path=/}, no {@code Domain}: only this origin sets or reads them) with {@code SameSite=Lax}. Browsers keep {@code Secure}
 * cookies over plain HTTP on loopback ({@code http://127.0.0.1}, {@code http://localhost}), the only place Keyhole
 * speaks plain HTTP, so they are the same with and without TLS.
 * <ul>
 * <li>{@link #SESSION} holds the session's token, {@code HttpOnly}: no script reads it;</li>
 * <li>{@link #CSRF} holds the page's CSRF token, readable by the page's scripts, which send it back in the
 * {@value #CSRF_HEADER} header; a page of another site can neither read it nor set the header.</li>
 * </ul>
 * {@link #LINK} holds a share link's device token, {@code HttpOnly}, for as long as the link works; a guest without
 * a session gets a {@link #CSRF} cookie with it (derived from the device token, see {@link ShareLinks#csrfOf}).
 * A session's last as long as the session at most ({@code Max-Age} of the absolute timeout); signing out clears
 * them.
 */
final class Cookies {

    /** The session cookie's name. */
    static final String SESSION = "__Host-keyhole-session";
    /** The cookie of a browser that opened a share link: its device token, {@code HttpOnly}. */
    static final String LINK = "__Host-keyhole-link";
    /** The CSRF cookie's name. */
    static final String CSRF = "__Host-keyhole-csrf";
    /**
     * What a {@code 401} answers in {@code WWW-Authenticate} (HTTP requires one): a scheme of Keyhole's own, which
     * no browser answers with a password dialog; the sign-in page begins a session.
     */
    static final String CHALLENGE = "Keyhole-Session realm=\"Keyhole\"";

    /** The header a page sends the CSRF token in. */
    static final String CSRF_HEADER = "X-Keyhole-CSRF";

    private Cookies() {
    }

    /** @return the session cookie's value, or null when the request has none */
    static String session(Request request) {
        return named(request, SESSION);
    }

    /** @return the share link device cookie's value, or null when the request has none */
    static String link(Request request) {
        return named(request, LINK);
    }

    private static String named(Request request, String name) {
        for (HttpCookie cookie : Request.getCookies(request)) {
            if (cookie.getName().equals(name)) {
                return cookie.getValue();
            }
        }
        return null;
    }

    /**
     * Sets a share link's device cookie on the answer, for as long as the link works, and, for a guest without a
     * session, the CSRF cookie their page sends back.
     */
    static void setLink(HttpServletResponse response, Token device, String csrf, Duration lifetime) {
        response.addHeader("Set-Cookie", cookie(LINK, device.value(), Math.max(1, lifetime.toSeconds()), true));
        if (csrf != null) {
            response.addHeader("Set-Cookie", cookie(CSRF, csrf, Math.max(1, lifetime.toSeconds()), false));
        }
    }

    /** Clears the share link's device cookie (and, for a guest without a session, the CSRF cookie). */
    static void clearLink(HttpServletResponse response, boolean csrfToo) {
        response.addHeader("Set-Cookie", cookie(LINK, "", 0, true));
        if (csrfToo) {
            response.addHeader("Set-Cookie", cookie(CSRF, "", 0, false));
        }
    }

    /** Sets a new session's cookies on the answer. */
    static void set(HttpServletResponse response, Accounts.SessionTokens tokens, Duration lifetime) {
        response.addHeader("Set-Cookie", cookie(SESSION, tokens.session().value(), lifetime.toSeconds(), true));
        response.addHeader("Set-Cookie", cookie(CSRF, tokens.csrf().value(), lifetime.toSeconds(), false));
    }

    /** Clears both cookies. */
    static void clear(HttpServletResponse response) {
        response.addHeader("Set-Cookie", cookie(SESSION, "", 0, true));
        response.addHeader("Set-Cookie", cookie(CSRF, "", 0, false));
    }

    private static String cookie(String name, String value, long maxAge, boolean httpOnly) {
        return name + "=" + value + "; Path=/; Max-Age=" + maxAge + "; Secure; SameSite=Lax"
                + (httpOnly ? "; HttpOnly" : "");
    }
}
