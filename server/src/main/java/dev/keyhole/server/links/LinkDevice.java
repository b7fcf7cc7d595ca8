package dev.keyhole.server.links;

import dev.keyhole.server.auth.TokenHash;
import java.time.Instant;
import java.util.Objects;

/**
 * A browser that opened a share link, as stored: known by the hash of its own cookie's token.
 *
 * @param tokenHash  the hash of the device cookie's token
 * @param linkId     the link it opened
 * @param createdAt  when it opened it
 * @param lastSeenAt when it was last seen
 * @param address    where from; may be empty
 * @param userAgent  its {@code User-Agent}; may be empty
 * @param userId     the account it was opened with (when links need one); null: none
 */
public record LinkDevice(TokenHash tokenHash, String linkId, Instant createdAt, Instant lastSeenAt, String address,
        String userAgent, String userId) {

    /** Checks that nothing is missing; empty for a null address or user agent. */
    public LinkDevice {
        Objects.requireNonNull(tokenHash, "tokenHash");
        Objects.requireNonNull(linkId, "linkId");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(lastSeenAt, "lastSeenAt");
        address = address == null ? "" : address;
        userAgent = userAgent == null ? "" : userAgent;
    }
}
