package dev.keyhole.server.tunnel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keyhole.server.KeyholeServer;
import dev.keyhole.server.config.GuacdConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
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

/** One connection to guacd as its parts make it: the handshake, the stream, the writes and its one ending. */
class GuacdConnectionTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private KeyholeServer.Threads threads;

    @BeforeEach
    void threads() {
        threads = KeyholeServer.Threads.start();
    }

    @AfterEach
    void stop() {
        threads.close();
    }

    private GuacdConnection open(RelayLoops loops, FakeGuacd guacd) throws TunnelException {
        return GuacdConnection.open(loops, new GuacdConfig("127.0.0.1", guacd.port()), "rdp",
                new GuacamoleConfiguration(), new GuacamoleClientInformation(), TIMEOUT);
    }

    private GuacdConnection open(FakeGuacd guacd) throws TunnelException {
        return open(threads.relay(), guacd);
    }

    @Test
    void aWriteIsMadeAtOnceOnTheThreadThatQueuesIt() throws Exception {
        // A relay loop that runs nothing while the gate is shut: a key press must reach guacd all the same,
        // written by the thread that sends it, not by the loop.
        CountDownLatch gate = new CountDownLatch(1);
        CountDownLatch held = new CountDownLatch(1);
        RelayLoops loops = RelayLoops.start("gated", 1);
        try (FakeGuacd guacd = new FakeGuacd(0)) {
            var accepted = guacd.accept("");
            GuacdConnection connection = open(loops, guacd);
            try (FakeGuacd.Peer peer = accepted.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                loops.adopt(SocketChannel.open()).onLoop(() -> {
                    held.countDown();
                    try {
                        gate.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
                assertTrue(held.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS), "the loop is held");
                connection.write(ByteBuffer.wrap("3.key,5.65307,1.1;".getBytes(StandardCharsets.US_ASCII)));
                assertEquals(List.of("key", "65307", "1"), readOnAnotherThread(peer));
            } finally {
                gate.countDown();
                connection.close();
            }
        } finally {
            loops.close();
            loops.awaitTermination(TIMEOUT);
        }
    }

    private static List<String> readOnAnotherThread(FakeGuacd.Peer peer) throws Exception {
        ExecutorService reading = Executors.newSingleThreadExecutor();
        try {
            return reading.submit(peer::readInstruction).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } finally {
            reading.shutdownNow();
        }
    }

    @Test
    void writesFromSeveralThreadsAtOnceAllArriveWholeAndInOrder() throws Exception {
        // The console's sync answers (a relay thread) and its keep-alive (the timer) may be written at the same
        // moment; so may a viewer's early input and its key presses.
        // About 500 KB in all: less than Keyhole queues for a guacd that reads slowly (1 MB) before it gives up.
        int writers = 8;
        int each = 4_000;
        ExecutorService writing = Executors.newFixedThreadPool(writers);
        try (FakeGuacd guacd = new FakeGuacd(0)) {
            var accepted = guacd.accept("");
            GuacdConnection connection = open(guacd);
            try (FakeGuacd.Peer peer = accepted.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                CountDownLatch start = new CountDownLatch(1);
                List<CompletableFuture<Void>> written = new ArrayList<>();
                for (int t = 0; t < writers; t++) {
                    String writer = Integer.toString(t);
                    written.add(CompletableFuture.runAsync(() -> {
                        try {
                            start.await();
                            for (int i = 0; i < each; i++) {
                                String number = Integer.toString(i);
                                connection.write(ByteBuffer.wrap(("4.sync,1." + writer + "," + number.length() + "."
                                        + number + ";").getBytes(StandardCharsets.US_ASCII)));
                            }
                        } catch (InterruptedException | TunnelException e) {
                            throw new IllegalStateException(e);
                        }
                    }, writing));
                }
                start.countDown();
                int[] next = new int[writers];
                for (int n = 0; n < writers * each; n++) {
                    List<String> instruction = peer.readInstruction();
                    int writer = Integer.parseInt(instruction.get(1));
                    assertEquals(next[writer]++, Integer.parseInt(instruction.get(2)), "writer " + writer);
                }
                CompletableFuture.allOf(written.toArray(CompletableFuture[]::new))
                        .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                assertEquals(false, connection.isClosed());
            } finally {
                connection.close();
            }
        } finally {
            writing.shutdownNow();
        }
    }

    @Test
    void writesGuacdHasNoRoomForWaitAndArriveInOrderOnceItReads() throws Exception {
        try (FakeGuacd guacd = new FakeGuacd(16 * 1024)) {
            var accepted = guacd.accept("");
            GuacdConnection connection = open(guacd);
            try (FakeGuacd.Peer peer = accepted.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                // guacd reads nothing: the socket's buffers fill, then Keyhole's own queue.
                ByteArrayOutputStream taken = new ByteArrayOutputStream();
                for (int i = 0; connection.queuedBytes() < 256 * 1024; i++) {
                    byte[] instruction = blob(i);
                    connection.write(ByteBuffer.wrap(instruction));
                    taken.write(instruction);
                }
                assertArrayEquals(taken.toByteArray(), peer.read(taken.size()), "everything, in order");
                assertEquals(false, connection.isClosed());
            } finally {
                connection.close();
            }
        }
    }

    private static byte[] blob(int i) {
        String value = String.format("%07d", i).repeat(1000);
        return ("4.blob," + value.length() + "." + value + ";").getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void theReaderIsToldTheFirstCauseAlsoWhenTheWritesFoundIt() throws Exception {
        try (FakeGuacd guacd = new FakeGuacd(16 * 1024)) {
            var accepted = guacd.accept("");
            GuacdConnection connection = open(guacd);
            try (FakeGuacd.Peer peer = accepted.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                RecordingReader reader = new RecordingReader(false);
                connection.startReading(reader, true);
                TunnelException refused = assertThrows(TunnelException.class, () -> {
                    for (int i = 0; ; i++) {
                        connection.write(ByteBuffer.wrap(blob(i)));
                    }
                });
                assertEquals(GuacamoleStatus.CLIENT_OVERRUN, refused.status());

                // The read the close cut off reports the overrun, not a closed socket.
                GuacdEnding ended = reader.ending(TIMEOUT);
                assertEquals(refused.getMessage(), ended.reason());
                assertEquals(ended, connection.ending());
                connection.close();
                assertEquals(ended, connection.ending(), "closing it later changes nothing");
            }
        }
    }

    @Test
    void aConnectionKeyholeClosesTellsItsReaderSo() throws Exception {
        try (FakeGuacd guacd = new FakeGuacd(0)) {
            var accepted = guacd.accept("");
            GuacdConnection connection = open(guacd);
            try (FakeGuacd.Peer peer = accepted.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                RecordingReader reader = new RecordingReader(false);
                connection.startReading(reader, true);
                connection.disconnect();
                assertEquals(List.of("disconnect"), peer.readInstruction(), "guacd hears the goodbye first");
                assertEquals(GuacdEnding.CLOSED_BY_KEYHOLE, reader.ending(TIMEOUT));
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
                CompletableFuture<GuacdEnding> ended = new CompletableFuture<>();
                CountDownLatch keepAlives = new CountDownLatch(8);
                connection.startReading(new InstructionStream.Reader() {
                    @Override
                    public void instructions(ByteBuffer instructions, InstructionBoundaries.Ends ends,
                            Runnable resume) {
                        for (int i = 0; i < instructions.remaining() / "3.nop;".length(); i++) {
                            keepAlives.countDown();
                        }
                        resume.run();
                    }

                    @Override
                    public void ended(GuacdEnding ending) {
                        ended.complete(ending);
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
                GuacdEnding ending = ended.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                assertEquals("guacd sent nothing for 400 ms, not even its keep-alive: the connection is stuck",
                        ending.reason());
                assertEquals(true, connection.isClosed());
            } finally {
                connection.close();
            }
        }
    }
}
