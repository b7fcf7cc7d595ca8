package dev.keyhole.server.tunnel;

import java.util.concurrent.atomic.AtomicReference;

/**
 * The cause a guacd connection ended for, kept once. What fails after it — a read cut off by the close, a write to
 * the closed socket — is its consequence, and reports the first cause instead of its own. Thread-safe.
 */
final class FirstEnding {

    private final AtomicReference<GuacdEnding> first = new AtomicReference<>();
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
        if (first.compareAndSet(null, cause)) {
            close.run();
            return cause;
        }
        return first.get();
    }

    /** @return the cause the connection ended for; null while it has not ended */
    GuacdEnding get() {
        return first.get();
    }
}
