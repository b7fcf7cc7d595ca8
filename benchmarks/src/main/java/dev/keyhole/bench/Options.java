package dev.keyhole.bench;

import java.nio.file.Path;
import java.util.List;

/**
 * What one run measures.
 *
 * @param singleBytes     the stream of the one-session scenario
 * @param keys            key presses timed after it
 * @param concurrency     the numbers of concurrent sessions
 * @param concurrentBytes the bytes all concurrent sessions stream together
 * @param idleSessions    idle sessions held open for the memory figures (0: none)
 * @param warmupBytes     the warm-up session's stream, at each start of a path
 * @param warmupKeys      the warm-up session's keys
 * @param peers           whether Guacamole's tunnel and guacamole-lite are measured
 * @param browserRuns     browser first-frame runs per figure (0: none)
 * @param rounds          one-session rounds per path, taken in turns across the paths
 * @param out             where the JSON goes
 * @param work            logs and generated files
 * @param repo            the repository (for the locked console script)
 * @param cache           where the recordings are kept between runs
 * @param recordings      the names of the recordings every scenario runs on ({@link Recordings})
 */
record Options(long singleBytes, int keys, List<Integer> concurrency, long concurrentBytes, int idleSessions,
        long warmupBytes, int warmupKeys, boolean peers, int browserRuns, int rounds, Path out, Path work, Path repo,
        Path cache, List<String> recordings) {

    private static final long MB = 1_000_000;

    /**
     * The real benchmark. Each start of a gateway is warmed up with 100 MB and 6,000 keys, so that the JIT has
     * compiled the relay and the key path before they are measured (docs/benchmarks.md, "Where the time goes");
     * 5,000 keys are timed, so that their p99 is more than one stall of the machine's scheduler.
     */
    static Options full(Path out, Path repo, Path cache) {
        return new Options(200 * MB, 5000, List.of(20, 200), 200 * MB, 200, 100 * MB, 6000, true, 10, 3, out,
                out.resolve("work"), repo, cache, Recordings.names());
    }

    /** Tiny sizes, the fast paths only: that each path completes and produces figures. */
    static Options smoke(Path out, Path repo, Path cache) {
        return new Options(2 * MB, 20, List.of(3), 3 * MB, 5, MB, 10, false, 0, 1, out, out.resolve("work"), repo,
                cache, List.of("prompt", "boot-log"));
    }
}
