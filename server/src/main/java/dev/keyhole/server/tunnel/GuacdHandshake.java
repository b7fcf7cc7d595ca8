package dev.keyhole.server.tunnel;

import dev.keyhole.server.config.GuacdConfig;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
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
 * The start of a guacd connection: the TCP connection, then guacamole-common's own handshake
 * ({@link ConfiguredGuacamoleSocket}: {@code select}, {@code args}, {@code size}…, {@code connect}, {@code ready})
 * run over it with blocking reads and writes.
 *
 * <p>It reads one instruction at a time and never past the end of {@code ready}'s; whatever guacd sent behind it
 * in the same read is handed over ({@link #readAhead}) as the start of the instruction stream, so nothing read
 * ahead is lost.
 *
 * <p>Threads: it blocks the calling thread for at most about {@code timeout} per step. Call it on a thread that may
 * block, never on a relay loop's.
 */
final class GuacdHandshake {

    private final SocketChannel channel;
    private final Duration timeout;
    /** Bytes read and not yet taken by the handshake are {@code buffer[0, filled)}. */
    private byte[] buffer = new byte[InstructionStream.INITIAL_BUFFER];
    private int filled;
    private String connectionId;
    private GuacamoleProtocolVersion protocolVersion;

    private GuacdHandshake(SocketChannel channel, Duration timeout) {
        this.channel = channel;
        this.timeout = timeout;
    }

    /**
     * Connects to guacd and performs the handshake.
     *
     * @param guacd       where guacd listens
     * @param select      the protocol ({@code rdp}) for a new connection, or a connection id ({@code $…}) to join
     * @param parameters  the connection's parameters, answered to guacd's {@code args}
     * @param information the display size, resolution and image formats of the viewer
     * @param timeout     how long each step may take
     * @return the handshake, done: its channel is between {@code ready} and what follows it
     * @throws TunnelException with a message fit for the user if guacd is unreachable or refuses
     */
    static GuacdHandshake perform(GuacdConfig guacd, String select, GuacamoleConfiguration parameters,
            GuacamoleClientInformation information, Duration timeout) throws TunnelException {
        SocketChannel channel;
        try {
            channel = SocketChannel.open();
            // Small writes (the handshake's instructions, a key press) go out at once, not after guacd's delayed
            // acknowledgement of the previous one.
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        } catch (IOException e) {
            throw new TunnelException(GuacamoleStatus.SERVER_ERROR, "Keyhole cannot open a socket: " + e);
        }
        GuacdHandshake handshake = new GuacdHandshake(channel, timeout);
        try {
            channel.socket().connect(new InetSocketAddress(guacd.host(), guacd.port()), (int) timeout.toMillis());
            // The handshake's reads wait at most this long (the channel's socket adaptor honours it).
            channel.socket().setSoTimeout((int) timeout.toMillis());
        } catch (IOException e) {
            handshake.closeChannel();
            if (Thread.interrupted()) {
                Thread.currentThread().interrupt();
                throw new TunnelException(GuacamoleStatus.SERVER_ERROR, "Keyhole is shutting down");
            }
            throw new TunnelException(GuacamoleStatus.UPSTREAM_NOT_FOUND, "guacd is not reachable at "
                    + guacd.address() + (e instanceof ConnectException ? "" : " (" + e + ")"));
        }
        GuacamoleConfiguration configuration = new GuacamoleConfiguration(parameters);
        if (select.startsWith("$")) {
            configuration.setConnectionID(select);
        } else {
            configuration.setProtocol(select);
        }
        try {
            ConfiguredGuacamoleSocket done =
                    new ConfiguredGuacamoleSocket(handshake.new BlockingSocket(), configuration, information);
            handshake.connectionId = done.getConnectionID();
            handshake.protocolVersion = done.getProtocolVersion();
        } catch (GuacamoleException e) {
            handshake.closeChannel();
            throw new TunnelException(e.getStatus(), "guacd at " + guacd.address() + " refused the connection: "
                    + e.getMessage());
        }
        return handshake;
    }

    /** @return the connected channel, still blocking; its owner closes it */
    SocketChannel channel() {
        return channel;
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
     * @return what guacd sent behind {@code ready}, from index 0 of the buffer the handshake read into (handed
     *         over, not copied: the instruction stream goes on reading into it)
     */
    ByteBuffer readAhead() {
        return ByteBuffer.wrap(buffer, 0, filled);
    }

    private void closeChannel() {
        try {
            channel.close();
        } catch (IOException e) {
            // Nothing more can be done with a connection that fails to close.
        }
    }

    /** Reads exactly one instruction, leaving what follows it in the buffer; null at the end of the stream. */
    private GuacamoleInstruction readInstruction() throws GuacamoleException {
        InstructionBoundaries single = new InstructionBoundaries();
        int end;
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
                if (buffer.length >= InstructionStream.MAX_BUFFER) {
                    throw new GuacamoleServerException("guacd sent an over-long handshake instruction");
                }
                buffer = Arrays.copyOf(buffer, buffer.length * 2);
            }
            int count;
            try {
                count = channel.socket().getInputStream().read(buffer, filled, buffer.length - filled);
            } catch (SocketTimeoutException e) {
                throw new GuacamoleUpstreamTimeoutException("guacd did not answer within " + timeout.toSeconds()
                        + " s");
            } catch (IOException e) {
                throw new GuacamoleServerException("reading from guacd failed: " + e, e);
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

    /** Writes blocking: the handshake's few hundred bytes fit in the socket's buffer, whatever guacd does. */
    private void write(byte[] bytes) throws GuacamoleException {
        ByteBuffer data = ByteBuffer.wrap(bytes);
        try {
            while (data.hasRemaining()) {
                channel.write(data);
            }
        } catch (IOException e) {
            throw new GuacamoleServerException("writing to guacd failed: " + e, e);
        }
    }

    /** The channel as the blocking {@link GuacamoleSocket} {@link ConfiguredGuacamoleSocket} talks to. */
    private final class BlockingSocket implements GuacamoleSocket {

        private final GuacamoleReader reader = new GuacamoleReader() {
            @Override
            public boolean available() {
                return filled > 0;
            }

            @Override
            public char[] read() throws GuacamoleException {
                GuacamoleInstruction instruction = readInstruction();
                return instruction == null ? null : instruction.toString().toCharArray();
            }

            @Override
            public GuacamoleInstruction readInstruction() throws GuacamoleException {
                return GuacdHandshake.this.readInstruction();
            }
        };

        private final GuacamoleWriter writer = new GuacamoleWriter() {
            @Override
            public void write(char[] chunk, int offset, int length) throws GuacamoleException {
                GuacdHandshake.this.write(new String(chunk, offset, length).getBytes(StandardCharsets.UTF_8));
            }

            @Override
            public void write(char[] chunk) throws GuacamoleException {
                write(chunk, 0, chunk.length);
            }

            @Override
            public void writeInstruction(GuacamoleInstruction instruction) throws GuacamoleException {
                GuacdHandshake.this.write(instruction.toString().getBytes(StandardCharsets.UTF_8));
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
            closeChannel();
        }

        @Override
        public boolean isOpen() {
            return channel.isOpen();
        }
    }
}
