package dev.keyhole.e2e;

import dev.keyhole.e2e.fixtures.SignedIn;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A WebSocket client that sends and never reads, written on a plain socket with a small receive buffer, as an
 * attacker's would be: what the server sends it piles up in the server. {@link #awaitClose} reads at last, to see
 * how the server closed it.
 */
final class StalledWebSocket implements AutoCloseable {

    /** The close frame the server sent. */
    record Close(int code, String reason) {
    }

    private final Socket socket;
    private final OutputStream out;

    private StalledWebSocket(Socket socket) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
    }

    /** Opens a tunnel WebSocket to {@code server}'s {@code path}, reads the handshake's answer and nothing more. */
    static StalledWebSocket open(URI server, String path, SignedIn as) throws IOException {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(4096);
        socket.connect(new InetSocketAddress(server.getHost(), server.getPort()), 10_000);
        socket.setSoTimeout(30_000);
        String host = server.getHost() + ":" + server.getPort();
        String request = "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nOrigin: http://" + host + "\r\n"
                + "Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Protocol: guacamole\r\n"
                + "Cookie: " + as.cookie() + "\r\n\r\n";
        socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("the server closed the connection during the handshake: " + head);
            }
            head.write(b);
        }
        if (!head.toString(StandardCharsets.ISO_8859_1).startsWith("HTTP/1.1 101")) {
            throw new IOException("the handshake was refused: " + head);
        }
        return new StalledWebSocket(socket);
    }

    /** Sends one masked text frame (as a browser must). */
    void sendText(String text) throws IOException {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 14);
        frame.write(0x81);
        if (payload.length < 126) {
            frame.write(0x80 | payload.length);
        } else if (payload.length < 65536) {
            frame.write(0x80 | 126);
            frame.write(payload.length >>> 8);
            frame.write(payload.length);
        } else {
            frame.write(0x80 | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                frame.write((int) ((long) payload.length >>> shift));
            }
        }
        byte[] mask = new byte[4];
        ThreadLocalRandom.current().nextBytes(mask);
        frame.write(mask);
        for (int i = 0; i < payload.length; i++) {
            payload[i] ^= mask[i & 3];
        }
        frame.write(payload);
        out.write(frame.toByteArray());
    }

    /** Reads, at last, until the server's close frame; frames before it are skipped. */
    Close awaitClose() throws IOException {
        DataInputStream in = new DataInputStream(socket.getInputStream());
        int frames = 0;
        long bytes = 0;
        while (true) {
            int first;
            try {
                first = in.readUnsignedByte();
            } catch (java.io.EOFException e) {
                throw new java.io.EOFException("the server closed the connection without a close frame, after "
                        + frames + " frames (" + bytes + " bytes)");
            }
            frames++;
            int second = in.readUnsignedByte();
            long length = second & 0x7f;
            if (length == 126) {
                length = in.readUnsignedShort();
            } else if (length == 127) {
                length = in.readLong();
            }
            byte[] payload = in.readNBytes((int) length);
            bytes += length;
            if ((first & 0x0f) == 0x8) {
                int code = payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : -1;
                String reason = payload.length > 2 ? new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8) : "";
                return new Close(code, reason);
            }
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
