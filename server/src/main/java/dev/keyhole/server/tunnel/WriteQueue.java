package dev.keyhole.server.tunnel;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.time.Duration;
import java.util.Arrays;

/**
 * What Keyhole sends guacd on one connection: one write at a time, in order; whatever is queued while a write is
 * under way goes out together in the next, up to {@link #MAX_QUEUED} bytes.
 *
 * <p>A write is tried at once, on the thread that queues it, so that a key press never waits for a relay thread.
 * Only what the socket has no room for waits, without a thread, until the connection's relay loop sees guacd
 * read again; the loop writes the rest.
 *
 * <p>Every failure ends the connection with its cause: a write guacd takes nothing of for the stall limit
 * ("guacd stopped reading for 10 s"), a write that fails, more queued than the bound.
 */
final class WriteQueue implements RelayLoops.Handler {

    /** Most bytes waiting for guacd; more means the sender is far faster than guacd, or guacd is stuck. */
    static final int MAX_QUEUED = 1024 * 1024;
    /** The queue's array keeps no more than this after a burst. */
    private static final int MAX_RETAINED = 64 * 1024;

    private final RelayLoops.LoopChannel channel;
    private final Duration stallLimit;
    private final FirstEnding ending;

    /**
     * Bytes queued are {@code queued[0, queuedBytes)}; {@code inFlight} is being written meanwhile, by whoever
     * holds {@code writing}: whoever queues bytes while nobody writes takes it.
     */
    private final Object lock = new Object();
    private byte[] queued = new byte[0];
    /** The array of the last write done, reused for the queue: the console answers syncs all the time. */
    private byte[] spare;
    private int queuedBytes;
    private ByteBuffer inFlight;
    private boolean writing;
    /** Whether the write under way waits for room in the socket, and since when guacd last took any of it. */
    private boolean waitingForRoom;
    private long lastProgress;
    private boolean closed;
    /** Run once nothing is queued or under way (null: nothing to run). */
    private Runnable whenDrained;

    /**
     * @param channel    the connection, after the handshake, on its relay loop
     * @param stallLimit how long a write may wait for guacd to take any of it
     * @param ending     the connection's ending, which a failed write ends it with
     */
    WriteQueue(RelayLoops.LoopChannel channel, Duration stallLimit, FirstEnding ending) {
        this.channel = channel;
        this.stallLimit = stallLimit;
        this.ending = ending;
        channel.onWritable(this);
    }

    /**
     * Queues bytes, and writes them at once if no write is under way. Does not block. Nothing happens once the
     * connection has ended.
     *
     * @param bytes complete instructions; read before this returns
     * @throws TunnelException if this would queue more than {@link #MAX_QUEUED} bytes: the connection then ends
     *                         with that cause
     */
    void write(ByteBuffer bytes) throws TunnelException {
        boolean overrun = false;
        synchronized (lock) {
            if (closed) {
                return;
            }
            int length = bytes.remaining();
            if (queuedBytes + length <= MAX_QUEUED) {
                if (queuedBytes + length > queued.length) {
                    queued = Arrays.copyOf(queued, Math.max(queuedBytes + length, Math.max(256, queued.length * 2)));
                }
                bytes.get(queued, queuedBytes, length);
                queuedBytes += length;
                if (writing) {
                    return;
                }
                // Taken under the lock: two threads queueing at once must not both start writing.
                writing = true;
            } else {
                overrun = true;
            }
        }
        if (overrun) {
            close();
            throw ending.end(GuacdEnding.overrun(MAX_QUEUED)).toException();
        }
        writeNext();
    }

    /** @return how many bytes wait for the write under way (tests, and the curious) */
    int queuedBytes() {
        synchronized (lock) {
            return queuedBytes;
        }
    }

    /**
     * Runs {@code action} once everything queued so far has been written (at once if nothing is), or once a write
     * failed or stalled for the stall limit: never later than that.
     */
    void whenDrained(Runnable action) {
        synchronized (lock) {
            if (writing && !closed) {
                whenDrained = action;
                return;
            }
        }
        action.run();
    }

    /** Drops whatever is queued; nothing more is written. Whoever ends the connection closes the channel. */
    void close() {
        synchronized (lock) {
            closed = true;
            queued = new byte[0];
            queuedBytes = 0;
            spare = null;
        }
    }

    /**
     * Writes everything queued so far in one write. Only by the holder of {@code writing}, which it gives up when
     * nothing is left.
     */
    private void writeNext() {
        ByteBuffer next = null;
        Runnable drained = null;
        synchronized (lock) {
            // The last write, if any, is done: its array may take the next bytes queued.
            if (inFlight != null && inFlight.array().length <= MAX_RETAINED) {
                spare = inFlight.array();
            }
            if (queuedBytes == 0 || closed) {
                inFlight = null;
                writing = false;
                drained = whenDrained;
                whenDrained = null;
            } else {
                next = ByteBuffer.wrap(queued, 0, queuedBytes);
                queued = spare != null ? spare : new byte[Math.min(queued.length, MAX_RETAINED)];
                spare = null;
                queuedBytes = 0;
                inFlight = next;
            }
        }
        if (next == null) {
            if (drained != null) {
                drained.run();
            }
            return;
        }
        send(next);
    }

    /** Writes as much of {@code bytes} as the socket takes now; the loop writes the rest when there is room. */
    private void send(ByteBuffer bytes) {
        while (true) {
            try {
                channel.socket().write(bytes);
            } catch (IOException e) {
                failed(e);
                return;
            }
            if (!bytes.hasRemaining()) {
                writeNext();
                return;
            }
            synchronized (lock) {
                if (closed) {
                    return;
                }
                // No room: the loop goes on when guacd has read some.
                waitingForRoom = true;
                lastProgress = System.nanoTime();
            }
            channel.want(SelectionKey.OP_WRITE, true);
            return;
        }
    }

    /** The socket has room again: the rest of the write under way, and what was queued meanwhile. On the loop. */
    @Override
    public void writable() {
        ByteBuffer rest;
        synchronized (lock) {
            if (!waitingForRoom) {
                return;
            }
            waitingForRoom = false;
            rest = inFlight;
        }
        channel.want(SelectionKey.OP_WRITE, false);
        if (rest != null) {
            send(rest);
        }
    }

    @Override
    public void readable() {
        // The stream's part (InstructionStream).
    }

    /** A write that guacd has taken none of for the stall limit ends the connection: guacd stopped reading. */
    @Override
    public void sweep(long now) {
        boolean stalled;
        synchronized (lock) {
            stalled = waitingForRoom && !closed && now - lastProgress > stallLimit.toNanos();
        }
        if (stalled) {
            failed(null);
        }
    }

    @Override
    public void stopping() {
        failed(new ClosedChannelException());
    }

    /**
     * A write failed (null: it stalled): the connection ends with why, unless it had ended already (then that is
     * why).
     */
    private void failed(IOException cause) {
        close();
        Runnable drained;
        synchronized (lock) {
            inFlight = null;
            writing = false;
            waitingForRoom = false;
            drained = whenDrained;
            whenDrained = null;
        }
        if (cause == null) {
            ending.end(GuacdEnding.stoppedReading(stallLimit));
        } else if (cause instanceof ClosedChannelException) {
            ending.end(GuacdEnding.CLOSED_BY_KEYHOLE);
        } else {
            ending.end(GuacdEnding.writeFailed(cause));
        }
        if (drained != null) {
            drained.run();
        }
    }
}
