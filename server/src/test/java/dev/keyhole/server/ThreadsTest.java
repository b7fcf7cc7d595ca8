package dev.keyhole.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Keyhole's own threads: made in one place, and all stopped by it. */
class ThreadsTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void closingStopsEveryThread() throws Exception {
        KeyholeServer.Threads threads = KeyholeServer.Threads.start();
        String worker = CompletableFuture.supplyAsync(() -> Thread.currentThread().getName(), threads.work())
                .get(WAIT.toSeconds(), TimeUnit.SECONDS);
        String timer = threads.timers().schedule(() -> Thread.currentThread().getName(), 1, TimeUnit.MILLISECONDS)
                .get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertTrue(worker.startsWith("keyhole-work-"), worker);
        assertTrue(timer.startsWith("keyhole-timer-"), timer);
        threads.close();

        assertTrue(threads.timers().isTerminated(), "the timer has stopped");
        assertTrue(threads.relay().isTerminated(), "the relay loops have stopped");
        assertTrue(threads.work().isTerminated(), "the work executor has stopped");
        assertEquals(0, threads.work().getPoolSize(), "and holds no thread");
    }
}
