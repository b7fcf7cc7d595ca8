package dev.keyhole.server.tunnel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The relay's lanes: a connection that carries little is served by the quiet lane's own thread while others stream
 * on the streaming lanes, a connection that starts streaming leaves the quiet lane, and stopping the loops ends
 * every connection on them. Real sockets, real streams, real threads.
 */
class RelayLoopsTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    /** An instruction of guacd's size (its blobs are about 8 KB). */
    private static final byte[] BLOB = blob(8000);

    private RelayLoops loops;
    private final List<LoopbackPair> pairs = new ArrayList<>();
    private final List<Thread> writers = new ArrayList<>();
    private final AtomicBoolean streaming = new AtomicBoolean(true);

    @BeforeEach
    void start() {
        loops = RelayLoops.start("test-relay", 1);
    }

    @AfterEach
    void stop() throws Exception {
        streaming.set(false);
        for (LoopbackPair pair : pairs) {
            pair.close();
        }
        for (Thread writer : writers) {
            writer.join(WAIT.toMillis());
        }
        loops.close();
        assertTrue(loops.awaitTermination(WAIT), "the loops stopped");
    }

    private static byte[] blob(int length) {
        String value = "A".repeat(length);
        return ("4.blob,1.1," + length + "." + value + ";").getBytes(StandardCharsets.US_ASCII);
    }

    /** A connection whose reader hands each batch back at once, noting the thread it was delivered on. */
    private final class Connection implements InstructionStream.Reader {
        final LoopbackPair pair;
        final BlockingQueue<String> threads = new LinkedBlockingQueue<>();
        final AtomicLong bytes = new AtomicLong();
        final CompletableFuture<GuacdEnding> ended = new CompletableFuture<>();
        private InstructionStream stream;
        /** Whether the reader keeps each batch until the test hands it back (a browser still taking a frame). */
        private final boolean holding;
        final BlockingQueue<Runnable> held = new LinkedBlockingQueue<>();

        Connection() throws Exception {
            this(false);
        }

        Connection(boolean holding) throws Exception {
            this.holding = holding;
            pair = LoopbackPair.open(loops, 0, 0);
            pairs.add(pair);
            FirstEnding ending = new FirstEnding(() -> {
                try {
                    pair.channel.socket().close();
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
                stream.closed();
            });
            stream = new InstructionStream(pair.channel, ByteBuffer.allocate(InstructionStream.INITIAL_BUFFER)
                    .limit(0), ending);
            stream.start(this, false, InstructionStream.SILENCE_LIMIT);
        }

        @Override
        public void instructions(ByteBuffer instructions, InstructionBoundaries.Ends ends, Runnable resume) {
            bytes.addAndGet(instructions.remaining());
            threads.add(Thread.currentThread().getName());
            if (holding) {
                held.add(resume);
            } else {
                resume.run();
            }
        }

        @Override
        public void ended(GuacdEnding ending) {
            ended.complete(ending);
        }

        /** guacd's end writes blobs until the test ends. */
        void streamForever() {
            Thread writer = new Thread(() -> {
                try {
                    while (streaming.get()) {
                        pair.peer.write(BLOB);
                    }
                } catch (IOException e) {
                    // The test closed the connection.
                }
            }, "guacd-stand-in");
            writer.setDaemon(true);
            writers.add(writer);
            writer.start();
        }

        /** @return the thread the next batch was delivered on */
        String nextThread() throws InterruptedException {
            String thread = threads.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertTrue(thread != null, "a batch arrived within " + WAIT.toSeconds() + " s");
            return thread;
        }
    }

    /**
     * Waits until the connection is on the quiet lane or off it: the loops move it after a window of its traffic
     * (or a sweep), so this waits up to a few hundred milliseconds.
     */
    private static void awaitLane(Connection connection, boolean quiet, String what) {
        long waitUntil = System.nanoTime() + WAIT.toNanos();
        while (connection.pair.channel.onQuietLane() != quiet && System.nanoTime() < waitUntil) {
            Thread.onSpinWait();
        }
        assertEquals(quiet, connection.pair.channel.onQuietLane(), "waited " + WAIT.toSeconds() + " s for " + what);
    }

    @Test
    void aConnectionThatCarriesLittleIsServedOnTheQuietLaneWhileOthersStream() throws Exception {
        List<Connection> busy = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            Connection connection = new Connection();
            connection.streamForever();
            busy.add(connection);
        }
        Connection typing = new Connection();
        for (Connection connection : busy) {
            assertEquals("test-relay-1", connection.nextThread(), "a streaming connection is on a streaming lane");
        }
        // The first bytes are read where every connection starts; after a quiet window it moves.
        typing.pair.peer.write("4.sync,1.1;");
        typing.nextThread();
        awaitLane(typing, true, "the connection that carries little to move to the quiet lane");

        for (int i = 0; i < 20; i++) {
            typing.pair.peer.write("4.sync,2." + (10 + i) + ";");
            assertEquals("test-relay-quiet", typing.nextThread(), "an echo is served by the quiet lane's thread");
        }
        for (Connection connection : busy) {
            assertTrue(!connection.pair.channel.onQuietLane(), "the streaming ones stayed on their lane");
        }
    }

    @Test
    void aConnectionOnTheQuietLaneThatStartsStreamingLeavesIt() throws Exception {
        Connection connection = new Connection();
        connection.pair.peer.write("4.sync,1.1;");
        connection.nextThread();
        awaitLane(connection, true, "the new connection, quiet, to move to the quiet lane");

        connection.streamForever();
        awaitLane(connection, false, "the connection, streaming now, to leave the quiet lane");
        connection.threads.clear();
        assertEquals("test-relay-1", connection.nextThread(), "and is served by a streaming lane");
    }

    @Test
    void aStreamingConnectionWhoseBrowserIsSlowStaysOnItsLane() throws Exception {
        Connection slow = new Connection(true);
        slow.streamForever();
        for (int batch = 0; batch < 3; batch++) {
            Runnable resume = slow.held.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertTrue(resume != null, "batch " + batch + " arrived within " + WAIT.toSeconds() + " s");
            // The browser takes its time: the loop sweeps the connection twice (500 ms, five windows) meanwhile.
            long sweeps = slow.pair.channel.sweeps();
            long waitUntil = System.nanoTime() + WAIT.toNanos();
            while (slow.pair.channel.sweeps() < sweeps + 2 && System.nanoTime() < waitUntil) {
                Thread.onSpinWait();
            }
            assertTrue(slow.pair.channel.sweeps() >= sweeps + 2, "the loop swept the connection twice");
            assertTrue(!slow.pair.channel.onQuietLane(),
                    "a connection that carried little only because its reader held it back stays streaming");
            resume.run();
        }
    }

    @Test
    void stoppingTheLoopsEndsEveryConnectionOnThem() throws Exception {
        Connection streamingOne = new Connection();
        streamingOne.streamForever();
        Connection quietOne = new Connection();
        streamingOne.nextThread();

        loops.close();

        assertEquals(GuacdEnding.CLOSED_BY_KEYHOLE, streamingOne.ended.get(WAIT.toSeconds(), TimeUnit.SECONDS));
        assertEquals(GuacdEnding.CLOSED_BY_KEYHOLE, quietOne.ended.get(WAIT.toSeconds(), TimeUnit.SECONDS));
        assertTrue(!streamingOne.pair.channel.socket().isOpen() && !quietOne.pair.channel.socket().isOpen(),
                "their sockets are closed");
    }
}
