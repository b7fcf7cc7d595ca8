package dev.keyhole.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;

/** A session straight to a guacd (or the stand-in) over TCP: the client does the handshake itself. */
final class TcpSession extends Session {

    private final Socket socket;
    private final OutputStream out;

    private TcpSession(Socket socket) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
    }

    /** Connects, performs the handshake and starts reading on a thread of its own. */
    static TcpSession open(String host, int port, Map<String, String> parameters) throws IOException {
        GuacdHandshake.Connected connected = GuacdHandshake.connect(host, port, "rdp", parameters, 1024, 768,
                List.of("image/png", "image/jpeg", "image/webp"));
        TcpSession session = new TcpSession(connected.socket());
        byte[] leftover = connected.reader().leftover();
        Thread reader = new Thread(() -> session.read(leftover, connected.socket()), "client-tcp");
        reader.setDaemon(true);
        reader.start();
        return session;
    }

    private void read(byte[] leftover, Socket socket) {
        if (leftover.length > 0) {
            received(ByteBuffer.wrap(leftover));
        }
        byte[] buffer = new byte[256 * 1024];
        try {
            InputStream in = socket.getInputStream();
            int n;
            while ((n = in.read(buffer)) >= 0) {
                received(ByteBuffer.wrap(buffer, 0, n));
            }
            failed(new IOException("the connection closed"));
        } catch (IOException e) {
            failed(e);
        }
    }

    @Override
    protected void send(byte[] instruction) {
        try {
            synchronized (out) {
                out.write(instruction);
                out.flush();
            }
        } catch (IOException e) {
            failed(e);
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
