package dev.keyhole.bench;

import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.Extension;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpointConfig;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.Iterator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.websocket.jakarta.common.JakartaWebSocketSession;
import org.eclipse.jetty.ee10.websocket.jakarta.server.config.JakartaWebSocketServletContainerInitializer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.eclipse.jetty.websocket.core.Frame;
import org.eclipse.jetty.websocket.core.OpCode;

/**
 * The WebSocket ceiling: a Jetty 12 WebSocket server (the same stack as Keyhole's) that produces the stand-in's
 * stream itself, from memory, with no relay behind it: what the client can take over WebSocket on this machine.
 * {@code ws://…/stream?recording=NAME&bytes=N}: the recording in messages of up to 64 KB cut at instruction ends
 * ({@link Recording#frames}), then the stand-in's end marker, and the stand-in's key echo.
 */
final class WebSocketCeiling implements AutoCloseable {

    private static final Pattern KEY_PRESS = Pattern.compile("3\\.key,(\\d+)\\.(\\d+),1\\.1;");

    private final Server jetty;

    private WebSocketCeiling(Server jetty) {
        this.jetty = jetty;
    }

    static WebSocketCeiling start(List<Recording> recordings) throws Exception {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/");
        JakartaWebSocketServletContainerInitializer.configure(context, (servletContext, container) ->
                container.addEndpoint(ServerEndpointConfig.Builder.create(StreamEndpoint.class, "/stream")
                        .subprotocols(List.of("guacamole"))
                        .configurator(new ServerEndpointConfig.Configurator() {
                            @Override
                            public <T> T getEndpointInstance(Class<T> type) {
                                return type.cast(new StreamEndpoint(recordings));
                            }

                            /** No per-message compression, as Keyhole's tunnel negotiates none. */
                            @Override
                            public List<Extension> getNegotiatedExtensions(List<Extension> installed,
                                    List<Extension> requested) {
                                return List.of();
                            }
                        }).build()));
        server.setHandler(context);
        server.start();
        return new WebSocketCeiling(server);
    }

    /** @return the URI of a session that streams {@code stream} */
    URI uri(StandIn.Stream stream) {
        return URI.create("ws://127.0.0.1:" + ((ServerConnector) jetty.getConnectors()[0]).getLocalPort()
                + "/stream?recording=" + stream.recording() + "&bytes=" + stream.bytes());
    }

    @Override
    public void close() throws Exception {
        jetty.stop();
    }

    /** One session: the stream, sent frame after frame as each completes, then the key echo. */
    public static final class StreamEndpoint extends Endpoint {

        private final List<Recording> recordings;
        private Recording recording;
        private CoreSession core;
        private long left;
        private Iterator<ByteBuffer> frames;

        StreamEndpoint(List<Recording> recordings) {
            this.recordings = recordings;
        }

        @Override
        public void onOpen(Session session, EndpointConfig config) {
            session.setMaxIdleTimeout(0);
            core = ((JakartaWebSocketSession) session).getCoreSession();
            String name = session.getRequestParameterMap().get("recording").get(0);
            recording = recordings.stream().filter(r -> r.name().equals(name)).findFirst().orElseThrow();
            left = Long.parseLong(session.getRequestParameterMap().get("bytes").get(0));
            session.addMessageHandler(String.class, (MessageHandler.Whole<String>) this::receive);
            sendText(Instructions.encode("", UUID.randomUUID().toString()), Callback.NOOP);
            sendNext();
        }

        /** Sends frames while their writes complete at once; a write that is still pending continues later. */
        private void sendNext() {
            while (true) {
                if (left <= 0) {
                    sendText(StandIn.END_OF_STREAM, Callback.NOOP);
                    return;
                }
                if (frames == null || !frames.hasNext()) {
                    frames = recording.frames().iterator();
                }
                ByteBuffer frame = frames.next().duplicate();
                left -= frame.remaining();
                // Whoever comes second (this loop or the write's completion) carries on: no recursion.
                AtomicBoolean first = new AtomicBoolean();
                core.sendFrame(new Frame(OpCode.TEXT, frame), Callback.from(() -> {
                    if (!first.compareAndSet(false, true)) {
                        sendNext();
                    }
                }, failure -> Log.say("ws-ceiling: a frame failed: %s", failure)), false);
                if (first.compareAndSet(false, true)) {
                    return;
                }
            }
        }

        private void receive(String message) {
            Matcher key = KEY_PRESS.matcher(message);
            while (key.find()) {
                sendText(Instructions.encode("sync", key.group(2)), Callback.NOOP);
            }
        }

        private void sendText(byte[] bytes, Callback callback) {
            core.sendFrame(new Frame(OpCode.TEXT, ByteBuffer.wrap(bytes)), callback, false);
        }
    }
}
