package dev.keyhole.server.tunnel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keyhole.server.KeyholeServer;
import dev.keyhole.server.config.GuacdConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.guacamole.protocol.GuacamoleClientInformation;
import org.apache.guacamole.protocol.GuacamoleConfiguration;
import org.apache.guacamole.protocol.GuacamoleStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Connecting to guacd and its handshake: what it hands over, and how it fails. */
class GuacdHandshakeTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private KeyholeServer.Threads threads;

    @BeforeEach
    void threads() {
        threads = KeyholeServer.Threads.start();
    }

    @AfterEach
    void stop() {
        threads.close();
    }

    private GuacdHandshake perform(int port, Duration timeout) throws TunnelException {
        return GuacdHandshake.perform(new GuacdConfig("127.0.0.1", port), "rdp",
                new GuacamoleConfiguration(), new GuacamoleClientInformation(), timeout);
    }

    @Test
    void whatGuacdSentBehindReadyIsHandedOverNotLost() throws Exception {
        try (FakeGuacd guacd = new FakeGuacd(0)) {
            var accepted = guacd.accept("4.sync,1.1;4.blob,3.ö€😀;4.sy");
            GuacdHandshake handshake = perform(guacd.port(), TIMEOUT);
            try (FakeGuacd.Peer peer = accepted.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                assertEquals("$00000000-0000-0000-0000-000000000000", handshake.connectionId());
                assertEquals("VERSION_1_1_0", handshake.protocolVersion().toString());
                assertEquals("4.sync,1.1;4.blob,3.ö€😀;4.sy",
                        StandardCharsets.UTF_8.decode(handshake.readAhead()).toString());
                assertEquals(0, handshake.readAhead().position(), "from the start of the buffer");
            } finally {
                handshake.channel().close();
            }
        }
    }

    @Test
    void aGuacdNobodyListensForIsNotReachable() throws Exception {
        int port;
        try (ServerSocket gone = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = gone.getLocalPort();
        }
        TunnelException e = assertThrows(TunnelException.class, () -> perform(port, TIMEOUT));
        assertEquals(GuacamoleStatus.UPSTREAM_NOT_FOUND, e.status());
        assertEquals("guacd is not reachable at 127.0.0.1:" + port, e.getMessage());
    }

    @Test
    void anInstructionThatIsNotUtf8IsRefusedAsMalformed() throws Exception {
        // Lengths count characters, which the scanner counts by their first bytes; a stray continuation byte (0x80)
        // is no character to it, but one to Java's UTF-8 decoder, so that the decoded text's lengths do not match.
        byte[] args = "4.args,13.VERSION_1_1_0,2.?ab,1.x;".getBytes(StandardCharsets.US_ASCII);
        args[26] = (byte) 0x80;
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Void> guacd = CompletableFuture.runAsync(() -> {
                try (Socket socket = server.accept()) {
                    InputStream in = socket.getInputStream();
                    while (in.read() != ';') {
                        // the select instruction
                    }
                    socket.getOutputStream().write(args);
                    // Holds the connection until Keyhole closes it.
                    in.readAllBytes();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            TunnelException e = assertThrows(TunnelException.class, () -> perform(server.getLocalPort(), TIMEOUT));
            assertEquals(GuacamoleStatus.SERVER_ERROR, e.status());
            assertTrue(e.getMessage().endsWith("refused the connection: guacd sent a malformed instruction"),
                    e.getMessage());
            guacd.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        }
    }

    @Test
    void aGuacdThatNeverAnswersIsGivenUpAfterTheTimeout() throws Exception {
        // It accepts the connection (its backlog does) and says nothing.
        try (ServerSocket silent = new ServerSocket()) {
            silent.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            TunnelException e = assertThrows(TunnelException.class,
                    () -> perform(silent.getLocalPort(), Duration.ofSeconds(1)));
            assertEquals(GuacamoleStatus.UPSTREAM_TIMEOUT, e.status());
            assertTrue(e.getMessage().endsWith("refused the connection: guacd did not answer within 1 s"),
                    e.getMessage());
        }
    }
}
