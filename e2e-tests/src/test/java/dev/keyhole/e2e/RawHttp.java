package dev.keyhole.e2e;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One HTTP/1.1 request written byte for byte on a plain socket, so a test can send any {@code Host}, {@code Origin}
 * or method (HTTP client libraries refuse to set some of them), and the answer's status, headers and body. A
 * WebSocket handshake's answer is read up to the end of its headers.
 */
final class RawHttp {

    /** An answer; header names in lower case. */
    record Answer(int status, Map<String, String> headers, String body) {

        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        @Override
        public String toString() {
            return status + " " + headers + " " + body;
        }
    }

    /** The headers of a browser's WebSocket handshake to the tunnel, without {@code Host} and {@code Origin}. */
    static Map<String, String> webSocketHandshake() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Connection", "Upgrade");
        headers.put("Upgrade", "websocket");
        headers.put("Sec-WebSocket-Version", "13");
        headers.put("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==");
        headers.put("Sec-WebSocket-Protocol", "guacamole");
        return headers;
    }

    private RawHttp() {
    }

    /**
     * Sends a request to the server at {@code server} and reads its answer.
     *
     * @param server  the server's base URI (only host and port are used)
     * @param method  any method
     * @param path    the request target, e.g. {@code /api/targets}
     * @param headers every header to send, {@code Host} included (none is added but {@code Content-Length} for a
     *                body and {@code Connection: close} for a request that is no upgrade)
     * @param body    the body, or null
     */
    static Answer send(URI server, String method, String path, Map<String, String> headers, String body)
            throws IOException {
        return send(null, server, method, path, headers, body);
    }

    /**
     * {@link #send(URI, String, String, Map, String)} from a local address of the test's: another loopback address
     * ({@code 127.0.0.2}…) is another client to the server, with failures of its own to count.
     *
     * @param from the local address to connect from; null: the system's choice
     */
    static Answer send(InetAddress from, URI server, String method, String path, Map<String, String> headers,
            String body) throws IOException {
        try (Socket socket = new Socket(InetAddress.getByName(server.getHost()), server.getPort(), from, 0)) {
            socket.setSoTimeout(15_000);
            StringBuilder request = new StringBuilder(method + " " + path + " HTTP/1.1\r\n");
            headers.forEach((name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
            boolean upgrade = headers.keySet().stream().anyMatch(h -> h.equalsIgnoreCase("Upgrade"));
            if (!upgrade) {
                request.append("Connection: close\r\n");
            }
            byte[] content = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
            if (body != null) {
                request.append("Content-Length: ").append(content.length).append("\r\n");
            }
            request.append("\r\n");
            OutputStream out = socket.getOutputStream();
            out.write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.write(content);
            out.flush();
            return read(socket.getInputStream(), upgrade);
        }
    }

    /** {@link #send} with a {@code Host} naming the server as it listens, and the given {@code Origin} (null: none). */
    static Answer send(URI server, String method, String path, String origin, Map<String, String> headers,
            String body) throws IOException {
        Map<String, String> all = new LinkedHashMap<>();
        all.put("Host", server.getHost() + ":" + server.getPort());
        if (origin != null) {
            all.put("Origin", origin);
        }
        all.putAll(headers);
        return send(server, method, path, all, body);
    }

    /**
     * Reads an answer's status line and headers, up to the blank line: header names in lower case, a header sent
     * twice joined with ", ".
     *
     * @return the status and headers, with an empty body (what follows is left in {@code in})
     */
    static Answer readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("the server closed the connection in the answer's headers: " + head);
            }
            head.write(b);
            matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.merge(lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT),
                        lines[i].substring(colon + 1).strip(), (a, b) -> a + ", " + b);
            }
        }
        return new Answer(status, headers, "");
    }

    private static Answer read(InputStream in, boolean upgrade) throws IOException {
        Answer head = readHead(in);
        int status = head.status();
        Map<String, String> headers = head.headers();
        if (status == 101 || (upgrade && status < 200)) {
            return new Answer(status, headers, "");
        }
        String length = headers.get("content-length");
        byte[] body = length != null ? in.readNBytes(Integer.parseInt(length)) : in.readAllBytes();
        return new Answer(status, headers, new String(body, StandardCharsets.UTF_8));
    }
}
