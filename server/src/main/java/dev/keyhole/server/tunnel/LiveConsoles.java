package dev.keyhole.server.tunnel;

import dev.keyhole.server.targets.Target;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import org.apache.guacamole.protocol.GuacamoleStatus;

/**
 * The live consoles, one per target at most. The first viewer of a target opens its console; viewers that come
 * while it is being opened wait for that same one instead of opening another.
 */
final class LiveConsoles {

    /** Opens a new live console for a target (blocking). */
    interface Opener {
        LiveConsole open(Target target) throws TunnelException;
    }

    private final Map<String, CompletableFuture<LiveConsole>> consoles = new ConcurrentHashMap<>();
    private final Opener opener;

    LiveConsoles(Opener opener) {
        this.opener = opener;
    }

    /**
     * Joins the live console of {@code target}, opening it if there is none. Blocks while it is being opened.
     *
     * @return the console, with this viewer counted in; call {@link LiveConsole#leave} when done
     * @throws TunnelException if the console cannot be opened
     */
    LiveConsole join(Target target, LiveConsole.Viewer viewer) throws TunnelException {
        // A console found may end just before it is joined; then the next round opens a new one.
        for (int attempt = 0; attempt < 3; attempt++) {
            CompletableFuture<LiveConsole> mine = new CompletableFuture<>();
            CompletableFuture<LiveConsole> existing = consoles.putIfAbsent(target.name(), mine);
            LiveConsole console;
            if (existing == null) {
                try {
                    console = opener.open(target);
                } catch (TunnelException | RuntimeException e) {
                    consoles.remove(target.name(), mine);
                    mine.completeExceptionally(e);
                    throw e;
                }
                mine.complete(console);
            } else {
                console = await(existing);
            }
            if (console.join(viewer)) {
                return console;
            }
            consoles.remove(target.name(), existing == null ? mine : existing);
        }
        throw new TunnelException(GuacamoleStatus.UPSTREAM_UNAVAILABLE,
                "The console connection keeps ending as it opens");
    }

    /** Forgets a console that is ending or has ended, so that the next viewer opens a new one. */
    void ended(LiveConsole console) {
        consoles.computeIfPresent(console.target().name(),
                (name, future) -> future.getNow(null) == console ? null : future);
    }

    /**
     * Ends the live console of a target now, if there is one (also one still being opened: it ends as soon as it
     * is open), closing every viewer's tunnel with {@code status} and {@code message}. The next viewer opens a new
     * connection.
     *
     * @param targetName the target's name
     * @param status     the status each viewer's browser receives
     * @param message    why, in words for the people at the browsers
     */
    void end(String targetName, TunnelStatus status, String message) {
        CompletableFuture<LiveConsole> future = consoles.get(targetName);
        if (future != null) {
            future.thenAccept(console -> console.end(status, message));
        }
    }

    /** Closes every live console (server shutdown). */
    void closeAll() {
        consoles.values().forEach(future -> {
            LiveConsole console = future.getNow(null);
            if (console != null) {
                console.close();
            }
        });
    }

    private static LiveConsole await(CompletableFuture<LiveConsole> future) throws TunnelException {
        try {
            return future.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TunnelException tunnelException) {
                throw tunnelException;
            }
            throw new TunnelException(GuacamoleStatus.SERVER_ERROR,
                    "Opening the console failed: " + e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TunnelException(GuacamoleStatus.SERVER_ERROR,
                    "Keyhole is shutting down");
        }
    }
}
