package dev.keyhole.server.tunnel;

import java.util.function.BiConsumer;

/**
 * Keyhole's own look at a console, without a browser: it keeps the console's connection open as a viewer would,
 * and gives its {@link ConsolePicture}. Made by {@link TunnelService#watch}; {@link #close} lets the console go.
 */
public final class ConsoleWatch implements LiveConsole.Viewer {

    private final BiConsumer<TunnelStatus, String> onEnded;
    private volatile LiveConsole console;
    private volatile boolean closed;
    /** The console tells of its end more than once (as it ends, and when its connection is gone): told on once. */
    private final java.util.concurrent.atomic.AtomicBoolean ended = new java.util.concurrent.atomic.AtomicBoolean();

    ConsoleWatch(BiConsumer<TunnelStatus, String> ended) {
        this.onEnded = ended;
    }

    /** Joined: the console it watches. */
    void joined(LiveConsole joined) {
        console = joined;
        if (closed) {
            joined.leave(this);
        }
    }

    /** @return the console's picture; never null for a console {@link TunnelService#watch} opened */
    public ConsolePicture picture() {
        return console.picture();
    }

    /**
     * Ends the console's connection, if nobody else views it: for a console whose connection shows nothing at
     * all, which a new one may mend.
     *
     * @param why in words for the log
     * @return false when someone views the console (then it is left alone)
     */
    public boolean endUnviewedConsole(String why) {
        LiveConsole joined = console;
        if (joined == null || joined.viewers() > 1) {
            return false;
        }
        joined.end(TunnelStatus.of(org.apache.guacamole.protocol.GuacamoleStatus.UPSTREAM_TIMEOUT), why);
        return true;
    }

    /** Stops watching: the console's connection closes after its linger if nobody else views it. */
    public void close() {
        closed = true;
        LiveConsole joined = console;
        if (joined != null) {
            joined.leave(this);
        }
    }

    @Override
    public void consoleEnded(TunnelStatus status, String message) {
        if (!closed && ended.compareAndSet(false, true)) {
            onEnded.accept(status, message);
        }
    }
}
