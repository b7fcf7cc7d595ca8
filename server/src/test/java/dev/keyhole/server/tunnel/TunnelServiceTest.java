package dev.keyhole.server.tunnel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keyhole.server.KeyholeServer;
import dev.keyhole.server.access.Caller;
import dev.keyhole.server.access.TestCallers;
import dev.keyhole.server.config.GuacdConfig;
import dev.keyhole.server.config.LimitsConfig;
import dev.keyhole.server.targets.ConsoleSpec;
import dev.keyhole.server.targets.KeyboardStage;
import dev.keyhole.server.targets.KeyboardStages;
import dev.keyhole.server.targets.Protocol;
import dev.keyhole.server.targets.Target;
import dev.keyhole.server.targets.TargetDirectory;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.guacamole.protocol.GuacamoleStatus;
import org.junit.jupiter.api.Test;

/**
 * The tunnel service against a fake guacd: what a browser hears when its console's keyboard stage is switched, and
 * what the admin pages see of the open consoles and how they close one.
 */
class TunnelServiceTest {

    /** What the service recorded in the audit trail. */
    private final java.util.List<dev.keyhole.server.audit.AuditEvent> recorded =
            new java.util.concurrent.CopyOnWriteArrayList<>();

    private static final long WAIT_SECONDS = 10;
    private static final Caller CALLER = TestCallers.operator("192.0.2.1");
    private static final List<KeyboardStage> STAGES =
            List.of(new KeyboardStage("grub", "en-us-qwerty"), new KeyboardStage("initramfs", "de-de-qwertz"));
    private static final Target TARGET = new Target("vm", "VM",
            ConsoleSpec.builder(Protocol.RDP, "192.0.2.9", 3389).keyboard(STAGES).build());

    @Test
    void aKeyboardSwitchClosesEveryViewerWithKeyholesOwnCodeAndEndsTheConsole() throws Exception {
        TargetDirectory targets = new TargetDirectory() {
            @Override
            public List<Target> list() {
                return List.of(TARGET);
            }

            @Override
            public Optional<Target> find(String name) {
                return TARGET.name().equals(name) ? Optional.of(TARGET) : Optional.empty();
            }
        };
        KeyboardStages keyboards = new KeyboardStages(targets);
        KeyholeServer.Threads threads = KeyholeServer.Threads.start();
        try (FakeGuacd guacd = new FakeGuacd(0);
             TunnelService service = new TunnelService(targets, keyboards, new GuacdConfig("127.0.0.1", guacd.port()),
                     LimitsConfig.DEFAULT, Duration.ofSeconds(WAIT_SECONDS), Duration.ofMinutes(1), threads.work(),
                     threads.timers(), threads.relay(), recorded::add)) {
            // The console's own connection first, then the viewer's, which joins it.
            CompletableFuture<FakeGuacd.Peer> owner = guacd.accept("");
            CompletableFuture<FakeGuacd.Peer> viewer = owner.thenCompose(peer -> guacd.accept(""));
            RecordingBrowser browser = new RecordingBrowser();
            service.open(new TunnelRequest("vm", CALLER), browser);
            assertTrue(browser.firstFrame.get(WAIT_SECONDS, TimeUnit.SECONDS).startsWith("0.,36."),
                    "the tunnel's id: the viewer has joined");

            keyboards.switchTo(CALLER, "vm", "initramfs");

            Closed closed = browser.closed.get(WAIT_SECONDS, TimeUnit.SECONDS);
            assertEquals(TunnelStatus.KEYBOARD_SWITCHED, closed.status(), "not a server error: Keyhole's own code");
            assertEquals("Keyboard switched to initramfs (de-de-qwertz)", closed.message(), "the words, to show");
            try (FakeGuacd.Peer console = owner.get(WAIT_SECONDS, TimeUnit.SECONDS);
                 FakeGuacd.Peer joined = viewer.get(WAIT_SECONDS, TimeUnit.SECONDS)) {
                assertEquals(List.of("disconnect"), nextBut(console, "nop"),
                        "the console's connection ends, so the next viewer opens one with the new layout");
                assertEquals(List.of("disconnect"), nextBut(joined, "nop"));
            }
        } finally {
            threads.close();
        }
        assertEquals(List.of("console-opened vm type", "console-closed vm Keyboard switched to initramfs "
                + "(de-de-qwertz)"), recorded.stream().map(e -> e.kind().id() + " " + e.target() + " "
                        + e.detail().getOrDefault("mode", e.detail().get("why"))).toList(), "the audit trail's");
    }

