package dev.keyhole.server.tunnel;

import java.nio.ByteBuffer;
import org.apache.guacamole.protocol.GuacamoleStatus;

/**
 * The browser's end of a tunnel, as the WebSocket edge provides it. Implementations may be called from any thread.
 */
public interface BrowserChannel {

    /**
     * Sends one WebSocket text frame.
     *
     * @param utf8     complete Guacamole instructions, UTF-8; the buffer must not be touched until {@code callback}
     *                 has been called
     * @param callback told once when the frame has been written or has failed
     */
    void send(ByteBuffer utf8, SendCallback callback);

    /**
     * Closes the WebSocket with {@code status}'s WebSocket close code and a reason guacamole-common-js understands:
     * {@code status}'s code, a space, then {@code message}. Calling it again does nothing.
     *
     * @param status  why the tunnel ends
     * @param message a short human-readable explanation, shown to the user; never secret
     */
    void close(TunnelStatus status, String message);

    /**
     * Closes the WebSocket with one of Guacamole's statuses, as {@link #close(TunnelStatus, String)} does.
     *
     * @param status  why the tunnel ends ({@link GuacamoleStatus#SUCCESS} for a normal end)
     * @param message a short human-readable explanation, shown to the user; never secret
     */
    default void close(GuacamoleStatus status, String message) {
        close(TunnelStatus.of(status), message);
    }

    /** Told once when a frame given to {@link #send} has been written or has failed. */
    interface SendCallback {

        /** A callback for frames whose outcome does not matter (a failure closes the tunnel elsewhere). */
        SendCallback NONE = new SendCallback() {
            @Override
            public void sent() {
            }

            @Override
            public void failed(Throwable cause) {
            }
        };

        /** The frame has been written; its buffer may be reused. */
        void sent();

        /** The frame could not be written; the WebSocket is unusable. */
        void failed(Throwable cause);
    }
}
