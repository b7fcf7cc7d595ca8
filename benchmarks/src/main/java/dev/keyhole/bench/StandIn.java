package dev.keyhole.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A guacd stand-in that isolates the relay: it speaks guacd's real handshake ({@code select} → {@code args} →
 * {@code size}/{@code audio}/{@code video}/{@code image}/{@code connect} → {@code ready}), then replays the
 * {@link Recording} until the number of bytes the connection asked for was sent (none: a lone {@code sync}, a
 * frame's end, as a connection's first frame has one), then sends {@code 3.nop;} (the end of the stream: the
 * recordings hold no {@code nop}), and from then on answers every key press with a {@code sync} whose timestamp is
 * the key's keysym. Like guacd, it sends a keep-alive {@code nop} when it wrote nothing for 5 s (after the stream
 * only: during it the client takes a {@code nop} for the stream's end).
 *
 * <p>Which recording a connection gets, and how many bytes of it, is its {@code hostname} parameter
 * ({@link Stream}: {@code stream-NAME-BYTES}; anything else: none). A connection that joins ({@code select $id}) is
 * served exactly like a new one, as guacd sends every user of a connection the same picture. The stream is written
 * as guacd writes it ({@link Recording#replay}: writes of guacd's 8 KB output buffer, cut anywhere, and a flush at
 * each frame's end). One thread per connection: it writes the stream and, at each flush, reads what the client sent
 * (the answers to the stream's {@code sync}s, keys).
 */
final class StandIn implements AutoCloseable {

    /** Sent after the stream; the client knows the stream is complete when its bytes end with it. */
    static final byte[] END_OF_STREAM = Instructions.encode("nop");

    private static final String HOSTNAME_PREFIX = "stream-";

    /**
     * What a session asks the stand-in for: {@code bytes} bytes of the recording named {@code recording}, as the
     * connection's {@code hostname} parameter says ({@code stream-NAME-BYTES}), so that every gateway passes it
     * through its ordinary configuration.
     */
    record Stream(String recording, long bytes) {

        /** @return the {@code hostname} parameter that asks for this stream */
        String hostname() {
            return HOSTNAME_PREFIX + recording + "-" + bytes;
        }

        /** @return the stream a {@code hostname} parameter asks for, or null if it asks for none */
        static Stream of(String hostname) {
            int dash = hostname.lastIndexOf('-');
            if (!hostname.startsWith(HOSTNAME_PREFIX) || dash < HOSTNAME_PREFIX.length()) {
                return null;
            }
            return new Stream(hostname.substring(HOSTNAME_PREFIX.length(), dash),
                    Long.parseLong(hostname.substring(dash + 1)));
        }
    }
    /** guacd's keep-alive interval: a gateway may take a longer silence for a stuck guacd. */
    private static final int KEEP_ALIVE_MILLIS = 5_000;
    private static final byte[] KEEP_ALIVE = Instructions.encode("nop");
    /** The stream of a session that asks for none: one frame's end, as every guacd connection's first frame has. */
    private static final byte[] EMPTY_FRAME = Instructions.encode("sync", "1");
    /** How much of the stream is written between two reads of the client's input. */
    private static final long READ_INPUT_EVERY = 64 * 1024;

    private final Map<String, Recording> recordings;
    private final ServerSocket server;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicLong connections = new AtomicLong();
    private final Object streamingLock = new Object();
    private int streaming;
    private volatile boolean closed;

    private StandIn(Map<String, Recording> recordings, ServerSocket server) {
        this.recordings = recordings;
        this.server = server;
    }

    /** Starts listening on a free port of 127.0.0.1, to replay any of {@code recordings}. */
    static StandIn start(List<Recording> recordings) throws IOException {
        ServerSocket server = new ServerSocket();
        // Room for a burst of the clients' sync answers while this machine's two cores are busy elsewhere.
        server.setReceiveBufferSize(4 * 1024 * 1024);
        server.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
        Map<String, Recording> byName = new java.util.HashMap<>();
        recordings.forEach(recording -> byName.put(recording.name(), recording));
        StandIn standIn = new StandIn(Map.copyOf(byName), server);
        Thread acceptor = new Thread(standIn::accept, "stand-in-accept");
        acceptor.setDaemon(true);
        acceptor.start();
        return standIn;
    }

    int port() {
        return server.getLocalPort();
    }

    /** @return how many connections completed the handshake so far */
    long connections() {
        return connections.get();
    }

    private void accept() {
        while (!closed) {
            try {
                Socket socket = server.accept();
                // No TCP_NODELAY: guacd leaves Nagle's algorithm on for its users' sockets.
                open.add(socket);
                Thread serving = new Thread(() -> serve(socket), "stand-in-" + socket.getPort());
                serving.setDaemon(true);
                serving.start();
            } catch (IOException e) {
                if (!closed) {
                    Log.say("stand-in: accept failed: %s", e);
                }
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            Instructions.Reader reader = new Instructions.Reader(socket.getInputStream());
            // Unbuffered: each of the replay's writes is one write to the socket, as guacd's are.
            OutputStream out = socket.getOutputStream();
            expect(reader.read(), "select");
            out.write(Instructions.encode("args", "VERSION_1_1_0", "hostname", "port"));
            Instructions.Instruction instruction;
            do {
                instruction = reader.read();
            } while (!instruction.opcode().equals("connect"));
            Stream stream = Stream.of(instruction.args() > 1 ? instruction.arg(1) : "");
            Recording recording = stream == null ? null : recordings.get(stream.recording());
            if (stream != null && recording == null) {
                throw new IOException("the stand-in has no recording named " + stream.recording());
            }
            long bytes = stream == null ? 0 : stream.bytes();
            out.write(Instructions.encode("ready", "$" + UUID.randomUUID()));
            connections.incrementAndGet();

            ClientInput input = new ClientInput(reader, out);
            streaming(+1);
            try {
                // The client's input is read at a flush (a frame's end), on this thread, every 64 KB of the
                // stream: the answers to its syncs are read as fast as the stream is taken, whatever else keeps
                // the cores busy, and without a system call for each of a small recording's frames.
                long[] lastRead = {0};
                if (bytes > 0) {
                    recording.replay(out, bytes, sent -> {
                        if (sent - lastRead[0] >= READ_INPUT_EVERY) {
                            lastRead[0] = sent;
                            input.readAvailable();
                        }
                    });
                } else {
                    out.write(EMPTY_FRAME);
                }
                out.write(END_OF_STREAM);
            } finally {
                streaming(-1);
            }
            socket.setSoTimeout(KEEP_ALIVE_MILLIS / 5);
            input.readUntilClosed();
        } catch (IOException e) {
            // The client went away: nothing to serve any more.
        } finally {
            open.remove(socket);
        }
    }

    private void streaming(int change) {
        synchronized (streamingLock) {
            streaming += change;
            if (streaming == 0) {
                streamingLock.notifyAll();
            }
        }
    }

    /**
     * Waits until no connection is streaming. A gateway may have connections of its own besides the client's
     * (Keyhole's console connection gets the same picture as its viewers, as from guacd): key round trips are timed
     * once the stand-in has sent everything, so that they measure the path, not the rest of a stream.
     */
    void awaitAllStreamed() throws InterruptedException {
        synchronized (streamingLock) {
            while (streaming > 0) {
                streamingLock.wait();
            }
        }
    }

    /**
     * What the client sends: every key press is answered with {@code sync,KEYSYM}; everything else is dropped.
     * Read without building objects, as a gateway answers each of the recording's {@code sync}s as fast as it
     * streams. Clients send ASCII only, so a byte is a character here.
     */
    private static final class ClientInput {

        private final InputStream in;
        private final OutputStream out;
        private final byte[] buffer = new byte[64 * 1024];
        private int filled;
        /** When this last wrote, once the stream was sent ({@link System#nanoTime}). */
        private long lastWriteNanos;

        ClientInput(Instructions.Reader reader, OutputStream out) {
            this.in = reader.stream();
            this.out = out;
            byte[] leftover = reader.leftover();
            System.arraycopy(leftover, 0, buffer, 0, leftover.length);
            filled = leftover.length;
        }

        /** Reads and handles what has arrived, without waiting. */
        void readAvailable() throws IOException {
            int available;
            while ((available = in.available()) > 0) {
                if (!readSome(Math.min(available, buffer.length - filled))) {
                    return;
                }
            }
        }

        /**
         * Reads and handles everything until the client closes the connection, and, as guacd does, sends a
         * keep-alive whenever it wrote nothing for 5 s (whatever the client sends
         * meanwhile: a gateway takes a guacd that says nothing for long for a stuck one).
         */
        void readUntilClosed() throws IOException {
            lastWriteNanos = System.nanoTime();
            while (true) {
                try {
                    if (!readSome(buffer.length - filled)) {
                        return;
                    }
                } catch (java.net.SocketTimeoutException quiet) {
                    // Nothing came: time to look at the keep-alive.
                }
                if (System.nanoTime() - lastWriteNanos > KEEP_ALIVE_MILLIS * 1_000_000L) {
                    out.write(KEEP_ALIVE);
                    lastWriteNanos = System.nanoTime();
                }
            }
        }

        private boolean readSome(int max) throws IOException {
            if (max == 0) {
                throw new IOException("an instruction longer than " + buffer.length + " bytes");
            }
            int n = in.read(buffer, filled, max);
            if (n < 0) {
                return false;
            }
            filled += n;
            int start = 0;
            int end;
            while ((end = instructionEnd(buffer, start, filled)) > 0) {
                if (startsWith(buffer, start, KEY) && answerKey(buffer, start + KEY.length, end, out)) {
                    lastWriteNanos = System.nanoTime();
                }
                start = end;
            }
            System.arraycopy(buffer, start, buffer, 0, filled - start);
            filled -= start;
            return true;
        }
    }

    private static final byte[] KEY = Session.ascii("3.key,");
    private static final byte[] PRESSED = Session.ascii(",1.1;");

    /**
     * Answers {@code 3.key,} + {@code L.KEYSYM,1.1;} (a press) found in {@code bytes[from, to)}.
     *
     * @return whether it was a press, and answered
     */
    private static boolean answerKey(byte[] bytes, int from, int to, OutputStream out) throws IOException {
        int dot = from;
        while (bytes[dot] != '.') {
            dot++;
        }
        int comma = dot + 1 + Integer.parseInt(new String(bytes, from, dot - from, StandardCharsets.US_ASCII));
        String keysym = new String(bytes, dot + 1, comma - dot - 1, StandardCharsets.US_ASCII);
        boolean pressed = Arrays.equals(bytes, to - 5, to, PRESSED, 0, PRESSED.length);
        if (pressed) {
            out.write(Instructions.encode("sync", keysym));
        }
        return pressed;
    }

    /** @return the index after the {@code ;} of the instruction at {@code from}, or -1 if it is not complete */
    private static int instructionEnd(byte[] bytes, int from, int to) throws IOException {
        int i = from;
        while (i < to) {
            int length = 0;
            while (i < to && bytes[i] != '.') {
                byte b = bytes[i++];
                if (b < '0' || b > '9') {
                    throw new IOException("not Guacamole protocol from the client");
                }
                length = length * 10 + (b - '0');
            }
            i += 1 + length;
            if (i >= to) {
                return -1;
            }
            if (bytes[i++] == ';') {
                return i;
            }
        }
        return -1;
    }

    private static boolean startsWith(byte[] bytes, int from, byte[] prefix) {
        return Arrays.equals(bytes, from, from + prefix.length, prefix, 0, prefix.length);
    }

    private static void expect(Instructions.Instruction instruction, String opcode) throws IOException {
        if (!instruction.opcode().equals(opcode)) {
            throw new IOException("expected " + opcode + ", got " + instruction.opcode());
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        for (Socket socket : List.copyOf(open)) {
            socket.close();
        }
    }
}
