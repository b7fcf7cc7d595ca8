package dev.keyhole.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/** The printed table, the ratios and the targets, all computed from the figures. */
final class Table {

    /** The paths Keyhole is compared with, in the table's order. */
    private static final List<String> OTHERS = List.of("direct", "ws-ceiling", "guacamole", "guacamole-lite");

    private Table() {
    }

    static String render(Results.Report report) {
        StringBuilder out = new StringBuilder();
        List<Integer> concurrency = concurrency(report.paths());
        out.append(String.format(Locale.ROOT, "%nRelay benchmark, %s; %s, %s cores, %s%n", report.when(),
                report.machine().get("cpu"), report.machine().get("cores"), report.machine().get("memory")));
        out.append("clients: java counts bytes (no decoding, no extension); node is browser-like (decodes, parses, "
                + "answers syncs, offers permessage-deflate);\n1st key: node's first key after its stream, untimed "
                + "among the keys: its echo waits for the gateway to pass on node's sync answers\n");
        StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "%-15s %-6s %8s %9s %9s %22s %10s",
                "path", "client", "TTFB ms", "1× MB/s", "1× msg/MB", "key p50/p99/max ms", "1st key ms"));
        for (int n : concurrency) {
            header.append(String.format(Locale.ROOT, " %9s %10s %11s", n + "× MB/s", n + "× msg/MB",
                    n + "× key p99"));
        }
        List<String> recordings = recordings(report.paths());
        for (String recording : recordings) {
            out.append('\n').append(recordingLine(report, recording)).append('\n');
            out.append(header).append('\n').append("-".repeat(header.length())).append('\n');
            for (Results.PathResult path : report.paths()) {
                if (path.skipped() != null) {
                    out.append(String.format(Locale.ROOT, "%-15s skipped: %s%n", path.path(), path.skipped()));
                    continue;
                }
                Results.RecordingFigures figures = path.recording(recording);
                row(out, path.path(), "java", figures.java(), concurrency);
                if (figures.node() != null) {
                    row(out, path.path(), "node", figures.node(), concurrency);
                }
            }
        }
        out.append('\n').append(String.format(Locale.ROOT, "%-15s %14s %11s %8s  %s%n", "path", "idle KiB/sess",
                "thr/sess", "start ms", "node's WebSocket extensions"));
        for (Results.PathResult path : report.paths()) {
            if (path.skipped() != null) {
                continue;
            }
            Results.Idle idle = path.idle();
            out.append(String.format(Locale.ROOT, "%-15s %14s %11s %8s  %s%n", path.path(),
                    idle == null ? "-" : String.format(Locale.ROOT, "%.1f", idle.heapPerSessionKiB()),
                    idle == null ? "-" : String.format(Locale.ROOT, "%.3f", idle.threadsPerSession()),
                    path.startToReadyMs() == null ? "-" : String.format(Locale.ROOT, "%.0f", path.startToReadyMs()),
                    path.nodeExtensions() == null ? "-" : path.nodeExtensions().isEmpty() ? "none"
                            : path.nodeExtensions()));
        }
        if (!report.ratios().isEmpty()) {
            ratioTable(out, report.ratios());
        }
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

    /** The ratios as a table: a row for each other path and client, a column for each measure. */
    private static void ratioTable(StringBuilder out, List<Results.Ratio> ratios) {
        List<String> measures = new ArrayList<>();
        List<String> rows = new ArrayList<>();
        for (Results.Ratio ratio : ratios) {
            if (!measures.contains(ratio.measure())) {
                measures.add(ratio.measure());
            }
            String row = ratio.other() + ", " + ratio.client();
            if (!rows.contains(row)) {
                rows.add(row);
            }
        }
        out.append("\nKeyhole over the others, the worst over the recordings (and on which)\n");
        StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "%-22s", "Keyhole /"));
        measures.forEach(measure -> header.append(String.format(Locale.ROOT, " %-20s", measure)));
        out.append(header.toString().stripTrailing()).append('\n').append("-".repeat(header.length())).append('\n');
        for (String row : rows) {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-22s", row));
            for (String measure : measures) {
                String cell = ratios.stream().filter(r -> r.measure().equals(measure)
                        && (r.other() + ", " + r.client()).equals(row)).findFirst()
                        .map(r -> String.format(Locale.ROOT, "%.2f %s", r.value(), r.recording())).orElse("-");
                line.append(String.format(Locale.ROOT, " %-20s", cell));
            }
            out.append(line.toString().stripTrailing()).append('\n');
        }
    }

    private static String recordingLine(Results.Report report, String recording) {
        Object stats = report.settings().get("recordings");
        if (stats instanceof List<?> list) {
            for (Object item : list) {
                if (item instanceof Recording.Stats s && s.name().equals(recording)) {
                    return "recording " + Benchmark.describe(s);
                }
            }
        }
        return "recording " + recording;
    }

    private static void row(StringBuilder out, String path, String client, Results.ClientFigures figures,
            List<Integer> concurrency) {
        Results.Single s = figures.single();
        out.append(String.format(Locale.ROOT, "%-15s %-6s %8.1f %9.1f %9s %22s %10s", path, client,
                s.timeToFirstByteMs(), s.mbPerSecond(), messages(s.messagesPerMb()), keys(s.keys()),
                s.firstKeyMs() == null ? "-" : String.format(Locale.ROOT, "%.1f", s.firstKeyMs())));
        for (int n : concurrency) {
            Results.Concurrent c = figures.concurrent(n);
            out.append(c == null ? String.format(Locale.ROOT, " %9s %10s %11s", "-", "-", "-")
                    : String.format(Locale.ROOT, " %9.1f %10s %11.2f", c.aggregateMbPerSecond(),
                            messages(c.messagesPerMb()), c.keysWhileStreaming().p99Ms()));
        }
        out.append('\n');
    }

    private static String messages(Double perMb) {
        return perMb == null ? "-" : String.format(Locale.ROOT, "%.0f", perMb);
    }

    private static String keys(Results.Keys keys) {
        return String.format(Locale.ROOT, "%.2f/%.2f/%.2f", keys.p50Ms(), keys.p99Ms(), keys.maxMs());
    }

    private static List<Integer> concurrency(List<Results.PathResult> paths) {
        List<Integer> concurrency = new ArrayList<>();
        for (Results.PathResult path : paths) {
            for (Results.RecordingFigures recording : path.recordings()) {
                for (Results.Concurrent c : recording.java().concurrent()) {
                    if (!concurrency.contains(c.sessions())) {
                        concurrency.add(c.sessions());
                    }
                }
            }
        }
        return concurrency;
    }

    private static List<String> recordings(List<Results.PathResult> paths) {
        List<String> recordings = new ArrayList<>();
        for (Results.PathResult path : paths) {
            for (Results.RecordingFigures recording : path.recordings()) {
                if (!recordings.contains(recording.recording())) {
                    recordings.add(recording.recording());
                }
            }
        }
        return recordings;
    }

    private static Results.PathResult find(List<Results.PathResult> paths, String name) {
        return paths.stream().filter(p -> p.path().equals(name) && p.skipped() == null).findFirst().orElse(null);
    }

    /**
     * Keyhole's figures over each other path's, for each client, the worst over the recordings: the lowest
     * throughput ratio (the one-session one: the median of the rounds' ratios) and the highest key round trip
     * ratio.
     */
    static List<Results.Ratio> ratios(List<Results.PathResult> paths) {
        List<Results.Ratio> ratios = new ArrayList<>();
        Results.PathResult keyhole = find(paths, "keyhole");
        if (keyhole == null) {
            return ratios;
        }
        for (String other : OTHERS) {
            Results.PathResult path = find(paths, other);
            if (path == null) {
                continue;
            }
            for (String client : List.of("java", "node")) {
                Function<Results.RecordingFigures, Results.ClientFigures> of = client.equals("java")
                        ? Results.RecordingFigures::java : Results.RecordingFigures::node;
                worst(ratios, "throughput 1×", client, other, keyhole, path, of, true, Table::roundRatio);
                for (Results.Concurrent c : keyhole.recordings().get(0).java().concurrent()) {
                    int n = c.sessions();
                    worst(ratios, "throughput " + n + "×", client, other, keyhole, path, of, true, (k, o) ->
                            k.concurrent(n) == null || o.concurrent(n) == null ? Double.NaN
                                    : k.concurrent(n).aggregateMbPerSecond() / o.concurrent(n).aggregateMbPerSecond());
                }
                worst(ratios, "key p50 1×", client, other, keyhole, path, of, false,
                        (k, o) -> k.single().keys().p50Ms() / o.single().keys().p50Ms());
                worst(ratios, "key p99 1×", client, other, keyhole, path, of, false,
                        (k, o) -> k.single().keys().p99Ms() / o.single().keys().p99Ms());
            }
        }
        return ratios;
    }

    /** Adds the worst of {@code ratio} over the recordings both paths have the client's figures of. */
    private static void worst(List<Results.Ratio> ratios, String measure, String client, String other,
            Results.PathResult keyhole, Results.PathResult path,
            Function<Results.RecordingFigures, Results.ClientFigures> of, boolean lowestIsWorst,
            java.util.function.BiFunction<Results.ClientFigures, Results.ClientFigures, Double> ratio) {
        Worst worst = Worst.over(keyhole, mine -> {
            Results.RecordingFigures theirs = path.recording(mine.recording());
            return theirs == null || of.apply(mine) == null || of.apply(theirs) == null ? Double.NaN
                    : ratio.apply(of.apply(mine), of.apply(theirs));
        }, lowestIsWorst);
        if (worst != null) {
            ratios.add(new Results.Ratio(measure, client, other, worst.value(), worst.recording()));
        }
    }

    /**
     * The median over the rounds of Keyhole's one-session throughput over the other path's in the same round (the
     * paths of a round ran one after the other, so they saw much the same load on the machine).
     */
    static double roundRatio(Results.ClientFigures keyhole, Results.ClientFigures other) {
        List<Double> ratios = new ArrayList<>();
        for (int i = 0; i < Math.min(keyhole.singleRounds().size(), other.singleRounds().size()); i++) {
            ratios.add(keyhole.singleRounds().get(i).mbPerSecond() / other.singleRounds().get(i).mbPerSecond());
        }
        return ratios.isEmpty() ? keyhole.single().mbPerSecond() / other.single().mbPerSecond()
                : Results.median(ratios);
    }

    /** Each target, with the figure it is judged on: the Java client's, the worst over the recordings. */
    static List<String> targets(List<Results.PathResult> paths, Results.FirstFrame frame) {
        List<String> targets = new ArrayList<>();
        Results.PathResult keyhole = find(paths, "keyhole");
        Results.PathResult direct = find(paths, "direct");
        Results.PathResult ceiling = find(paths, "ws-ceiling");
        if (keyhole == null || direct == null || ceiling == null) {
            return targets;
        }
        Worst share = Worst.over(keyhole, recording -> roundRatio(recording.java(),
                ceiling.recording(recording.recording()).java()), true);
        targets.add(line(share.value() >= 0.5, "1-session throughput >= 50%% of the WebSocket ceiling: %.0f%% (%s; "
                + "median of the rounds' ratios)", share.value() * 100, share.recording()));
        Worst added = Worst.over(keyhole, recording -> recording.java().single().keys().p99Ms()
                - direct.recording(recording.recording()).java().single().keys().p99Ms(), false);
        targets.add(line(added.value() <= 1, "key p99 added over direct, 1 session <= 1 ms: %.2f ms (%s)",
                added.value(), added.recording()));
        int most = keyhole.recordings().get(0).java().concurrent().stream().mapToInt(Results.Concurrent::sessions)
                .max().orElse(0);
        if (most > 0) {
            Worst keys = Worst.over(keyhole, recording -> recording.java().concurrent(most).keysWhileStreaming()
                    .p99Ms(), false);
            targets.add(line(keys.value() < 50, "key p99 with %d streaming sessions < 50 ms: %.2f ms (%s)", most,
                    keys.value(), keys.recording()));
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

    /** The worst of a figure over Keyhole's recordings, and on which. */
    private record Worst(double value, String recording) {

        /** @return the worst of the figures that are not NaN (null: none is) */
        static Worst over(Results.PathResult keyhole, Function<Results.RecordingFigures, Double> figure,
                boolean lowestIsWorst) {
            Worst worst = null;
            for (Results.RecordingFigures recording : keyhole.recordings()) {
                double value = figure.apply(recording);
                if (Double.isNaN(value)) {
                    continue;
                }
                if (worst == null || (lowestIsWorst ? value < worst.value() : value > worst.value())) {
                    worst = new Worst(value, recording.recording());
                }
            }
            return worst;
        }
    }

    private static String line(boolean holds, String format, Object... args) {
        return (holds ? "target holds:  " : "target missed: ") + String.format(Locale.ROOT, format, args);
    }
}
