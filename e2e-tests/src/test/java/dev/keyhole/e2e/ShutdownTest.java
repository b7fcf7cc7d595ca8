package dev.keyhole.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.keyhole.e2e.fixtures.E2ePaths;
import dev.keyhole.e2e.fixtures.Guacd;
import dev.keyhole.e2e.fixtures.KeyholeE2E;
import dev.keyhole.e2e.fixtures.LockedConsole;
import dev.keyhole.e2e.fixtures.ManagedProcess;
import dev.keyhole.e2e.fixtures.ProcNetTcp;
import dev.keyhole.e2e.fixtures.RunningKeyhole;
import dev.keyhole.e2e.fixtures.ServedKeyhole;
import dev.keyhole.e2e.fixtures.SignedIn;
import dev.keyhole.e2e.fixtures.Waits;
import dev.keyhole.testsupport.FreePorts;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Keyhole stopped as a service manager stops it, with SIGTERM to its own process: every open page hears why
 * before the server goes, and can come back by itself.
 */
@KeyholeE2E
class ShutdownTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @Test
    void onSigtermEveryTunnelHearsThatKeyholeIsRestarting(Guacd guacd, LockedConsole console) throws Exception {
        Path dir = E2ePaths.fixtureDir(ShutdownTest.class, "keyhole");
        Path config = dir.resolve("keyhole.yaml");
        Files.writeString(config, RunningKeyhole.yaml(guacd, console, dir.resolve("data")));
        int port = FreePorts.reserve();
        Path log = dir.resolve("keyhole.log");
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        ManagedProcess server = ManagedProcess.start("keyhole", List.of("env", "KEYHOLE_HTTP_PORT=" + port,
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", classpath,
                "dev.keyhole.server.Main", "--config", config.toString()), log, null);
        try {
            Waits.until("Keyhole to listen on 127.0.0.1:" + port, WAIT,
                    () -> "keyhole " + server.status() + "; its log ends with:\n" + ManagedProcess.tail(log, 10),
                    () -> ProcNetTcp.listening(port));
            ServedKeyhole.addTestUser(config);
            URI base = URI.create("http://127.0.0.1:" + port + "/");
            RunningKeyhole.Tunnel tunnel = new RunningKeyhole.Tunnel(URI.create("ws://127.0.0.1:" + port
                    + "/tunnel?target=" + RunningKeyhole.TARGET), SignedIn.redeem(base, ServedKeyhole.signInLink(config,
                    base)));
            RawTunnel.awaitConsole(tunnel);
            try (RawTunnel first = RawTunnel.open(tunnel); RawTunnel second = RawTunnel.open(tunnel)) {
                first.awaitMoreThan(0, WAIT);
                second.awaitMoreThan(0, WAIT);

                CompletableFuture<Void> stopped = CompletableFuture.runAsync(() -> server.stop(WAIT));

                for (RawTunnel viewer : new RawTunnel[] {first, second}) {
                    RawTunnel.Close close = viewer.awaitClose(WAIT);
                    assertEquals(1001, close.code(), close::toString);
                    assertEquals("513 Keyhole is restarting", close.reason());
                }
                stopped.join();
            }
        } finally {
            server.stop(Duration.ofSeconds(5));
        }
        Waits.until("the log to say Keyhole stopped", WAIT, () -> ManagedProcess.tail(log, 10),
                () -> ManagedProcess.tail(log, 50).contains("Keyhole stopped"));
    }
}
