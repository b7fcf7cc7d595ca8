package dev.keyhole.server.http;

import dev.keyhole.server.config.HttpConfig;
import dev.keyhole.server.config.Origins;
import dev.keyhole.server.config.TlsConfig;
import java.net.URI;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Which pages may use Keyhole, and under which names it may be reached: the allowed origins, and the
 * {@code Host} values they imply.
 *
 * <p>Checking {@code Host} is what defeats DNS rebinding: a page of {@code http://evil.example:8080} whose name
 * now resolves to 127.0.0.1 sends {@code Host: evil.example:8080} and {@code Origin: http://evil.example:8080},
 * which agree with each other but not with any origin Keyhole was told it serves.
 */
final class OriginPolicy {

    private final Set<String> origins = new LinkedHashSet<>();
    private final Set<String> hosts = new LinkedHashSet<>();

    /** @param allowed the allowed origins, each already {@linkplain Origins#normalise normalised}; not empty */
    OriginPolicy(List<URI> allowed) {
        for (URI origin : allowed) {
            origins.add(origin.toString());
            int port = origin.getPort() < 0 ? Origins.defaultPort(origin.getScheme()) : origin.getPort();
            hosts.add(origin.getHost() + ":" + port);
            if (port == Origins.defaultPort(origin.getScheme())) {
                hosts.add(origin.getHost());
            }
        }
    }

    /**
     * The policy of a server: the configured origins, or by default the server's own URL on its bind address
     * (both {@code 127.0.0.1} and {@code localhost} when it binds loopback or every address), with {@code https}
     * when its port speaks TLS; a self-signed certificate's names instead, since those are what it can be
     * reached under.
     *
     * @param http the configuration
     * @param tls  whether and how the port speaks TLS
     * @param port the port the server really listens on (the configured one may be 0)
     */
    static OriginPolicy of(HttpConfig http, TlsConfig tls, int port) {
        if (!http.allowedOrigins().isEmpty()) {
            return new OriginPolicy(http.allowedOrigins());
        }
        List<String> names = http.defaultOriginHosts(tls);
        String scheme = tls.encrypts() ? "https" : "http";
        return new OriginPolicy(names.stream()
                .map(name -> Origins.normalise(scheme + "://" + bracketed(name) + ":" + port)).toList());
    }

    /** @return an IPv6 address in brackets, as URLs and {@code Host} write it; anything else as it is */
    static String bracketed(String host) {
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    /**
     * @param host a request's {@code Host} header; null when it had none
     * @return whether it names this server as one of its allowed origins does
     */
    boolean allowsHost(String host) {
        return host != null && hosts.contains(host.strip().toLowerCase(Locale.ROOT));
    }

    /**
     * @param origin a request's {@code Origin} header (present: a browser sent the request from a page)
     * @return whether that page is one of the allowed origins; {@code null} (the literal a sandboxed or
     *         privacy-sensitive context sends) and anything that is not an origin are not
     */
    boolean allowsOrigin(String origin) {
        try {
            return origins.contains(Origins.normalise(origin.strip()).toString());
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** @return the allowed origins, in the order they were given (the first is where people open Keyhole) */
    Set<String> origins() {
        return Collections.unmodifiableSet(origins);
    }
}
