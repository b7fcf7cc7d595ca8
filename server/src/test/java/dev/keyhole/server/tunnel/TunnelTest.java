package dev.keyhole.server.tunnel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.keyhole.server.KeyholeServer;
import dev.keyhole.server.access.Caller;
import dev.keyhole.server.access.TestCallers;
import dev.keyhole.server.config.GuacdConfig;
import dev.keyhole.server.targets.ConsoleSpec;
import dev.keyhole.server.targets.Protocol;
import dev.keyhole.server.targets.Target;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.guacamole.protocol.GuacamoleClientInformation;
import org.apache.guacamole.protocol.GuacamoleConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A viewer's tunnel between a browser and its guacd connection, joined to a live console: the picture guacd gives
 * a joining viewer is drawn at once, and the tunnel ends with what really happened to its guacd connection (the
 * browser's close reason, as the WebSocket edge sends it, "CODE message", names the first cause, whichever part of
 * the connection found it).
 */
class TunnelTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    /** How long the viewer's guacd may take none of a write here. */
    private static final Duration STALL_LIMIT = Duration.ofSeconds(1);

    private KeyholeServer.Threads threads;
    private FakeGuacd guacd;
    private LiveConsole console;
    private FakeGuacd.Peer ownerPeer;
    private GuacdConnection connection;
    private FakeGuacd.Peer viewerPeer;
    private final RecordingBrowser browser = new RecordingBrowser();
    private Tunnel tunnel;

    @BeforeEach
    void viewAConsole() throws Exception {
        threads = KeyholeServer.Threads.start();
        guacd = new FakeGuacd(16 * 1024);
        GuacdConfig address = new GuacdConfig("127.0.0.1", guacd.port());
        var ownerAccepted = guacd.accept("");
        GuacdConnection owner = GuacdConnection.open(threads.relay(), address, "rdp", new GuacamoleConfiguration(),
                new GuacamoleClientInformation(), WAIT);
        console = new LiveConsole(target(), owner, threads.timers(), Duration.ofMinutes(1), ended -> { });
        ownerPeer = ownerAccepted.get(WAIT.toSeconds(), TimeUnit.SECONDS);

        var viewerAccepted = guacd.accept("");
        connection = GuacdConnection.open(threads.relay(), address, console.connectionId(),
                new GuacamoleConfiguration(), new GuacamoleClientInformation(), STALL_LIMIT);
        viewerPeer = viewerAccepted.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        tunnel = new Tunnel(new TunnelRequest("test", TestCallers.operator("127.0.0.1")), browser, ended -> { });
        assertEquals(true, console.join(tunnel));
        assertEquals(true, tunnel.attach(console, connection));
    }

    @AfterEach
    void stop() throws Exception {
        console.close();
        viewerPeer.close();
        ownerPeer.close();
        guacd.close();
        threads.close();
    }

    @Test
    void thePictureGuacdGivesAJoiningViewerIsEndedWithASyncTheBrowserDrawsAtOnce() throws Exception {
        // guacd's join: the screen, and no sync until the console changes.
        viewerPeer.write("4.size,1.0,4.1024,3.768;3.img,1.1,2.14,1.0,9.image/png,1.0,1.0;4.blob,1.1,4.AAAA;"
                + "3.end,1.1;");
        assertEquals("4.size,1.0,4.1024,3.768;3.img,1.1,2.14,1.0,9.image/png,1.0,1.0;4.blob,1.1,4.AAAA;3.end,1.1;"
                + "4.sync,1.0;", browser.awaitFrameWith("3.end,1.1;", WAIT), "the picture, then a sync");

        // The browser's answer to it (should it send one) is not guacd's to see; its answers to guacd's are.
        tunnel.receive("4.sync,1.0;");
        viewerPeer.write("4.sync,13.1700000000000;");
        assertEquals("4.sync,13.1700000000000;", browser.awaitFrameWith("1700000000000", WAIT),
                "from guacd's first sync on, frames go as guacd sent them");
        tunnel.receive("4.sync,13.1700000000000;");
        assertEquals(java.util.List.of("sync", "1700000000000"), viewerPeer.readInstruction(),
                "guacd hears the answer to its own sync only");
    }

    @Test
    void aGuacdThatStopsReadingTheViewerIsNamed() throws Exception {
        // The browser moves the mouse; guacd takes none of it. Enough is sent for the socket's buffers to fill,
        // never so much that Keyhole's own queue overflows: the write under way is what gets stuck.
        String moves = "5.mouse,2.10,2.10,1.0;".repeat(2700);
        long deadline = System.nanoTime() + WAIT.multipliedBy(3).toNanos();
        while (!browser.closed.isDone() && System.nanoTime() < deadline) {
            if (connection.queuedBytes() < 128 * 1024) {
                tunnel.receive(moves);
            } else {
                browser.closesWithin(Duration.ofMillis(50));
            }
        }
        assertEquals("514 guacd stopped reading for 1 s", browser.awaitClose(WAIT));
    }

    @Test
    void aGuacdThatClosesTheViewersConnectionIsNamed() throws Exception {
        viewerPeer.close();
        assertEquals("520 guacd closed the connection", browser.awaitClose(WAIT));
    }

    @Test
    void aGuacdThatSendsSomethingElseThanGuacamoleProtocolIsNamed() throws Exception {
        viewerPeer.write("HTTP/1.1 400 Bad Request\r\n\r\n");
        assertEquals("515 guacd sent a malformed instruction (expected an element length)",
                browser.awaitClose(WAIT));
    }

    @Test
    void aConsoleConnectionThatBreaksTellsItsViewersHow() throws Exception {
        ownerPeer.close();
        assertEquals("520 Lost the console connection: guacd closed the connection", browser.awaitClose(WAIT));
    }

    private static Target target() {
        return new Target("test", "Test", ConsoleSpec.builder(Protocol.RDP, "127.0.0.1", 3389).build());
    }

    /** A browser that takes every frame at once and keeps them, and the reason its tunnel was closed with. */
    private static final class RecordingBrowser implements BrowserChannel {

        final CompletableFuture<String> closed = new CompletableFuture<>();
        final BlockingQueue<String> frames = new LinkedBlockingQueue<>();

        @Override
        public void send(ByteBuffer utf8, SendCallback callback) {
            frames.add(StandardCharsets.UTF_8.decode(utf8).toString());
            callback.sent();
        }

        /** @return the next frame that holds {@code text}, waiting at most {@code wait} for it */
        String awaitFrameWith(String text, Duration wait) throws InterruptedException {
            long deadline = System.nanoTime() + wait.toNanos();
            String frame;
            do {
                frame = frames.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } while (frame != null && !frame.contains(text));
            if (frame == null) {
                throw new AssertionError("no frame with " + text + " within " + wait.toSeconds() + " s");
            }
            return frame;
        }

        @Override
        public void close(TunnelStatus status, String message) {
            closed.complete(status.code() + " " + message);
        }

        /** @return the close reason, waiting at most {@code wait} for the tunnel to close */
        String awaitClose(Duration wait) throws Exception {
            try {
                return closed.get(wait.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                throw new AssertionError("the tunnel was not closed within " + wait.toSeconds() + " s", e);
            }
        }

        /** @return whether the tunnel is closed within {@code wait} */
        boolean closesWithin(Duration wait) throws Exception {
            try {
                closed.get(wait.toMillis(), TimeUnit.MILLISECONDS);
                return true;
            } catch (TimeoutException e) {
                return false;
            }
        }
    }
}
