package dev.keyhole.server.virtualbox;

import dev.keyhole.server.access.Caller;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/** The VMs of every configured VirtualBox host, as the HTTP edge uses them. Safe to call from any thread. */
public interface VirtualMachines {

    /** What a person can do to a VM from the targets page. */
    enum Action {
        /** Start headless. */
        START("start"),
        /** Reset (hard). */
        RESET("reset"),
        /** Press the ACPI power button. */
        POWER_BUTTON("power-button"),
        /** Power off at once. */
        POWER_OFF("power-off"),
        /** Turn the VM's console (VRDE) on, in the host's configured port range. */
        ENABLE_CONSOLE("enable-console");

        private final String id;

        Action(String id) {
            this.id = id;
        }

        /** @return the action's name in URLs, e.g. {@code power-off} */
        public String id() {
            return id;
        }

        /** @return the action named {@code id}, or empty */
        public static Optional<Action> of(String id) {
            for (Action a : values()) {
                if (a.id.equals(id)) {
                    return Optional.of(a);
                }
            }
            return Optional.empty();
        }

        /** @return whether the action makes sense for {@code machine} in its state */
        public boolean allowedFor(Machine machine) {
            MachineState state = machine.state();
            return switch (this) {
                case START -> state.kind() == MachineState.Kind.OFF;
                case ENABLE_CONSOLE -> state.kind() == MachineState.Kind.OFF && !machine.vrde().enabled();
                default -> state.kind() == MachineState.Kind.ONLINE;
            };
        }
    }

    /** No VirtualBox hosts: no VMs, no changes. */
    VirtualMachines NONE = new VirtualMachines() {
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
            throw new IllegalArgumentException("No VM named \"" + target + "\"");
        }

        @Override
        public byte[] screenshot(String target, int maxWidth) {
            throw new IllegalArgumentException("No VM named \"" + target + "\"");
        }

        @Override
        public Runnable subscribe(Consumer<MachineChange> listener) {
            return () -> { };
        }
    };

    /**
     * @return the actions offered for the VM now: what its state allows, and turning its console on only when its
     *         host has a configured port range for that
     */
    default List<Action> actions(MachineTarget machine) {
        return java.util.Arrays.stream(Action.values())
                .filter(a -> a != Action.ENABLE_CONSOLE && a.allowedFor(machine.machine())).toList();
    }

    /** @return every VM of every reachable host, in a stable order */
    List<MachineTarget> machines();

    /** @return the VM offered under this target name, or empty */
    Optional<MachineTarget> machine(String target);

    /** @return each configured host's connection state */
    List<HostStatus> hosts();

    /**
     * Performs an action and waits for VirtualBox's result.
     *
     * @throws VirtualBoxException with VirtualBox's own error text when it failed
     * @throws IllegalArgumentException when there is no such VM
     */
    void perform(Caller caller, String target, Action action);

    /** @return a PNG thumbnail of the running VM's screen, at most {@code maxWidth} pixels wide */
    byte[] screenshot(String target, int maxWidth);

    /**
     * @param listener told about every change from now on (on a host's event thread: must not block)
     * @return cancels the subscription
     */
    Runnable subscribe(Consumer<MachineChange> listener);
}
