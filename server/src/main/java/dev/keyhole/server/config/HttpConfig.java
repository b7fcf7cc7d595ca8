package dev.keyhole.server.config;

import java.net.URI;
import java.util.List;

/**
 * Where Keyhole's HTTP and WebSocket server listens, and which pages may use it.
 *
 * @param bind           the address to bind, e.g. {@code 127.0.0.1}
 * @param port           the TCP port; {@code 0} picks a free one (tests)
 * @param allowedOrigins the origins ({@code scheme://host[:port]}, normalised by {@link Origins#normalise}) whose
 *                       pages may use Keyhole, and whose host names requests may carry in {@code Host}; empty means
 *                       the default: the server's own URL on its bind address ({@code http://127.0.0.1:PORT} and
 *                       {@code http://localhost:PORT} when it binds loopback or every address; {@code https://} under
 *                       TLS, and a self-signed certificate's names, see {@link TlsConfig})
 */
public record HttpConfig(String bind, int port, List<URI> allowedOrigins) {

    /** The default: loopback only, port 8080. To serve other machines, see {@link TlsConfig}. */
    public static final HttpConfig DEFAULT = new HttpConfig("127.0.0.1", 8080, List.of());

    /** Copies {@code allowedOrigins}, so the record stays immutable. */
    public HttpConfig {
        allowedOrigins = List.copyOf(allowedOrigins);
    }

    /**
     * The hosts of the default allowed origins (when none are configured): both {@code 127.0.0.1} and
     * {@code localhost} for a loopback bind or one on every address ({@code [::1]} and {@code localhost} for IPv6
     * loopback), the bind address otherwise; under a self-signed certificate its names instead, since those are
     * what the server can be reached under.
     *
     * @param tls whether and how the port speaks TLS
     * @return the hosts, as a URL writes them (an IPv6 address in brackets for loopback, bare from a certificate)
     */
    public List<String> defaultOriginHosts(TlsConfig tls) {
        if (tls.mode() == TlsConfig.Mode.SELF_SIGNED) {
            return tls.namesFor(bind);
        }
        return switch (bind) {
            case "127.0.0.1", "localhost", "0.0.0.0", "::", "[::]" -> List.of("127.0.0.1", "localhost");
            case "::1", "[::1]" -> List.of("[::1]", "localhost");
            default -> List.of(bind);
        };
    }
}
