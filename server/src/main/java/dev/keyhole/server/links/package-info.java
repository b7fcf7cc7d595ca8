/**
 * Share links: an invitation into one live console, to watch or to type, for a limited time and a limited number of
 * devices, revocable at once. A link is kept by its token's hash ({@link dev.keyhole.server.links.ShareLink}); a
 * browser that opens it exchanges the token once for a device cookie of its own, also kept by its hash
 * ({@link dev.keyhole.server.links.LinkDevice}). {@link dev.keyhole.server.links.ShareLinks} is the service; the
 * {@code share_links} and {@code link_devices} tables (the first migration's) hold them, so links outlive the
 * sharer's tab and a restart, and every node sharing the database knows them.
 */
package dev.keyhole.server.links;
