package dev.keyhole.bench;

import java.nio.file.Path;
import java.util.List;

/**
 * What one run measures.
 *
 * @param java        the sizes of the Java client, which counts bytes ({@link Session})
 * @param node        the sizes of the browser-like client on Node.js ({@link BrowserClient}; null: not run)
 * @param concurrency the numbers of concurrent sessions
 * @param idleSessions idle sessions held open for the memory figures (0: none)
 * @param peers       whether Guacamole's tunnel and guacamole-lite are measured
 * @param browserRuns browser first-frame runs per figure (0: none)
 * @param rounds      one-session rounds per path, taken in turns across the paths
 * @param out         where the JSON goes
 * @param work        logs and generated files
 * @param repo        the repository (for the consoles' scripts)
 * @param cache       where the recordings are kept between runs
 * @param recordings  the names of the recordings every scenario runs on ({@link Recordings})
 */
record Options(ClientSizes java, ClientSizes node, List<Integer> concurrency, int idleSessions, boolean peers,
        int browserRuns, int rounds, Path out, Path work, Path repo, Path cache, List<String> recordings) {

    private static final long MB = 1_000_000;

    /**
     * What one client streams and presses, on each recording and at each start of a path.
     *
     * @param singleBytes     the stream of the one-session scenario
     * @param keys            key presses timed after it
     * @param concurrentBytes the bytes all concurrent sessions stream together
     * @param warmupBytes     the warm-up's streams at each start of a path (the Java client's: shared out over
     *                        the recordings)
     * @param warmupKeys      the warm-up's keys
     * @param maxFrames       the most frames (recorded {@code sync}s) a one-session stream or all the concurrent
     *                        sessions' streams together hold (0: no limit), whatever their bytes: the client
     *                        answers every frame's {@code sync}, and a replay's small frames come much faster than
     *                        a console's
     */
    record ClientSizes(long singleBytes, int keys, long concurrentBytes, long warmupBytes, int warmupKeys,
            int maxFrames) {

        /** @return {@code bytes} of {@code recording}, or less if that many would hold more than {@link #maxFrames} */
        long capped(Recording.Stats recording, long bytes) {
            if (maxFrames == 0) {
                return bytes;
            }
            return Math.min(bytes, maxFrames * (recording.bytes() / Math.max(1, recording.syncs())));
        }
    }

    /**
     * The real benchmark: about a quarter of an hour with the five recordings (estimated from runs of one round).
     * Each start of a gateway is warmed up with 100 MB and 6,000 keys of the Java client, so that the JIT has
     * compiled the relay and the key path before they are measured (docs/benchmarks.md, "Where the time goes");
     * 5,000 keys are timed, so that their p99 is more than one stall of the machine's scheduler. The browser-like
     * client, slower per byte, streams less, at most 20,000 frames a session (the prompt's and GRUB's small
     * frames: 12.6 and 7.3 MB), and times 300 keys (through guacamole-lite each of its keys takes some 44 ms).
     */
    static Options full(Path out, Path repo, Path cache) {
        return new Options(new ClientSizes(200 * MB, 5000, 200 * MB, 100 * MB, 6000, 0),
                new ClientSizes(40 * MB, 300, 40 * MB, 10 * MB, 100, 20_000), List.of(20, 200), 200, true, 10, 3, out,
                out.resolve("work"), repo, cache, Recordings.names());
    }

    /**
     * Tiny sizes, the fast paths only (the direct socket, the WebSocket ceiling and Keyhole), the recordings that
     * are quickest to capture (the RDP ones, not QEMU's): that each path completes and produces figures.
     */
    static Options smoke(Path out, Path repo, Path cache) {
        return new Options(new ClientSizes(2 * MB, 20, 3 * MB, MB, 10, 0), new ClientSizes(MB, 10, MB, MB / 2, 5, 2000),
                List.of(3), 5, false, 0, 1, out, out.resolve("work"), repo, cache, List.of("prompt", "boot-log"));
    }
}
