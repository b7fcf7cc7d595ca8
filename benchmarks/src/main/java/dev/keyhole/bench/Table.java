package dev.keyhole.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The printed table, the ratios and the targets, all computed from the figures. */
final class Table {

    private Table() {
    }

    static String render(Results.Report report) {
        StringBuilder out = new StringBuilder();
        List<Integer> concurrency = new ArrayList<>();
        for (Results.PathResult path : report.paths()) {
            for (Results.Concurrent c : path.concurrent()) {
                if (!concurrency.contains(c.sessions())) {
                    concurrency.add(c.sessions());
                }
            }
        }
        out.append(String.format(Locale.ROOT, "%nRelay benchmark, %s; %s, %s cores, %s%n", report.when(),
                report.machine().get("cpu"), report.machine().get("cores"), report.machine().get("memory")));
        StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "%-15s %8s %9s %24s",
                "path", "TTFB ms", "1× MB/s", "key p50/p99/max ms"));
        for (int n : concurrency) {
            header.append(String.format(Locale.ROOT, " %9s %11s", n + "× MB/s", n + "× key p99"));
        }
        header.append(String.format(Locale.ROOT, " %14s %11s %8s", "idle KiB/sess", "thr/sess", "start ms"));
        out.append(header).append('\n').append("-".repeat(header.length())).append('\n');
        for (Results.PathResult path : report.paths()) {
            if (path.skipped() != null) {
                out.append(String.format(Locale.ROOT, "%-15s skipped: %s%n", path.path(), path.skipped()));
                continue;
            }
            Results.Single s = path.single();
            out.append(String.format(Locale.ROOT, "%-15s %8.1f %9.1f %24s", path.path(), s.timeToFirstByteMs(),
                    s.mbPerSecond(), keys(s.keys())));
            for (int n : concurrency) {
                Results.Concurrent c = path.concurrent(n);
                out.append(c == null ? String.format(Locale.ROOT, " %9s %11s", "-", "-")
                        : String.format(Locale.ROOT, " %9.1f %11.2f", c.aggregateMbPerSecond(),
                                c.keysWhileStreaming().p99Ms()));
            }
            Results.Idle idle = path.idle();
            out.append(idle == null ? String.format(Locale.ROOT, " %14s %11s", "-", "-")
                    : String.format(Locale.ROOT, " %14.1f %11.3f", idle.heapPerSessionKiB(), idle.threadsPerSession()));
            out.append(path.startToReadyMs() == null ? String.format(Locale.ROOT, " %8s", "-")
                    : String.format(Locale.ROOT, " %8.0f", path.startToReadyMs()));
            out.append('\n');
        }
        out.append('\n');
        report.ratios().forEach((name, value) -> out.append(String.format(Locale.ROOT, "%-52s %8.2f%n", name, value)));
        Results.FirstFrame frame = report.firstFrame();
        if (frame != null) {
            out.append('\n');
            if (frame.skipped() != null) {
                out.append("browser first frame: skipped: ").append(frame.skipped()).append('\n');
            } else {
                out.append(String.format(Locale.ROOT,
                        "first full frame, median of %d: straight to guacd %.0f ms (floor); Keyhole in Chromium: "
                                + "new console %.0f ms, joining a live one %.0f ms%n"
                                + "  of which after the page opened its WebSocket: new console %.0f ms, joining %.0f ms%n"
                                + "  joining a live connection straight to guacd: %.0f ms%n",
                        frame.runs(), frame.directGuacdFloorMs(), frame.keyholeNewMs(), frame.keyholeJoinMs(),
                        frame.keyholeNewFromWebSocketMs(), frame.keyholeJoinFromWebSocketMs(),
                        frame.directGuacdJoinMs()));
            }
        }
        out.append('\n');
        report.targets().forEach(t -> out.append(t).append('\n'));
        return out.toString();
    }

    private static String keys(Results.Keys keys) {
        return String.format(Locale.ROOT, "%.2f/%.2f/%.2f", keys.p50Ms(), keys.p99Ms(), keys.maxMs());
    }

    private static Results.PathResult find(List<Results.PathResult> paths, String name) {
        return paths.stream().filter(p -> p.path().equals(name) && p.skipped() == null).findFirst().orElse(null);
    }

    /** Keyhole's figures over each other path's. */
    static Map<String, Double> ratios(List<Results.PathResult> paths) {
        Map<String, Double> ratios = new LinkedHashMap<>();
        Results.PathResult keyhole = find(paths, "keyhole");
        if (keyhole == null) {
            return ratios;
        }
        for (String other : List.of("direct", "ws-ceiling", "guacamole", "guacamole-lite")) {
            Results.PathResult path = find(paths, other);
            if (path == null) {
                continue;
            }
            ratios.put("throughput 1× Keyhole/" + other, roundRatio(keyhole, path));
            for (Results.Concurrent c : keyhole.concurrent()) {
                Results.Concurrent o = path.concurrent(c.sessions());
                if (o != null) {
                    ratios.put("throughput " + c.sessions() + "× Keyhole/" + other,
                            c.aggregateMbPerSecond() / o.aggregateMbPerSecond());
                }
            }
            ratios.put("key p50 1× Keyhole/" + other, keyhole.single().keys().p50Ms() / path.single().keys().p50Ms());
            ratios.put("key p99 1× Keyhole/" + other, keyhole.single().keys().p99Ms() / path.single().keys().p99Ms());
        }
        return ratios;
    }

    /**
     * The median over the rounds of Keyhole's one-session throughput over the other path's in the same round (the
     * paths of a round ran one after the other, so they saw much the same load on the machine).
     */
    static double roundRatio(Results.PathResult keyhole, Results.PathResult other) {
        List<Double> ratios = new ArrayList<>();
        for (int i = 0; i < Math.min(keyhole.singleRounds().size(), other.singleRounds().size()); i++) {
            ratios.add(keyhole.singleRounds().get(i).mbPerSecond() / other.singleRounds().get(i).mbPerSecond());
        }
        return ratios.isEmpty() ? keyhole.single().mbPerSecond() / other.single().mbPerSecond()
                : Results.median(ratios);
    }

    /** Each target of the issue, with the figure it is judged on. */
    static List<String> targets(List<Results.PathResult> paths, Results.FirstFrame frame) {
        List<String> targets = new ArrayList<>();
        Results.PathResult keyhole = find(paths, "keyhole");
        Results.PathResult direct = find(paths, "direct");
        Results.PathResult ceiling = find(paths, "ws-ceiling");
        if (keyhole == null || direct == null || ceiling == null) {
            return targets;
        }
        double share = roundRatio(keyhole, ceiling);
        targets.add(line(share >= 0.5, "1-session throughput >= 50%% of the WebSocket ceiling: %.0f%% (median of the "
                + "rounds' ratios; medians %.0f and %.0f MB/s)", share * 100, keyhole.single().mbPerSecond(),
                ceiling.single().mbPerSecond()));
        double added = keyhole.single().keys().p99Ms() - direct.single().keys().p99Ms();
        targets.add(line(added <= 1, "key p99 added over direct, 1 session <= 1 ms: %.2f ms", added));
        Results.Concurrent most = keyhole.concurrent().stream()
                .max((a, b) -> Integer.compare(a.sessions(), b.sessions())).orElse(null);
        if (most != null) {
            targets.add(line(most.keysWhileStreaming().p99Ms() < 50, "key p99 with %d streaming sessions < 50 ms: %.2f ms",
                    most.sessions(), most.keysWhileStreaming().p99Ms()));
        }
        if (keyhole.idle() != null) {
            targets.add(line(keyhole.idle().heapPerSessionKiB() <= 256,
                    "heap per idle session <= 256 KiB: %.1f KiB (%d sessions)", keyhole.idle().heapPerSessionKiB(),
                    keyhole.idle().sessions()));
            targets.add(line(keyhole.idle().threadsPerSession() < 0.5, "no thread per idle session: %.3f threads/session",
                    keyhole.idle().threadsPerSession()));
        }
        if (keyhole.startToReadyMs() != null) {
            targets.add(line(keyhole.startToReadyMs() < 1500, "server start to ready < 1500 ms: %.0f ms (median, JVM launch included)",
                    keyhole.startToReadyMs()));
        }
        if (frame != null && frame.skipped() == null) {
            targets.add(line(frame.keyholeNewMs() <= frame.directGuacdFloorMs() + 150,
                    "first frame, new console <= direct-guacd floor + 150 ms: %.0f ms vs %.0f + 150 ms",
                    frame.keyholeNewMs(), frame.directGuacdFloorMs()));
            targets.add(line(frame.keyholeJoinMs() < 300, "first frame, joining a live console < 300 ms: %.0f ms",
                    frame.keyholeJoinMs()));
        }
        return targets;
    }

    private static String line(boolean holds, String format, Object... args) {
        return (holds ? "target holds:  " : "target missed: ") + String.format(Locale.ROOT, format, args);
    }
}
