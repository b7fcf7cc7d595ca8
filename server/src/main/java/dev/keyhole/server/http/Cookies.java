package dev.keyhole.server.http;

import dev.keyhole.server.accounts.Accounts;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Duration;
import org.eclipse.jetty.http.HttpCookie;
import org.eclipse.jetty.server.Request;

/**
 * The two cookies of a session. Both are {@code __Host-} cookies ({@code Secure}, {@code Path=/}, no
 * {@code Domain}: only this origin sets or reads them) with {@code SameSite=Lax}. Browsers keep {@code Secure}
 * cookies over plain HTTP on loopback ({@code http://127.0.0.1}, {@code http://localhost}), the only place Keyhole
 * speaks plain HTTP, so they are the same with and without TLS.
 * <ul>
 * <li>{@link #SESSION} holds the session's token, {@code HttpOnly}: no script reads it;</li>
 * <li>{@link #CSRF} holds the page's CSRF token, readable by the page's scripts, which send it back in the
 * {@value #CSRF_HEADER} header; a page of another site can neither read it nor set the header.</li>
 * </ul>
 * They last as long as the session at most ({@code Max-Age} of the absolute timeout); signing out clears them.
 */
final class Cookies {

    /** The session cookie's name. */
    static final String SESSION = "__Host-keyhole-session";
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
        for (HttpCookie cookie : Request.getCookies(request)) {
            if (cookie.getName().equals(SESSION)) {
                return cookie.getValue();
            }
        }
        return null;
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
