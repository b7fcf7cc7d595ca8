package dev.keyhole.server.tunnel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.keyhole.server.config.GuacdConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousChannelGroup;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.guacamole.protocol.GuacamoleClientInformation;
import org.apache.guacamole.protocol.GuacamoleConfiguration;
import org.apache.guacamole.protocol.GuacamoleStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class GuacdConnectionTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private AsynchronousChannelGroup group;
    private ExecutorService waiting;

    @BeforeEach
    void threads() throws IOException {
        group = AsynchronousChannelGroup.withFixedThreadPool(2, Executors.defaultThreadFactory());
        waiting = Executors.newCachedThreadPool();
    }

    @AfterEach
    void stop() throws IOException, InterruptedException {
        waiting.shutdownNow();
        group.shutdownNow();
        group.awaitTermination(5, TimeUnit.SECONDS);
    }

    private GuacdConnection open(FakeGuacd guacd) throws TunnelException {
        return GuacdConnection.open(group, waiting, new GuacdConfig("127.0.0.1", guacd.port()), "rdp",
                new GuacamoleConfiguration(), new GuacamoleClientInformation(), TIMEOUT);
    }

    @Test
    void aWriteDoesNotWaitForARelayThread() throws Exception {
        // Both of the group's threads are kept busy by readers that do not return: a key press must reach guacd
        // all the same, written by the thread that sends it.
        CountDownLatch busy = new CountDownLatch(2);
        CountDownLatch release = new CountDownLatch(1);
        try (FakeGuacd guacd = new FakeGuacd(0)) {
            // Connecting needs the group's threads: connect all three first.
            var accepted = guacd.accept("");
            GuacdConnection connection = open(guacd);
            FakeGuacd.Peer peer = accepted.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            for (int i = 0; i < 2; i++) {
                var acceptedStuck = guacd.accept("");
                GuacdConnection stuck = open(guacd);
                FakeGuacd.Peer stuckPeer = acceptedStuck.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                stuck.startReading(new GuacdConnection.Reader() {
                    @Override
                    public void instructions(ByteBuffer instructions, InstructionBoundaries.Ends ends,
                            Runnable resume) {
                        busy.countDown();
                        try {
                            release.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }

                    @Override
                    public void ended(Throwable cause) {
                    }
                }, false);
                // Read on a relay thread: the handshake's last read held nothing more.
                stuckPeer.write("3.nop;");
            }
            try {
                assertEquals(true, busy.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS), "both relay threads busy");
                connection.write(ByteBuffer.wrap("3.key,5.65307,1.1;".getBytes(StandardCharsets.US_ASCII)));
                List<String> received = CompletableFuture.supplyAsync(() -> {
                    try {
                        return peer.readInstruction();
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                }).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                assertEquals(List.of("key", "65307", "1"), received);
            } finally {
                release.countDown();
                connection.close();
                peer.close();
            }
        }
    }

    @Test
    void writesFromSeveralThreadsAtOnceAllArriveWholeAndInOrder() throws Exception {
        // The console's sync answers (a relay thread) and its keep-alive (the timer) may be written at the same
        // moment; so may a viewer's early input and its key presses.
        // About 500 KB in all: less than Keyhole queues for a guacd that reads slowly (1 MB) before it gives up.
        int threads = 8;
        int each = 4_000;
        try (FakeGuacd guacd = new FakeGuacd(0)) {
            var accepted = guacd.accept("");
            GuacdConnection connection = open(guacd);
            try (FakeGuacd.Peer peer = accepted.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                CountDownLatch start = new CountDownLatch(1);
                List<CompletableFuture<Void>> writers = new java.util.ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    String thread = Integer.toString(t);
                    writers.add(CompletableFuture.runAsync(() -> {
                        try {
                            start.await();
                            for (int i = 0; i < each; i++) {
                                String number = Integer.toString(i);
                                connection.write(ByteBuffer.wrap(("4.sync,1." + thread + "," + number.length() + "."
                                        + number + ";").getBytes(StandardCharsets.US_ASCII)));
                            }
                        } catch (InterruptedException | TunnelException e) {
                            throw new IllegalStateException(e);
                        }
                    }, waiting));
                }
                start.countDown();
                int[] next = new int[threads];
                for (int n = 0; n < threads * each; n++) {
                    List<String> instruction = peer.readInstruction();
                    int thread = Integer.parseInt(instruction.get(1));
                    assertEquals(next[thread]++, Integer.parseInt(instruction.get(2)), "thread " + thread);
                }
                CompletableFuture.allOf(writers.toArray(CompletableFuture[]::new))
                        .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                assertEquals(false, connection.isClosed());
            } finally {
                connection.close();
            }
        }
    }

    @Test
    void writesGuacdHasNoRoomForFinishInOrderOnceItReads() throws Exception {
        try (FakeGuacd guacd = new FakeGuacd(16 * 1024)) {
            var accepted = guacd.accept("");
            GuacdConnection connection = open(guacd);
            try (FakeGuacd.Peer peer = accepted.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                // guacd reads nothing: the socket's buffers fill, then Keyhole's own queue, until it gives up.
                ByteArrayOutputStream taken = new ByteArrayOutputStream();
                for (int i = 0; ; i++) {
                    String value = String.format("%07d", i).repeat(1000);
                    byte[] instruction = ("4.blob," + value.length() + "." + value + ";")
                            .getBytes(StandardCharsets.US_ASCII);
                    try {
                        connection.write(ByteBuffer.wrap(instruction));
                    } catch (TunnelException e) {
                        assertEquals(GuacamoleStatus.CLIENT_OVERRUN, e.status());
                        break;
                    }
                    taken.write(instruction);
                }
                // Everything taken arrives, in order, once guacd reads.
                assertArrayEquals(taken.toByteArray(), peer.read(taken.size()));
            } finally {
                connection.close();
            }
        }
    }

    @Test
    void aGuacdThatFallsSilentEndsTheConnection() throws Exception {
        // guacd writes a keep-alive nop every 5 s; a connection that hears nothing for the silence limit is stuck.
        Duration limit = Duration.ofMillis(400);
        try (FakeGuacd guacd = new FakeGuacd(0)) {
            var accepted = guacd.accept("");
            GuacdConnection connection = open(guacd);
            try (FakeGuacd.Peer peer = accepted.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                CompletableFuture<Throwable> ended = new CompletableFuture<>();
                CountDownLatch keepAlives = new CountDownLatch(8);
                connection.startReading(new GuacdConnection.Reader() {
                    @Override
                    public void instructions(ByteBuffer instructions, InstructionBoundaries.Ends ends,
                            Runnable resume) {
                        for (int i = 0; i < instructions.remaining() / "3.nop;".length(); i++) {
                            keepAlives.countDown();
                        }
                        resume.run();
                    }

                    @Override
                    public void ended(Throwable cause) {
                        ended.complete(cause);
                    }
                }, false, limit);

                // Keep-alives more often than the limit, for twice as long as it: the connection stays open.
                var keepingAlive = Executors.newSingleThreadScheduledExecutor();
                try {
                    keepingAlive.scheduleAtFixedRate(() -> {
                        try {
                            peer.write("3.nop;");
                        } catch (IOException e) {
                            throw new IllegalStateException(e);
                        }
                    }, 0, limit.toMillis() / 4, TimeUnit.MILLISECONDS);
                    assertEquals(true, keepAlives.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS),
                            "waiting for 8 keep-alives, 2 silence limits' worth");
                    assertEquals(false, ended.isDone(), "a guacd that sends keep-alives is not silent");
                } finally {
                    keepingAlive.shutdownNow();
                }

                // Then nothing: the connection ends with a reason, and is closed.
                Throwable cause = ended.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                assertEquals("guacd sent nothing for 400 ms, not even its keep-alive: the connection is stuck",
                        cause.getMessage());
                assertEquals(true, connection.isClosed());
            } finally {
                connection.close();
            }
        }
    }
}
