package dev.keyhole.server.virtualbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keyhole.server.config.VirtualBoxHostConfig;
import dev.keyhole.server.targets.ConsoleSpec.CertificatePolicy;
import dev.keyhole.server.targets.ConsoleSpec.Credentials;
import dev.keyhole.server.targets.KeyboardStage;
import dev.keyhole.server.targets.Protocol;
import dev.keyhole.server.targets.Target;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** VMs as targets: names, console descriptions, and the changes pushed as a host's events arrive. */
class VirtualBoxTargetDirectoryTest {

    private static final VirtualBoxHostConfig CONFIG = VirtualBoxHostConfig.builder("lab",
            URI.create("http://10.0.0.2:18083/")).username("u").password("secret").consoleHost("10.0.0.9")
            .serverLayout("de-de-qwertz").build();

    /** A host whose VMs the test sets; it tells the directory nothing by itself. */
    private static final class FakeHost implements VirtualBoxHost {
        final Map<String, Machine> machines = new LinkedHashMap<>();
        Watcher watcher;

        @Override
        public String name() {
            return "lab";
        }

        @Override
        public HostStatus status() {
            return new HostStatus("lab", HostStatus.State.REACHABLE, "");
        }

        @Override
        public void watch(Watcher w) {
            watcher = w;
        }

        @Override
        public List<Machine> machines() {
            return List.copyOf(machines.values());
        }

        @Override
        public Optional<Machine> machine(String id) {
            return Optional.ofNullable(machines.get(id));
        }

        @Override
        public void startHeadless(String id) {
        }

        @Override
        public void enableVrde(String id, String ports, String address) {
        }

        @Override
        public void reset(String id) {
        }

        @Override
        public void powerButton(String id) {
        }

        @Override
        public void powerOff(String id) {
        }

        @Override
        public byte[] screenshot(String id, int maxWidth) {
            return new byte[0];
        }

        @Override
        public void close() {
        }
    }

    private FakeHost host;
    private VirtualBoxTargetDirectory directory;
    private final List<MachineChange> changes = new ArrayList<>();

    private static Machine vm(String id, String name, MachineState state, boolean vrde, String ports,
            OptionalInt active, Protocol protocol) {
        return new Machine(id, name, state, state.apiName(), new Machine.Vrde(vrde, ports, "", protocol, active),
                state == MachineState.RUNNING ? Machine.GuestStatus.BOOTING : Machine.GuestStatus.NOT_RUNNING);
    }

    @BeforeEach
    void setUp() {
        host = new FakeHost();
        directory = new VirtualBoxTargetDirectory(Map.of(host, CONFIG), Set.of("web-1"));
        directory.subscribe(changes::add);
        directory.start();
    }

    @Test
    void vmsBecomeTargetsWithUniqueNames() {
        host.machines.put("11111111-aaaa", vm("11111111-aaaa", "Web 1", MachineState.POWERED_OFF, true, "5001",
                OptionalInt.empty(), Protocol.RDP));
        host.machines.put("22222222-bbbb", vm("22222222-bbbb", "DB", MachineState.RUNNING, true, "5000-5010",
                OptionalInt.of(5004), Protocol.VNC));
        host.machines.put("33333333-cccc", vm("33333333-cccc", "db", MachineState.POWERED_OFF, false, "",
                OptionalInt.empty(), Protocol.RDP));
        host.watcher.hostChanged(host.status());

        assertEquals(List.of("db", "db-33333333", "web-1-11111111"),
                directory.list().stream().map(Target::name).sorted().toList(),
                "a name taken by a configured target or another VM gets the UUID's start");
        Target web = directory.find("web-1-11111111").orElseThrow();
        assertEquals("Web 1", web.title());
        assertEquals(Protocol.RDP, web.protocol());
        assertEquals("10.0.0.9", web.console().host(), "the console host, not the web service's");
        assertEquals(5001, web.console().port());
        assertEquals(CertificatePolicy.IGNORE, web.console().certificates());
        assertEquals(List.of(new KeyboardStage("console", "de-de-qwertz")), web.keyboard());
        assertEquals(Credentials.NONE, web.console().credentials(), "no console logon unless configured");

        Target db = directory.find("db").orElseThrow();
        assertEquals(Protocol.VNC, db.protocol());
        assertEquals(5004, db.console().port(), "a running VM's active port");
        assertTrue(changes.stream().anyMatch(c -> c instanceof MachineChange.HostChanged));
    }

