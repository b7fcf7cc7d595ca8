package dev.keyhole.server.http;

import dev.keyhole.server.access.Caller;
import dev.keyhole.server.access.Guest;
import dev.keyhole.server.access.Identity;
import dev.keyhole.server.accounts.Accounts;
import dev.keyhole.server.auth.TokenHash;
import dev.keyhole.server.config.HttpConfig;
import dev.keyhole.server.config.TlsConfig;
import dev.keyhole.server.links.ShareLinks;
import dev.keyhole.server.tunnel.Printable;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import javax.security.auth.Subject;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.security.UserIdentity;
import org.eclipse.jetty.security.authentication.LoginAuthenticator;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.NetworkConnector;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one door every HTTP request and every WebSocket handshake passes, before any servlet or endpoint sees it.
 *
 * <p>In order, it:
 * <ol>
 * <li>puts the security headers on the answer, whatever it will be (a page, an API answer, a {@code 101} WebSocket
 * upgrade, an error), with {@code Cache-Control: no-store}, and on a request that came over HTTPS (Keyhole's own TLS,
 * or a trusted proxy's, see {@link TrustedProxies}) {@code Strict-Transport-Security};</li>
 * <li>refuses methods other than {@code GET}, {@code HEAD} and {@code POST} ({@code 405}: no {@code TRACE}, and no
 * {@code OPTIONS}, since Keyhole grants no cross-origin access);</li>
 * <li>refuses a {@code Host} that no allowed origin names ({@code 403}; this defeats DNS rebinding). The host is the
 * request's authority as Jetty read it: HTTP/1.1's {@code Host}, HTTP/2's {@code :authority}, or a trusted proxy's
 * {@code X-Forwarded-Host};</li>
 * <li>refuses a request whose {@code Origin} is not an allowed origin ({@code 403}), for every method and for
 * WebSocket handshakes alike: browsers send {@code Origin} with every WebSocket handshake and every
 * cross-origin request, and a WebSocket is not protected by the same-origin policy. A request without
 * {@code Origin} comes from a page of this server (a browser's same-origin {@code GET}) or from a client that is
 * not a browser, and carries no browser's authority;</li>
 * <li>resolves the session of the request's cookie ({@link Cookies#SESSION}) once, and, on the paths a share
 * link's guest may reach, the guest of its device cookie ({@link Cookies#LINK}), and lets the request on only
 * when the {@link Doorway} lets it: a path anyone may reach (the sign-in and join pages and their routes), one that
 * a session still signing in may reach, one of a guest's, or, for every other path, a session fully signed in. Without one an API route or the
 * tunnel answers {@code 401} and a page redirects ({@code 303}) to the sign-in page, which comes back to it
 * afterwards;</li>
 * <li>for a {@code POST} but the public ones, checks the page's CSRF token ({@value Cookies#CSRF_HEADER}, which
 * only a page of Keyhole's can read from {@link Cookies#CSRF}) against the session's, or a guest's without one
 * against their device's ({@code 403});</li>
 * <li>leaves the {@link Caller} as the request's user principal (the servlet request's
 * {@code getUserPrincipal()}, and the tunnel's WebSocket session's), and the session in the attribute
 * {@link #SESSION} for the sign-in routes.</li>
 * </ol>
 */
final class FrontDoor extends Handler.Wrapper {

    private static final Logger log = LoggerFactory.getLogger(FrontDoor.class);

    /** The request attribute holding the request's session, if it has one (signed in or not yet). */
    static final String SESSION = Accounts.Resolved.class.getName();

    private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST");

    /** How the caller proved who they are, as the servlet API names it. */
    private static final String AUTHENTICATION_TYPE = "keyhole-session";

    /** What every answer carries. */
    static final HttpFields SECURITY_HEADERS = HttpFields.build()
            .add("X-Content-Type-Options", "nosniff")
            .add("X-Frame-Options", "DENY")
            .add("Referrer-Policy", "no-referrer")
            .add("Cross-Origin-Opener-Policy", "same-origin")
            .add("Cross-Origin-Resource-Policy", "same-origin")
            .add("Content-Security-Policy", "default-src 'self'; connect-src 'self'; img-src 'self' data: blob:; "
                    + "style-src 'self'; script-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
            .add(HttpHeader.CACHE_CONTROL, "no-store")
            .asImmutable();

    /** What an answer over HTTPS carries too: browsers that saw it use nothing but HTTPS here for a year. */
    static final HttpField STRICT_TRANSPORT_SECURITY = new HttpField(HttpHeader.STRICT_TRANSPORT_SECURITY,
            "max-age=31536000");

    private final HttpConfig http;
    private final TlsConfig tls;
    private final NetworkConnector connector;
    private final SessionFinder sessions;
    private final GuestFinder guests;
    private volatile OriginPolicy policy;

    /**
     * @param http      the configured origins and bind address
     * @param tls       whether the port speaks TLS (the default origins are then {@code https})
     * @param connector the connector the server listens on: the default origins need the port it really got
     * @param sessions  finds the session of a request's cookie
     * @param guests    finds the share link's guest of a request's device cookie
     */
    FrontDoor(HttpConfig http, TlsConfig tls, NetworkConnector connector, SessionFinder sessions,
            GuestFinder guests) {
        this.http = http;
        this.tls = tls;
        this.connector = connector;
        this.sessions = sessions;
        this.guests = guests;
    }

    /** Finds the guest of a share link's device cookie: {@code ShareLinks#resolve} in Keyhole. */
    @FunctionalInterface
    interface GuestFinder {

        /**
         * @param cookie the device cookie's value; never null
         * @param userId the user signed in beside it; null: nobody
         * @return the guest, while the link works
         */
        Optional<Guest> find(String cookie, String userId);
    }

    /** @return the caller the front door resolved for a request that passed it */
    static Caller caller(HttpServletRequest request) {
        return (Caller) request.getUserPrincipal();
    }

    /** @return the session of a request that passed the front door, signed in or not yet, if it has one */
    static Optional<Accounts.Resolved> session(HttpServletRequest request) {
        return Optional.ofNullable((Accounts.Resolved) request.getAttribute(SESSION));
    }

    /** @return the origins whose pages may use this server (once it listens) */
    Set<String> allowedOrigins() {
        return policy().origins();
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        HttpFields.Mutable headers = response.getHeaders();
        for (HttpField field : SECURITY_HEADERS) {
            headers.put(field);
        }
        if (request.isSecure()) {
            headers.put(STRICT_TRANSPORT_SECURITY);
        }
        if (!METHODS.contains(request.getMethod())) {
            headers.put(HttpHeader.ALLOW, "GET, HEAD, POST");
            return refuse(request, response, callback, HttpStatus.METHOD_NOT_ALLOWED_405,
                    "Method " + Printable.of(request.getMethod(), 16) + " is not allowed");
        }
        String host = authority(request.getHttpURI());
        if (!policy().allowsHost(host)) {
            return refuse(request, response, callback, HttpStatus.FORBIDDEN_403,
                    "Keyhole is not served under the name " + quoted(host) + "; see http.allowed-origins");
        }
        String origin = request.getHeaders().get(HttpHeader.ORIGIN);
        if (origin != null && !policy().allowsOrigin(origin)) {
            return refuse(request, response, callback, HttpStatus.FORBIDDEN_403,
                    "Pages of " + quoted(origin) + " may not use Keyhole; see http.allowed-origins");
        }
        String address = String.valueOf(Request.getRemoteAddr(request));
        Optional<Accounts.Resolved> session = sessions.find(Cookies.session(request));
        String method = request.getMethod().equals("HEAD") ? "GET" : request.getMethod();
        String path = Request.getPathInContext(request);
        Doorway.Door door = Doorway.door(method, path);
        boolean signedIn = session.filter(s -> s.state() == Accounts.State.SIGNED_IN).isPresent();
        Identity identity = signedIn ? session.get().identity() : null;
        String device = Cookies.link(request);
        Optional<Guest> guest = device == null || door != Doorway.Door.GUEST && door != Doorway.Door.PUBLIC
                ? Optional.empty() : guests.find(device, identity == null ? null : identity.userId());
        if (door == Doorway.Door.SIGNED_IN && !signedIn || door == Doorway.Door.SIGNING_IN && session.isEmpty()
                || door == Doorway.Door.GUEST && !signedIn && guest.isEmpty()) {
            return turnAway(request, response, callback, method, path, device != null);
        }
        String csrf = request.getHeaders().get(Cookies.CSRF_HEADER);
        if (method.equals("POST") && door != Doorway.Door.PUBLIC && !(session.isPresent()
                ? session.get().csrfMatches(csrf) : csrf != null
                        && new TokenHash(ShareLinks.csrfOf(device)).matches(new TokenHash(csrf)))) {
            return refuse(request, response, callback, HttpStatus.FORBIDDEN_403,
                    "This request lacks the page's CSRF token (" + Cookies.CSRF_HEADER + "): reload the page");
        }
        session.ifPresent(s -> request.setAttribute(SESSION, s));
        Caller caller = new Caller(address, identity, guest.orElse(null));
        Request.setAuthenticationState(request, new LoginAuthenticator.UserAuthenticationSucceeded(
                AUTHENTICATION_TYPE, UserIdentity.from(new Subject(), caller)));
        return super.handle(request, response, callback);
    }

    /**
     * Answers a request that needs a session it lacks: {@code 401} for the API and the tunnel, or for a page a
     * redirect to the sign-in page, which comes back to it afterwards.
     */
    private static boolean turnAway(Request request, Response response, Callback callback, String method,
            String path, boolean hadLink) {
        if (method.equals("GET") && !Doorway.isApi(path)) {
            String query = request.getHttpURI().getQuery();
            String back = path + (query == null ? "" : "?" + query);
            response.setStatus(HttpStatus.SEE_OTHER_303);
            // A guest whose link ended hears so on the join page, which also offers to sign in.
            response.getHeaders().put(HttpHeader.LOCATION, (hadLink ? Doorway.JOIN_PAGE : Doorway.SIGN_IN_PAGE)
                    + "?next=" + URLEncoder.encode(back, StandardCharsets.UTF_8));
            callback.succeeded();
            return true;
        }
        response.setStatus(HttpStatus.UNAUTHORIZED_401);
        response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, Cookies.CHALLENGE);
        JsonErrorHandler.write(response, "Sign in first", callback);
        return true;
    }

    /**
     * @return the host and port a request names, as {@code Host} writes them ({@code [::1]:8080}; no port when it
     *         gives none), or null when it names none
     */
    static String authority(HttpURI uri) {
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            return null;
        }
        return OriginPolicy.bracketed(host) + (uri.getPort() > 0 ? ":" + uri.getPort() : "");
    }

    private OriginPolicy policy() {
        OriginPolicy known = policy;
        if (known == null) {
            known = OriginPolicy.of(http, tls, connector.getLocalPort());
            policy = known;
        }
        return known;
    }

    private static boolean refuse(Request request, Response response, Callback callback, int status, String why) {
        log.info("Refused {} {} from {}: {}", Printable.of(request.getMethod(), 16),
                Printable.of(request.getHttpURI().getPath(), 80), Request.getRemoteAddr(request), why);
        response.setStatus(status);
        JsonErrorHandler.write(response, why, callback);
        return true;
    }

    private static String quoted(String header) {
        return header == null ? "(none)" : "'" + Printable.of(header, 80) + "'";
    }
}
