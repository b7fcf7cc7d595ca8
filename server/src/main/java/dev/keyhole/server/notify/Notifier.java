package dev.keyhole.server.notify;

import dev.keyhole.server.audit.AuditEvent;
import dev.keyhole.server.audit.AuditKind;
import dev.keyhole.server.audit.AuditTrail;
import dev.keyhole.server.config.NotifyConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends notices on their channels without ever making the caller wait: {@link #send} queues one delivery per
 * recipient and returns. Each channel has a queue and a thread of its own, so a webhook that never answers delays
 * only its own deliveries, never ntfy's or email's. A delivery that fails in a way that may pass is tried again after
 * a back-off that doubles (1 s, 2 s, 4 s … at most 5 minutes by default) until {@code notify.retry-for} has passed
 * since it was queued; deliveries due later wait without holding up those due sooner. A queue holds a bounded number
 * of deliveries: when it is full the oldest one not being tried is dropped.
 *
 * <p>Every delivery ends in the audit trail, once: {@link AuditKind#NOTIFICATION_SENT}, or
 * {@link AuditKind#NOTIFICATION_FAILED} with the last error in words (refused, given up, dropped, or left when
 * Keyhole stopped), and in the log alike. Neither ever holds a channel's secret: the channels leave their secrets out
 * of their errors. {@link #close()} gives what is queued one more try for a short bounded time, then stops.
 */
public final class Notifier implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Notifier.class);
    /** How long {@link #close()} waits for an interrupted try to end, after its grace time. */
    private static final Duration INTERRUPTED_GRACE = Duration.ofSeconds(1);

    /**
     * How deliveries are retried and queued.
     *
     * @param retryFor     how long after it was queued a failing delivery is still tried again
     * @param firstBackOff the wait after the first failed try; it doubles after each further one
     * @param maxBackOff   the longest wait between tries
     * @param queueLimit   how many deliveries one channel's queue holds (queued, waiting to retry, or being tried)
     * @param closeGrace   how long {@link #close()} lets the queued deliveries have one more try
     */
    public record Policy(Duration retryFor, Duration firstBackOff, Duration maxBackOff, int queueLimit,
            Duration closeGrace) {

        /** The first wait when nobody says. */
        public static final Duration FIRST_BACK_OFF = Duration.ofSeconds(1);
        /** The longest wait when nobody says. */
        public static final Duration MAX_BACK_OFF = Duration.ofMinutes(5);
        /** A queue's size when nobody says. */
        public static final int QUEUE_LIMIT = 200;
        /** The grace of {@link #close()} when nobody says. */
        public static final Duration CLOSE_GRACE = Duration.ofSeconds(5);

        /** Refuses waits that are not positive, and a queue that holds nothing. */
        public Policy {
            for (Duration d : List.of(retryFor, firstBackOff, maxBackOff)) {
                if (d.isNegative() || d.isZero()) {
                    throw new IllegalArgumentException("retry times are positive: " + d);
                }
            }
            if (closeGrace.isNegative()) {
                throw new IllegalArgumentException("the grace of close is not negative");
            }
            if (queueLimit < 1) {
                throw new IllegalArgumentException("a channel's queue holds at least one delivery");
            }
        }

        /** @return the defaults, retrying for {@code retryFor} */
        public static Policy retryingFor(Duration retryFor) {
            return new Policy(retryFor, FIRST_BACK_OFF, MAX_BACK_OFF, QUEUE_LIMIT, CLOSE_GRACE);
        }

        /** @return this policy with other back-off waits */
        public Policy withBackOff(Duration first, Duration max) {
            return new Policy(retryFor, first, max, queueLimit, closeGrace);
        }

        /** @return this policy with another queue size */
        public Policy withQueueLimit(int limit) {
            return new Policy(retryFor, firstBackOff, maxBackOff, limit, closeGrace);
        }

        /** @return this policy with another grace for {@link #close()} */
        public Policy withCloseGrace(Duration grace) {
            return new Policy(retryFor, firstBackOff, maxBackOff, queueLimit, grace);
        }

        /**
         * @param attempts how many tries failed so far (1 or more)
         * @return the wait before the next: the first back-off, doubled for each try after the first, at most the
         *         longest
         */
        public Duration delayAfter(int attempts) {
            Duration delay = firstBackOff;
            for (int i = 1; i < attempts && delay.compareTo(maxBackOff) < 0; i++) {
                delay = delay.multipliedBy(2);
            }
            return delay.compareTo(maxBackOff) > 0 ? maxBackOff : delay;
        }
    }

    private final Map<String, Lane> lanes = new LinkedHashMap<>();
    private final Policy policy;
    private final AuditTrail audit;
    private final Clock clock;
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * Starts a thread per channel.
     *
     * @param channels the channels, their names unique
     * @param policy   how deliveries are retried and queued
     * @param audit    where every delivery's end is recorded
     * @param clock    when deliveries are queued, and so when their retries end
     */
    public Notifier(List<Channel> channels, Policy policy, AuditTrail audit, Clock clock) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.audit = Objects.requireNonNull(audit, "audit");
        this.clock = Objects.requireNonNull(clock, "clock");
        for (Channel channel : channels) {
            if (lanes.putIfAbsent(channel.name(), new Lane(channel)) != null) {
                throw new IllegalArgumentException("two channels are called " + channel.name());
            }
        }
    }

    /**
     * The notifier of a configuration: its channels ({@link Channels#from}), retrying for its
     * {@code notify.retry-for}.
     *
     * @param config the {@code notify:} section
     * @param audit  where every delivery's end is recorded
     * @param clock  what time it is
     * @return the running notifier; close it
     */
    public static Notifier start(NotifyConfig config, AuditTrail audit, Clock clock) {
        return new Notifier(Channels.from(config, clock), Policy.retryingFor(config.retryFor()), audit, clock);
    }

    /** @return the channels, in the configuration's order */
    public List<Channel> channels() {
        return lanes.values().stream().map(lane -> lane.channel).toList();
    }

    /**
     * Queues a notice for each recipient, on the recipient's channel, and returns at once. Never blocks and never
     * throws for a delivery's problem: a recipient on no channel, or with an address on a webhook, is recorded as
     * failed; every other delivery ends in the audit trail when it is delivered or given up.
     *
     * @param notice     what to tell
     * @param recipients who to tell, each on one channel; empty: nobody
     */
    public void send(Notice notice, List<Recipient> recipients) {
        Objects.requireNonNull(notice, "notice");
        for (Recipient recipient : recipients) {
            Lane lane = lanes.get(recipient.channel());
            Delivery delivery = new Delivery(notice, recipient, clock.instant());
            if (lane == null) {
                ended(null, delivery, "failed", "no channel is called " + recipient.channel());
            } else if (!recipient.isConfigured() && !lane.channel.takesAddresses()) {
                ended(lane.channel, delivery, "failed", "a " + lane.channel.type() + " channel sends to its "
                        + "configured recipients only, never to an address of its own");
            } else {
                lane.enqueue(delivery);
            }
        }
    }

    /**
     * Stops taking notices and gives every queued delivery one last try at once (those waiting to retry too, and
     * those whose try fails as it stops), for at most the policy's close grace in all; then interrupts the tries
     * still running and stops. What was not delivered by then is recorded as failed. A try that cannot be
     * interrupted (an SMTP server that stopped answering) ends within its channel's own time limit, on a thread
     * that does not keep the process alive.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        for (Lane lane : lanes.values()) {
            lane.closing();
        }
        long deadline = System.nanoTime() + policy.closeGrace().toNanos();
        boolean interrupted = false;
        for (Lane lane : lanes.values()) {
            try {
                lane.awaitEmpty(deadline);
            } catch (InterruptedException e) {
                interrupted = true;
                break;
            }
        }
        for (Lane lane : lanes.values()) {
            lane.executor.shutdownNow();
            lane.abandonQueued();
        }
        if (!interrupted) {
            // An interrupted try records its own end; let it, briefly.
            long more = System.nanoTime() + INTERRUPTED_GRACE.toNanos();
            for (Lane lane : lanes.values()) {
                try {
                    lane.executor.awaitTermination(Math.max(0, more - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    interrupted = true;
                    break;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Records a delivery's end in the audit trail and the log. */
    private void ended(Channel channel, Delivery delivery, String result, String error) {
        Notice notice = delivery.notice;
        Recipient recipient = delivery.recipient;
        String name = channel == null ? recipient.channel() : channel.name();
        String type = channel == null ? "unknown" : channel.type();
        AuditEvent event = new AuditEvent(error == null ? AuditKind.NOTIFICATION_SENT : AuditKind.NOTIFICATION_FAILED,
                AuditEvent.KEYHOLE, "", notice.target(), result, Map.of())
                .with("channel", name).with("type", type).with("recipient", recipient.shown());
        if (!recipient.user().isEmpty()) {
            event = event.with("user", recipient.user());
        }
        event = event.with("notice", notice.kind().id()).with("noticeId", notice.id())
                .with("attempts", delivery.attempts);
        if (error != null) {
            event = event.with("error", error);
        }
        audit.record(event);
        if (error == null) {
            log.info("Notice {} ({}, {}) delivered on channel {} ({}) to {} after {} attempt(s)", notice.id(),
                    notice.kind().id(), notice.target(), name, type, recipient.shown(), delivery.attempts);
        } else {
            log.warn("Notice {} ({}, {}) not delivered on channel {} ({}) to {} after {} attempt(s): {}", notice.id(),
                    notice.kind().id(), notice.target(), name, type, recipient.shown(), delivery.attempts, error);
        }
    }

    /** One notice to one recipient on one channel, from its queueing to its end. Guarded by its lane. */
    private static final class Delivery {
        final Notice notice;
        final Recipient recipient;
        final Instant queuedAt;
        int attempts;
        String lastError = "";
        ScheduledFuture<?> next;
        boolean running;
        /** Whether its last try, the one {@link #close()} gives it, is planned. */
        boolean lastTry;
        boolean finished;

        Delivery(Notice notice, Recipient recipient, Instant queuedAt) {
            this.notice = notice;
            this.recipient = recipient;
            this.queuedAt = queuedAt;
        }
    }

    /** One channel's queue and thread. */
    private final class Lane {
        final Channel channel;
        final ScheduledThreadPoolExecutor executor;
        /** The deliveries not yet ended, oldest first. */
        private final Deque<Delivery> pending = new ArrayDeque<>();
        private boolean closing;

        Lane(Channel channel) {
            this.channel = channel;
            this.executor = new ScheduledThreadPoolExecutor(1, runnable -> {
                Thread thread = new Thread(runnable, "keyhole-notify-" + channel.name());
                // A channel that hangs past close() must not keep the process alive.
                thread.setDaemon(true);
                return thread;
            });
            executor.setRemoveOnCancelPolicy(true);
        }

        void enqueue(Delivery delivery) {
            Delivery dropped = null;
            boolean refused = false;
            synchronized (this) {
                if (closing) {
                    refused = true;
                } else {
                    if (pending.size() >= policy.queueLimit()) {
                        dropped = pending.stream().filter(d -> !d.running).findFirst().orElse(delivery);
                        if (dropped != delivery) {
                            pending.remove(dropped);
                            dropped.finished = true;
                            dropped.next.cancel(false);
                        }
                    }
                    if (dropped != delivery) {
                        pending.addLast(delivery);
                        schedule(delivery, Duration.ZERO);
                    }
                }
            }
            if (refused) {
                ended(channel, delivery, "failed", "not sent: Keyhole is stopping");
            }
            if (dropped != null) {
                ended(channel, dropped, "dropped", "dropped: the channel's queue was full (" + policy.queueLimit()
                        + " undelivered)" + (dropped.lastError.isEmpty() ? "" : "; last error: " + dropped.lastError));
            }
        }

        /** Plans a try; the caller holds this lane's lock. */
        private void schedule(Delivery delivery, Duration delay) {
            delivery.next = executor.schedule(() -> attempt(delivery), delay.toNanos(), TimeUnit.NANOSECONDS);
        }

        private void attempt(Delivery delivery) {
            synchronized (this) {
                if (delivery.finished) {
                    return;
                }
                delivery.running = true;
                delivery.attempts++;
            }
            Attempt result;
            try {
                result = channel.deliver(delivery.notice, delivery.recipient);
            } catch (InterruptedException e) {
                result = null;
            } catch (RuntimeException e) {
                log.warn("Channel {} failed on notice {}", channel.name(), delivery.notice.id(), e);
                result = Attempt.retry(Errors.printable(e.getClass().getSimpleName()
                        + (e.getMessage() == null ? "" : ": " + e.getMessage())));
            }
            String error = null;
            String outcome = "failed";
            synchronized (this) {
                delivery.running = false;
                if (result == null) {
                    // Interrupted: close() has waited its grace and stops.
                    result = Attempt.giveUp("not delivered before Keyhole stopped (its try was cut short)"
                            + (delivery.lastError.isEmpty() ? "" : "; last error: " + delivery.lastError));
                }
                switch (result.outcome()) {
                    case DELIVERED -> outcome = "ok";
                    case GIVE_UP -> error = result.error();
                    case RETRY -> {
                        delivery.lastError = result.error();
                        Duration delay = policy.delayAfter(delivery.attempts);
                        if (closing && !delivery.lastTry) {
                            delivery.lastTry = true;
                            delay = Duration.ZERO;
                        } else if (closing) {
                            error = "not delivered before Keyhole stopped; last error: " + result.error();
                        } else if (clock.instant().plus(delay).isAfter(delivery.queuedAt.plus(policy.retryFor()))) {
                            error = "given up after retrying for " + Errors.duration(policy.retryFor())
                                    + "; last error: " + result.error();
                        }
                        if (error == null) {
                            try {
                                schedule(delivery, delay);
                                log.info("Notice {} on channel {}: attempt {} failed ({}); next in {}",
                                        delivery.notice.id(), channel.name(), delivery.attempts, result.error(),
                                        Errors.duration(delay));
                                return;
                            } catch (RejectedExecutionException e) {
                                error = "not delivered before Keyhole stopped; last error: " + result.error();
                            }
                        }
                    }
                    default -> throw new IllegalStateException("unknown outcome " + result.outcome());
                }
                delivery.finished = true;
                pending.remove(delivery);
                notifyAll();
            }
            ended(channel, delivery, outcome, error);
        }

        /** Stops taking deliveries; plans one last try now for each queued one not being tried. */
        synchronized void closing() {
            closing = true;
            for (Delivery delivery : pending) {
                if (!delivery.running) {
                    delivery.next.cancel(false);
                    delivery.lastTry = true;
                    schedule(delivery, Duration.ZERO);
                }
            }
        }

        /** Waits until every delivery has ended, or until {@code deadline} ({@link System#nanoTime()}). */
        synchronized void awaitEmpty(long deadline) throws InterruptedException {
            for (long left = deadline - System.nanoTime(); !pending.isEmpty() && left > 0;
                    left = deadline - System.nanoTime()) {
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
        }

        /** Records the deliveries that never got their last try as failed. */
        void abandonQueued() {
            List<Delivery> abandoned = new ArrayList<>();
            synchronized (this) {
                for (Delivery delivery : List.copyOf(pending)) {
                    if (!delivery.running) {
                        delivery.finished = true;
                        pending.remove(delivery);
                        abandoned.add(delivery);
                    }
                }
            }
            for (Delivery delivery : abandoned) {
                ended(channel, delivery, "failed", "not delivered before Keyhole stopped"
                        + (delivery.lastError.isEmpty() ? "" : "; last error: " + delivery.lastError));
            }
        }
    }
}
