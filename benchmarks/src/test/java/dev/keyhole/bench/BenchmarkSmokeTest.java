package dev.keyhole.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The benchmark at tiny sizes, so that it cannot rot: the direct socket, the WebSocket ceiling and Keyhole's
 * tunnel each complete every scenario on the two RDP recordings quickest to capture (the locked console's prompt
 * and the boot log), with the Java client and, on the WebSocket paths, the browser-like client on Node.js
 * (wherever node and npm are installed), and produce figures (the figures themselves are not judged here). The
 * heavy parts (Guacamole's tunnel on Tomcat, guacamole-lite, 200 sessions, QEMU's recordings, the browser) run in
 * {@code ./keyhole bench}.
 */
class BenchmarkSmokeTest {

    @Test
    void everyPathCompletesEveryScenarioOnEveryRecordingAndProducesFigures() throws Exception {
        Path out = Path.of(System.getProperty("keyhole.bench.out", "target/bench-smoke"));
        Path repo = Path.of(System.getProperty("keyhole.repo", ".."));
        Options options = Options.smoke(out, repo, Path.of("/var/cache/keyhole/bench"));
        Results.Report report = Benchmark.run(options);

        assertEquals(List.of("direct", "ws-ceiling", "keyhole"),
                report.paths().stream().map(Results.PathResult::path).toList());
        boolean nodeInstalled = onPath("node") && onPath("npm");
        for (Results.PathResult path : report.paths()) {
            assertEquals(options.recordings(), path.recordings().stream().map(Results.RecordingFigures::recording)
                    .toList(), path.path() + ": the recordings");
            for (Results.RecordingFigures recording : path.recordings()) {
                String name = path.path() + ", " + recording.recording();
                assertFigures(name + ", java", recording.java(), options.java().keys());
                boolean webSocket = !path.path().equals("direct");
                if (webSocket && nodeInstalled) {
                    assertNotNull(recording.node(), name + ": the browser-like client's figures");
                    assertFigures(name + ", node", recording.node(), options.node().keys());
                    assertTrue(recording.node().single().messagesPerMb() > 0, name + ": node's messages");
                } else {
                    assertNull(recording.node(), name + ": no browser-like client here");
                }
                assertEquals(webSocket, recording.java().single().messagesPerMb() != null, name + ": messages/MB");
            }
        }
        Results.PathResult keyhole = report.paths().get(2);
        assertNotNull(keyhole.idle(), "Keyhole's idle figures");
        assertTrue(keyhole.idle().liveHeapBytes() > 0, "Keyhole's live heap " + keyhole.idle());
        assertNotNull(keyhole.startToReadyMs(), "Keyhole's start-to-ready time");
        assertTrue(report.ratios().stream().anyMatch(r -> r.measure().equals("throughput 1×")
                && r.other().equals("direct")), "ratios " + report.ratios());
        assertTrue(Files.size(out.resolve("bench.json")) > 0, "bench.json written");
        String table = Table.render(report);
        assertTrue(table.contains("keyhole") && table.contains("recording boot-log"), "the table:\n" + table);
    }

    private static void assertFigures(String name, Results.ClientFigures figures, int keys) {
        assertTrue(figures.single().mbPerSecond() > 0, name + ": throughput " + figures.single());
        assertTrue(figures.single().timeToFirstByteMs() >= 0, name + ": time to first byte " + figures.single());
        assertEquals(keys, figures.single().keys().count(), name + ": key round trips " + figures.single());
        assertEquals(1, figures.concurrent().size(), name + ": concurrent scenarios " + figures.concurrent());
        assertTrue(figures.concurrent().get(0).aggregateMbPerSecond() > 0, name + ": " + figures.concurrent());
    }

    private static boolean onPath(String program) {
        for (String directory : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!directory.isEmpty() && Files.isExecutable(Path.of(directory, program))) {
                return true;
            }
        }
        return false;
    }
}
