package dev.keyhole.server.tunnel;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.time.Duration;
import java.util.Arrays;

/**
 * What guacd sends after the handshake, handed to a {@link Reader} as batches of complete instructions: read
 * on the connection's {@link RelayLoops relay loop} into one buffer, cut where the last complete instruction ends
 * ({@link InstructionBoundaries}) and never decoded. Nothing more is read until the reader has run {@code resume}:
 * that is the back-pressure, which paces guacd to whoever reads.
 *
 * <p>The buffer adapts: it starts at {@link #INITIAL_BUFFER}, doubles up to {@link #STREAMING_BUFFER} while reads
 * fill it and goes back when guacd sends little again, so an idle viewer costs little memory and a streaming one
 * few, large reads. One instruction may grow it up to {@link #MAX_BUFFER}. Each turn of the loop reads once, and
 * what it read decides the connection's lane ({@link RelayLoops}).
 *
 * <p>Threads: reads and deliveries run on the loop's thread; {@code resume} and {@link #start} may be run on any
 * thread (a browser's send completion) and go on on the loop's. The buffer is the reader's between a delivery and
 * its {@code resume}, and the stream's otherwise.
 */
final class InstructionStream implements RelayLoops.Handler {

    /** Receives what guacd sends, as complete instructions. Called on the connection's relay loop. */
    interface Reader {

        /**
         * Complete instructions, as guacd sent them (UTF-8).
         *
         * @param instructions the bytes, from index 0 of their array; valid until {@code resume} is run
         * @param ends         where each of them ends (the index just past its {@code ;}; the first starts at 0, the
         *                     last ends at {@code instructions.limit()}), found by the stream's own scan, when
         *                     reading was started with {@code withEnds}; otherwise empty. Valid until {@code resume}
         * @param resume       run it once when done with the bytes: the next read starts then
         */
        void instructions(ByteBuffer instructions, InstructionBoundaries.Ends ends, Runnable resume);

        /**
         * The stream ended, for whatever ended the connection first: guacd closed it, a read or a write failed,
         * guacd sent something that is not Guacamole protocol, or Keyhole closed it. Told once; no more
         * instructions follow.
         *
         * @param ending why; never null
         */
        void ended(GuacdEnding ending);
    }

    /** What a connection reads into while its console is quiet: an idle viewer costs little memory. */
    static final int INITIAL_BUFFER = 16 * 1024;
    /** What a connection reads into while guacd streams fast: fewer, larger reads and frames. */
    static final int STREAMING_BUFFER = 256 * 1024;
    /** The longest instruction taken from guacd. */
    static final int MAX_BUFFER = 8 * 1024 * 1024;
    /**
     * How long guacd may send nothing before the connection counts as stuck: guacd writes a keep-alive
     * {@code nop} to every user of a connection that had nothing else to say for 5 s, so three missed ones mean
     * guacd (or the path to it) is stuck, and the viewer would otherwise look at a console that seems alive.
     */
    static final Duration SILENCE_LIMIT = Duration.ofSeconds(15);

    private final RelayLoops.LoopChannel channel;
    private final FirstEnding ending;
    private final InstructionBoundaries boundaries = new InstructionBoundaries();
    /** Where the instructions read end, for a reader that looks into them; never filled for the others. */
    private final InstructionBoundaries.Ends ends = new InstructionBoundaries.Ends();
    /** One for the stream's life: a delivery costs no allocation. */
    private final Runnable resume = this::resume;
    private Reader reader;
    private boolean recordEnds;
    private long silenceLimitNanos;
    /** Whether the reader holds a batch (until it resumes). */
    private boolean delivering;
    /** Whether the reader was told the stream ended. */
    private boolean told;
    /** Whether the stream waits for guacd to send more, and since when ({@link System#nanoTime}). */
    private boolean waiting;
    private long waitingSince;

    /** Bytes received and not yet delivered are {@code buffer[0, filled)}; {@code buffer[0, scanned)} was scanned. */
    private byte[] buffer;
    private int filled;
    private int scanned;
    /** {@code buffer[0, deliverable)} are complete instructions, with the reader until it resumes. */
    private int deliverable;

    /**
     * @param channel   the connection, after the handshake, on its relay loop
     * @param readAhead what the handshake read behind its last instruction, from index 0 of its array; the stream
     *                  takes the array over and delivers those bytes first
     * @param ending    the connection's ending, which the stream ends it with and reports
     */
    InstructionStream(RelayLoops.LoopChannel channel, ByteBuffer readAhead, FirstEnding ending) {
        this.channel = channel;
        this.ending = ending;
        this.buffer = readAhead.array();
        this.filled = readAhead.limit();
    }

    /**
     * Starts delivering instructions to {@code reader}, beginning with any read ahead during the handshake. Call
     * once.
     *
     * @param withEnds     whether the reader is told where each instruction ends (a reader that looks into single
     *                     instructions); the frames of a viewer need only the last end, which costs nothing more
     * @param silenceLimit how long guacd may send nothing before the stream ends as stuck
     */
    void start(Reader reader, boolean withEnds, Duration silenceLimit) {
        this.reader = reader;
        this.recordEnds = withEnds;
        this.silenceLimitNanos = silenceLimit.toNanos();
        channel.onReadable(this);
        channel.onLoop(this::scanAndDeliver);
    }

