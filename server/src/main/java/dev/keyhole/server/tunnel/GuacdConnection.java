package dev.keyhole.server.tunnel;

import dev.keyhole.server.config.GuacdConfig;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousChannelGroup;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.CompletionHandler;
import java.nio.channels.InterruptedByTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.guacamole.GuacamoleException;
import org.apache.guacamole.GuacamoleServerException;
import org.apache.guacamole.GuacamoleUpstreamTimeoutException;
import org.apache.guacamole.io.GuacamoleReader;
import org.apache.guacamole.io.GuacamoleWriter;
import org.apache.guacamole.net.GuacamoleSocket;
import org.apache.guacamole.protocol.ConfiguredGuacamoleSocket;
import org.apache.guacamole.protocol.GuacamoleClientInformation;
import org.apache.guacamole.protocol.GuacamoleConfiguration;
import org.apache.guacamole.protocol.GuacamoleInstruction;
import org.apache.guacamole.protocol.GuacamoleProtocolVersion;
import org.apache.guacamole.protocol.GuacamoleStatus;

/**
 * One TCP connection to guacd: the handshake, then a stream of instructions read asynchronously.
 *
 * <p>The handshake is guacamole-common's own ({@link ConfiguredGuacamoleSocket}), run over this connection's
 * channel with blocking reads. It reads exactly up to the end of {@code ready}; whatever guacd sent after it stays
 * in the read buffer and is the first thing {@link #startReading} delivers, so nothing read ahead is lost.
 *
 * <p>After the handshake no thread waits on this connection: reads complete on the shared
 * {@link AsynchronousChannelGroup}. {@link #write} may be called from any thread and writes at once on it; only a
 * write the socket has no room for completes on the group.
 */
final class GuacdConnection implements AutoCloseable {

    /** Receives what guacd sends, as complete instructions. Called on a channel-group thread. */
    interface Reader {

        /**
         * Complete instructions, as guacd sent them (UTF-8).
         *
         * @param instructions the bytes, from index 0 of their array; valid until {@code resume} is run
         * @param ends         where each of them ends (the index just past its {@code ;}; the first starts at 0, the
         *                     last ends at {@code instructions.limit()}), found by the connection's own scan, when
         *                     reading was started with {@code withEnds}; otherwise empty. Valid until {@code resume}
         * @param resume       run it when done with the bytes: the next read starts then
         */
        void instructions(ByteBuffer instructions, InstructionBoundaries.Ends ends, Runnable resume);

        /**
         * The stream ended: guacd closed the connection, a read failed, or guacd sent something that is not
         * Guacamole protocol. Told once; no more instructions follow.
         *
         * @param cause {@code null} when guacd closed the connection normally
         */
        void ended(Throwable cause);
    }

    /** What a connection reads into while its console is quiet: an idle viewer costs little memory. */
    private static final int INITIAL_BUFFER = 16 * 1024;
    /** What a connection reads into while guacd streams fast: fewer, larger reads and frames. */
    private static final int STREAMING_BUFFER = 256 * 1024;
    private static final int MAX_BUFFER = 8 * 1024 * 1024;
    private static final int MAX_QUEUED_WRITES = 1024 * 1024;
    private static final GuacamoleInstruction DISCONNECT = new GuacamoleInstruction("disconnect");
    /** The write queue's array keeps no more than this after a burst. */
    private static final int MAX_RETAINED_QUEUE = 64 * 1024;
    /**
     * How long guacd may send nothing before the connection counts as stuck: guacd writes a keep-alive
     * {@code nop} to every user of a connection that had nothing else to say for 5 s, so three missed ones mean
     * guacd (or the path to it) is stuck, and the viewer would otherwise look at a console that seems alive.
     */
    static final Duration SILENCE_LIMIT = Duration.ofSeconds(15);

    private final AsynchronousSocketChannel channel;
    private final Duration timeout;
    private final Executor waiting;
    private final InstructionBoundaries boundaries = new InstructionBoundaries();
    /** Where the instructions read end, for a reader that looks into them; never filled for the others. */
    private final InstructionBoundaries.Ends ends = new InstructionBoundaries.Ends();
    private boolean recordEnds;
    private long silenceLimitMillis;

