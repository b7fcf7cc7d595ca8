package dev.keyhole.server.tunnel;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A guacd for unit tests of one connection: it does guacd's handshake on a loopback socket, then lets the test
 * write exactly the bytes it wants, in the pieces it wants, and read what the connection sent.
 */
public final class FakeGuacd implements AutoCloseable {

    private static final int READ_TIMEOUT_MILLIS = 30_000;

    private final ServerSocket server;

    /** @param receiveBuffer the accepted sockets' receive buffer in bytes (0: the system's) */
    public FakeGuacd(int receiveBuffer) throws IOException {
        server = new ServerSocket();
        if (receiveBuffer > 0) {
            server.setReceiveBufferSize(receiveBuffer);
        }
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    public int port() {
        return server.getLocalPort();
    }

    /**
     * Accepts the next connection in the background and answers its handshake; {@code ready} is written together
     * with {@code afterReady}, as guacd may send the first instructions right behind it.
     */
    public CompletableFuture<Peer> accept(String afterReady) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                Socket socket = server.accept();
                socket.setTcpNoDelay(true);
                // A read that waits this long means the connection lost bytes: a failure, not a hang.
                socket.setSoTimeout(READ_TIMEOUT_MILLIS);
                Peer peer = new Peer(socket);
                if (!peer.readInstruction().get(0).equals("select")) {
                    throw new IOException("expected select");
                }
                peer.write("4.args,13.VERSION_1_1_0,8.hostname;");
                while (!peer.readInstruction().get(0).equals("connect")) {
                    // size, audio, video, image, timezone…: nothing to answer
                }
                peer.write("5.ready,37.$00000000-0000-0000-0000-000000000000;" + afterReady);
                return peer;
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @Override
    public void close() throws IOException {
        server.close();
    }

    /** guacd's end of one connection. */
    public static final class Peer implements AutoCloseable {

        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;

        Peer(Socket socket) throws IOException {
            this.socket = socket;
            this.in = new BufferedInputStream(socket.getInputStream());
            this.out = socket.getOutputStream();
        }

        public void write(String text) throws IOException {
            write(text.getBytes(StandardCharsets.UTF_8));
        }

        void write(byte[] bytes) throws IOException {
            out.write(bytes);
            out.flush();
        }

        /** Reads exactly {@code count} bytes. */
        byte[] read(int count) throws IOException {
            return in.readNBytes(count);
        }

        /** Reads one instruction's elements (lengths count characters, as in the protocol). */
        public List<String> readInstruction() throws IOException {
            List<String> elements = new ArrayList<>();
            while (true) {
                int length = 0;
                int b;
                while ((b = in.read()) != '.') {
                    if (b < '0' || b > '9') {
                        throw new IOException("not an element length: " + b);
                    }
                    length = length * 10 + (b - '0');
                }
                ByteArrayOutputStream value = new ByteArrayOutputStream();
                int characters = 0;
                while (characters < length) {
                    b = in.read();
                    if (b < 0) {
                        throw new IOException("the connection ended inside an element");
                    }
                    if ((b & 0xC0) != 0x80) {
                        characters++;
                    }
                    value.write(b);
                }
                // Continuation bytes of the last character.
                while (true) {
                    b = in.read();
                    if ((b & 0xC0) != 0x80) {
                        break;
                    }
                    value.write(b);
                }
                elements.add(value.toString(StandardCharsets.UTF_8));
                if (b == ';') {
                    return elements;
                }
                if (b != ',') {
                    throw new IOException("expected , or ; after an element, got " + b);
                }
            }
        }

        /** @return how many bytes have arrived and wait to be read */
        int available() throws IOException {
            return in.available();
        }

        /** Resets the connection (TCP RST) instead of closing it: the other end's next read or write fails. */
        void reset() throws IOException {
            socket.setSoLinger(true, 0);
            socket.close();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
