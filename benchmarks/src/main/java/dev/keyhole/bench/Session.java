package dev.keyhole.bench;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One Guacamole session of the benchmark's client, whatever carries it (raw TCP or WebSocket). It is driven by
 * the bytes that arrive ({@link #received}): first the stream, until it ends with {@link StandIn#END_OF_STREAM};
 * then, when asked, key presses one at a time, each timed until the stand-in's {@code sync} echo of its keysym.
 *
 * <p>Bytes are counted, never decoded, so that the client costs as little per byte as possible: it must be able
 * to take the direct socket's speed.
 */
abstract class Session implements AutoCloseable {

    private static final int TAIL = StandIn.END_OF_STREAM.length;
    private static final int FIRST_KEYSYM = 100_000;

    private final long connectStartedNanos = System.nanoTime();
    private long firstByteNanos;
    private long streamEndNanos;
    private long bytes;
    private long messages;
    private final byte[] tail = new byte[TAIL];
    private int tailLength;
    private final CompletableFuture<Session> streamEnded = new CompletableFuture<>();

    private final Object keyLock = new Object();
    private byte[] expectedEcho;
    private final byte[] echoTail = new byte[64];
    private int echoTailLength;
    private long keySentNanos;
    private int keysLeft;
    private int keyNumber;
    private final List<Long> keyRoundTrips = new ArrayList<>();
    private CompletableFuture<List<Long>> keysDone;

    /** Sends bytes (whole instructions) to the other end. */
    protected abstract void send(byte[] instruction);

    /** Called by a message-based transport (WebSocket) as a message of the stream begins, before its bytes. */
    protected final void messageBegins() {
        if (!streamEnded.isDone()) {
            messages++;
        }
    }

    /** Called by the transport with each piece of what arrived, in order, from a single thread at a time. */
    protected final void received(ByteBuffer data) {
        int n = data.remaining();
        if (n == 0) {
            return;
        }
        if (!streamEnded.isDone()) {
            long now = System.nanoTime();
            if (firstByteNanos == 0) {
                firstByteNanos = now;
            }
            bytes += n;
            keepTail(data);
            if (tailLength == TAIL && java.util.Arrays.equals(tail, StandIn.END_OF_STREAM)) {
                streamEndNanos = now;
                streamEnded.complete(this);
            }
            return;
        }
        receivedDuringKeys(data);
    }

    private void keepTail(ByteBuffer data) {
        int n = data.remaining();
        int limit = data.limit();
        if (n >= TAIL) {
            data.get(limit - TAIL, tail, 0, TAIL);
            tailLength = TAIL;
        } else {
            int keep = Math.min(tailLength, TAIL - n);
            System.arraycopy(tail, tailLength - keep, tail, 0, keep);
            data.get(data.position(), tail, keep, n);
            tailLength = keep + n;
        }
    }

    private void receivedDuringKeys(ByteBuffer data) {
        byte[] next = null;
        CompletableFuture<List<Long>> finished = null;
        synchronized (keyLock) {
            if (expectedEcho == null) {
                return;
            }
            // Keep the last bytes: an echo may arrive in pieces over TCP.
            int n = Math.min(data.remaining(), echoTail.length);
            int keep = Math.min(echoTailLength, echoTail.length - n);
            System.arraycopy(echoTail, echoTailLength - keep, echoTail, 0, keep);
            data.get(data.limit() - n, echoTail, keep, n);
            echoTailLength = keep + n;
            if (!endsWith(echoTail, echoTailLength, expectedEcho)) {
                return;
            }
            keyRoundTrips.add(System.nanoTime() - keySentNanos);
            echoTailLength = 0;
            if (--keysLeft > 0) {
                next = nextKey();
            } else {
                expectedEcho = null;
                finished = keysDone;
            }
        }
        if (next != null) {
            send(next);
        } else if (finished != null) {
            finished.complete(List.copyOf(keyRoundTrips));
        }
    }

    /** Must hold keyLock. */
    private byte[] nextKey() {
        String keysym = String.valueOf(FIRST_KEYSYM + keyNumber++);
        expectedEcho = Instructions.encode("sync", keysym);
        keySentNanos = System.nanoTime();
        return Instructions.encode("key", keysym, "1");
    }

    private static boolean endsWith(byte[] bytes, int length, byte[] suffix) {
        if (length < suffix.length) {
            return false;
        }
        return java.util.Arrays.equals(bytes, length - suffix.length, length, suffix, 0, suffix.length);
    }

    /** @return completes when the whole stream has arrived */
    final CompletableFuture<Session> streamEnded() {
        return streamEnded;
    }

    /**
     * Presses {@code count} keys one after the other, each as soon as the previous one's echo arrived. Only once
     * the stream has ended.
     *
     * @return the round trips in nanoseconds
     */
    final CompletableFuture<List<Long>> pressKeys(int count) {
        byte[] first;
        CompletableFuture<List<Long>> done = new CompletableFuture<>();
        synchronized (keyLock) {
            keyRoundTrips.clear();
            keysLeft = count;
            keysDone = done;
            first = nextKey();
        }
        send(first);
        return done;
    }

    /** @return nanoseconds from the start of connecting to the first byte of the stream */
    final long timeToFirstByteNanos() {
        return firstByteNanos - connectStartedNanos;
    }

    /** @return bytes of the stream received, including the end marker */
    final long streamBytes() {
        return bytes;
    }

    /** @return the stream's WebSocket messages per MB, or null if the transport has no messages */
    final Double messagesPerMb() {
        return messages == 0 ? null : messages / (bytes / 1e6);
    }

    /** @return the stream's WebSocket messages (0: the transport has none) */
    final long messages() {
        return messages;
    }

    final long firstByteNanos() {
        return firstByteNanos;
    }

    final long streamEndNanos() {
        return streamEndNanos;
    }

    /** The transport broke or closed before the session was done. */
    protected final void failed(Throwable cause) {
        streamEnded.completeExceptionally(cause);
        CompletableFuture<List<Long>> keys;
        synchronized (keyLock) {
            keys = keysDone;
        }
        if (keys != null) {
            keys.completeExceptionally(cause);
        }
    }

    static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
