package dev.keyhole.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class FreePortsTest {

    /**
     * Four threads reserving 500 ports each, as fixtures starting together do: the system repeats released
     * ports well within 2,000 picks, and every one handed out here is different.
     */
    @Test
    void noPortIsHandedOutTwice() throws InterruptedException {
        ConcurrentLinkedQueue<Integer> ports = new ConcurrentLinkedQueue<>();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            Thread thread = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < 500; i++) {
                    ports.add(FreePorts.reserve());
                }
            });
            thread.start();
            threads.add(thread);
        }
        start.countDown();
        for (Thread thread : threads) {
            thread.join(TimeUnit.MINUTES.toMillis(1));
        }
        assertEquals(2000, ports.size(), "every thread reserved its 500 ports");
        assertEquals(2000, new HashSet<>(ports).size(), "ports handed out more than once");
    }
}
