package dev.keyhole.server.virtualbox;

import dev.keyhole.server.access.Caller;
import dev.keyhole.server.config.VirtualBoxHostConfig;
import dev.keyhole.server.targets.ConsoleSpec;
import dev.keyhole.server.targets.ConsoleSpec.CertificatePolicy;
import dev.keyhole.server.targets.Protocol;
import dev.keyhole.server.targets.Target;
import dev.keyhole.server.targets.TargetDirectory;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The VMs of the configured VirtualBox hosts as targets, kept current by each host's events (never by polling:
 * a VM is re-read when an event names it, and a host's whole list only when it becomes reachable again).
 *
 * <p>A VM's target name is its VM name in lower case with every other character run turned into {@code -}
 * ("Web Server 1" → {@code web-server-1}); when that name is taken (by a configured target or another VM), the
 * first 8 characters of the VM's UUID are appended. The console is reached at the host's {@code console-host}
 * and the VM's active VRDE port (or its configured port while it is off).
 */
public final class VirtualBoxTargetDirectory implements TargetDirectory, VirtualMachines, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(VirtualBoxTargetDirectory.class);

    private final Map<String, HostEntry> hosts = new LinkedHashMap<>();
    private final Set<String> reserved;
    private final List<Consumer<MachineChange>> listeners = new CopyOnWriteArrayList<>();
    private final List<BiConsumer<MachineTarget, Action>> actionListeners = new CopyOnWriteArrayList<>();
    /** Guards the machine maps and names below. */
    private final Object lock = new Object();
    private final Map<String, MachineTarget> byTarget = new LinkedHashMap<>();
    /** Target name per host and VM id, kept for the life of the server so a name stays stable. */
    private final Map<String, String> names = new HashMap<>();

    private record HostEntry(VirtualBoxHost host, VirtualBoxHostConfig config) {
    }

    /**
     * @param hosts    each host with its configuration (for the console address and RDP options)
     * @param reserved target names already taken by configured targets
     */
    public VirtualBoxTargetDirectory(Map<VirtualBoxHost, VirtualBoxHostConfig> hosts, Set<String> reserved) {
        hosts.forEach((host, config) -> this.hosts.put(host.name(), new HostEntry(host, config)));
        this.reserved = Set.copyOf(reserved);
    }

    /** Starts watching every host (logging on in the background). */
    public void start() {
        for (HostEntry entry : hosts.values()) {
            entry.host().watch(new HostWatcher(entry));
        }
    }

    /** Reacts to one host's events on its event thread. */
    private final class HostWatcher implements VirtualBoxHost.Watcher {

        private final HostEntry entry;

        HostWatcher(HostEntry entry) {
            this.entry = entry;
        }

        @Override
        public void hostChanged(HostStatus status) {
            if (status.state() == HostStatus.State.REACHABLE) {
                relist(entry);
            }
            publish(new MachineChange.HostChanged(status));
        }

        @Override
        public void machineChanged(String machineId) {
            reread(entry, machineId);
        }

        @Override
        public void machineRegistered(String machineId, boolean registered) {
            if (registered) {
                reread(entry, machineId);
            } else {
                remove(entry.host().name(), machineId);
            }
        }
    }

    private void relist(HostEntry entry) {
        List<Machine> machines;
        try {
            machines = entry.host().machines();
        } catch (VirtualBoxException e) {
            log.warn("VirtualBox host {}: cannot list its VMs: {}", entry.host().name(), e.getMessage());
            return;
        }
        Set<String> present = new java.util.HashSet<>();
        for (Machine m : machines) {
            present.add(m.id());
            update(entry.host().name(), m);
        }
        List<MachineTarget> gone;
        synchronized (lock) {
            gone = byTarget.values().stream()
                    .filter(t -> t.host().equals(entry.host().name()) && !present.contains(t.machine().id())).toList();
        }
        gone.forEach(t -> remove(t.host(), t.machine().id()));
    }

    private void reread(HostEntry entry, String machineId) {
        try {
            Optional<Machine> machine = entry.host().machine(machineId);
            if (machine.isPresent()) {
                update(entry.host().name(), machine.get());
            } else {
                remove(entry.host().name(), machineId);
            }
        } catch (VirtualBoxException e) {
            log.debug("VirtualBox host {}: cannot re-read a VM: {}", entry.host().name(), e.getMessage());
        }
    }

    private void update(String host, Machine machine) {
        MachineTarget target;
        synchronized (lock) {
            String name = names.computeIfAbsent(host + "/" + machine.id(), k -> uniqueName(machine));
            target = new MachineTarget(name, host, machine);
            MachineTarget previous = byTarget.put(name, target);
            if (target.equals(previous)) {
                return;
            }
        }
        publish(new MachineChange.Updated(target));
    }

    private void remove(String host, String machineId) {
        MachineTarget removed = null;
        synchronized (lock) {
            String name = names.get(host + "/" + machineId);
            if (name != null) {
                removed = byTarget.remove(name);
            }
        }
        if (removed != null) {
            publish(new MachineChange.Removed(removed.target(), host));
        }
    }

    /** Called with {@code lock} held. */
    private String uniqueName(Machine machine) {
        String base = slug(machine.name());
        if (base.isEmpty()) {
            base = "vm";
        }
        String name = base;
        if (reserved.contains(name) || names.containsValue(name)) {
            name = base + "-" + machine.id().replace("-", "").substring(0, Math.min(8, machine.id().length()));
        }
        return name;
    }

    /** "Web Server 1" → "web-server-1"; at most 54 characters (a UUID part may follow). */
    static String slug(String vmName) {
        String s = vmName == null ? "" : vmName.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
        s = s.replaceAll("^-+", "").replaceAll("-+$", "");
        return s.length() > 54 ? s.substring(0, 54).replaceAll("-+$", "") : s;
    }

    private void publish(MachineChange change) {
        for (Consumer<MachineChange> listener : listeners) {
            try {
                listener.accept(change);
            } catch (RuntimeException e) {
                log.warn("a listener of VM changes failed", e);
            }
        }
    }

    // --- TargetDirectory ---------------------------------------------------------------------------------------

    @Override
    public List<Target> list() {
        return machines().stream().map(this::toTarget).toList();
    }

    @Override
    public Optional<Target> find(String name) {
        return machine(name).map(this::toTarget);
    }

    /** A VM's console, as its host's configuration describes its VMs' consoles. */
    Target toTarget(MachineTarget t) {
        return toTarget(t, hosts.get(t.host()).config());
    }

    static Target toTarget(MachineTarget t, VirtualBoxHostConfig config) {
        Machine.Vrde vrde = t.machine().vrde();
        ConsoleSpec console = ConsoleSpec.builder(vrde.protocol(), config.consoleHost(), vrde.consolePort().orElse(0))
                .certificates(config.ignoreCert() ? CertificatePolicy.IGNORE : CertificatePolicy.VERIFY)
                .credentials(vrde.protocol() == Protocol.RDP ? config.consoleCredentials()
                        : new ConsoleSpec.Credentials("", config.consoleCredentials().password()))
                .layout(config.serverLayout())
                .watch(config.watch())
                .build();
        return new Target(t.target(), t.machine().name(), console);
    }

    // --- VirtualMachines ---------------------------------------------------------------------------------------

    @Override
    public List<MachineTarget> machines() {
        List<MachineTarget> all;
        synchronized (lock) {
            all = new ArrayList<>(byTarget.values());
        }
        all.sort(Comparator.comparing(MachineTarget::host).thenComparing(t -> t.machine().name().toLowerCase(Locale.ROOT))
                .thenComparing(MachineTarget::target));
        return all;
    }

    @Override
    public Optional<MachineTarget> machine(String target) {
        synchronized (lock) {
            return Optional.ofNullable(byTarget.get(target));
        }
    }

    @Override
    public List<HostStatus> hosts() {
        return hosts.values().stream().map(e -> e.host().status()).toList();
    }

    @Override
    public void perform(Caller caller, String target, Action action) {
        MachineTarget t = machine(target)
                .orElseThrow(() -> new IllegalArgumentException("No VM named \"" + target + "\""));
        VirtualBoxHost host = hosts.get(t.host()).host();
        String id = t.machine().id();
        log.info("VirtualBox host {}: {} asked to {} VM \"{}\"", t.host(), caller, action.id(), t.machine().name());
        // Before the call: the VM's state events arrive while it waits for VirtualBox's result.
        for (BiConsumer<MachineTarget, Action> listener : actionListeners) {
            try {
                listener.accept(t, action);
            } catch (RuntimeException e) {
                log.warn("a listener of VM actions failed", e);
            }
        }
        switch (action) {
            case START -> host.startHeadless(id);
            case RESET -> {
                host.reset(id);
                publish(new MachineChange.Reset(target, t.host()));
            }
            case POWER_BUTTON -> host.powerButton(id);
            case POWER_OFF -> host.powerOff(id);
            case ENABLE_CONSOLE -> {
                VirtualBoxHostConfig config = hosts.get(t.host()).config();
                if (config.vrdePorts().isEmpty()) {
                    throw new VirtualBoxException("the host " + t.host() + " has no vrde-ports configured: turn the "
                            + "console on on the host itself");
                }
                host.enableVrde(id, config.vrdePorts(), config.vrdeAddress());
            }
            default -> throw new IllegalArgumentException(action.id());
        }
    }

    @Override
    public List<Action> actions(MachineTarget machine) {
        boolean canEnable = !hosts.get(machine.host()).config().vrdePorts().isEmpty();
        return java.util.Arrays.stream(Action.values())
                .filter(a -> (a != Action.ENABLE_CONSOLE || canEnable) && a.allowedFor(machine.machine())).toList();
    }

    @Override
    public byte[] screenshot(String target, int maxWidth) {
        MachineTarget t = machine(target)
                .orElseThrow(() -> new IllegalArgumentException("No VM named \"" + target + "\""));
        return hosts.get(t.host()).host().screenshot(t.machine().id(), maxWidth);
    }

    @Override
    public Runnable subscribe(Consumer<MachineChange> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /**
     * @param listener told of every action someone asks Keyhole to take on a VM, just before Keyhole takes it (on
     *                 the caller's thread: must not block), so that what follows can be told from what VirtualBox
     *                 does by itself
     * @return cancels the subscription
     */
    Runnable onAction(BiConsumer<MachineTarget, Action> listener) {
        actionListeners.add(listener);
        return () -> actionListeners.remove(listener);
    }

    /** @return the configured host of this name (one of the directory's) */
    VirtualBoxHost host(String name) {
        return hosts.get(name).host();
    }

    /** @return the configuration of the host of this name (one of the directory's) */
    VirtualBoxHostConfig config(String name) {
        return hosts.get(name).config();
    }

    /** Logs off every host. */
    @Override
    public void close() {
        hosts.values().forEach(e -> e.host().close());
    }
}
