package dev.keyhole.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The benchmark at tiny sizes, so that it cannot rot: the direct socket, the WebSocket ceiling and Keyhole's
 * tunnel each complete every scenario and produce figures (the figures themselves are not judged here). The heavy
 * parts (Guacamole's tunnel on Tomcat, guacamole-lite, 200 sessions, the browser) run in {@code ./keyhole bench}.
 */
class BenchmarkSmokeTest {

    @Test
    void everyPathCompletesEveryScenarioAndProducesFigures() throws Exception {
        Path out = Path.of(System.getProperty("keyhole.bench.out", "target/bench-smoke"));
        Path repo = Path.of(System.getProperty("keyhole.repo", ".."));
        Results.Report report = Benchmark.run(Options.smoke(out, repo, Path.of("/var/cache/keyhole/bench")));

        assertEquals(List.of("direct", "ws-ceiling", "keyhole"),
                report.paths().stream().map(Results.PathResult::path).toList());
        for (Results.PathResult path : report.paths()) {
            String name = path.path();
            assertTrue(path.single().mbPerSecond() > 0, name + ": throughput " + path.single());
            assertTrue(path.single().timeToFirstByteMs() >= 0, name + ": time to first byte " + path.single());
            assertEquals(20, path.single().keys().count(), name + ": key round trips " + path.single());
            assertEquals(1, path.concurrent().size(), name + ": concurrent scenarios " + path.concurrent());
            assertTrue(path.concurrent().get(0).aggregateMbPerSecond() > 0, name + ": " + path.concurrent());
        }
        Results.PathResult keyhole = report.paths().get(2);
        assertNotNull(keyhole.idle(), "Keyhole's idle figures");
        assertTrue(keyhole.idle().liveHeapBytes() > 0, "Keyhole's live heap " + keyhole.idle());
        assertNotNull(keyhole.startToReadyMs(), "Keyhole's start-to-ready time");
        assertTrue(report.ratios().containsKey("throughput 1× Keyhole/direct"), "ratios " + report.ratios());
        assertTrue(Files.size(out.resolve("bench.json")) > 0, "bench.json written");
        assertTrue(Table.render(report).contains("keyhole"), "the table");
    }
}
