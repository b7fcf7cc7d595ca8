package dev.keyhole.server.links;

import dev.keyhole.server.auth.TokenHash;
import java.util.List;
import java.util.Optional;

/** The share links and the devices that opened them, where every Keyhole node sharing a database sees the same. */
public interface ShareLinkStore {

    /**
     * Keeps a new link; the store gives its id and the time.
     *
     * @param terms what it allows, and how long it works from now
     * @return the link as stored; empty when its maker does not exist (any more)
     */
    Optional<ShareLink> create(TokenHash tokenHash, String target, ShareLink.Terms terms, String createdBy);

    /** @return the link of a token's hash, live or not */
    Optional<ShareLink> byTokenHash(TokenHash tokenHash);

    /** @return the link with this id, live or not */
    Optional<ShareLink> byId(String id);

    /** @return the links of a console, newest first, live or not */
    List<ShareLink> ofTarget(String target);

    /** @return every link, newest first, live or not */
    List<ShareLink> list();

    /**
     * Revokes a link, once.
     *
     * @param by the id of the user who revokes it
     * @return whether it was live until now
     */
    boolean revoke(String id, String by);

    /**
     * Counts a browser in as one of the link's devices, unless it has as many as it allows: one statement at a
     * time per link, so two browsers opening a single-device link at once cannot both get in.
     *
     * @param userId the account it is opened with; null: none
     * @return the device; empty when the link is full, revoked or expired
     */
    Optional<LinkDevice> addDevice(String linkId, TokenHash deviceTokenHash, String address, String userAgent,
            String userId);

    /** @return the device of a device cookie's token hash */
    Optional<LinkDevice> device(TokenHash deviceTokenHash);

    /** @return the devices that opened a link, oldest first */
    List<LinkDevice> devices(String linkId);

    /** Marks a device as seen now. */
    void touchDevice(TokenHash deviceTokenHash);
}
