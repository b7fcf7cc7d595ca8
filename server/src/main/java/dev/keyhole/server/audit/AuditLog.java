package dev.keyhole.server.audit;

import dev.keyhole.server.storage.StorageException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit trail as the services use it: {@link #record} takes an event and returns at once (a tunnel's or an
 * event stream's thread never waits for the database); one thread of its own appends what was recorded to the
 * chain, many events per transaction. A database that fails is tried again, the events kept meanwhile (up to
 * {@link #CAPACITY}; beyond that new ones are dropped and counted, loudly). {@link #close} writes everything
 * recorded before it returns, so a clean shutdown loses nothing. What it wrote, it tells its subscribers (the
 * admins' event streams), on its own thread.
 */
public final class AuditLog implements AuditTrail, AuditFeed, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AuditLog.class);

    /** Most events waiting to be written. */
    public static final int CAPACITY = 100_000;
    /** Most events written in one transaction. */
    private static final int BATCH = 500;
    /** How long the writer waits before trying a failed write again, at most. */
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private final JdbcAuditStore store;
    private final Clock clock;
    private final BlockingQueue<JdbcAuditStore.Occurred> waiting = new LinkedBlockingQueue<>(CAPACITY);
    private final Thread writer;
    private final Object progress = new Object();
    /** Recorded and written, under {@code progress}; dropped, too many waiting. */
    private long recorded;
    private long written;
    private long dropped;
    private volatile boolean closing;
    private final List<Consumer<AuditRecord>> listeners = new CopyOnWriteArrayList<>();

    /**
     * Starts the writer.
     *
     * @param store where the chain is
     * @param clock when events happen
     */
    public AuditLog(JdbcAuditStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
        this.writer = new Thread(this::write, "keyhole-audit");
        writer.start();
    }

    /** @return the chain this writes to */
    public JdbcAuditStore store() {
        return store;
    }

    @Override
    public Runnable subscribe(Consumer<AuditRecord> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    @Override
    public void record(AuditEvent event) {
        boolean taken = !closing && waiting.offer(new JdbcAuditStore.Occurred(event, clock.instant()));
        synchronized (progress) {
            if (taken) {
                recorded++;
            } else {
                dropped++;
            }
        }
        if (!taken) {
            log.error("The audit trail dropped a {} event ({}): {}", event.kind().id(), event.actor(),
                    closing ? "Keyhole is stopping" : CAPACITY + " events wait for the database already");
        }
    }

    /**
     * Waits until everything recorded so far is in the database (for the tests and the commands).
     *
     * @return whether it is, within {@code timeout}
     */
    public boolean awaitWritten(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (progress) {
            long target = recorded;
            while (written < target) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(progress, left);
            }
            return true;
        }
    }

    /**
     * Deletes the events older than {@code keep} and records that it did (see {@link JdbcAuditStore#retain}).
     *
     * @return the retention event; empty when nothing was that old
     */
    public Optional<AuditRecord> retain(Duration keep) {
        Instant cutoff = clock.instant().minus(keep);
        Optional<AuditRecord> done = store.retain(cutoff, AuditEvent.of(AuditKind.RETENTION, AuditEvent.KEYHOLE, "")
                .with("keepDays", keep.toDays()));
        done.ifPresent(event -> log.info("Audit retention deleted the events before {} (through #{})", cutoff,
                event.seq() - 1));
        return done;
    }

    private void write() {
        List<JdbcAuditStore.Occurred> batch = new ArrayList<>();
        Duration backoff = Duration.ofMillis(250);
        while (true) {
            if (batch.isEmpty()) {
                try {
                    JdbcAuditStore.Occurred first = waiting.poll(200, TimeUnit.MILLISECONDS);
                    if (first == null) {
                        if (closing && waiting.isEmpty()) {
                            return;
                        }
                        continue;
                    }
                    batch.add(first);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                waiting.drainTo(batch, BATCH - 1);
            }
            try {
                List<AuditRecord> kept = store.append(batch);
                tell(kept);
                synchronized (progress) {
                    written += batch.size();
                    progress.notifyAll();
                }
                batch.clear();
                backoff = Duration.ofMillis(250);
            } catch (StorageException | IllegalStateException e) {
                if (closing && backoff.compareTo(MAX_BACKOFF) >= 0) {
                    log.error("The audit trail could not write {} event(s) before stopping: {}", batch.size()
                            + waiting.size(), e.getMessage());
                    return;
                }
                log.warn("The audit trail could not write {} event(s), trying again in {} ms: {}", batch.size(),
                        backoff.toMillis(), e.getMessage());
                try {
                    Thread.sleep(backoff.toMillis());
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
                backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            }
        }
    }

    private void tell(List<AuditRecord> kept) {
        for (Consumer<AuditRecord> listener : listeners) {
            for (AuditRecord record : kept) {
                try {
                    listener.accept(record);
                } catch (RuntimeException e) {
                    log.warn("A reader of the audit trail failed: {}", e.toString());
                }
            }
        }
    }

    /** Takes no more events, writes those recorded, and stops the writer. */
    @Override
    public void close() {
        closing = true;
        try {
            writer.join(Duration.ofMinutes(2).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        long lost;
        synchronized (progress) {
            lost = dropped;
        }
        if (lost > 0) {
            log.error("The audit trail dropped {} event(s) while this server ran", lost);
        }
    }
}
