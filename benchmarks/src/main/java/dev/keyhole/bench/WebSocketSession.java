package dev.keyhole.bench;

import java.net.URI;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.core.CloseStatus;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.eclipse.jetty.websocket.core.Frame;
import org.eclipse.jetty.websocket.core.FrameHandler;
import org.eclipse.jetty.websocket.core.OpCode;
import org.eclipse.jetty.websocket.core.client.CoreClientUpgradeRequest;
import org.eclipse.jetty.websocket.core.client.WebSocketCoreClient;

/**
 * A session through a WebSocket gateway (subprotocol {@code guacamole}), on Jetty's core WebSocket client: frames
 * arrive as bytes and are counted as they are, never decoded; so are the stream's messages. It offers no
 * extension (no per-message compression). The gateway's own first instruction (the tunnel id,
 * {@code 0.,…;}) is not part of the stream.
 */
final class WebSocketSession extends Session implements FrameHandler {

    private static final long MAX_FRAME = 64L * 1024 * 1024;

    private final CompletableFuture<Void> opened = new CompletableFuture<>();
    private volatile CoreSession core;
    private boolean inInternalMessage;

    private WebSocketSession() {
    }

    /** Opens the WebSocket; the returned session is connected when the future completes. */
    static CompletableFuture<WebSocketSession> open(WebSocketCoreClient client, URI uri) {
        return open(client, uri, null);
    }

    /** Opens a session whose handshake carries {@code cookie} (a {@code Cookie} header's value; null: none). */
    static CompletableFuture<WebSocketSession> open(WebSocketCoreClient client, URI uri, String cookie) {
        WebSocketSession session = new WebSocketSession();
        try {
            CoreClientUpgradeRequest request = CoreClientUpgradeRequest.from(client, uri, session);
            request.setSubProtocols("guacamole");
            if (cookie != null) {
                request.headers(headers -> headers.put("Cookie", cookie));
            }
            client.connect(request).whenComplete((core, failure) -> {
                if (failure != null) {
                    session.opened.completeExceptionally(failure);
                    session.failed(failure);
                }
            });
        } catch (Exception e) {
            session.opened.completeExceptionally(e);
        }
        return session.opened.thenApply(ignored -> session);
    }

    @Override
    public void onOpen(CoreSession coreSession, Callback callback) {
        coreSession.setMaxFrameSize(MAX_FRAME);
        coreSession.setMaxTextMessageSize(MAX_FRAME);
        this.core = coreSession;
        callback.succeeded();
        opened.complete(null);
        coreSession.demand();
    }

    @Override
    public void onFrame(Frame frame, Callback callback) {
        byte opCode = frame.getOpCode();
        if (opCode == OpCode.TEXT || opCode == OpCode.BINARY) {
            ByteBuffer payload = frame.getPayload();
            inInternalMessage = startsWithInternalOpcode(payload);
            if (!inInternalMessage) {
                messageBegins();
                received(payload);
            }
        } else if (opCode == OpCode.CONTINUATION && !inInternalMessage) {
            received(frame.getPayload());
        }
        callback.succeeded();
        core.demand();
    }

    private static boolean startsWithInternalOpcode(ByteBuffer payload) {
        int p = payload.position();
        return payload.remaining() >= 3 && payload.get(p) == '0' && payload.get(p + 1) == '.'
                && payload.get(p + 2) == ',';
    }

    @Override
    public void onError(Throwable cause, Callback callback) {
        failed(cause);
        callback.succeeded();
    }

    @Override
    public void onClosed(CloseStatus closeStatus, Callback callback) {
        failed(new java.io.IOException("the WebSocket closed: " + closeStatus));
        callback.succeeded();
    }

    @Override
    protected void send(byte[] instruction) {
        core.sendFrame(new Frame(OpCode.TEXT, ByteBuffer.wrap(instruction)), Callback.NOOP, false);
    }

    @Override
    public void close() {
        CoreSession session = core;
        if (session != null) {
            session.close(CloseStatus.NORMAL, "done", Callback.NOOP);
        }
    }
}
