package dev.keyhole.server.access;

import dev.keyhole.server.auth.TokenHash;
import java.util.Map;
import java.util.Set;

/**
 * What holds connections on behalf of sessions and share links' guests (the tunnels, the event streams), so that
 * a session's or a link's end closes them wherever they are.
 */
public interface SessionHolder {

    /**
     * @return the session of every signed-in caller holding a connection here now, each with when its person last
     *         typed or pointed through one ({@link System#nanoTime}; 0: never, or not a kind of activity)
     */
    Map<TokenHash, Long> heldSessions();

    /** @return the device of every share link's guest holding a connection here now (by its token's hash) */
    Set<TokenHash> heldLinkDevices();

    /**
     * Closes every connection of a session, or of a link's device, that ended, telling its page why where it can.
     *
     * @param session the ended session, or the device of a link that ended
     * @param why     e.g. "You were signed out"
     */
    void closeSession(TokenHash session, String why);
}
