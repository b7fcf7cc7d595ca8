package dev.keyhole.server.tunnel;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The cause a guacd connection ended for, kept once. What fails after it — a read cut off by the close, a write to
 * the closed socket — is its consequence, and reports the first cause instead of its own. Thread-safe.
 */
final class FirstEnding {

    private final AtomicReference<GuacdEnding> first = new AtomicReference<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Runnable close;

    /** @param close closes the connection; run once, by whoever ends it first */
    FirstEnding(Runnable close) {
        this.close = close;
    }

    /**
     * Ends the connection for {@code cause}, unless it has ended already.
     *
     * @return the cause it ended for: {@code cause}, or the one it ended for before
     */
    GuacdEnding end(GuacdEnding cause) {
        boolean isFirst = first.compareAndSet(null, cause);
        close();
        return isFirst ? cause : first.get();
    }

    /**
     * Ends the connection for {@code cause}, unless it has ended already, but leaves it open until {@link #close}:
     * for a last word to guacd ({@code disconnect}), whose answer (guacd closing its side) is then a consequence.
     *
     * @return whether {@code cause} is the cause
     */
    boolean endBeforeClosing(GuacdEnding cause) {
        return first.compareAndSet(null, cause);
    }

    /** Closes the connection, once; its cause is whatever ended it first. */
    void close() {
        if (closed.compareAndSet(false, true)) {
            close.run();
        }
    }

    /** @return the cause the connection ended for; null while it has not ended */
    GuacdEnding get() {
        return first.get();
    }
}
