package dev.keyhole.server.tunnel;

/**
 * What a browser asked for when it opened a tunnel, captured by the edge at the WebSocket handshake.
 *
 * @param target the name of the target, exactly as sent (may be empty or unknown: the service checks it)
 * @param remote the browser's address, for logs
 */
public record TunnelRequest(String target, String remote) {
}
