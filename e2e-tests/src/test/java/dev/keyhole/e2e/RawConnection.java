package dev.keyhole.e2e;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/**
 * One HTTP/1.1 request written byte for byte from a local address of the test's choosing (127.0.0.2 is this
 * machine too, but another peer to the server), whose connection stays open after the answer's headers: for an
 * event stream that goes on, or a WebSocket whose frames the test then reads.
 */
final class RawConnection implements AutoCloseable {

    private final Socket socket;
    private final DataInputStream in;
    private final int status;
    private final Map<String, String> headers;

    private RawConnection(Socket socket, DataInputStream in, int status, Map<String, String> headers) {
        this.socket = socket;
        this.in = in;
        this.status = status;
        this.headers = headers;
    }

    /**
     * Sends a request and reads its answer's status and headers.
     *
     * @param from    the local address to connect from
     * @param server  the server (only host and port are used)
     * @param path    the request target
     * @param headers every header to send, {@code Host} included
     */
    static RawConnection get(InetAddress from, URI server, String path, Map<String, String> headers)
            throws IOException {
        Socket socket = new Socket();
        try {
            socket.bind(new InetSocketAddress(from, 0));
            socket.connect(new InetSocketAddress(server.getHost(), server.getPort()), 10_000);
            socket.setSoTimeout(15_000);
            StringBuilder request = new StringBuilder("GET " + path + " HTTP/1.1\r\n");
            headers.forEach((name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
            request.append("\r\n");
            OutputStream out = socket.getOutputStream();
            out.write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            RawHttp.Answer head = RawHttp.readHead(in);
            return new RawConnection(socket, in, head.status(), head.headers());
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /** @return the answer's status */
    int status() {
        return status;
    }

    /** @return an answer header, by any case of its name; null when absent */
    String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }

    /** A WebSocket frame from the server (unmasked, as servers send them). */
    record Frame(int opcode, byte[] payload) {

        boolean isText() {
            return opcode == 1;
        }

        boolean isClose() {
            return opcode == 8;
        }

        String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        /** @return a close frame's reason (after its two-byte code) */
        String closeReason() {
            return payload.length < 2 ? "" : new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return isClose() ? "close " + (payload.length < 2 ? "" : ByteBuffer.wrap(payload, 0, 2).getShort() + " ")
                    + closeReason() : "opcode " + opcode + " " + text();
        }
    }

    /** @return the next WebSocket frame the server sends, after a {@code 101} */
    Frame nextFrame() throws IOException {
        int first = in.readUnsignedByte();
        int second = in.readUnsignedByte();
        long length = second & 0x7f;
        if (length == 126) {
            length = in.readUnsignedShort();
        } else if (length == 127) {
            length = in.readLong();
        }
        byte[] payload = new byte[Math.toIntExact(length)];
        in.readFully(payload);
        return new Frame(first & 0x0f, payload);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
