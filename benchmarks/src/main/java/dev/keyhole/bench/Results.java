package dev.keyhole.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The figures of one run, as printed and as written to JSON. Times in milliseconds, throughput in MB/s (10^6). */
final class Results {

    private Results() {
    }

    /** Key round trips. */
    record Keys(int count, double p50Ms, double p99Ms, double maxMs) {

        static Keys of(List<Long> nanos) {
            if (nanos.isEmpty()) {
                return new Keys(0, Double.NaN, Double.NaN, Double.NaN);
            }
            List<Long> sorted = new ArrayList<>(nanos);
            sorted.sort(null);
            return new Keys(sorted.size(), ms(percentile(sorted, 0.50)), ms(percentile(sorted, 0.99)),
                    ms(sorted.get(sorted.size() - 1)));
        }
    }

    /**
     * One session alone.
     *
     * @param messagesPerMb the WebSocket messages of the stream per MB (null: no WebSocket)
     * @param firstKeyMs    the browser-like client's first key after the stream, before {@code keys}: its echo
     *                      waits for the gateway to pass on the client's answers to the stream's {@code sync}s
     *                      (null: the Java client, which answers none)
     */
    record Single(long bytes, double timeToFirstByteMs, double mbPerSecond, Keys keys, Double messagesPerMb,
            Double firstKeyMs) {
    }

    /**
     * Many sessions streaming at once, and the key round trips of one more session meanwhile.
     *
     * @param messagesPerMb the WebSocket messages of all the streams per MB (null: no WebSocket)
     */
    record Concurrent(int sessions, long bytes, double aggregateMbPerSecond, Keys keysWhileStreaming,
            Double messagesPerMb) {
    }

    /** One round of the one-session scenario on one recording: each client's session (node: null if not run). */
    record SingleRound(String recording, Single java, Single node) {
    }

    /** One concurrency on one recording: each client's sessions (node: null if not run). */
    record ConcurrentPair(String recording, Concurrent java, Concurrent node) {
    }

    /**
     * One client's figures on one recording: {@code single} is the round (of {@code singleRounds}, run in turns
     * with the other paths) with the median throughput.
     */
    record ClientFigures(Single single, List<Single> singleRounds, List<Concurrent> concurrent) {

        Concurrent concurrent(int sessions) {
            return concurrent.stream().filter(c -> c.sessions() == sessions).findFirst().orElse(null);
        }
    }

    /** One recording on one path: the figures of the Java client and of the browser-like one (null: not run). */
    record RecordingFigures(String recording, ClientFigures java, ClientFigures node) {
    }

    /** Idle sessions: what they cost the gateway's JVM, after a full GC. */
    record Idle(int sessions, long baselineLiveHeapBytes, long liveHeapBytes, int baselineThreads, int threads,
            double heapPerSessionKiB, double threadsPerSession) {
    }

    /**
     * Everything measured on one path, recording by recording; {@code skipped} says why a path was not measured.
     *
     * @param nodeExtensions the WebSocket extensions the browser-like client's handshake agreed on ("" none,
     *                       null: that client did not run here)
     */
    record PathResult(String path, List<RecordingFigures> recordings, Idle idle, Double startToReadyMs,
            String nodeExtensions, String skipped) {

        static PathResult skipped(String path, String why) {
            return new PathResult(path, List.of(), null, null, null, why);
        }

        RecordingFigures recording(String name) {
            return recordings.stream().filter(r -> r.recording().equals(name)).findFirst().orElse(null);
        }
    }

    /**
     * Browser click-to-first-frame (median of the runs), beside the same figure straight to guacd (a new
     * connection, the floor, and joining a live one). The
     * {@code …FromWebSocketMs} figures start when the page opened its WebSocket, leaving out the page's own loading.
     */
    record FirstFrame(int runs, double directGuacdFloorMs, double directGuacdJoinMs, double keyholeNewMs,
            double keyholeJoinMs, double keyholeNewFromWebSocketMs, double keyholeJoinFromWebSocketMs,
            List<Double> directGuacdSamplesMs, List<Double> directGuacdJoinSamplesMs, List<Double> keyholeNewSamplesMs,
            List<Double> keyholeJoinSamplesMs, String skipped) {

        static FirstFrame skipped(String why) {
            return new FirstFrame(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                    List.of(), List.of(), List.of(), List.of(), why);
        }
    }

    /**
     * Keyhole's figure over another path's, the worst over the recordings (the lowest for throughput, the highest
     * for key round trips), and on which recording.
     */
    record Ratio(String measure, String client, String other, double value, String recording) {
    }

    /** The whole run. */
    record Report(String when, Map<String, String> machine, Map<String, Object> settings, List<PathResult> paths,
            List<Ratio> ratios, FirstFrame firstFrame, List<String> targets) {
    }

    static double ms(long nanos) {
        return nanos / 1e6;
    }

    static long percentile(List<Long> sorted, double p) {
        int index = (int) Math.ceil(p * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }

    static double median(List<Double> values) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