    @Test
    void anOpenConsoleIsListedWithoutGuacdsDetailsAndClosingItByItsIdTellsItsBrowserWhy() throws Exception {
        KeyholeServer.Threads threads = KeyholeServer.Threads.start();
        TargetDirectory targets = onlyTarget();
        try (FakeGuacd guacd = new FakeGuacd(0);
             TunnelService service = new TunnelService(targets, new KeyboardStages(targets),
                     new GuacdConfig("127.0.0.1", guacd.port()), LimitsConfig.DEFAULT,
                     Duration.ofSeconds(WAIT_SECONDS), Duration.ofMinutes(1), threads.work(), threads.timers(),
                     threads.relay(), recorded::add)) {
            CompletableFuture<FakeGuacd.Peer> owner = guacd.accept("");
            CompletableFuture<FakeGuacd.Peer> viewer = owner.thenCompose(peer -> guacd.accept(""));
            RecordingBrowser browser = new RecordingBrowser();
            service.open(new TunnelRequest("vm", CALLER), browser);
            String first = browser.firstFrame.get(WAIT_SECONDS, TimeUnit.SECONDS);
            String id = first.substring("0.,36.".length(), "0.,36.".length() + 36);

            List<TunnelService.OpenConsole> open = service.openConsoles();
            assertEquals(1, open.size(), open::toString);
            assertEquals(id, open.get(0).id(), "the id its browser got");
            assertEquals("vm", open.get(0).target());
            assertEquals(CALLER, open.get(0).caller());
            assertTrue(open.get(0).mayType(), "an operator types");
            assertFalse(open.toString().contains("192.0.2.9") || open.toString().contains("3389")
                    || open.toString().contains(String.valueOf(guacd.port())), "nothing of the console's or guacd's");

            assertFalse(service.closeTunnel("no-such-tunnel", "An admin closed your view of this console"));
            assertTrue(service.closeTunnel(id, "An admin closed your view of this console"));
            Closed closed = browser.closed.get(WAIT_SECONDS, TimeUnit.SECONDS);
            assertEquals(TunnelStatus.of(GuacamoleStatus.CLIENT_UNAUTHORIZED), closed.status(), "0x0301: no retry");
            assertEquals("An admin closed your view of this console", closed.message());
            assertEquals(List.of(), service.openConsoles(), "closed: listed no more");
            owner.get(WAIT_SECONDS, TimeUnit.SECONDS).close();
            viewer.get(WAIT_SECONDS, TimeUnit.SECONDS).close();
        } finally {
            threads.close();
        }
    }

    /** A directory of {@link #TARGET} alone. */
    private static TargetDirectory onlyTarget() {
        return new TargetDirectory() {
            @Override
            public List<Target> list() {
                return List.of(TARGET);
            }

            @Override
            public Optional<Target> find(String name) {
                return TARGET.name().equals(name) ? Optional.of(TARGET) : Optional.empty();
            }
        };
    }

    /** The next instruction {@code peer} received that is not {@code skipped}. */
    private static List<String> nextBut(FakeGuacd.Peer peer, String skipped) throws IOException {
        List<String> instruction;
        do {
            instruction = peer.readInstruction();
        } while (instruction.get(0).equals(skipped));
        return instruction;
    }

    private record Closed(TunnelStatus status, String message) {
    }

    /** A browser that takes every frame and remembers the first one and how it was closed. */
    private static final class RecordingBrowser implements BrowserChannel {
        final CompletableFuture<String> firstFrame = new CompletableFuture<>();
        final CompletableFuture<Closed> closed = new CompletableFuture<>();

        @Override
        public void send(ByteBuffer utf8, SendCallback callback) {
            firstFrame.complete(StandardCharsets.UTF_8.decode(utf8.duplicate()).toString());
            callback.sent();
        }

        @Override
        public void close(TunnelStatus status, String message) {
            closed.complete(new Closed(status, message));
        }
    }
}
