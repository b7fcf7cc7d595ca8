package dev.keyhole.server.http;

import dev.keyhole.server.tunnel.BrowserChannel;
import dev.keyhole.server.tunnel.TunnelStatus;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.ee10.websocket.jakarta.common.JakartaWebSocketSession;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.eclipse.jetty.websocket.core.Frame;
import org.eclipse.jetty.websocket.core.OpCode;

/**
 * A tunnel's browser end on a Jakarta WebSocket session.
 *
 * <p>Frames go out through Jetty's core session, which takes the bytes guacd sent as the payload of a text frame
 * as they are: the Jakarta API would only take a {@code String}, and decoding the stream to re-encode it costs
 * more than relaying it.
 */
final class WebSocketBrowserChannel implements BrowserChannel {

    /**
     * Most frames Jetty may hold for one browser: the relay sends one frame at a time and a ping's answer waits
     * for the one before, so more means a bug; Jetty then fails the frame instead of queueing without bound.
     */
    private static final int MAX_OUTGOING_FRAMES = 8;

    /** The longest close reason a WebSocket close frame carries, in bytes. */
    private static final int MAX_REASON_BYTES = 123;

    private final Session session;
    private final CoreSession core;
    private final AtomicBoolean closed = new AtomicBoolean();

    WebSocketBrowserChannel(Session session) {
        this.session = session;
        this.core = ((JakartaWebSocketSession) session).getCoreSession();
        core.setMaxOutgoingFrames(MAX_OUTGOING_FRAMES);
    }

    @Override
    public void send(ByteBuffer utf8, SendCallback callback) {
        core.sendFrame(new Frame(OpCode.TEXT, utf8), Callback.from(callback::sent, callback::failed), false);
    }

    @Override
    public void close(TunnelStatus status, String message) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            session.close(new CloseReason(CloseReason.CloseCodes.getCloseCode(status.webSocketCode()),
                    reason(status, message)));
        } catch (IOException e) {
            // The WebSocket is already gone; nothing is left to tell.
        }
    }

    /** "CODE message", cut to what a close frame can carry: guacamole-common-js reads the code from its start. */
    static String reason(TunnelStatus status, String message) {
        String reason = status.code() + " " + message;
        byte[] bytes = reason.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= MAX_REASON_BYTES) {
            return reason;
        }
        int end = reason.length();
        while (reason.substring(0, end).getBytes(StandardCharsets.UTF_8).length > MAX_REASON_BYTES - 3) {
            end--;
        }
        return reason.substring(0, end) + "…";
    }
}
