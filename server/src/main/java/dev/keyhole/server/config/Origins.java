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

    /** @return 443 for {@code https}, 80 otherwise */
    public static int defaultPort(String scheme) {
        return "https".equals(scheme) ? 443 : 80;
    }

    private static IllegalArgumentException notAnOrigin() {
        return new IllegalArgumentException(
                "must be an origin: http:// or https://, a host and an optional port, no path (e.g. https://keyhole.example.org)");
    }
}
