package dev.keyhole.server.accounts;

import dev.keyhole.server.config.Origins;
import java.net.URI;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Where passkeys work: the relying party a passkey belongs to, as WebAuthn names it, and the pages that may use
 * it. A passkey is bound to its relying party's id, a host name (never an IP address: browsers refuse one), and a
 * browser offers it only to pages of that host or of a name under it.
 *
 * @param rpId    the relying party's id: {@code localhost}, {@code keyhole.example.org}
 * @param origins the origins whose pages may use the passkeys ({@code http://localhost:8080}), in order; not empty
 */
public record PasskeySite(String rpId, Set<String> origins) {

    /** What authenticators show as the relying party's name ("Save a passkey for Keyhole?"). */
    public static final String NAME = "Keyhole";

    /** Checks that there is an id and an origin; copies the origins in their order. */
    public PasskeySite {
        Objects.requireNonNull(rpId, "rpId");
        if (origins.isEmpty()) {
            throw new IllegalArgumentException("a passkey site has an origin");
        }
        origins = java.util.Collections.unmodifiableSet(new LinkedHashSet<>(origins));
    }

    /**
     * The site of a server: its relying-party id is {@code configuredRpId}, or by default the host of the first
     * allowed origin that is a name (so {@code localhost} for the loopback default, whose first origin is
     * {@code http://127.0.0.1:PORT}); its origins are the allowed origins of that host or of a name under it.
     *
     * @param allowedOrigins  the origins the server lets use it, normalised, the one people open first
     * @param configuredRpId  the configured relying-party id ({@code auth.passkey-rp-id}); empty for the default
     * @return the site; empty when no allowed origin can use passkeys (every one is an IP address, or none is under
     *         the configured id)
     */
    public static Optional<PasskeySite> of(Collection<String> allowedOrigins, String configuredRpId) {
        String rpId = configuredRpId;
        if (rpId.isEmpty()) {
            rpId = allowedOrigins.stream().map(PasskeySite::host).filter(host -> !Origins.isIpAddress(host))
                    .findFirst().orElse("");
        }
        if (rpId.isEmpty()) {
            return Optional.empty();
        }
        Set<String> origins = new LinkedHashSet<>();
        for (String origin : allowedOrigins) {
            String host = host(origin);
            if (!Origins.isIpAddress(host) && Origins.isWithin(host, rpId)) {
                origins.add(origin);
            }
        }
        return origins.isEmpty() ? Optional.empty() : Optional.of(new PasskeySite(rpId, origins));
    }

    /**
     * @param origin a page's origin, as its browser sent it ({@code Origin}); may be null
     * @return whether that page may use the passkeys
     */
    public boolean allows(String origin) {
        if (origin == null) {
            return false;
        }
        try {
            return origins.contains(Origins.normalise(origin.strip()).toString());
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static String host(String origin) {
        return URI.create(origin).getHost();
    }
}