    /** Bytes received and not yet delivered are {@code buffer[0, filled)}; {@code buffer[0, scanned)} was scanned. */
    private byte[] buffer = new byte[INITIAL_BUFFER];
    private int filled;
    private int scanned;
    private int deliverable;

    /**
     * Bytes queued for guacd are {@code queued[0, queuedBytes)}; {@code inFlight} is being written meanwhile, by
     * the one thread (or completion) that holds {@code writing}: whoever queues bytes while nobody writes takes it.
     */
    private final Object writeLock = new Object();
    private byte[] queued = new byte[0];
    /** The array of the last write done, reused for the queue: the console answers syncs all the time. */
    private byte[] spare;
    private int queuedBytes;
    private ByteBuffer inFlight;
    private boolean writing;

    private String connectionId;
    private GuacamoleProtocolVersion protocolVersion;
    private volatile boolean closed;

    private GuacdConnection(AsynchronousSocketChannel channel, Duration timeout, Executor waiting) {
        this.channel = channel;
        this.timeout = timeout;
        this.waiting = waiting;
    }

    /**
     * Connects to guacd and performs the handshake. Blocks for at most about {@code timeout} per step; call it on
     * a thread that may block, never on a channel-group thread.
     *
     * @param group       the channel group the connection's reads and writes complete on
     * @param waiting     where a thread may wait, at most {@code timeout}, for guacd to take a write its socket had no
     *                    room for (never the channel group's threads: they complete that write)
     * @param guacd       where guacd listens
     * @param select      the protocol ({@code rdp}) for a new connection, or a connection id ({@code $…}) to join
     * @param parameters  the connection's parameters, answered to guacd's {@code args}
     * @param information the display size, resolution and image formats of the viewer
     * @param timeout     how long each step may take
     * @return the connection, between {@code ready} and the first instruction after it
     * @throws TunnelException with a message fit for the user if guacd is unreachable or refuses
     */
    static GuacdConnection open(AsynchronousChannelGroup group, Executor waiting, GuacdConfig guacd, String select,
            GuacamoleConfiguration parameters, GuacamoleClientInformation information, Duration timeout)
            throws TunnelException {
        AsynchronousSocketChannel channel;
        try {
            channel = AsynchronousSocketChannel.open(group);
            // Small writes (the handshake's instructions, a key press) go out at once, not after guacd's delayed
            // acknowledgement of the previous one.
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        } catch (IOException e) {
            throw new TunnelException(GuacamoleStatus.SERVER_ERROR, "Keyhole cannot open a socket: " + e);
        }
        GuacdConnection connection = new GuacdConnection(channel, timeout, waiting);
        try {
            channel.connect(new InetSocketAddress(guacd.host(), guacd.port()))
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            connection.close();
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new TunnelException(GuacamoleStatus.UPSTREAM_NOT_FOUND, "guacd is not reachable at "
                    + guacd.address() + (cause instanceof ConnectException ? "" : " (" + cause + ")"));
        } catch (InterruptedException e) {
            connection.close();
            Thread.currentThread().interrupt();
            throw new TunnelException(GuacamoleStatus.SERVER_ERROR, "Keyhole is shutting down");
        }
        GuacamoleConfiguration configuration = new GuacamoleConfiguration(parameters);
        if (select.startsWith("$")) {
            configuration.setConnectionID(select);
        } else {
            configuration.setProtocol(select);
        }
        try {
            ConfiguredGuacamoleSocket handshake =
                    new ConfiguredGuacamoleSocket(connection.new HandshakeSocket(), configuration, information);
            connection.connectionId = handshake.getConnectionID();
            connection.protocolVersion = handshake.getProtocolVersion();
        } catch (GuacamoleException e) {
            connection.close();
            throw new TunnelException(e.getStatus(), "guacd at " + guacd.address() + " refused the connection: "
                    + e.getMessage());
        }
        return connection;
    }

