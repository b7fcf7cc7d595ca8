package dev.keyhole.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keyhole.e2e.fixtures.KeyholeE2E;
import dev.keyhole.e2e.fixtures.LockedConsole;
import dev.keyhole.e2e.fixtures.RunningKeyhole;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** How tunnels end when the console behind them ends. */
@KeyholeE2E
class ConsoleEndingsTest {

    private static final Duration WAIT = Duration.ofSeconds(15);

    @Test
    void everyViewerHearsAtOnceInWordsItCanActOnThatTheConsolesServerWentAway(RunningKeyhole keyhole,
            LockedConsole console) throws Exception {
        RawTunnel.awaitConsole(keyhole.tunnel(RunningKeyhole.TARGET));
        try (RawTunnel first = RawTunnel.open(keyhole.tunnel(RunningKeyhole.TARGET));
             RawTunnel second = RawTunnel.open(keyhole.tunnel(RunningKeyhole.TARGET))) {
            first.awaitMoreThan(0, WAIT);
            second.awaitMoreThan(0, WAIT);

            console.close();

            for (RawTunnel viewer : new RawTunnel[] {first, second}) {
                RawTunnel.Close close = viewer.awaitClose(Duration.ofSeconds(2));
                assertTrue(close.reason().startsWith("519 The console's RDP/VNC server closed or refused the connection"),
                        close::toString);
                assertFalse(close.reason().contains("wrong security type"), "guacd's own text stays in the log");
                assertFalse(viewer.opcodes().contains("error"), "guacd's error instruction is not relayed");
            }
            assertEquals(first.closeStatus(), second.closeStatus());
        }
    }
}
