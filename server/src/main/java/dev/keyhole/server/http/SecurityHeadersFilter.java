package dev.keyhole.server.http;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;

/**
 * Hardens every response, and refuses WebSocket handshakes from pages of other origins.
 *
 * <p>Browsers send cookies and credentials with cross-site WebSocket handshakes and do not apply the same-origin
 * policy to them, so without this check any web page a user visits could open a console through Keyhole.
 * Clients that send no {@code Origin} header (not browsers) are let through.
 */
final class SecurityHeadersFilter extends HttpFilter {

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("X-Frame-Options", "DENY");
        response.setHeader("Referrer-Policy", "no-referrer");
        response.setHeader("Content-Security-Policy", "default-src 'self'; connect-src 'self'; img-src 'self' data: "
                + "blob:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; base-uri 'none'");
        if ("websocket".equalsIgnoreCase(request.getHeader("Upgrade")) && !fromThisServer(request)) {
            response.sendError(HttpServletResponse.SC_FORBIDDEN, "WebSocket from another origin");
            return;
        }
        chain.doFilter(request, response);
    }

    /**
     * @return whether a request comes from a page this server served, or from a client that is not a browser
     *         (it sends no {@code Origin}); a browser's request from any other site is not
     */
    static boolean fromThisServer(HttpServletRequest request) {
        String origin = request.getHeader("Origin");
        return origin == null || sameOrigin(origin, request.getHeader("Host"));
    }

    /**
     * @param origin a request's {@code Origin} header
     * @param host   its {@code Host} header
     * @return whether the page that sent it was served by this server
     */
    static boolean sameOrigin(String origin, String host) {
        try {
            URI uri = URI.create(origin);
            String authority = uri.getPort() < 0 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
            return host != null && (host.equalsIgnoreCase(authority)
                    || host.equalsIgnoreCase(uri.getHost() + ":" + defaultPort(uri.getScheme())));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static int defaultPort(String scheme) {
        return "https".equalsIgnoreCase(scheme) ? 443 : 80;
    }
}
