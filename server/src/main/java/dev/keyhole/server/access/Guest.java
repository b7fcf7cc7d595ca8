package dev.keyhole.server.access;

import dev.keyhole.server.auth.TokenHash;
import java.time.Instant;
import java.util.Objects;

/**
 * Someone in a console through a share link, as the front door found them: which link, on which device. A guest
 * sees one console, the link's, and may type into it only through a link to type. It holds no secret: the link
 * and the device are named by their tokens' hashes.
 *
 * @param linkId          the link's id
 * @param linkFingerprint the short name logs and the audit give the link
 * @param target          the one console the link opens
 * @param mayType         whether it is a link to type (else to watch)
 * @param maySwitchStage  whether the link lets its guests switch the console's keyboard stage
 * @param maker           the name of the user who made the link
 * @param device          the hash of this browser's device token (its cookie)
 * @param userId          the account the link was opened with, when links need one; null: none
 * @param since           when this device opened the link
 * @param expiresAt       when the link stops working
 */
public record Guest(String linkId, String linkFingerprint, String target, boolean mayType, boolean maySwitchStage,
        String maker, TokenHash device, String userId, Instant since, Instant expiresAt) {

    /** Checks that nothing is missing. */
    public Guest {
        Objects.requireNonNull(linkId, "linkId");
        Objects.requireNonNull(linkFingerprint, "linkFingerprint");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(maker, "maker");
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(since, "since");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }

    /** @return {@code watch} or {@code type} */
    public String mode() {
        return mayType ? "type" : "watch";
    }

    @Override
    public String toString() {
        return "guest via " + maker + "'s link " + linkFingerprint + " (" + mode() + ", " + target + ")";
    }
}
