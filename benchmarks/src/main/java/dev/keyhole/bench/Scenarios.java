package dev.keyhole.bench;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs the scenarios on one path. Every scenario starts the path afresh, warms it up (the Java client's
 * sessions on every recording, then the browser-like client's), and then measures each recording in turn, each
 * with the Java client and then with the browser-like one (on WebSocket paths, when it runs).
 */
final class Scenarios {

    private static final Duration WAIT = Duration.ofMinutes(5);

    private final Options options;
    private final StandIn standIn;
    private final BrowserClient browser;
    private final Map<String, Recording.Stats> recordings = new HashMap<>();
    /** The extensions the browser-like client's handshakes agreed on, by path. */
    private final Map<String, String> extensions = new HashMap<>();

    /**
     * @param recordings the recordings of {@link Options#recordings}
     * @param browser    the browser-like client (null: only the Java client runs)
     */
    Scenarios(Options options, List<Recording> recordings, StandIn standIn, BrowserClient browser) {
        this.options = options;
        this.standIn = standIn;
        this.browser = browser;
        recordings.forEach(recording -> this.recordings.put(recording.name(), recording.stats()));
    }

    /** @return the bytes of {@code recording} a session of the browser-like client streams */
    private long nodeBytes(String recording, long bytes) {
        return options.node().capped(recordings.get(recording), bytes);
    }

    /** The streams of one start of a path, session by session. */
    private static final class Plan {
        private final List<StandIn.Stream> streams = new ArrayList<>();

        /** @return the number of the session that streams {@code bytes} bytes of {@code recording} */
        int add(String recording, long bytes) {
            streams.add(new StandIn.Stream(recording, bytes));
            return streams.size() - 1;
        }

        /** @return the numbers of {@code count} sessions of {@code bytes} bytes each */
        List<Integer> add(String recording, long bytes, int count) {
            List<Integer> sessions = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                sessions.add(add(recording, bytes));
            }
            return sessions;
        }
    }

    /**
     * The warm-up sessions of one start: the Java client's, one per recording, and the browser-like client's (-1:
     * none).
     */
    private record WarmUp(List<Integer> java, int node) {
    }

    /** The numbers of the sessions of one recording: the Java client's and the browser-like client's (-1: none). */
    private record Pair(int java, int node) {
    }

    /** @param browserToo whether the browser-like client warms up too (not where only the Java client runs) */
    private WarmUp planWarmUp(Plan plan, boolean browserToo) {
        List<Integer> java = new ArrayList<>();
        for (String recording : options.recordings()) {
            java.add(plan.add(recording, options.java().warmupBytes() / options.recordings().size()));
        }
        // The browser-like client warms up on the recording with the largest frames: fewest syncs to answer.
        String largestFrames = options.recordings().stream().max(Comparator.comparingDouble(name ->
                recordings.get(name).bytes() / (double) Math.max(1, recordings.get(name).syncs()))).orElseThrow();
        int node = browser == null || !browserToo ? -1
                : plan.add(largestFrames, nodeBytes(largestFrames, options.node().warmupBytes()));
        return new WarmUp(java, node);
    }

    /**
     * One round of the one-session scenario on a fresh start of the path: on each recording, one session alone of
     * each client, its time to first byte, throughput and key round trips.
     *
     * @param starts where the start-to-ready time is added
     */
    List<Results.SingleRound> single(Gateway.Starter starter, List<Double> starts) throws Exception {
        String name = starter.name();
        Plan plan = new Plan();
        WarmUp warmUp = planWarmUp(plan, true);
        Map<String, Pair> sessions = new LinkedHashMap<>();
        for (String recording : options.recordings()) {
            sessions.put(recording, new Pair(plan.add(recording, options.java().singleBytes()),
                    browser == null ? -1 : plan.add(recording, nodeBytes(recording, options.node().singleBytes()))));
        }
        List<Results.SingleRound> rounds = new ArrayList<>();
        try (Gateway gateway = starter.start(plan.streams)) {
            record(starts, gateway);
            warmUp(starter.name(), gateway, warmUp);
            for (Map.Entry<String, Pair> recording : sessions.entrySet()) {
                Log.say("%s, %s: one session of %,d bytes and %d keys", name, recording.getKey(),
                        options.java().singleBytes(), options.java().keys());
                Results.Single java = javaSingle(gateway, recording.getValue().java());
                Results.Single node = null;
                if (runsBrowser(gateway)) {
                    node = browserSingle(gateway, recording.getValue().node());
                }
                rounds.add(new Results.SingleRound(recording.getKey(), java, node));
            }
        }
        return rounds;
    }

    private Results.Single javaSingle(Gateway gateway, int number) throws Exception {
        Session session = await(gateway.open(number), "session " + number + " to open");
        await(session.streamEnded(), "the stream of session " + number + " to end");
        double seconds = (session.streamEndNanos() - session.firstByteNanos()) / 1e9;
        // Key round trips are timed once the stand-in sent everything (Keyhole's console connection gets the
        // same stream as its viewer), so that they measure the path, not the rest of a stream.
        standIn.awaitAllStreamed();
        Results.Keys keys = Results.Keys.of(await(session.pressKeys(options.java().keys()), "key echoes"));
        session.close();
        return new Results.Single(session.streamBytes(), Results.ms(session.timeToFirstByteNanos()),
                session.streamBytes() / seconds / 1e6, keys, session.messagesPerMb(), null);
    }

    private Results.Single browserSingle(Gateway gateway, int number) throws Exception {
        BrowserClient.Streamed streamed = browser.stream(List.of(url(gateway, number)), null, gateway.cookie());
        standIn.awaitAllStreamed();
        BrowserClient.Keys keys = browser.press(options.node().keys());
        browser.closeSessions();
        BrowserClient.SessionFigures session = streamed.sessions().get(0);
        return new Results.Single(session.bytes(), Results.ms(session.ttfbNs()),
                session.bytes() / ((session.endNs() - session.firstByteNs()) / 1e9) / 1e6,
                Results.Keys.of(keys.keysNs()), session.messages() / (session.bytes() / 1e6),
                Results.ms(keys.firstKeyNs()));
    }

    /**
     * The rest of a path's scenarios: each concurrency, then idle sessions; and its figures put together.
     *
     * @param rounds the path's one-session rounds: per recording, the round with the median throughput is
     *               reported
     * @param starts the start-to-ready times so far
     */
    Results.PathResult rest(Gateway.Starter starter, List<List<Results.SingleRound>> rounds, List<Double> starts)
            throws Exception {
        List<List<Results.ConcurrentPair>> concurrent = new ArrayList<>();
        for (int sessions : options.concurrency()) {
            concurrent.add(concurrent(starter, sessions, starts));
        }
        Results.Idle idle = null;
        if (options.idleSessions() > 0) {
            idle = idle(starter, starts);
        }
        List<Results.RecordingFigures> recordings = new ArrayList<>();
        for (String recording : options.recordings()) {
            List<Results.Single> java = new ArrayList<>();
            List<Results.Single> node = new ArrayList<>();
            for (List<Results.SingleRound> round : rounds) {
                for (Results.SingleRound single : round) {
                    if (single.recording().equals(recording)) {
                        java.add(single.java());
                        if (single.node() != null) {
                            node.add(single.node());
                        }
                    }
                }
            }
            List<Results.Concurrent> javaConcurrent = new ArrayList<>();
            List<Results.Concurrent> nodeConcurrent = new ArrayList<>();
            for (List<Results.ConcurrentPair> pairs : concurrent) {
                for (Results.ConcurrentPair pair : pairs) {
                    if (pair.recording().equals(recording)) {
                        javaConcurrent.add(pair.java());
                        if (pair.node() != null) {
                            nodeConcurrent.add(pair.node());
                        }
                    }
                }
            }
            recordings.add(new Results.RecordingFigures(recording, figures(java, javaConcurrent),
                    node.isEmpty() ? null : figures(node, nodeConcurrent)));
        }
        Double start = starts.isEmpty() ? null : Results.median(starts);
        return new Results.PathResult(starter.name(), recordings, idle, start, extensions.get(starter.name()), null);
    }

    private static Results.ClientFigures figures(List<Results.Single> rounds, List<Results.Concurrent> concurrent) {
        List<Results.Single> sorted = new ArrayList<>(rounds);
        sorted.sort((x, y) -> Double.compare(x.mbPerSecond(), y.mbPerSecond()));
        return new Results.ClientFigures(sorted.get(sorted.size() / 2), rounds, concurrent);
    }

    private List<Results.ConcurrentPair> concurrent(Gateway.Starter starter, int sessions, List<Double> starts)
            throws Exception {
        String name = starter.name();
        Plan plan = new Plan();
        WarmUp warmUp = planWarmUp(plan, true);
        long javaEach = options.java().concurrentBytes() / sessions;

        Map<String, List<Integer>> javaSessions = new LinkedHashMap<>();
        Map<String, List<Integer>> nodeSessions = new LinkedHashMap<>();
        for (String recording : options.recordings()) {
            // The key session first, then the streaming ones: each client's keys run while its others stream.
            List<Integer> java = new ArrayList<>(List.of(plan.add(recording, 0)));
            java.addAll(plan.add(recording, javaEach, sessions));
            javaSessions.put(recording, java);
            if (browser != null) {
                List<Integer> node = new ArrayList<>(List.of(plan.add(recording, 0)));
                node.addAll(plan.add(recording, nodeBytes(recording, options.node().concurrentBytes()) / sessions,
                        sessions));
                nodeSessions.put(recording, node);
            }
        }
        List<Results.ConcurrentPair> pairs = new ArrayList<>();
        try (Gateway gateway = starter.start(plan.streams)) {
            record(starts, gateway);
            warmUp(starter.name(), gateway, warmUp);
            for (String recording : options.recordings()) {
                Log.say("%s, %s: %d sessions of %,d bytes at once, keys on one more", name, recording, sessions,
                        javaEach);
                Results.Concurrent java = javaConcurrent(gateway, sessions, javaSessions.get(recording));
                Results.Concurrent node = null;
                if (runsBrowser(gateway)) {
                    node = browserConcurrent(gateway, sessions, nodeSessions.get(recording));
                }
                pairs.add(new Results.ConcurrentPair(recording, java, node));
            }
        }
        return pairs;
    }

    /** @param numbers the key session's number, then the streaming sessions' */
    private Results.Concurrent javaConcurrent(Gateway gateway, int sessions, List<Integer> numbers) throws Exception {
        Session probe = await(gateway.open(numbers.get(0)), "the key session to open");
        await(probe.streamEnded(), "the key session's (empty) stream");
        List<CompletableFuture<? extends Session>> opening = new ArrayList<>();
        for (int number : numbers.subList(1, numbers.size())) {
            opening.add(gateway.open(number));
        }
        CompletableFuture<Void> allEnded = CompletableFuture.allOf(opening.stream()
                .map(open -> open.thenCompose(Session::streamEnded)).toArray(CompletableFuture[]::new));
        List<Long> keys = new ArrayList<>();
        while (!allEnded.isDone()) {
            keys.addAll(await(probe.pressKeys(5), "key echoes while the others stream"));
        }
        await(allEnded, "every stream to end");
        long first = Long.MAX_VALUE;
        long last = 0;
        long bytes = 0;
        long messages = 0;
        for (int i = 0; i < sessions; i++) {
            Session session = await(opening.get(i), "session " + (i + 1) + " to open");
            first = Math.min(first, session.firstByteNanos());
            last = Math.max(last, session.streamEndNanos());
            bytes += session.streamBytes();
            messages += session.messages();
            session.close();
        }
        probe.close();
        return new Results.Concurrent(sessions, bytes, bytes / ((last - first) / 1e9) / 1e6, Results.Keys.of(keys),
                messages == 0 ? null : messages / (bytes / 1e6));
    }

    private Results.Concurrent browserConcurrent(Gateway gateway, int sessions, List<Integer> numbers)
            throws Exception {
        List<URI> urls = new ArrayList<>();
        for (int number : numbers.subList(1, numbers.size())) {
            urls.add(url(gateway, number));
        }
        BrowserClient.Streamed streamed = browser.stream(urls, url(gateway, numbers.get(0)), gateway.cookie());
        browser.closeSessions();
        long first = Long.MAX_VALUE;
        long last = 0;
        long bytes = 0;
        long messages = 0;
        for (BrowserClient.SessionFigures session : streamed.sessions()) {
            first = Math.min(first, session.firstByteNs());
            last = Math.max(last, session.endNs());
            bytes += session.bytes();
            messages += session.messages();
        }
        return new Results.Concurrent(sessions, bytes, bytes / ((last - first) / 1e9) / 1e6,
                Results.Keys.of(streamed.keysNs()), messages / (bytes / 1e6));
    }

    private Results.Idle idle(Gateway.Starter starter, List<Double> starts) throws Exception {
        int sessions = options.idleSessions();
        Plan plan = new Plan();
        WarmUp warmUp = planWarmUp(plan, false);
        List<Integer> idle = plan.add(options.recordings().get(0), 0, sessions);
        try (Gateway gateway = starter.start(plan.streams)) {
            record(starts, gateway);
            if (gateway.jvmPid().isEmpty()) {
                return null;
            }
            Log.say("%s: %d idle sessions", starter.name(), sessions);
            long pid = gateway.jvmPid().getAsLong();
            warmUp(starter.name(), gateway, warmUp);
            JvmProbe.Sample before = JvmProbe.sample(pid);
            List<Session> open = new ArrayList<>();
            for (int number : idle) {
                open.add(await(gateway.open(number), starter.name() + ": idle session " + number + " to open"));
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

    /**
     * The warm-up of every start, so that the code under test is compiled: the Java client's stream on each
     * recording, keys after the last; then the browser-like client's stream and keys.
     */
    private void warmUp(String path, Gateway gateway, WarmUp warmUp) throws Exception {
        for (int i = 0; i < warmUp.java().size(); i++) {
            Session session = await(gateway.open(warmUp.java().get(i)), "the warm-up session to open");
            await(session.streamEnded(), "the warm-up stream to end");
            if (i == warmUp.java().size() - 1) {
                await(session.pressKeys(options.java().warmupKeys()), "the warm-up key echoes");
            }
            session.close();
        }
        if (warmUp.node() >= 0 && runsBrowser(gateway)) {
            BrowserClient.Streamed streamed = browser.stream(List.of(url(gateway, warmUp.node())), null,
                    gateway.cookie());
            extensions.put(path, streamed.extensions());
            browser.press(options.node().warmupKeys());
            browser.closeSessions();
        }
    }

    private boolean runsBrowser(Gateway gateway) {
        return browser != null && gateway.webSocket(0).isPresent();
    }

    private static URI url(Gateway gateway, int number) {
        return gateway.webSocket(number).orElseThrow();
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
