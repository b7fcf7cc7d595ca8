package dev.keyhole.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keyhole.e2e.fixtures.EvidenceExtension;
import dev.keyhole.e2e.fixtures.HostEvents;
import dev.keyhole.e2e.fixtures.VirtualBoxExtension;
import dev.keyhole.e2e.fixtures.VirtualBoxWebService;
import dev.keyhole.server.KeyholeServer;
import dev.keyhole.server.config.VirtualBoxHostConfig;
import dev.keyhole.server.targets.Protocol;
import dev.keyhole.server.virtualbox.HostStatus;
import dev.keyhole.server.virtualbox.Machine;
import dev.keyhole.server.virtualbox.MachineState;
import dev.keyhole.server.virtualbox.VirtualBoxException;
import dev.keyhole.server.virtualbox.WebServiceVirtualBoxHost;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Keyhole's VirtualBox host against the real VirtualBox 7.x web service ({@code vboxwebsrv}, auth library
 * {@code null}): VMs and their states, VRDE settings, events, a start attempt, a web service restart.
 */
@ExtendWith({VirtualBoxExtension.class, EvidenceExtension.class})
class VirtualBoxHostTest {

    private static final Duration EVENT_TIMEOUT = Duration.ofSeconds(30);

    private static KeyholeServer.Threads threads;
    private static WebServiceVirtualBoxHost host;
    private static HostEvents events;

    @BeforeAll
    static void logOn(VirtualBoxWebService vbox) {
        threads = KeyholeServer.Threads.start();
        host = new WebServiceVirtualBoxHost(VirtualBoxHostConfig.builder("lab", vbox.url()).username("keyhole")
                .password("unused").build(), threads.work(), threads.timers());
        events = new HostEvents();
        host.watch(events);
        events.awaitHost(HostStatus.State.REACHABLE, EVENT_TIMEOUT);
    }

    @AfterAll
    static void logOff() {
        if (host != null) {
            host.close();
        }
        if (threads != null) {
            threads.close();
        }
    }

    private static Map<String, Machine> byName() {
        return host.machines().stream().collect(Collectors.toMap(Machine::name, Function.identity()));
    }

    @Test
    void listsEveryVmWithItsState(VirtualBoxWebService vbox) {
        String a = vbox.createVm("list-a");
        String b = vbox.createVm("List B");

        Map<String, Machine> machines = byName();
        assertEquals(a, machines.get("list-a").id());
        assertEquals(b, machines.get("List B").id());
        for (String name : List.of("list-a", "List B")) {
            Machine m = machines.get(name);
            assertEquals(MachineState.POWERED_OFF, m.state(), name);
            assertEquals("PoweredOff", m.stateName(), name);
            assertEquals(Machine.GuestStatus.NOT_RUNNING, m.guest(), name);
        }
        assertEquals(a, host.machine(a).orElseThrow().id());
        assertTrue(host.machine("00000000-0000-0000-0000-000000000000").isEmpty(), "an unknown UUID finds nothing");
    }

    @Test
    void readsVrdeSettingsBack(VirtualBoxWebService vbox) {
        vbox.createVm("vrde-range");
        vbox.vboxManage("modifyvm", "vrde-range", "--vrde", "on", "--vrde-port", "5010-5020", "--vrde-address",
                "127.0.0.1", "--vrde-extpack", "VNC");
        vbox.createVm("vrde-single");
        vbox.vboxManage("modifyvm", "vrde-single", "--vrde", "on", "--vrde-port", "5005");
        vbox.createVm("vrde-off");
        vbox.vboxManage("modifyvm", "vrde-off", "--vrde", "off");

        Map<String, Machine> machines = byName();
        Machine.Vrde range = machines.get("vrde-range").vrde();
        assertTrue(range.enabled());
        assertEquals("5010-5020", range.ports());
        assertEquals("127.0.0.1", range.address());
        assertEquals(Protocol.VNC, range.protocol());
        assertEquals(OptionalInt.empty(), range.activePort(), "a VM that is off has no active port");
        assertEquals(OptionalInt.empty(), range.consolePort(), "a range says no port before the VM runs");

        Machine.Vrde single = machines.get("vrde-single").vrde();
        assertTrue(single.enabled());
        assertEquals("5005", single.ports());
        assertEquals(OptionalInt.of(5005), single.consolePort());

        assertFalse(machines.get("vrde-off").vrde().enabled());
    }

    @Test
    void registrationChangesAndDeletionArriveAsEvents(VirtualBoxWebService vbox) {
        String id = vbox.createVm("evented");
        events.awaitMachine("registered", id, EVENT_TIMEOUT);

        vbox.vboxManage("modifyvm", "evented", "--vrde", "on", "--vrde-port", "5100");
        events.awaitMachine("changed", id, EVENT_TIMEOUT);
        assertEquals("5100", host.machine(id).orElseThrow().vrde().ports());

        // What the Guest Additions report arrives as guest property events.
        vbox.vboxManage("guestproperty", "set", "evented", "/VirtualBox/GuestAdd/Keyhole", "1");
        events.awaitMachine("changed", id, EVENT_TIMEOUT);

        vbox.deleteVm("evented");
        events.awaitMachine("unregistered", id, EVENT_TIMEOUT);
        assertTrue(host.machine(id).isEmpty(), "a deleted VM is gone");
    }

    @Test
    void aStartThatFailsReportsVirtualBoxsOwnError(VirtualBoxWebService vbox) {
        String id = vbox.createVm("cannot-run");

        VirtualBoxException e = assertThrows(VirtualBoxException.class, () -> host.startHeadless(id));

        // No kernel driver here: VirtualBox's own words for it.
        assertTrue(e.getMessage().contains("terminated unexpectedly during startup"), e.getMessage());
        assertTrue(e.getMessage().contains("cannot-run"), e.getMessage());
        assertEquals(MachineState.Kind.OFF, host.machine(id).orElseThrow().state().kind());
        VirtualBoxException notRunning = assertThrows(VirtualBoxException.class, () -> host.reset(id));
        assertFalse(notRunning.getMessage().isBlank());
    }

    @Test
    void aKilledWebServiceIsUnreachableThenBackWithEventsFlowingWhenRestarted(VirtualBoxWebService vbox) {
        vbox.killService();
        try {
            HostStatus down = events.awaitHost(HostStatus.State.UNREACHABLE, EVENT_TIMEOUT);
            assertTrue(down.message().contains("the VirtualBox web service is not reachable"), down.message());
            assertThrows(VirtualBoxException.class, host::machines, "no VMs while the web service is down");
        } finally {
            vbox.startService();
        }
        events.awaitHost(HostStatus.State.REACHABLE, EVENT_TIMEOUT);

        String id = vbox.createVm("after-restart");
        events.awaitMachine("registered", id, EVENT_TIMEOUT);
        assertTrue(byName().containsKey("after-restart"));
    }
}
