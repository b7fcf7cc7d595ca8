package dev.keyhole.server.access;

import dev.keyhole.server.auth.TokenHash;
import java.util.Map;

/**
 * What holds connections on behalf of sessions (the tunnels, the event streams), so that a session's end closes
 * them wherever they are.
 */
public interface SessionHolder {

    /**
     * @return the session of every signed-in caller holding a connection here now, each with when its person last
     *         typed or pointed through one ({@link System#nanoTime}; 0: never, or not a kind of activity)
     */
    Map<TokenHash, Long> heldSessions();

    /**
     * Closes every connection of a session that ended, telling its page why where it can.
     *
     * @param session the ended session
     * @param why     e.g. "You were signed out"
     */
    void closeSession(TokenHash session, String why);
}
