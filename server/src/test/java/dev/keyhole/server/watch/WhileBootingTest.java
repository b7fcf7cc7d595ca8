package dev.keyhole.server.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keyhole.server.KeyholeServer;
import dev.keyhole.server.access.Caller;
import dev.keyhole.server.audit.AuditTrail;
import dev.keyhole.server.config.GuacdConfig;
import dev.keyhole.server.config.LimitsConfig;
import dev.keyhole.server.targets.ConsoleSpec;
import dev.keyhole.server.targets.KeyboardStages;
import dev.keyhole.server.targets.Protocol;
import dev.keyhole.server.targets.Target;
import dev.keyhole.server.targets.TargetDirectory;
import dev.keyhole.server.targets.WatchPolicy;
import dev.keyhole.server.tunnel.FakeGuacd;
import dev.keyhole.server.tunnel.TunnelService;
import dev.keyhole.server.virtualbox.HostStatus;
import dev.keyhole.server.virtualbox.Machine;
import dev.keyhole.server.virtualbox.MachineChange;
import dev.keyhole.server.virtualbox.MachineState;
import dev.keyhole.server.virtualbox.MachineTarget;
import dev.keyhole.server.virtualbox.VirtualMachines;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.imageio.ImageIO;
import org.apache.guacamole.protocol.GuacamoleInstruction;
import org.junit.jupiter.api.Test;

/**
 * A VirtualBox VM's console is watched while it boots: not before its start, from the start (the host's event)
 * until it reads unlocked. Keyhole's real tunnel service and Tesseract; a guacd stand-in that draws the console's
 * pictures as guacd does ({@code size}, {@code img} with a PNG in {@code blob}s, {@code sync}).
 */
class WhileBootingTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Target VM = new Target("vm", "VM", ConsoleSpec.builder(Protocol.RDP, "192.0.2.9", 3389)
            .watch(WatchPolicy.WHILE_BOOTING).build());

    @Test
    void aVmIsWatchedFromItsStartUntilItIsUnlocked() throws Exception {
        KeyholeServer.Threads threads = KeyholeServer.Threads.start();
        Machines machines = new Machines();
        TargetDirectory targets = new TargetDirectory() {
            @Override
            public List<Target> list() {
                return List.of(VM);
            }

            @Override
            public Optional<Target> find(String name) {
                return VM.name().equals(name) ? Optional.of(VM) : Optional.empty();
            }
        };
        try (FakeGuacd guacd = new FakeGuacd(0);
             TunnelService tunnels = new TunnelService(targets, new KeyboardStages(targets),
                     new GuacdConfig("127.0.0.1", guacd.port()), LimitsConfig.DEFAULT, WAIT, Duration.ofMinutes(1),
                     threads.work(), threads.timers(), threads.relay(), AuditTrail.NONE,
                     t -> t.console().watch() != WatchPolicy.NEVER);
             Watching watching = new Watching(tunnels, targets, t -> t.console().watch(),
                     new TesseractReader("tesseract"), ScreenPatterns.builtIn(), Duration.ofMinutes(15),
                     Clock.systemUTC(), threads.timers(), threads.work())) {
            watching.start(machines);
            machines.tell(MachineState.POWERED_OFF);
            assertEquals(Optional.empty(), watching.picture("vm"), "a powered-off VM is not watched");

            CompletableFuture<FakeGuacd.Peer> owner = guacd.accept("");
            machines.tell(MachineState.RUNNING);
            FakeGuacd.Peer console = owner.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            draw(console, "Please unlock disk sda3_crypt:");
            ConsoleReading waiting = await(watching, ConsoleState.WAITING_FOR_PASSPHRASE);
            assertTrue(waiting.watching(), waiting::toString);

            draw(console, "Please unlock disk sda3_crypt:", "[  OK  ] Reached target Local Encrypted Volumes.");
            ConsoleReading unlocked = await(watching, ConsoleState.BOOTING);
            assertFalse(unlocked.watching(), "the watch ends once the disk is unlocked: " + unlocked);
            assertEquals(Optional.empty(), watching.picture("vm"));
            console.close();
        } finally {
            threads.close();
        }
    }

    /** Draws a whole console picture with these lines, as guacd sends one. */
    private static void draw(FakeGuacd.Peer console, String... lines) throws Exception {
        BufferedImage image = TesseractReaderTest.console(1024, 768, 16, lines);
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(image, "png", png);
        console.write(new GuacamoleInstruction("size", "0", "1024", "768").toString()
                + new GuacamoleInstruction("img", "1", "14", "0", "image/png", "0", "0")
                + new GuacamoleInstruction("blob", "1", Base64.getEncoder().encodeToString(png.toByteArray()))
                + new GuacamoleInstruction("end", "1")
                + new GuacamoleInstruction("sync", Long.toString(System.currentTimeMillis())));
    }

    /** Waits until Keyhole reads {@code state} on the VM's screen: told by the readings, or read already. */
    private static ConsoleReading await(Watching watching, ConsoleState state) throws Exception {
        CompletableFuture<ConsoleReading> read = new CompletableFuture<>();
        Runnable cancel = watching.subscribe(r -> {
            if (r.target().equals("vm") && r.state() == state) {
                read.complete(r);
            }
        });
        try {
            watching.reading("vm").filter(r -> r.state() == state).ifPresent(read::complete);
            return read.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("waited " + WAIT.toSeconds() + " s for vm to read " + state.id() + "; it reads "
                    + watching.reading("vm"), e);
        } finally {
            cancel.run();
        }
    }

    /** One VirtualBox host's one VM, whose state the test tells. */
    private static final class Machines implements VirtualMachines {
        private final List<Consumer<MachineChange>> listeners = new CopyOnWriteArrayList<>();

        void tell(MachineState state) {
            Machine machine = new Machine("uuid-vm", "vm", state, state.apiName(),
                    new Machine.Vrde(true, "3389", "", Protocol.RDP, OptionalInt.of(3389)), null);
            listeners.forEach(l -> l.accept(new MachineChange.Updated(new MachineTarget("vm", "lab", machine))));
        }

        @Override
        public List<MachineTarget> machines() {
            return List.of();
        }

        @Override
        public Optional<MachineTarget> machine(String target) {
            return Optional.empty();
        }

        @Override
        public List<HostStatus> hosts() {
            return List.of();
        }

        @Override
        public void perform(Caller caller, String target, Action action) {
            throw new UnsupportedOperationException();
        }

        @Override
        public byte[] screenshot(String target, int maxWidth) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Runnable subscribe(Consumer<MachineChange> listener) {
            listeners.add(listener);
            return () -> listeners.remove(listener);
        }
    }
}
