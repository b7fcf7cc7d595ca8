package dev.keyhole.server.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/** Web origins as browsers send them in {@code Origin}: {@code scheme://host[:port]}, nothing else. */
public final class Origins {

    private Origins() {
    }

    /**
     * Reads an origin the way a browser writes one, so two spellings of the same origin compare equal.
     *
     * @param text e.g. {@code https://Keyhole.example.org:443}
     * @return the origin with scheme and host in lower case and the scheme's default port left out, e.g.
     *         {@code https://keyhole.example.org}
     * @throws IllegalArgumentException if it is not an {@code http} or {@code https} origin (a path, query, user or
     *                                  fragment makes it something else)
     */
    public static URI normalise(String text) {
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw notAnOrigin();
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        boolean emptyPath = uri.getRawPath() == null || uri.getRawPath().isEmpty();
        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null || !emptyPath
                || uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
            throw notAnOrigin();
        }
        int port = uri.getPort() == defaultPort(scheme) ? -1 : uri.getPort();
        return URI.create(scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + (port < 0 ? "" : ":" + port));
    }

    /**
     * @param host a URL's host, as {@link URI#getHost} gives it ({@code [::1]} in brackets) or bare
     * @return whether it is an IP address (v4 or v6) rather than a name
     */
    public static boolean isIpAddress(String host) {
        return host.contains(":") || AddressRange.isLiteral(host);
    }

    /**
     * @param host   a host name
     * @param domain a DNS name
     * @return whether {@code host} is {@code domain} or a name under it ({@code keyhole.example.org} is under
     *         {@code example.org}; {@code badexample.org} is not), as WebAuthn lets a relying-party id serve hosts
     */
    public static boolean isWithin(String host, String domain) {
        String name = host.toLowerCase(Locale.ROOT);
        return name.equals(domain) || name.endsWith("." + domain);
    }

    /** @return 443 for {@code https}, 80 otherwise */
    public static int defaultPort(String scheme) {
        return "https".equals(scheme) ? 443 : 80;
    }

    private static IllegalArgumentException notAnOrigin() {
        return new IllegalArgumentException(
                "must be an origin: http:// or https://, a host and an optional port, no path (e.g. https://keyhole.example.org)");
    }
}
