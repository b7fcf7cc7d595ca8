package dev.keyhole.bench;

import java.net.URI;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntFunction;
import org.eclipse.jetty.websocket.core.client.WebSocketCoreClient;

/** A path the clients reach over WebSocket: session {@code i}'s URL, the cookie every handshake carries. */
final class WebSocketGateway implements Gateway {

    private final WebSocketCoreClient client;
    private final IntFunction<URI> uri;
    private final String cookie;
    private final Runnable stop;
    private final long jvmPid;
    private final long startToReadyNanos;

    /**
     * @param cookie            the {@code Cookie} header of every handshake (null: none)
     * @param stop              stops the path's process
     * @param jvmPid            the process id of the path's JVM (-1: it runs in none of its own)
     * @param startToReadyNanos from starting its process to its saying it is ready (-1: it has no process)
     */
    WebSocketGateway(WebSocketCoreClient client, IntFunction<URI> uri, String cookie, Runnable stop, long jvmPid,
            long startToReadyNanos) {
        this.client = client;
        this.uri = uri;
        this.cookie = cookie;
        this.stop = stop;
        this.jvmPid = jvmPid;
        this.startToReadyNanos = startToReadyNanos;
    }

    @Override
    public CompletableFuture<? extends Session> open(int i) {
        return WebSocketSession.open(client, uri.apply(i), cookie);
    }

    @Override
    public Optional<URI> webSocket(int i) {
        return Optional.of(uri.apply(i));
    }

    @Override
    public String cookie() {
        return cookie;
    }

    @Override
    public OptionalLong jvmPid() {
        return jvmPid < 0 ? OptionalLong.empty() : OptionalLong.of(jvmPid);
    }

    @Override
    public long startToReadyNanos() {
        return startToReadyNanos;
    }

    @Override
    public void close() {
        stop.run();
    }
}
