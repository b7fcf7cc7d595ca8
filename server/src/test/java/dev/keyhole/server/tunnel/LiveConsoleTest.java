package dev.keyhole.server.tunnel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.keyhole.server.KeyholeServer;
import dev.keyhole.server.config.GuacdConfig;
import dev.keyhole.server.targets.ConsoleSpec;
import dev.keyhole.server.targets.Protocol;
import dev.keyhole.server.targets.Target;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.guacamole.protocol.GuacamoleClientInformation;
import org.apache.guacamole.protocol.GuacamoleConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The console connection answers guacd's syncs, from the instruction ends its connection's own scan found. */
class LiveConsoleTest {

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

    private GuacdConnection open(FakeGuacd guacd) throws TunnelException {
        return GuacdConnection.open(threads.relay(), new GuacdConfig("127.0.0.1", guacd.port()), "rdp",
                new GuacamoleConfiguration(), new GuacamoleClientInformation(), TIMEOUT);
    }

    @Test
    void answersEverySyncOnceAndInOrderWhereverTheReadsSplitTheStream() throws Exception {
        byte[] blob = "4.blob,2.€x;".getBytes(StandardCharsets.UTF_8);
        int insideEuro = "4.blob,2.".length() + 1;
        try (FakeGuacd guacd = new FakeGuacd(0)) {
            // Behind `ready` in the handshake's last read: a sync, a value of multi-byte characters and the start of
            // a sync whose rest comes later.
            var accepted = guacd.accept("4.sync,1.1;4.blob,3.ö€😀;4.sy");
            GuacdConnection owner = open(guacd);
            LiveConsole console = new LiveConsole(target(), owner, threads.timers(), Duration.ofMinutes(1),
                    ended -> { });
            try (FakeGuacd.Peer peer = accepted.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                assertEquals(List.of("sync", "1"), nextAnswer(peer));

                // Each answer proves the piece before it was read: the next piece starts a new read.
                peer.write("nc,1.2;");
                peer.write(Arrays.copyOf(blob, insideEuro));
                assertEquals(List.of("sync", "2"), nextAnswer(peer));

                peer.write(Arrays.copyOfRange(blob, insideEuro, blob.length));
                peer.write("4.sync,1.3;3.nop;4.sync,2.40;");
                assertEquals(List.of("sync", "3"), nextAnswer(peer));
                assertEquals(List.of("sync", "40"), nextAnswer(peer));

                // An opcode that only starts like one answered is not answered.
                peer.write("7.syncing,1.5;4.sync,1.6;");
                assertEquals(List.of("sync", "6"), nextAnswer(peer), "nothing answered twice or wrongly between");
            } finally {
                console.close();
            }
        }
    }

    @Test
    void aConsoleThatBreaksByItselfTellsEveryViewerWhy() throws Exception {
        try (FakeGuacd guacd = new FakeGuacd(0)) {
            var accepted = guacd.accept("");
            GuacdConnection owner = open(guacd);
            LiveConsole console = new LiveConsole(target(), owner, threads.timers(), Duration.ofMinutes(1),
                    ended -> { });
            CompletableFuture<String> told = new CompletableFuture<>();
            // A viewer that joined and has no guacd connection of its own yet: only the console can tell it.
            assertEquals(true, console.join((status, message) -> told.complete(status + " " + message)));
            accepted.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS).close();
            assertEquals("UPSTREAM_UNAVAILABLE Lost the console connection: guacd closed the connection",
                    told.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
            assertEquals(false, console.join((status, message) -> { }), "an ended console takes no new viewer");
        }
    }

    /** The next instruction the console sent, leaving out its keep-alive {@code nop}s. */
    private static List<String> nextAnswer(FakeGuacd.Peer peer) throws IOException {
        List<String> instruction;
        do {
            instruction = peer.readInstruction();
        } while (instruction.equals(List.of("nop")));
        return instruction;
    }

    private static Target target() {
        return new Target("test", "Test", ConsoleSpec.builder(Protocol.RDP, "127.0.0.1", 3389).build());
    }
}
