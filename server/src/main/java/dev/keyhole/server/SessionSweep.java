package dev.keyhole.server;

import dev.keyhole.server.accounts.Accounts;
import dev.keyhole.server.auth.TokenHash;
import dev.keyhole.server.access.SessionHolder;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends the tunnels and event streams of sessions that ended, within {@link #EVERY} of the end, whoever ended them and wherever:
 * sign-out here, a timeout, or a user disabled or removed by {@code keyhole-server user} in another process or by
 * another node (the database is the only place that knows). It also keeps alive the sessions whose people typed or
 * pointed into a console since the last look. One database read per session holding a connection, twice a second,
 * on the work executor; the timer only hands it over, and a look still running skips the next.
 */
final class SessionSweep {

    private static final Logger log = LoggerFactory.getLogger(SessionSweep.class);

    /** How often it looks. */
    static final Duration EVERY = Duration.ofMillis(500);

    private final Accounts accounts;
    private final List<SessionHolder> holders;
    private final Executor work;
    private final AtomicBoolean running = new AtomicBoolean();
    private long lastLook = System.nanoTime();

    /** @param holders what holds connections for sessions: the tunnels, the event streams */
    SessionSweep(Accounts accounts, List<SessionHolder> holders, Executor work) {
        this.accounts = accounts;
        this.holders = List.copyOf(holders);
        this.work = work;
    }

    /** Hands a look to the work executor, unless one is still running. */
    void run() {
        if (!running.compareAndSet(false, true)) {
            return;
        }
        try {
            work.execute(this::look);
        } catch (RejectedExecutionException e) {
            running.set(false);
        }
    }

    private void look() {
        try {
            long since = lastLook;
            lastLook = System.nanoTime();
            Map<TokenHash, Long> held = new HashMap<>();
            for (SessionHolder holder : holders) {
                holder.heldSessions().forEach((session, input) -> held.merge(session, input, Math::max));
            }
            for (Map.Entry<TokenHash, Long> session : held.entrySet()) {
                boolean active = session.getValue() != 0 && session.getValue() - since > 0;
                Optional<String> ended = accounts.whyEnded(session.getKey(), active);
                ended.ifPresent(why -> holders.forEach(holder -> holder.closeSession(session.getKey(), why)));
            }
        } catch (RuntimeException e) {
            log.warn("Checking the sessions that hold consoles failed: {}", e.toString());
        } finally {
            running.set(false);
        }
    }
}
