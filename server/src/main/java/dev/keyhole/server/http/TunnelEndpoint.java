package dev.keyhole.server.http;

import dev.keyhole.server.access.Caller;
import dev.keyhole.server.tunnel.Tunnel;
import dev.keyhole.server.tunnel.TunnelRequest;
import dev.keyhole.server.tunnel.TunnelService;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.Extension;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpointConfig;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.guacamole.protocol.GuacamoleStatus;

/**
 * The tunnel's WebSocket endpoint ({@code /tunnel?target=NAME}, subprotocol {@code guacamole}): it captures the
 * request at the handshake and hands everything else to the {@link TunnelService}.
 */
public final class TunnelEndpoint extends Endpoint {

    /** The path browsers connect to. */
    static final String PATH = "/tunnel";

    /** A browser that has sent nothing for this long is gone (guacamole-common-js pings every 0.5 s). */
    private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(30);

    /** Largest message a browser may send; guacamole-common-js sends a few instructions at a time. */
    private static final int MAX_MESSAGE = 64 * 1024;

    /** A binary message is refused whatever it holds: Jetty need not collect more of it than this. */
    private static final int MAX_BINARY_MESSAGE = 1024;

    /** The one WebSocket subprotocol the tunnel speaks (guacamole-common-js asks for it). */
    private static final String SUBPROTOCOL = "guacamole";

    private final TunnelService tunnels;
    /** Set in {@link #onOpen}, read in {@link #onClose} and {@link #onError}, which Jetty may call on another thread. */
    private volatile Tunnel tunnel;

    private TunnelEndpoint(TunnelService tunnels) {
        this.tunnels = tunnels;
    }

    /** The endpoint's configuration: one endpoint instance per WebSocket, all sharing {@code tunnels}. */
    static ServerEndpointConfig config(TunnelService tunnels) {
        return ServerEndpointConfig.Builder.create(TunnelEndpoint.class, PATH)
                .subprotocols(List.of(SUBPROTOCOL))
                .configurator(new ServerEndpointConfig.Configurator() {
                    @Override
                    public <T> T getEndpointInstance(Class<T> type) {
                        return type.cast(new TunnelEndpoint(tunnels));
                    }

                    /**
                     * No per-message compression: the console's pictures are compressed already, and a client that
                     * sends small compressible messages and never reads could make the server hold far more than
                     * it received.
                     */
                    @Override
                    public List<Extension> getNegotiatedExtensions(List<Extension> installed,
                            List<Extension> requested) {
                        return List.of();
                    }
                })
                .build();
    }

    @Override
    public void onOpen(Session session, EndpointConfig config) {
        session.setMaxIdleTimeout(IDLE_TIMEOUT.toMillis());
        session.setMaxTextMessageBufferSize(MAX_MESSAGE);
        session.setMaxBinaryMessageBufferSize(MAX_BINARY_MESSAGE);
        WebSocketBrowserChannel browser = new WebSocketBrowserChannel(session);
        if (!SUBPROTOCOL.equals(session.getNegotiatedSubprotocol())) {
            browser.close(GuacamoleStatus.CLIENT_BAD_REQUEST,
                    "The tunnel speaks the WebSocket subprotocol \"" + SUBPROTOCOL + "\" only");
            return;
        }
        String target = first(session.getRequestParameterMap(), "target");
        Tunnel opened = tunnels.open(new TunnelRequest(target, caller(session)), browser);
        tunnel = opened;
        session.addMessageHandler(String.class, (MessageHandler.Whole<String>) opened::receive);
        session.addMessageHandler(ByteBuffer.class, (MessageHandler.Whole<ByteBuffer>) binary -> opened.close(
                GuacamoleStatus.CLIENT_BAD_REQUEST, "Binary messages are not Guacamole protocol: send text"));
    }

    @Override
    public void onClose(Session session, CloseReason reason) {
        if (tunnel != null) {
            tunnel.browserClosed();
        }
    }

    @Override
    public void onError(Session session, Throwable cause) {
        if (tunnel != null) {
            tunnel.browserClosed();
        }
    }

    /**
     * The caller, as the front door resolved it for the handshake (which it let in only with a session signed in):
     * the WebSocket session's user principal.
     */
    private static Caller caller(Session session) {
        return (Caller) session.getUserPrincipal();
    }

    private static String first(Map<String, List<String>> parameters, String name) {
        List<String> values = parameters.get(name);
        return values == null || values.isEmpty() ? "" : values.get(0);
    }
}
