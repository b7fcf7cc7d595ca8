package dev.keyhole.server.tunnel;

import dev.keyhole.server.access.Caller;

/**
 * What a browser asked for when it opened a tunnel, captured by the edge at the WebSocket handshake.
 *
 * @param target the name of the target, exactly as sent (may be empty, unknown or hostile: the service checks it,
 *               and logs only {@link #shownTarget()})
 * @param caller who opened the tunnel
 */
public record TunnelRequest(String target, Caller caller) {

    /** @return the target name made safe for a log line or a message (printable ASCII, at most 64 characters) */
    public String shownTarget() {
        return Printable.of(target, 64);
    }
}
