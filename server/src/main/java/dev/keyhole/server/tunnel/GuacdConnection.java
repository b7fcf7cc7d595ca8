package dev.keyhole.server.tunnel;

import dev.keyhole.server.config.GuacdConfig;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.apache.guacamole.protocol.GuacamoleClientInformation;
import org.apache.guacamole.protocol.GuacamoleConfiguration;
import org.apache.guacamole.protocol.GuacamoleInstruction;
import org.apache.guacamole.protocol.GuacamoleProtocolVersion;
import org.apache.guacamole.protocol.GuacamoleStatus;

/**
 * One TCP connection to guacd, in three parts: {@link GuacdHandshake} connects and performs the handshake
 * (blocking), then the connection joins one of the {@link RelayLoops}, where {@link InstructionStream} reads what
 * guacd sends and {@link WriteQueue} writes what Keyhole sends, neither holding a thread.
 *
 * <p>A connection ends once, for the first of its causes ({@link FirstEnding}): guacd closing it, a read or a write
 * failing, guacd stopping to read or falling silent, Keyhole closing it. Its reader is told that cause, whichever
 * part found it.
 *
 * <p>Threads: {@link #open} blocks (see {@link GuacdHandshake}); reads run on the connection's relay loop;
 * {@link #write} and {@link #close} may be called from any thread.
 */
final class GuacdConnection implements AutoCloseable {

    /** How long guacd may send nothing before the connection counts as stuck. */
    static final Duration SILENCE_LIMIT = InstructionStream.SILENCE_LIMIT;

    private static final GuacamoleInstruction DISCONNECT = new GuacamoleInstruction("disconnect");

    private final SocketChannel channel;
    private final String connectionId;
    private final GuacamoleProtocolVersion protocolVersion;
    private final FirstEnding ending = new FirstEnding(this::closeChannel);
    private final InstructionStream stream;
    private final WriteQueue writes;

    private GuacdConnection(GuacdHandshake handshake, RelayLoops.LoopChannel looped, Duration stallLimit) {
        this.channel = handshake.channel();
        this.connectionId = handshake.connectionId();
        this.protocolVersion = handshake.protocolVersion();
        this.stream = new InstructionStream(looped, handshake.readAhead(), ending);
        this.writes = new WriteQueue(looped, stallLimit, ending);
    }

    /**
     * Connects to guacd and performs the handshake. Blocks for at most about {@code timeout} per step; call it on
     * a thread that may block, never on a relay loop.
     *
     * @param loops       the relay loops, one of which the connection joins after the handshake
     * @param guacd       where guacd listens
     * @param select      the protocol ({@code rdp}) for a new connection, or a connection id ({@code $…}) to join
     * @param parameters  the connection's parameters, answered to guacd's {@code args}
     * @param information the display size, resolution and image formats of the viewer
     * @param timeout     how long each step of the handshake may take, and later how long guacd may take none of
     *                    a write before the connection ends as stuck
     * @return the connection, between {@code ready} and the first instruction after it
     * @throws TunnelException with a message fit for the user if guacd is unreachable or refuses
     */
    static GuacdConnection open(RelayLoops loops, GuacdConfig guacd, String select,
            GuacamoleConfiguration parameters, GuacamoleClientInformation information, Duration timeout)
            throws TunnelException {
        GuacdHandshake handshake = GuacdHandshake.perform(guacd, select, parameters, information, timeout);
        RelayLoops.LoopChannel looped;
        try {
            looped = loops.adopt(handshake.channel());
        } catch (IOException e) {
            try {
                handshake.channel().close();
            } catch (IOException ignored) {
                // It failed already.
            }
            throw new TunnelException(GuacamoleStatus.SERVER_ERROR,
                    "Keyhole cannot relay the connection to guacd: " + e);
        }
        return new GuacdConnection(handshake, looped, timeout);
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
    void startReading(InstructionStream.Reader reader, boolean withEnds) {
        startReading(reader, withEnds, SILENCE_LIMIT);
    }

    /** {@link #startReading(InstructionStream.Reader, boolean)} with another silence limit (tests). */
    void startReading(InstructionStream.Reader reader, boolean withEnds, Duration silenceLimit) {
        stream.start(reader, withEnds, silenceLimit);
    }

    /**
     * Queues bytes for guacd. Writes happen in order without blocking the caller; whatever is queued while one
     * write is under way goes out together in the next. Nothing is written once the connection has ended.
     *
     * @param bytes complete instructions
     * @throws TunnelException if guacd has not taken up a megabyte already queued (the sender is too fast for it,
     *                         or guacd is stuck); the connection has ended then, with that cause
     */
    void write(ByteBuffer bytes) throws TunnelException {
        writes.write(bytes);
    }

    /** Queues one instruction for guacd, as {@link #write(ByteBuffer)} does. */
    void write(GuacamoleInstruction instruction) throws TunnelException {
        write(ByteBuffer.wrap(instruction.toString().getBytes(StandardCharsets.UTF_8)));
    }

    /** @return how many bytes wait for the write under way (tests) */
    int queuedBytes() {
        return writes.queuedBytes();
    }

    /**
     * Tells guacd this user leaves ({@code disconnect}) and closes the connection: guacd then lets go of the user
     * at once (and, for the last one, of the console's RDP or VNC session) instead of noticing a dead socket later.
     */
    void disconnect() {
        if (!ending.endBeforeClosing(GuacdEnding.CLOSED_BY_KEYHOLE)) {
            ending.close();
            return;
        }
        try {
            writes.write(ByteBuffer.wrap(DISCONNECT.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (TunnelException e) {
            // guacd takes nothing more: closing is all that is left.
        }
        // Closing the socket at once would drop a disconnect still queued behind a write under way.
        writes.whenDrained(ending::close);
    }

    /** @return whether the connection has ended, for whatever cause */
    boolean isClosed() {
        return ending.get() != null;
    }

    /** @return why the connection ended; null while it is open */
    GuacdEnding ending() {
        return ending.get();
    }

    /** Closes the connection, unless it has ended already; a pending read then ends the stream. */
    @Override
    public void close() {
        ending.end(GuacdEnding.CLOSED_BY_KEYHOLE);
    }

    /** Run once, by whatever ended the connection first. */
    private void closeChannel() {
        writes.close();
        try {
            channel.close();
        } catch (IOException e) {
            // Nothing more can be done with a connection that fails to close.
        }
        stream.closed();
    }
}
