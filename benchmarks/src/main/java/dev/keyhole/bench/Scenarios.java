package dev.keyhole.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Runs the scenarios on one path; every scenario starts the path afresh and warms it up with one session. */
final class Scenarios {

    private static final Duration WAIT = Duration.ofMinutes(5);

    private final Options options;
    private final StandIn standIn;

    Scenarios(Options options, StandIn standIn) {
        this.options = options;
        this.standIn = standIn;
    }

    /**
     * One session alone on a fresh start of the path: its time to first byte, throughput and key round trips.
     *
     * @param starts where the start-to-ready time is added
     */
    Results.Single single(Gateway.Starter starter, List<Double> starts) throws Exception {
        String name = starter.name();
        Log.say("%s: one session of %,d bytes and %d keys", name, options.singleBytes(), options.keys());
        try (Gateway gateway = starter.start(List.of(options.warmupBytes(), options.singleBytes()))) {
            record(starts, gateway);
            warmUp(gateway);
            Session session = await(gateway.open(1), name + ": session to open");
            await(session.streamEnded(), name + ": the stream to end");
            double seconds = (session.streamEndNanos() - session.firstByteNanos()) / 1e9;
            standIn.awaitAllStreamed();
            Results.Keys keys = Results.Keys.of(await(session.pressKeys(options.keys()), name + ": key echoes"));
            Results.Single single = new Results.Single(session.streamBytes(),
                    Results.ms(session.timeToFirstByteNanos()), session.streamBytes() / seconds / 1e6, keys);
            session.close();
            return single;
        }
    }

    /**
     * The rest of a path's scenarios: each concurrency, then idle sessions.
     *
     * @param rounds the path's one-session figures, one per round: the round with the median throughput is
     *               reported
     * @param starts the start-to-ready times so far
     */
    Results.PathResult rest(Gateway.Starter starter, List<Results.Single> rounds, List<Double> starts)
            throws Exception {
        List<Results.Concurrent> concurrent = new ArrayList<>();
        for (int sessions : options.concurrency()) {
            concurrent.add(concurrent(starter, sessions, starts));
        }
        Results.Idle idle = null;
        if (options.idleSessions() > 0) {
            idle = idle(starter, starts);
        }
        List<Results.Single> sorted = new ArrayList<>(rounds);
        sorted.sort((x, y) -> Double.compare(x.mbPerSecond(), y.mbPerSecond()));
        Results.Single median = sorted.get(sorted.size() / 2);
        Double start = starts.isEmpty() ? null : Results.median(starts);
        return new Results.PathResult(starter.name(), median, rounds, concurrent, idle, start, null);
    }

    private Results.Concurrent concurrent(Gateway.Starter starter, int sessions, List<Double> starts)
            throws Exception {
        String name = starter.name();
        long each = options.concurrentBytes() / sessions;
        Log.say("%s: %d sessions of %,d bytes at once, keys on one more", name, sessions, each);
        List<Long> sizes = new ArrayList<>();
        sizes.add(options.warmupBytes());
        for (int i = 0; i < sessions; i++) {
            sizes.add(each);
        }
        sizes.add(0L);
        try (Gateway gateway = starter.start(sizes)) {
            record(starts, gateway);
            warmUp(gateway);
            // The key session first, so that its keys run all the while the others connect and stream.
            Session probe = await(gateway.open(sessions + 1), name + ": the key session to open");
            await(probe.streamEnded(), name + ": the key session's (empty) stream");
            List<CompletableFuture<? extends Session>> opening = new ArrayList<>();
            for (int i = 1; i <= sessions; i++) {
                opening.add(gateway.open(i));
            }
            CompletableFuture<Void> allEnded = CompletableFuture.allOf(opening.stream()
                    .map(open -> open.thenCompose(Session::streamEnded)).toArray(CompletableFuture[]::new));
            List<Long> keys = new ArrayList<>();
            while (!allEnded.isDone()) {
                keys.addAll(await(probe.pressKeys(5), name + ": key echoes while the others stream"));
            }
            await(allEnded, name + ": every stream to end");
            List<Session> streaming = new ArrayList<>();
            for (int i = 0; i < sessions; i++) {
                streaming.add(await(opening.get(i), name + ": session " + (i + 1) + " to open"));
            }
            long first = Long.MAX_VALUE;
            long last = 0;
            long bytes = 0;
            for (Session session : streaming) {
                first = Math.min(first, session.firstByteNanos());
                last = Math.max(last, session.streamEndNanos());
                bytes += session.streamBytes();
                session.close();
            }
            probe.close();
            return new Results.Concurrent(sessions, bytes, bytes / ((last - first) / 1e9) / 1e6,
                    Results.Keys.of(keys));
        }
    }

    private Results.Idle idle(Gateway.Starter starter, List<Double> starts) throws Exception {
        int sessions = options.idleSessions();
        List<Long> sizes = new ArrayList<>();
        sizes.add(options.warmupBytes());
        for (int i = 0; i < sessions; i++) {
            sizes.add(0L);
        }
        try (Gateway gateway = starter.start(sizes)) {
            record(starts, gateway);
            if (gateway.jvmPid().isEmpty()) {
                return null;
            }
            Log.say("%s: %d idle sessions", starter.name(), sessions);
            long pid = gateway.jvmPid().getAsLong();
            warmUp(gateway);
            JvmProbe.Sample before = JvmProbe.sample(pid);
            List<Session> open = new ArrayList<>();
            for (int i = 1; i <= sessions; i++) {
                open.add(await(gateway.open(i), starter.name() + ": idle session " + i + " to open"));
            }
            for (Session session : open) {
                await(session.streamEnded(), starter.name() + ": an idle session's (empty) stream");
            }
            JvmProbe.Sample after = JvmProbe.sample(pid);
            for (Session session : open) {
                session.close();
            }
            return new Results.Idle(sessions, before.liveHeapBytes(), after.liveHeapBytes(), before.threads(),
                    after.threads(), (after.liveHeapBytes() - before.liveHeapBytes()) / 1024.0 / sessions,
                    (after.threads() - before.threads()) / (double) sessions);
        }
    }

    /** Session 0 of every start: a stream and some keys, so that the code under test is compiled. */
    private void warmUp(Gateway gateway) throws Exception {
        Session session = await(gateway.open(0), "the warm-up session to open");
        await(session.streamEnded(), "the warm-up stream to end");
        await(session.pressKeys(options.warmupKeys()), "the warm-up key echoes");
        session.close();
    }

    private static void record(List<Double> starts, Gateway gateway) {
        if (gateway.startToReadyNanos() >= 0) {
            starts.add(Results.ms(gateway.startToReadyNanos()));
        }
    }

    static <T> T await(CompletableFuture<T> future, String what) throws Exception {
        try {
            return future.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new TimeoutException("timed out after " + WAIT.toMinutes() + " min waiting for " + what);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("failed waiting for " + what + ": " + e.getCause(), e.getCause());
        }
    }
}
