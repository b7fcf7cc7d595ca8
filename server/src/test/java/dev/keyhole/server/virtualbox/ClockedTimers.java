package dev.keyhole.server.virtualbox;

import dev.keyhole.server.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Timers on a {@link TestClock}: what is scheduled runs on the test's thread when the test moves the clock past its
 * time ({@link #advance}), in time order, each with the clock showing its own time. Nothing runs by itself, so a
 * test waits for no thread and never sleeps. Only one-shot tasks: repeating ones are refused.
 */
final class ClockedTimers extends AbstractExecutorService implements ScheduledExecutorService {

    private final TestClock clock;
    private final List<Task> tasks = new ArrayList<>();
    private long sequence;
    private boolean shutdown;

    ClockedTimers(TestClock clock) {
        this.clock = clock;
    }

    /** One task waiting for its time. */
    private final class Task implements ScheduledFuture<Object> {
        final Instant due;
        final long order;
        final Callable<?> work;
        boolean cancelled;
        boolean done;

        Task(Instant due, long order, Callable<?> work) {
            this.due = due;
            this.order = order;
            this.work = work;
        }

        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(Duration.between(clock.instant(), due).toNanos(), TimeUnit.NANOSECONDS);
        }

        @Override
        public int compareTo(Delayed other) {
            return Long.compare(getDelay(TimeUnit.NANOSECONDS), other.getDelay(TimeUnit.NANOSECONDS));
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            synchronized (ClockedTimers.this) {
                if (done || cancelled) {
                    return false;
                }
                cancelled = true;
                tasks.remove(this);
                return true;
            }
        }

        @Override
        public boolean isCancelled() {
            return cancelled;
        }

        @Override
        public boolean isDone() {
            return done || cancelled;
        }

        @Override
        public Object get() {
            throw new UnsupportedOperationException("a test moves the clock instead of waiting");
        }

        @Override
        public Object get(long timeout, TimeUnit unit) {
            return get();
        }
    }

    /**
     * Moves the clock forwards by {@code by}, running every task that falls due on the way (also those they
     * schedule within that time), each at its own time.
     */
    void advance(Duration by) {
        Instant end = clock.instant().plus(by);
        while (true) {
            Task next;
            synchronized (this) {
                next = tasks.stream().filter(t -> !t.due.isAfter(end))
                        .min(Comparator.comparing((Task t) -> t.due).thenComparingLong(t -> t.order)).orElse(null);
                if (next == null) {
                    break;
                }
                tasks.remove(next);
                next.done = true;
            }
            Duration gap = Duration.between(clock.instant(), next.due);
            if (!gap.isNegative()) {
                clock.advance(gap);
            }
            try {
                next.work.call();
            } catch (Exception e) {
                throw new IllegalStateException("a timed task failed", e);
            }
        }
        Duration rest = Duration.between(clock.instant(), end);
        if (!rest.isNegative()) {
            clock.advance(rest);
        }
    }

    /** @return how long until each waiting task falls due, soonest first */
    synchronized List<Duration> waiting() {
        return tasks.stream().map(t -> Duration.between(clock.instant(), t.due)).sorted().toList();
    }

    private synchronized Task add(Duration delay, Callable<?> work) {
        if (shutdown) {
            throw new java.util.concurrent.RejectedExecutionException("the timers are shut down");
        }
        Task task = new Task(clock.instant().plus(delay.isNegative() ? Duration.ZERO : delay), sequence++, work);
        tasks.add(task);
        return task;
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        return add(Duration.of(delay, unit.toChronoUnit()), () -> {
            command.run();
            return null;
        });
    }

    @Override
    @SuppressWarnings("unchecked")
    public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
        return (ScheduledFuture<V>) add(Duration.of(delay, unit.toChronoUnit()), callable);
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
        throw new UnsupportedOperationException("only one-shot tasks");
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
        throw new UnsupportedOperationException("only one-shot tasks");
    }

    @Override
    public void execute(Runnable command) {
        schedule(command, 0, TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void shutdown() {
        shutdown = true;
    }

    @Override
    public synchronized List<Runnable> shutdownNow() {
        shutdown = true;
        tasks.clear();
        return List.of();
    }

    @Override
    public synchronized boolean isShutdown() {
        return shutdown;
    }

    @Override
    public synchronized boolean isTerminated() {
        return shutdown && tasks.isEmpty();
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
        return isTerminated();
    }
}