    /** Finds where the instructions received so far end, then delivers or reads on. */
    private void scanAndDeliver() {
        try {
            int end = boundaries.scan(buffer, scanned, filled, recordEnds ? ends : null);
            scanned = filled;
            if (end > 0) {
                deliverable = end;
            }
        } catch (InstructionBoundaries.MalformedInstructionException e) {
            end(GuacdEnding.malformed(e.getMessage()));
            return;
        }
        deliver();
    }

    /** Delivers whatever complete instructions the buffer holds, or waits for more. On the loop. */
    private void deliver() {
        GuacdEnding ended = ending.get();
        if (ended != null) {
            // Ended meanwhile (a write failed, Keyhole closed it): what is left in the buffer is not delivered.
            tell(ended);
            return;
        }
        if (deliverable > 0) {
            waiting = false;
            delivering = true;
            reader.instructions(ByteBuffer.wrap(buffer, 0, deliverable), ends, resume);
            if (delivering) {
                // The reader goes on elsewhere (a browser still taking the frame): read nothing until it resumes.
                channel.want(SelectionKey.OP_READ, false);
            }
            return;
        }
        if (filled == buffer.length) {
            if (buffer.length >= MAX_BUFFER) {
                end(GuacdEnding.tooLong(MAX_BUFFER));
                return;
            }
            buffer = Arrays.copyOf(buffer, buffer.length * 2);
        }
        if (!waiting) {
            waiting = true;
            waitingSince = System.nanoTime();
        }
        channel.want(SelectionKey.OP_READ, true);
    }

    /** The reader is done with {@code buffer[0, deliverable)}: what follows moves to the front, and on. */
    private void resume() {
        channel.onLoop(this::resumed);
    }

    private void resumed() {
        int length = deliverable;
        System.arraycopy(buffer, length, buffer, 0, filled - length);
        filled -= length;
        scanned -= length;
        deliverable = 0;
        delivering = false;
        // Every end found was at or before `length`: the scan delivers up to the last one.
        ends.clear();
        scanAndDeliver();
    }

    /** guacd's socket has bytes (or its end): one read, the loop's turn for this stream. */
    @Override
    public void readable() {
        if (delivering || told || reader == null) {
            return;
        }
        int room = buffer.length - filled;
        int count;
        try {
            count = channel.socket().read(ByteBuffer.wrap(buffer, filled, room));
        } catch (ClosedChannelException e) {
            end(GuacdEnding.CLOSED_BY_KEYHOLE);
            return;
        } catch (IOException e) {
            end(GuacdEnding.readFailed(e));
            return;
        }
        if (count < 0) {
            end(GuacdEnding.GUACD_CLOSED);
            return;
        }
        if (count == 0) {
            return;
        }
        channel.read(count, count == room);
        waitingSince = System.nanoTime();
        filled += count;
        fitBuffer(count);
        scanAndDeliver();
    }

    @Override
    public void writable() {
        // The writes' part (WriteQueue).
    }

    /** guacd sent nothing for the silence limit while the stream waited for it: guacd is stuck. */
    @Override
    public void sweep(long now) {
        if (waiting && !told && now - waitingSince > silenceLimitNanos) {
            end(GuacdEnding.silent(Duration.ofNanos(silenceLimitNanos)));
        }
    }

    @Override
    public void stopping() {
        end(GuacdEnding.CLOSED_BY_KEYHOLE);
    }

    /**
     * The connection ended, by whatever part found it first: the reader is told, unless it holds a batch (then it
     * is told when it resumes).
     */
    void closed() {
        channel.onLoop(() -> {
            if (!delivering && reader != null) {
                tell(ending.get());
            }
        });
    }

    /**
     * Doubles the buffer (up to {@link #STREAMING_BUFFER}) when a read filled it, and goes back to
     * {@link #INITIAL_BUFFER} when guacd sends little again. Only between deliveries.
     */
    private void fitBuffer(int lastRead) {
        if (filled == buffer.length && buffer.length < STREAMING_BUFFER) {
            buffer = Arrays.copyOf(buffer, buffer.length * 2);
        } else if (lastRead < INITIAL_BUFFER / 4 && buffer.length > INITIAL_BUFFER && filled < INITIAL_BUFFER / 2) {
            buffer = Arrays.copyOf(buffer, INITIAL_BUFFER);
        }
    }

    /**
     * Ends the connection for {@code cause}, unless something ended it first, and tells the reader which (when it
     * holds no batch: then when it resumes).
     */
    private void end(GuacdEnding cause) {
        GuacdEnding first = ending.end(cause);
        if (!delivering && reader != null) {
            tell(first);
        }
    }

    private void tell(GuacdEnding ended) {
        if (!told) {
            told = true;
            waiting = false;
            reader.ended(ended);
        }
    }
}