    /** @return the id guacd gave this connection in {@code ready} ({@code $…}); never sent to a browser */
    String connectionId() {
        return connectionId;
    }

    /** @return the protocol version guacd agreed to, or {@code null} if guacd is older than 1.1 */
    GuacamoleProtocolVersion protocolVersion() {
        return protocolVersion;
    }

    /**
     * Starts delivering guacd's instructions to {@code reader}, beginning with any read ahead during the
     * handshake. Call once.
     *
     * @param withEnds whether the reader is told where each instruction ends (a reader that looks into single
     *                 instructions); the frames of a viewer need only the last end, which costs nothing more
     */
    void startReading(Reader reader, boolean withEnds) {
        startReading(reader, withEnds, SILENCE_LIMIT);
    }

    /** {@link #startReading(Reader, boolean)} with another silence limit than {@link #SILENCE_LIMIT} (tests). */
    void startReading(Reader reader, boolean withEnds, Duration silenceLimit) {
        recordEnds = withEnds;
        silenceLimitMillis = silenceLimit.toMillis();
        scanAndDeliver(reader);
    }

    /** Delivers whatever complete instructions the buffer holds, or reads more. */
    private void deliver(Reader reader) {
        if (deliverable > 0) {
            int length = deliverable;
            reader.instructions(ByteBuffer.wrap(buffer, 0, length), ends, () -> {
                System.arraycopy(buffer, length, buffer, 0, filled - length);
                filled -= length;
                scanned -= length;
                deliverable = 0;
                // Every end found was at or before `length`: the scan delivers up to the last one.
                ends.clear();
                scanAndDeliver(reader);
            });
            return;
        }
        if (filled == buffer.length) {
            if (buffer.length >= MAX_BUFFER) {
                end(reader, new IOException("guacd sent an instruction longer than " + MAX_BUFFER + " bytes"));
                return;
            }
            buffer = Arrays.copyOf(buffer, buffer.length * 2);
        }
        ByteBuffer target = ByteBuffer.wrap(buffer, filled, buffer.length - filled);
        try {
            channel.read(target, silenceLimitMillis, TimeUnit.MILLISECONDS, reader, new CompletionHandler<>() {
                @Override
                public void completed(Integer count, Reader reader) {
                    if (count < 0) {
                        end(reader, null);
                        return;
                    }
                    filled += count;
                    fitBuffer(count);
                    scanAndDeliver(reader);
                }

                @Override
                public void failed(Throwable cause, Reader reader) {
                    end(reader, cause instanceof InterruptedByTimeoutException
                            ? new IOException("guacd sent nothing for " + (silenceLimitMillis % 1000 == 0
                                    ? silenceLimitMillis / 1000 + " s" : silenceLimitMillis + " ms")
                                    + ", not even its keep-alive: the connection is stuck")
                            : cause);
                }
            });
        } catch (RuntimeException e) {
            end(reader, e);
        }
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

    private void scanAndDeliver(Reader reader) {
        try {
            int end = boundaries.scan(buffer, scanned, filled, recordEnds ? ends : null);
            scanned = filled;
            if (end > 0) {
                deliverable = end;
            }
        } catch (InstructionBoundaries.MalformedInstructionException e) {
            end(reader, new IOException("guacd sent something that is not Guacamole protocol: " + e.getMessage()));
            return;
        }
        deliver(reader);
    }

    private void end(Reader reader, Throwable cause) {
        boolean wasOpen = !closed;
        close();
        reader.ended(wasOpen ? cause : null);
    }

    /**
     * Queues bytes for guacd. Writes happen in order without blocking the caller; whatever is queued while one
     * write is under way goes out together in the next.
     *
     * @param bytes complete instructions
     * @throws TunnelException if guacd has not taken up a megabyte already queued (the sender is too fast for it,
     *                         or guacd is stuck)
     */
    void write(ByteBuffer bytes) throws TunnelException {
        synchronized (writeLock) {
            if (closed) {
                return;
            }
            int length = bytes.remaining();
            if (queuedBytes + length > MAX_QUEUED_WRITES) {
                throw new TunnelException(GuacamoleStatus.CLIENT_OVERRUN, "Too many instructions queued for guacd ("
                        + MAX_QUEUED_WRITES / 1024 + " KiB): they arrive faster than guacd takes them");
            }
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
        }
        writeNext();
    }

    /** Queues one instruction for guacd. */
    void write(GuacamoleInstruction instruction) throws TunnelException {
        write(ByteBuffer.wrap(instruction.toString().getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * Writes everything queued so far in one write, and again while more was queued meanwhile. Only by the holder
     * of {@code writing}, which it gives up when nothing is left.
     *
     * <p>The write is tried at once on the calling thread. A completion handler's write would not be: from a
     * thread outside the channel group (the browser's key press arrives on a Jetty thread) the group only asks
     * the kernel to say when the socket is writable and then writes on one of its own threads, so a key press
     * waited for a relay thread, behind whatever the relay threads were doing.
     */
    private void writeNext() {
        while (true) {
            ByteBuffer next;
            synchronized (writeLock) {
                // The last write, if any, is done: its array may take the next bytes queued.
                if (inFlight != null && inFlight.array().length <= MAX_RETAINED_QUEUE) {
                    spare = inFlight.array();
                }
                if (queuedBytes == 0 || closed) {
                    inFlight = null;
                    writing = false;
                    return;
                }
                next = ByteBuffer.wrap(queued, 0, queuedBytes);
                queued = spare != null ? spare : new byte[Math.min(queued.length, MAX_RETAINED_QUEUE)];
                spare = null;
                queuedBytes = 0;
                inFlight = next;
            }
            Future<Integer> written;
            try {
                written = channel.write(next);
            } catch (RuntimeException e) {
                close();
                return;
            }
            if (!written.isDone()) {
                // guacd's socket had no room: the channel group completes the write when it has.
                awaitWrite(written, next);
                return;
            }
            if (!succeeded(written)) {
                return;
            }
            if (next.hasRemaining()) {
                writeRest(next);
                return;
            }
        }
    }

    /** Waits, off the channel group's threads, for a write guacd's socket had no room for; then goes on. */
    private void awaitWrite(Future<Integer> written, ByteBuffer next) {
        try {
            waiting.execute(() -> {
                try {
                    written.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    // guacd has taken nothing for that long: it is stuck. The read side ends the stream.
                    close();
                    return;
                } catch (ExecutionException e) {
                    close();
                    return;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    close();
                    return;
                }
                if (next.hasRemaining()) {
                    writeRest(next);
                } else {
                    writeNext();
                }
            });
        } catch (RejectedExecutionException e) {
            close();
        }
    }

    /** @return whether a completed write succeeded; closes the connection if not */
    private boolean succeeded(Future<Integer> written) {
        try {
            written.get();
            return true;
        } catch (ExecutionException e) {
            close();
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            return false;
        }
    }

    /** Writes the rest of a write the socket took only part of, when it has room; then goes on. */
    private void writeRest(ByteBuffer next) {
        try {
            channel.write(next, next, new CompletionHandler<>() {
                @Override
                public void completed(Integer count, ByteBuffer written) {
                    if (written.hasRemaining()) {
                        try {
                            channel.write(written, written, this);
                        } catch (RuntimeException e) {
                            close();
                        }
                        return;
                    }
                    writeNext();
                }

                @Override
                public void failed(Throwable cause, ByteBuffer written) {
                    // The read side sees the broken connection and ends the stream; only stop writing here.
                    close();
                }
            });
        } catch (RuntimeException e) {
            close();
        }
    }

    /**
     * Tells guacd this user leaves ({@code disconnect}) and closes the connection: guacd then lets go of the user
     * at once (and, for the last one, of the console's RDP or VNC session) instead of noticing a dead socket later.
     */
    void disconnect() {
        try {
            write(DISCONNECT);
        } catch (TunnelException e) {
            // guacd takes nothing more: closing is all that is left.
        }
        close();
    }

    /** @return whether {@link #close} has been called or the connection broke */
    boolean isClosed() {
        return closed;
    }

    /** Closes the connection; a pending read then ends the stream. Safe to call more than once. */
    @Override
    public void close() {
        closed = true;
        synchronized (writeLock) {
            queued = new byte[0];
            queuedBytes = 0;
            spare = null;
        }
        try {
            channel.close();
        } catch (IOException e) {
            // Nothing more can be done with a connection that fails to close.
        }
    }

    /**
     * The connection as a blocking {@link GuacamoleSocket}, for {@link ConfiguredGuacamoleSocket}'s handshake.
     * It reads one instruction at a time, never past the end of the one asked for.
     */
    private final class HandshakeSocket implements GuacamoleSocket {

        private final GuacamoleReader reader = new GuacamoleReader() {
            @Override
            public boolean available() {
                return deliverable > 0 || filled > scanned;
            }

            @Override
            public char[] read() throws GuacamoleException {
                GuacamoleInstruction instruction = readInstruction();
                return instruction == null ? null : instruction.toString().toCharArray();
            }

            @Override
            public GuacamoleInstruction readInstruction() throws GuacamoleException {
                return readOneInstruction();
            }
        };

        private final GuacamoleWriter writer = new GuacamoleWriter() {
            @Override
            public void write(char[] chunk, int offset, int length) throws GuacamoleException {
                writeBlocking(new String(chunk, offset, length).getBytes(StandardCharsets.UTF_8));
            }

            @Override
            public void write(char[] chunk) throws GuacamoleException {
                write(chunk, 0, chunk.length);
            }

            @Override
            public void writeInstruction(GuacamoleInstruction instruction) throws GuacamoleException {
                writeBlocking(instruction.toString().getBytes(StandardCharsets.UTF_8));
            }
        };

        @Override
        public GuacamoleReader getReader() {
            return reader;
        }

        @Override
        public GuacamoleWriter getWriter() {
            return writer;
        }

        @Override
        public void close() {
            GuacdConnection.this.close();
        }

        @Override
        public boolean isOpen() {
            return !closed;
        }
    }

    /** Reads exactly one instruction during the handshake, leaving what follows it in the buffer. */
    private GuacamoleInstruction readOneInstruction() throws GuacamoleException {
        InstructionBoundaries single = new InstructionBoundaries();
        int end = -1;
        int from = 0;
        while (true) {
            try {
                end = single.scanOne(buffer, from, filled);
            } catch (InstructionBoundaries.MalformedInstructionException e) {
                throw new GuacamoleServerException("guacd sent something that is not Guacamole protocol: "
                        + e.getMessage());
            }
            from = filled;
            if (end > 0) {
                break;
            }
            if (filled == buffer.length) {
                if (buffer.length >= MAX_BUFFER) {
                    throw new GuacamoleServerException("guacd sent an over-long handshake instruction");
                }
                buffer = Arrays.copyOf(buffer, buffer.length * 2);
            }
            int count;
            try {
                count = channel.read(ByteBuffer.wrap(buffer, filled, buffer.length - filled))
                        .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                throw new GuacamoleUpstreamTimeoutException("guacd did not answer within " + timeout.toSeconds()
                        + " s");
            } catch (ExecutionException | InterruptedException e) {
                throw new GuacamoleServerException("reading from guacd failed: " + e.getCause(), e);
            }
            if (count < 0) {
                return null;
            }
            filled += count;
        }
        String text = new String(buffer, 0, end, StandardCharsets.UTF_8);
        System.arraycopy(buffer, end, buffer, 0, filled - end);
        filled -= end;
        return InstructionDecoder.decode(text);
    }

    private void writeBlocking(byte[] bytes) throws GuacamoleException {
        ByteBuffer data = ByteBuffer.wrap(bytes);
        try {
            while (data.hasRemaining()) {
                channel.write(data).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (TimeoutException e) {
            throw new GuacamoleUpstreamTimeoutException("guacd did not take the handshake within "
                    + timeout.toSeconds() + " s");
        } catch (ExecutionException | InterruptedException e) {
            throw new GuacamoleServerException("writing to guacd failed: " + e.getCause(), e);
        }
    }
}
