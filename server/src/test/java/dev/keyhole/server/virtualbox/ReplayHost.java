package dev.keyhole.server.virtualbox;

import dev.keyhole.server.targets.Protocol;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A VirtualBox host that plays {@link RecordedEvents} to its watcher, as {@link WebServiceVirtualBoxHost} passes
 * on the web service's events: each event names the VM, and the VM read afterwards shows the state the event set.
 * A start plays the sequence the test queued for it, and fails with its error if it has one. For unit tests of
 * what reacts to a host's events; the real web service is {@code e2e-tests}' {@code VirtualBoxWebService}.
 */
final class ReplayHost implements VirtualBoxHost {

    private final String name;
    private final Map<String, Machine> machines = new LinkedHashMap<>();
    private final Deque<RecordedEvents> starts = new ArrayDeque<>();
    /** The VMs Keyhole started, in order. */
    final List<String> started = new ArrayList<>();
    private HostStatus status;
    private Watcher watcher;

    ReplayHost(String name) {
        this.name = name;
        this.status = new HostStatus(name, HostStatus.State.REACHABLE, "");
    }

    /** Adds a VM, without telling anyone (the first listing shows it). */
    void add(String id, String vmName, MachineState state) {
        machines.put(id, machine(id, vmName, state));
    }

    private static Machine machine(String id, String vmName, MachineState state) {
        boolean online = state.kind() == MachineState.Kind.ONLINE;
        return new Machine(id, vmName, state, state.apiName(), new Machine.Vrde(true, "5001", "", Protocol.RDP,
                online ? OptionalInt.of(5001) : OptionalInt.empty()),
                online ? Machine.GuestStatus.BOOTING : Machine.GuestStatus.NOT_RUNNING);
    }

    /** Sets a VM's state without an event, as while the host cannot be reached. */
    void setState(String id, MachineState state) {
        Machine m = machines.get(id);
        machines.put(id, machine(id, m.name(), state));
    }

    /** Plays a sequence for a VM that is in the sequence's initial state. */
    void replay(String id, RecordedEvents sequence) {
        MachineState now = machines.get(id).state();
        if (now != sequence.initial()) {
            throw new AssertionError(sequence.name() + " starts from " + sequence.initial().apiName()
                    + ", but the VM is " + now.apiName());
        }
        play(id, sequence);
    }

    private void play(String id, RecordedEvents sequence) {
        for (RecordedEvents.Event e : sequence.events()) {
            if (e.machineState() != null) {
                setState(id, e.machineState());
            }
            watcher.machineChanged(id);
        }
    }

    /** Unregisters a VM, telling the watcher. */
    void remove(String id) {
        machines.remove(id);
        watcher.machineRegistered(id, false);
    }

    /** Queues what the next start does: plays these events, then fails with their error if they have one. */
    void nextStart(RecordedEvents sequence) {
        starts.add(sequence);
    }

    /** Becomes reachable or unreachable, telling the watcher. */
    void becomes(HostStatus.State state) {
        status = new HostStatus(name, state, state == HostStatus.State.UNREACHABLE ? "the test cut it off" : "");
        watcher.hostChanged(status);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public HostStatus status() {
        return status;
    }

    @Override
    public void watch(Watcher w) {
        watcher = w;
        w.hostChanged(status);
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
        started.add(id);
        RecordedEvents outcome = starts.poll();
        if (outcome == null) {
            throw new AssertionError("Keyhole started VM " + id + ", and the test queued no start");
        }
        play(id, outcome);
        if (outcome.error() != null) {
            throw new VirtualBoxException(outcome.error());
        }
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
