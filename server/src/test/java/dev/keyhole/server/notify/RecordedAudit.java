package dev.keyhole.server.notify;

import dev.keyhole.server.audit.AuditEvent;
import dev.keyhole.server.audit.AuditKind;
import dev.keyhole.server.audit.AuditTrail;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** An audit trail for tests that keeps what it is given and lets a test wait for it. */
final class RecordedAudit implements AuditTrail {

    private final List<AuditEvent> events = new ArrayList<>();

    @Override
    public synchronized void record(AuditEvent event) {
        events.add(event);
        notifyAll();
    }

    /** @return what was recorded so far, in order */
    synchronized List<AuditEvent> events() {
        return List.copyOf(events);
    }

    /** @return the events of {@code kind} recorded so far */
    synchronized List<AuditEvent> of(AuditKind kind) {
        return events.stream().filter(e -> e.kind() == kind).toList();
    }

    /**
     * Waits until {@code count} events match.
     *
     * @param what    what the events are, for the message
     * @param matches which events count
     * @return the matching events, in order
     * @throws AssertionError when they did not come in time, with what was recorded instead
     */
    synchronized List<AuditEvent> await(String what, int count, Predicate<AuditEvent> matches, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<AuditEvent> found = new ArrayList<>(events.stream().filter(matches).toList());
            if (found.size() >= count) {
                return found;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("waited " + timeout.toMillis() + " ms for " + count + " audit event(s): "
                        + what + "; recorded: " + events);
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }

    /** Waits for one event of {@code kind} about the notice {@code noticeId} on {@code channel}. */
    AuditEvent awaitEnd(AuditKind kind, String channel, String noticeId, Duration timeout)
            throws InterruptedException {
        return await(kind.id() + " on " + channel + " for notice " + noticeId, 1,
                e -> e.kind() == kind && channel.equals(e.detail().get("channel"))
                        && noticeId.equals(e.detail().get("noticeId")), timeout).get(0);
    }
}
