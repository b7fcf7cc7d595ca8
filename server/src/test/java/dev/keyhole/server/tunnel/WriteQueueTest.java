package dev.keyhole.server.tunnel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keyhole.server.KeyholeServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.guacamole.protocol.GuacamoleStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What Keyhole sends guacd: in order, one write at a time, bounded, and every failure ends with its cause. */
class WriteQueueTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    /** Small socket buffers: guacd's not reading shows after a few KiB. */
    private static final int SOCKET_BUFFER = 8 * 1024;

    private KeyholeServer.Threads threads;
    private LoopbackPair pair;
    /** Done when the connection is closed, by whatever ended it first. */
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    private FirstEnding ending;

    @BeforeEach
    void connect() throws Exception {
        threads = KeyholeServer.Threads.start();
        pair = LoopbackPair.open(threads.relay(), SOCKET_BUFFER, SOCKET_BUFFER);
        ending = new FirstEnding(() -> {
            try {
                pair.channel.socket().close();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            closed.complete(null);
        });
    }

    @AfterEach
    void stop() throws IOException {
        pair.close();
        threads.close();
    }

    private static ByteBuffer blob(int i) {
        String value = String.format("%07d", i).repeat(100);
        return ByteBuffer.wrap(("4.blob," + value.length() + "." + value + ";").getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * Queues blobs until a write waits for guacd: until more bytes wait behind the write under way than the
     * socket's buffers hold (far fewer than the queue's bound), so that once they are written something is stuck.
     */
    private static void fillUntilStuck(WriteQueue queue) throws TunnelException {
        for (int i = 0; queue.queuedBytes() <= 128 * 1024; i++) {
            queue.write(blob(i));
        }
    }

    @Test
    void everythingQueuedArrivesInOrderOnceGuacdReads() throws Exception {
        WriteQueue queue = new WriteQueue(pair.channel, WAIT, ending);
        ByteArrayOutputStream sent = new ByteArrayOutputStream();
        for (int i = 0; queue.queuedBytes() <= 64 * 1024; i++) {
            ByteBuffer bytes = blob(i);
            sent.write(bytes.array());
            queue.write(bytes);
        }
        assertArrayEquals(sent.toByteArray(), pair.peer.read(sent.size()));
        assertNull(ending.get(), "the connection is open");
    }

    @Test
    void aLastWordQueuedBehindAWriteUnderWayReachesGuacdBeforeTheConnectionCloses() throws Exception {
        WriteQueue queue = new WriteQueue(pair.channel, WAIT, ending);
        ByteArrayOutputStream sent = new ByteArrayOutputStream();
        for (int i = 0; queue.queuedBytes() <= 64 * 1024; i++) {
            ByteBuffer bytes = blob(i);
            sent.write(bytes.array());
            queue.write(bytes);
        }
        byte[] disconnect = "10.disconnect;".getBytes(StandardCharsets.US_ASCII);
        assertTrue(ending.endBeforeClosing(GuacdEnding.CLOSED_BY_KEYHOLE));
        queue.write(ByteBuffer.wrap(disconnect));
        sent.write(disconnect);
        queue.whenDrained(ending::close);
        assertFalse(closed.isDone(), "the connection stays open while guacd has not taken what was queued");

        assertArrayEquals(sent.toByteArray(), pair.peer.read(sent.size()), "the disconnect came last, whole");
        closed.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertEquals(GuacdEnding.CLOSED_BY_KEYHOLE, ending.get(), "Keyhole ended it, whatever guacd did after");
    }

    @Test
    void aGuacdThatStopsReadingEndsTheConnectionSayingSo() throws Exception {
        Duration stall = Duration.ofMillis(500);
        WriteQueue queue = new WriteQueue(pair.channel, stall, ending);
        fillUntilStuck(queue);

        // Nothing more is written: the write under way waits for guacd until the stall limit.
        GuacdEnding ended = await(stall.multipliedBy(20));
        assertEquals(GuacamoleStatus.UPSTREAM_TIMEOUT, ended.status());
        assertEquals("guacd stopped reading for 500 ms", ended.reason());
        assertFalse(pair.channel.socket().isOpen(), "the connection is closed");
        assertEquals(0, queue.queuedBytes(), "and what was queued is dropped");
    }

    @Test
    void moreThanTheBoundQueuedEndsTheConnectionAndTellsTheWriter() throws Exception {
        WriteQueue queue = new WriteQueue(pair.channel, WAIT, ending);
        TunnelException refused = assertThrows(TunnelException.class, () -> {
            for (int i = 0; ; i++) {
                queue.write(blob(i));
            }
        });
        assertEquals(GuacamoleStatus.CLIENT_OVERRUN, refused.status());
        assertEquals("Too many instructions queued for guacd (1024 KiB): they arrive faster than guacd takes them",
                refused.getMessage());
        assertEquals(refused.getMessage(), ending.get().reason(), "the connection ended for it");
    }

    @Test
    void aWriteThatFailsEndsTheConnectionWithTheFailure() throws Exception {
        WriteQueue queue = new WriteQueue(pair.channel, WAIT, ending);
        pair.resetPeer();
        // A write the socket took before it learnt of the reset is followed by one that fails (well below the bound).
        for (int i = 0; !closed.isDone() && i < 1000; i++) {
            queue.write(blob(i));
        }
        GuacdEnding ended = await(WAIT);
        assertEquals(GuacamoleStatus.UPSTREAM_ERROR, ended.status());
        assertTrue(ended.reason().startsWith("Writing to guacd failed: "), ended.reason());
    }

    @Test
    void theFirstCauseStaysWhateverFollows() throws Exception {
        WriteQueue queue = new WriteQueue(pair.channel, Duration.ofMillis(300), ending);
        fillUntilStuck(queue);
        GuacdEnding stuck = await(WAIT);
        assertEquals("guacd stopped reading for 300 ms", stuck.reason());

        // Closing it, or a read failing on the closed socket, does not change why it ended.
        assertEquals(stuck, ending.end(GuacdEnding.CLOSED_BY_KEYHOLE));
        assertEquals(stuck, ending.end(GuacdEnding.readFailed(new IOException("Socket closed"))));
        queue.write(blob(0));
        assertEquals(0, queue.queuedBytes(), "an ended connection takes no more");
    }

    /** How the connection ended, waiting at most {@code wait} for it to end. */
    private GuacdEnding await(Duration wait) throws Exception {
        try {
            closed.get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("the connection did not end within " + wait.toMillis() + " ms; its channel is "
                    + (pair.channel.socket().isOpen() ? "open" : "closed"), e);
        }
        return ending.get();
    }
}
