package dev.keyhole.e2e;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keyhole.e2e.fixtures.KeyholeE2E;
import dev.keyhole.e2e.fixtures.RunningKeyhole;
import dev.keyhole.e2e.fixtures.Waits;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * What one client can make the server hold: a client that floods the tunnel and never reads (so never answers its
 * console's frames either). The server's heap is measured in this JVM (the server runs in it); a second viewer of
 * the same console keeps receiving throughout. The configured limits are {@link LimitsTest}'s.
 */
@KeyholeE2E
class TunnelLimitsTest {

    private static final Duration WAIT = Duration.ofSeconds(15);
    /** How much the server's live heap may grow while one client floods it: a few buffers, not the flood. */
    private static final long HEAP_BOUND = 64L * 1024 * 1024;
    /** What each flood sends: 20 MiB, in messages below the tunnel's 64 KiB limit. */
    private static final int FLOOD_MESSAGES = 400;

    private static final String TUNNEL = "/tunnel?target=" + RunningKeyhole.TARGET;
    /**
     * The ending of a connection closed while the server had not read all the client sent: TCP then resets it, and
     * the close frame on its way is lost with the rest (the server's log names the reason).
     */
    private static final String RESET = "(reset)";

    @Test
    void aClientThatPingsAndNeverReadsIsAnsweredOnceAndClosedAsTooSlow(RunningKeyhole keyhole) throws Exception {
        String pings = RawTunnel.instruction("", "ping", "1700000000000").repeat(1900);
        flood(keyhole, pings, "776 Viewer too slow");
    }

    @Test
    void aClientThatSendsInstructionsAndNeverReadsIsBoundedToo(RunningKeyhole keyhole) throws Exception {
        String instructions = (RawTunnel.instruction("mouse", "10", "10", "0") + RawTunnel.instruction("nop"))
                .repeat(1800);
        flood(keyhole, instructions, "776 Viewer too slow", "781 ", "515 ", RESET);
    }

    @Test
    void aViewerThatAnswersLateIsClosedAndTheOtherViewerKeepsItsPace(RunningKeyhole keyhole) throws Exception {
        RawTunnel.awaitConsole(keyhole.tunnel(RunningKeyhole.TARGET));
        try (RawTunnel bystander = RawTunnel.open(keyhole.tunnel(RunningKeyhole.TARGET));
             RawTunnel late = RawTunnel.open(keyhole.tunnel(RunningKeyhole.TARGET))
                     .answerSyncsLate(Duration.ofSeconds(7))) {
            bystander.awaitMoreThan(0, WAIT);
            RawTunnel.Close close = late.awaitClose(Duration.ofSeconds(30));
            assertTrue(close.reason().startsWith("776 Viewer too slow: a frame of the console unanswered for more than"),
                    close::toString);
            // The console's cursor blinks twice a second; paced to a viewer 7 s late it drew a frame every 7 s.
            int seen = bystander.syncs();
            Waits.until("the other viewer to receive 10 frames again", WAIT,
                    () -> (bystander.syncs() - seen) + " frames", () -> bystander.syncs() - seen >= 10);
            assertNull(bystander.closeStatus(), "the other viewer stays connected");
        }
    }

    /**
     * Floods a tunnel of a client that never reads with {@code message}, {@link #FLOOD_MESSAGES} times, while
     * another viewer watches; checks the heap, the other viewer, and that the flooding client is closed with one
     * of {@code reasons} (guacd may drop a user that floods it before Keyhole finds it too slow or too fast).
     */
    private static void flood(RunningKeyhole keyhole, String message, String... reasons) throws Exception {
        RawTunnel.awaitConsole(keyhole.tunnel(RunningKeyhole.TARGET));
        long before = liveHeap();
        ExecutorService sender = Executors.newSingleThreadExecutor();
        try (RawTunnel bystander = RawTunnel.open(keyhole.tunnel(RunningKeyhole.TARGET));
             StalledWebSocket stalled = StalledWebSocket.open(keyhole.uri(), TUNNEL, keyhole.signedIn())) {
            bystander.awaitMoreThan(0, WAIT);
            Future<?> sending = sender.submit(() -> {
                for (int i = 0; i < FLOOD_MESSAGES; i++) {
                    stalled.sendText(message);
                }
                return null;
            });
            try {
                sending.get(60, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                // The server stopped reading this client: it holds no more of the flood than its buffers.
                sending.cancel(true);
            } catch (java.util.concurrent.ExecutionException e) {
                // The server closed this client while it sent: also bounded.
            }
            long grown = liveHeap() - before;
            assertTrue(grown < HEAP_BOUND, "the server's live heap grew by " + grown / (1024 * 1024)
                    + " MiB while one client flooded it without reading");

            int seen = bystander.received();
            bystander.awaitMoreThan(seen, WAIT);
            String ping = Long.toString(System.currentTimeMillis());
            bystander.send(RawTunnel.instruction("", "ping", ping));
            bystander.awaitInstruction(List.of("", "ping", ping), WAIT);
            assertNull(bystander.closeStatus(), "the other viewer stays connected");

            StalledWebSocket.Close close;
            try {
                close = stalled.awaitClose();
            } catch (java.io.IOException e) {
                close = new StalledWebSocket.Close(-1, RESET);
            }
            StalledWebSocket.Close closed = close;
            assertTrue(java.util.Arrays.stream(reasons).anyMatch(closed.reason()::startsWith),
                    () -> "the flooding client was closed with " + closed + ", not one of " + List.of(reasons));
        } finally {
            sender.shutdownNow();
        }
    }

    /** The live heap of this JVM (the server's, the test's and its fixtures') after a full collection. */
    private static long liveHeap() {
        for (int i = 0; i < 2; i++) {
            ManagementFactory.getMemoryMXBean().gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
