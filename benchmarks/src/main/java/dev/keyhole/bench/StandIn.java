package dev.keyhole.bench;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A guacd stand-in that isolates the relay: it speaks guacd's real handshake ({@code select} → {@code args} →
 * {@code size}/{@code audio}/{@code video}/{@code image}/{@code connect} → {@code ready}), then replays the
 * {@link Recording} until the number of bytes the connection asked for was sent, then sends {@code 3.nop;} (the
 * end of the stream: the recording holds no {@code nop}), and from then on answers every key press with a
 * {@code sync} whose timestamp is the key's keysym.
 *
 * <p>How many bytes a connection gets is its {@code hostname} parameter: {@code stream-BYTES} (anything else:
 * none). A connection that joins ({@code select $id}) is served exactly like a new one, as guacd sends every user
 * of a connection the same picture. Two threads per connection: one writes the stream, one reads (keys, and the
 * {@code sync} replies of clients, which guacd also reads while it streams).
 */
final class StandIn implements AutoCloseable {

    /** Sent after the stream; the client knows the stream is complete when its bytes end with it. */
    static final byte[] END_OF_STREAM = Instructions.encode("nop");

    private static final String HOSTNAME_PREFIX = "stream-";

    private final Recording recording;
    private final ServerSocket server;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicLong connections = new AtomicLong();
    private volatile boolean closed;

    private StandIn(Recording recording, ServerSocket server) {
        this.recording = recording;
        this.server = server;
    }

    /** Starts listening on a free port of 127.0.0.1. */
    static StandIn start(Recording recording) throws IOException {
        StandIn standIn = new StandIn(recording, new ServerSocket(0, 1024, InetAddress.getLoopbackAddress()));
        Thread acceptor = new Thread(standIn::accept, "stand-in-accept");
        acceptor.setDaemon(true);
        acceptor.start();
        return standIn;
    }

    /** @return the {@code hostname} parameter that asks for {@code bytes} bytes of stream */
    static String hostnameFor(long bytes) {
        return HOSTNAME_PREFIX + bytes;
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
                socket.setTcpNoDelay(true);
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
            OutputStream out = new BufferedOutputStream(socket.getOutputStream(), Recording.FRAME_BYTES);
            expect(reader.read(), "select");
            out.write(Instructions.encode("args", "VERSION_1_1_0", "hostname", "port"));
            out.flush();
            Instructions.Instruction instruction;
            do {
                instruction = reader.read();
            } while (!instruction.opcode().equals("connect"));
            String hostname = instruction.args() > 1 ? instruction.arg(1) : "";
            long bytes = hostname.startsWith(HOSTNAME_PREFIX)
                    ? Long.parseLong(hostname.substring(HOSTNAME_PREFIX.length())) : 0;
            out.write(Instructions.encode("ready", "$" + UUID.randomUUID()));
            out.flush();
            connections.incrementAndGet();

            Thread keys = new Thread(() -> answerKeys(reader, out), Thread.currentThread().getName() + "-keys");
            keys.setDaemon(true);
            keys.start();
            synchronized (out) {
                recording.replay(out, bytes);
                out.write(END_OF_STREAM);
                out.flush();
            }
            keys.join();
        } catch (IOException e) {
            // The client went away: nothing to serve any more.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            open.remove(socket);
        }
    }

    /** Answers every key press with {@code sync,KEYSYM}; everything else the client sends is read and dropped. */
    private void answerKeys(Instructions.Reader reader, OutputStream out) {
        try {
            while (true) {
                Instructions.Instruction instruction = reader.read();
                if (instruction.opcode().equals("key") && instruction.args() == 2 && instruction.arg(1).equals("1")) {
                    byte[] echo = Instructions.encode("sync", instruction.arg(0));
                    synchronized (out) {
                        out.write(echo);
                        out.flush();
                    }
                } else if (instruction.opcode().equals("disconnect")) {
                    return;
                }
            }
        } catch (IOException e) {
            // The client went away.
        }
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
