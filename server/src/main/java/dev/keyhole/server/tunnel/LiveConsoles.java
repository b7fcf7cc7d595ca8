package dev.keyhole.server.tunnel;

import dev.keyhole.server.targets.Target;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.guacamole.protocol.GuacamoleStatus;

/**
 * The live consoles, one per target at most. The first viewer of a target opens its console; viewers that come
 * while it is being opened wait for that same one instead of opening another.
 *
 * <p>Nobody waits on a thread: a viewer's join is a future, done on whichever thread finishes opening the
 * console (or at once, when it is open already).
 */
final class LiveConsoles {

    /** How often a viewer tries again when the console it found ends before it could join. */
    private static final int JOIN_ATTEMPTS = 3;

    /** Opens a new live console for a target, in the background. */
    interface Opener {

        /**
         * @return the console once it is open; failed with a {@link TunnelException} if it cannot be
         */
        CompletableFuture<LiveConsole> open(Target target);
    }

    private final Map<String, CompletableFuture<LiveConsole>> consoles = new ConcurrentHashMap<>();
    private final Opener opener;

    LiveConsoles(Opener opener) {
        this.opener = opener;
    }

    /**
     * Joins the live console of {@code target}, opening it if there is none.
     *
     * @return the console, with this viewer counted in (call {@link LiveConsole#leave} when done); failed with a
     *         {@link TunnelException} if the console cannot be opened
     */
    CompletableFuture<LiveConsole> join(Target target, LiveConsole.Viewer viewer) {
        return join(target, viewer, 1);
    }

    private CompletableFuture<LiveConsole> join(Target target, LiveConsole.Viewer viewer, int attempt) {
        CompletableFuture<LiveConsole> mine = new CompletableFuture<>();
        CompletableFuture<LiveConsole> existing = consoles.putIfAbsent(target.name(), mine);
        CompletableFuture<LiveConsole> found = existing != null ? existing : open(target, mine);
        return found.thenCompose(console -> {
            if (console.join(viewer)) {
                return CompletableFuture.completedFuture(console);
            }
            // The console found ended just before it was joined: the next round opens a new one.
            consoles.remove(target.name(), found);
            if (attempt == JOIN_ATTEMPTS) {
                return CompletableFuture.failedFuture(new TunnelException(GuacamoleStatus.UPSTREAM_UNAVAILABLE,
                        "The console connection keeps ending as it opens"));
            }
            return join(target, viewer, attempt + 1);
        });
    }

    /** Opens the console {@code mine} stands for; a console that cannot be opened is forgotten at once. */
    private CompletableFuture<LiveConsole> open(Target target, CompletableFuture<LiveConsole> mine) {
        CompletableFuture<LiveConsole> opened;
        try {
            opened = opener.open(target);
        } catch (RuntimeException e) {
            opened = CompletableFuture.failedFuture(e);
        }
        opened.whenComplete((console, failure) -> {
            if (failure != null) {
                consoles.remove(target.name(), mine);
                mine.completeExceptionally(failure);
            } else {
                mine.complete(console);
            }
        });
        return mine;
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

    /** Closes every live console (server shutdown); one still being opened closes as soon as it is open. */
    void closeAll() {
        consoles.values().forEach(future -> future.thenAccept(LiveConsole::close));
    }
}