    @Test
    void theHostsConsoleLogonReachesGuacdsParameters() {
        VirtualBoxHostConfig withLogon = CONFIG.toBuilder()
                .consoleCredentials(new Credentials("operator", "console-secret")).build();
        Target rdp = VirtualBoxTargetDirectory.toTarget(new MachineTarget("web-1", "lab", vm("a", "Web 1",
                MachineState.RUNNING, true, "5001", OptionalInt.of(5001), Protocol.RDP)), withLogon);
        assertEquals(new Credentials("operator", "console-secret"), rdp.console().credentials());
        assertFalse(rdp.toString().contains("console-secret"), "a target never shows its password: " + rdp);

        Target vnc = VirtualBoxTargetDirectory.toTarget(new MachineTarget("db", "lab", vm("b", "DB",
                MachineState.RUNNING, true, "5002", OptionalInt.of(5002), Protocol.VNC)), withLogon);
        assertEquals(new Credentials("", "console-secret"), vnc.console().credentials(),
                "a VNC console asks for a password alone");
    }

    @Test
    void aVncVmTypesWithItsHostsLayout() {
        Target vnc = VirtualBoxTargetDirectory.toTarget(new MachineTarget("db", "lab", vm("b", "DB",
                MachineState.RUNNING, true, "5002", OptionalInt.of(5002), Protocol.VNC)), CONFIG);
        assertEquals(List.of(new KeyboardStage("console", "de-de-qwertz")), vnc.keyboard(),
                "the passphrase box types for the host's keyboard over VNC as over RDP");
    }

    @Test
    void eventsUpdateAndRemoveOneVm() {
        host.machines.put("a", vm("a", "alpha", MachineState.POWERED_OFF, true, "5001", OptionalInt.empty(),
                Protocol.RDP));
        host.watcher.hostChanged(host.status());
        changes.clear();

        host.machines.put("a", vm("a", "alpha", MachineState.RUNNING, true, "5001", OptionalInt.of(5001),
                Protocol.RDP));
        host.watcher.machineChanged("a");
        assertEquals(MachineState.RUNNING,
                ((MachineChange.Updated) changes.get(0)).machine().machine().state());
        assertEquals(MachineState.RUNNING, directory.machine("alpha").orElseThrow().machine().state());

        host.watcher.machineChanged("a");
        assertEquals(1, changes.size(), "nothing changed: nothing pushed");

        host.machines.remove("a");
        host.watcher.machineRegistered("a", false);
        assertEquals(new MachineChange.Removed("alpha", "lab"), changes.get(1));
        assertTrue(directory.find("alpha").isEmpty());
    }

    @Test
    void aRelistAfterAnOutageDropsVmsDeletedMeanwhile() {
        host.machines.put("a", vm("a", "alpha", MachineState.POWERED_OFF, true, "", OptionalInt.empty(),
                Protocol.RDP));
        host.machines.put("b", vm("b", "beta", MachineState.POWERED_OFF, true, "", OptionalInt.empty(),
                Protocol.RDP));
        host.watcher.hostChanged(host.status());
        host.machines.remove("b");

        host.watcher.hostChanged(new HostStatus("lab", HostStatus.State.UNREACHABLE, "down"));
        assertEquals(2, directory.list().size(), "VMs stay listed while their host is unreachable");
        host.watcher.hostChanged(host.status());

        assertEquals(List.of("alpha"), directory.list().stream().map(Target::name).toList());
        assertEquals(3389, directory.find("alpha").orElseThrow().console().port(),
                "no configured port: VirtualBox's default 3389");
    }
}
