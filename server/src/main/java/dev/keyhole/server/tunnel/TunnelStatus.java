package dev.keyhole.server.tunnel;

import org.apache.guacamole.protocol.GuacamoleStatus;

/**
 * How a tunnel ends, as its browser reads it: the status code that leads the WebSocket close reason
 * ({@code "CODE message"}: guacamole-common-js takes the code from there) and the WebSocket close code.
 *
 * <p>Most endings are one of Guacamole's statuses ({@link #of}): something failed or was refused. Keyhole's own codes
 * say that something normal ended the tunnel and the page should reconnect. They lie in 0x0001–0x00FF, which
 * Guacamole's statuses leave free and guacamole-common-js counts as no error ({@code Guacamole.Status#isError} is
 * true only below 0 and above 0x00FF); the page tells them apart by their number, never by the words.
 *
 * @param name          the constant's name, for the log
 * @param code          the status code that leads the close reason
 * @param webSocketCode the WebSocket close code
 */
public record TunnelStatus(String name, int code, int webSocketCode) {

    /**
     * The target's keyboard stage was switched: its console reconnects with the new layout, and so does every page
     * (Keyhole's code 0x0080; WebSocket 1012, Service Restart).
     */
    public static final TunnelStatus KEYBOARD_SWITCHED = new TunnelStatus("KEYBOARD_SWITCHED", 0x0080, 1012);

    /** WebSocket 1001: the server goes away (it is stopping); a page comes back when it returns. */
    private static final int GOING_AWAY = 1001;

    /** @return Guacamole's status, with its own codes */
    public static TunnelStatus of(GuacamoleStatus status) {
        return new TunnelStatus(status.name(), status.getGuacamoleStatusCode(), status.getWebSocketCode());
    }

    /** @return this status with WebSocket code 1001: the tunnel ends because the server is stopping */
    public TunnelStatus goingAway() {
        return new TunnelStatus(name, code, GOING_AWAY);
    }

    /** @return the name, e.g. {@code UPSTREAM_ERROR} */
    @Override
    public String toString() {
        return name;
    }
}
