package dev.keyhole.server;

import dev.keyhole.server.accounts.Accounts;
import dev.keyhole.server.auth.TokenHash;
import dev.keyhole.server.access.SessionHolder;
import dev.keyhole.server.links.ShareLinks;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends the tunnels and event streams of sessions and share links that ended, within {@link #EVERY} of the end,
 * whoever ended them and wherever: sign-out here, a timeout, a link revoked or expired, or a user disabled or
 * removed by {@code keyhole-server user} in another process or by another node (the database is the only place
 * that knows). It also keeps alive the sessions whose people typed or pointed into a console since the last look,
 * and marks the links' devices in a console as seen (every {@link #SEEN_EVERY}). One database read per session or
 * device holding a connection, twice a second, on the work executor; the timer only hands it over, and a look
 * still running skips the next.
 */
final class SessionSweep {

    private static final Logger log = LoggerFactory.getLogger(SessionSweep.class);

    /** How often it looks. */
    static final Duration EVERY = Duration.ofMillis(500);
    /** How often a link's device in a console is marked as seen. */
    static final Duration SEEN_EVERY = Duration.ofSeconds(30);

    private final Accounts accounts;
    private final ShareLinks links;
    private final List<SessionHolder> holders;
    private final Executor work;
    private final AtomicBoolean running = new AtomicBoolean();
    private long lastLook = System.nanoTime();
    /** When each device in a console was last marked as seen ({@link System#nanoTime}); only the look touches it. */
    private final Map<TokenHash, Long> marked = new HashMap<>();

    /** @param holders what holds connections for sessions and guests: the tunnels, the event streams */
    SessionSweep(Accounts accounts, ShareLinks links, List<SessionHolder> holders, Executor work) {
        this.accounts = accounts;
        this.links = links;
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

    private void close(TokenHash sessionOrDevice, String why) {
        holders.forEach(holder -> holder.closeSession(sessionOrDevice, why));
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
                ended.ifPresent(why -> close(session.getKey(), why));
            }
            Set<TokenHash> devices = new HashSet<>();
            holders.forEach(holder -> devices.addAll(holder.heldLinkDevices()));
            marked.keySet().retainAll(devices);
            for (TokenHash device : devices) {
                Optional<String> ended = links.whyEnded(device);
                if (ended.isPresent()) {
                    close(device, ended.get());
                    if (ended.get().equals(ShareLinks.EXPIRED)) {
                        links.expired(device);
                    }
                } else if (lastLook - marked.getOrDefault(device, lastLook - SEEN_EVERY.toNanos()) >= SEEN_EVERY.toNanos()) {
                    links.seen(device);
                    marked.put(device, lastLook);
                }
            }
        } catch (RuntimeException e) {
            log.warn("Checking the sessions that hold consoles failed: {}", e.toString());
        } finally {
            running.set(false);
        }
    }
}
