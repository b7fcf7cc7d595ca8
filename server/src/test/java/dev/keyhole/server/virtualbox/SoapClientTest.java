package dev.keyhole.server.virtualbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;

/**
 * What the SOAP client does on the wire (VirtualBoxHostTest, in the end-to-end tests, calls a real vboxwebsrv).
 */
class SoapClientTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private static final String ENVELOPE = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><e:Envelope xmlns:e="
            + "\"http://schemas.xmlsoap.org/soap/envelope/\"><e:Body><v:IVirtualBox_getVersionResponse"
            + " xmlns:v=\"http://www.virtualbox.org/\"><returnval>7.0.20</returnval>"
            + "</v:IVirtualBox_getVersionResponse></e:Body></e:Envelope>";

    /**
     * vboxwebsrv serves a connection on one worker thread for as long as it stays open: a connection kept for a
     * next request holds a worker, and a new one was seen waiting 15 s in its queue behind such connections.
     * Each call says {@code Connection: close} and closes its connection with the answer, although the answer,
     * HTTP/1.1 without a {@code Connection} header, would let it stay open.
     */
    @Test
    void eachCallClosesItsConnectionWithTheAnswer() throws Exception {
        byte[] envelope = ENVELOPE.getBytes(StandardCharsets.UTF_8);
        String request = callAnswered("HTTP/1.1 200 OK\r\nContent-Type: text/xml; charset=utf-8\r\nContent-Length: "
                + envelope.length + "\r\n\r\n" + ENVELOPE);
        assertEquals("close", header(request, "connection"), request);
        assertTrue(request.endsWith("(closed)"), "the client closed its connection after the answer: " + request);
    }

    /** An answer in chunks (gSOAP's choice when it streams) is read whole. */
    @Test
    void aChunkedAnswerIsReadWhole() throws Exception {
        int half = ENVELOPE.length() / 2;
        callAnswered("HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nTransfer-Encoding: chunked\r\n\r\n"
                + Integer.toHexString(half) + "\r\n" + ENVELOPE.substring(0, half) + "\r\n"
                + Integer.toHexString(ENVELOPE.length() - half) + ";ext=1\r\n" + ENVELOPE.substring(half) + "\r\n0\r\n\r\n");
    }

    /** An answer cut off before its Content-Length makes the service unreachable, not a half-parsed success. */
    @Test
    void anAnswerCutOffIsUnreachable() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<String> seen = answer(server, "HTTP/1.1 200 OK\r\nContent-Length: 9999\r\n\r\n"
                    + ENVELOPE, true);
            VirtualBoxException.Unreachable e = assertThrows(VirtualBoxException.Unreachable.class,
                    () -> client(server).call("IVirtualBox_getVersion", Duration.ZERO, SoapClient.arg("_this", "ref")));
            assertEquals("the VirtualBox web service is not reachable (the answer was cut off)", e.getMessage());
            seen.get(2 * TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        }
    }

    /** Calls getVersion on a server that gives {@code answer}; returns the request's head and what followed it. */
    private static String callAnswered(String answer) throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<String> seen = answer(server, answer, false);
            Element got = client(server).call("IVirtualBox_getVersion", Duration.ZERO, SoapClient.arg("_this", "ref"));
            assertEquals("7.0.20", SoapClient.text(SoapClient.child(got, "returnval")));
            return seen.get(2 * TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        }
    }

    private static SoapClient client(ServerSocket server) {
        return new SoapClient(URI.create("http://127.0.0.1:" + server.getLocalPort() + "/"), TIMEOUT);
    }

    /**
     * Takes one connection: reads the request, writes {@code answer} (then ends its side if {@code thenEnd}: else
     * the connection could carry a next request), then sees whether the client closes its end.
     *
     * @return the request's head, then "(closed)", "(sent more)" or "(still open …)"
     */
    private static CompletableFuture<String> answer(ServerSocket server, String answer, boolean thenEnd) {
        return CompletableFuture.supplyAsync(() -> {
            try (Socket socket = server.accept()) {
                socket.setSoTimeout((int) TIMEOUT.toMillis());
                InputStream in = socket.getInputStream();
                String head = head(in);
                in.readNBytes(Integer.parseInt(header(head, "content-length")));
                OutputStream out = socket.getOutputStream();
                out.write(answer.getBytes(StandardCharsets.UTF_8));
                out.flush();
                if (thenEnd) {
                    socket.shutdownOutput();
                }
                int after;
                try {
                    after = in.read();
                } catch (SocketTimeoutException e) {
                    return head + "(still open " + TIMEOUT.toSeconds() + " s after the answer)";
                }
                return head + (after < 0 ? "(closed)" : "(sent more)");
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** The request line and headers, up to the blank line. */
    private static String head(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("the request ended in its headers: " + head);
            }
            head.write(b);
        }
        return head.toString(StandardCharsets.US_ASCII);
    }

    private static String header(String head, String name) {
        for (String line : head.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).strip().toLowerCase(Locale.ROOT).equals(name)) {
                return line.substring(colon + 1).strip();
            }
        }
        return "";
    }
}
