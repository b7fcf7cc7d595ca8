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

    /** One session alone. */
    record Single(long bytes, double timeToFirstByteMs, double mbPerSecond, Keys keys) {
    }

    /** Many sessions streaming at once, and the key round trips of one more session meanwhile. */
    record Concurrent(int sessions, long bytes, double aggregateMbPerSecond, Keys keysWhileStreaming) {
    }

    /** Idle sessions: what they cost the gateway's JVM, after a full GC. */
    record Idle(int sessions, long baselineLiveHeapBytes, long liveHeapBytes, int baselineThreads, int threads,
            double heapPerSessionKiB, double threadsPerSession) {
    }

    /**
     * Everything measured on one path; {@code skipped} says why a path was not measured. {@code single} is the
     * round (of {@code singleRounds}, run in turns with the other paths) with the median throughput.
     */
    record PathResult(String path, Single single, List<Single> singleRounds, List<Concurrent> concurrent, Idle idle,
            Double startToReadyMs, String skipped) {

        static PathResult skipped(String path, String why) {
            return new PathResult(path, null, List.of(), List.of(), null, null, why);
        }

        Concurrent concurrent(int sessions) {
            return concurrent.stream().filter(c -> c.sessions() == sessions).findFirst().orElse(null);
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

    /** The whole run. */
    record Report(String when, Map<String, String> machine, Map<String, Object> settings, List<PathResult> paths,
            Map<String, Double> ratios, FirstFrame firstFrame, List<String> targets) {
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
