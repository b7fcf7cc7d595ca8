package dev.keyhole.server.tunnel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.keyhole.server.KeyholeServer;
import dev.keyhole.server.config.GuacdConfig;
import dev.keyhole.server.targets.ConsoleSpec;
import dev.keyhole.server.targets.Protocol;
import dev.keyhole.server.targets.Target;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.guacamole.protocol.GuacamoleClientInformation;
import org.apache.guacamole.protocol.GuacamoleConfiguration;
import org.apache.guacamole.protocol.GuacamoleStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** One live console per target, joined without anyone waiting on a thread. */
class LiveConsolesTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final Target TARGET = new Target("test", "Test",
            ConsoleSpec.builder(Protocol.RDP, "127.0.0.1", 3389).build());
    private static final LiveConsole.Viewer NOBODY = (status, message) -> { };

    private KeyholeServer.Threads threads;
    /** The consoles asked for, in order; the test completes each. */
    private final List<CompletableFuture<LiveConsole>> opening = new CopyOnWriteArrayList<>();
    private final LiveConsoles consoles = new LiveConsoles(target -> {
        CompletableFuture<LiveConsole> console = new CompletableFuture<>();
        opening.add(console);
        return console;
    });

    @BeforeEach
    void threads() {
        threads = KeyholeServer.Threads.start();
    }

    @AfterEach
    void stop() {
        consoles.closeAll();
        threads.close();
    }

    @Test
    void viewersWhoComeWhileAConsoleOpensJoinThatOne() throws Exception {
        CompletableFuture<LiveConsole> first = consoles.join(TARGET, NOBODY);
        CompletableFuture<LiveConsole> second = consoles.join(TARGET, (status, message) -> { });
        assertEquals(1, opening.size(), "one console is opened");
        assertFalse(first.isDone() || second.isDone(), "both wait for it, holding no thread");

        try (FakeGuacd guacd = new FakeGuacd(0)) {
            var accepted = guacd.accept("");
            LiveConsole console = console(guacd);
            opening.get(0).complete(console);
            try (FakeGuacd.Peer peer = accepted.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                assertSame(console, first.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
                assertSame(console, second.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
                assertEquals(2, console.viewers());
            }
        }
    }

    @Test
    void aConsoleThatCannotBeOpenedFailsEveryoneWaitingWithItsReasonAndTheNextViewerTriesAgain() {
        CompletableFuture<LiveConsole> first = consoles.join(TARGET, NOBODY);
        CompletableFuture<LiveConsole> second = consoles.join(TARGET, NOBODY);
        TunnelException refused = new TunnelException(GuacamoleStatus.UPSTREAM_NOT_FOUND,
                "guacd is not reachable");
        opening.get(0).completeExceptionally(refused);

        for (CompletableFuture<LiveConsole> joined : List.of(first, second)) {
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> joined.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
            assertSame(refused, cause(e));
        }
        consoles.join(TARGET, NOBODY);
        assertEquals(2, opening.size(), "a failed console is forgotten: the next viewer opens a new one");
    }

    @Test
    void aConsoleThatEndsAsItIsJoinedIsReplaced() throws Exception {
        try (FakeGuacd guacd = new FakeGuacd(0)) {
            var ending = guacd.accept("");
            CompletableFuture<LiveConsole> gone = new CompletableFuture<>();
            LiveConsole ended = new LiveConsole(TARGET, owner(guacd), threads.timers(), Duration.ofMinutes(1),
                    gone::complete);
            ending.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS).close();
            gone.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            assertFalse(ended.join(NOBODY), "an ended console takes no viewer");

            CompletableFuture<LiveConsole> joined = consoles.join(TARGET, NOBODY);
            opening.get(0).complete(ended);
            assertEquals(2, opening.size(), "the viewer asks for a new console");

            var accepted = guacd.accept("");
            LiveConsole fresh = console(guacd);
            opening.get(1).complete(fresh);
            try (FakeGuacd.Peer peer = accepted.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                assertSame(fresh, joined.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
            }
        }
    }

    private LiveConsole console(FakeGuacd guacd) throws TunnelException {
        return new LiveConsole(TARGET, owner(guacd), threads.timers(), Duration.ofMinutes(1), consoles::ended);
    }

    private GuacdConnection owner(FakeGuacd guacd) throws TunnelException {
        return GuacdConnection.open(threads.relay(), new GuacdConfig("127.0.0.1", guacd.port()), "rdp",
                new GuacamoleConfiguration(), new GuacamoleClientInformation(), TIMEOUT);
    }

    private static Throwable cause(Throwable failure) {
        Throwable cause = failure.getCause();
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }
}
