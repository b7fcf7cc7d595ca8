package dev.keyhole.server.tunnel;

import org.apache.guacamole.protocol.GuacamoleStatus;

/** Why one tunnel must end: a Guacamole status for the browser and a message a person can act on. */
public final class TunnelException extends Exception {

    private final GuacamoleStatus status;

    /**
     * @param status  the Guacamole status the browser receives
     * @param message what went wrong, in words for the person at the browser; never secret
     */
    public TunnelException(GuacamoleStatus status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    /** @return the Guacamole status the browser receives */
    public GuacamoleStatus status() {
        return status;
    }
}
