package dev.keyhole.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The client side of guacd's handshake over a plain socket: {@code select} → {@code args} →
 * {@code size}/{@code audio}/{@code video}/{@code image}/{@code connect} → {@code ready}.
 */
final class GuacdHandshake {

    /** The connection after {@code ready}: the socket, a reader positioned after it, and guacd's connection id. */
    record Connected(Socket socket, Instructions.Reader reader, String connectionId) {
    }

    private GuacdHandshake() {
    }

    /**
     * Connects and performs the handshake.
     *
     * @param parameters the connection's parameters by name; each name guacd asks for and this lacks is sent empty
     * @param imageTypes image formats the client says it can draw
     */
    static Connected connect(String host, int port, String select, Map<String, String> parameters, int width,
            int height, List<String> imageTypes) throws IOException {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(host, port), 10_000);
            OutputStream out = socket.getOutputStream();
            Instructions.Reader reader = new Instructions.Reader(socket.getInputStream());
            out.write(Instructions.encode("select", select));
            Instructions.Instruction args = reader.read();
            if (!args.opcode().equals("args")) {
                throw new IOException("expected args, got " + args.opcode());
            }
            List<String> values = new ArrayList<>();
            for (String name : args.elements().subList(1, args.elements().size())) {
                values.add(name.startsWith("VERSION_") ? name : parameters.getOrDefault(name, ""));
            }
            out.write(Instructions.encode("size", String.valueOf(width), String.valueOf(height), "96"));
            out.write(Instructions.encode("audio"));
            out.write(Instructions.encode("video"));
            out.write(Instructions.encode("image", imageTypes));
            out.write(Instructions.encode("connect", values));
            out.flush();
            Instructions.Instruction ready = reader.read();
            if (!ready.opcode().equals("ready")) {
                throw new IOException("guacd answered " + ready.opcode() + " " + ready.elements().subList(1,
                        ready.elements().size()) + " instead of ready");
            }
            return new Connected(socket, reader, ready.arg(0));
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }
}
