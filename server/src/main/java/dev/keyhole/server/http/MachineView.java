package dev.keyhole.server.http;

import dev.keyhole.server.access.Caller;
import dev.keyhole.server.virtualbox.HostStatus;
import dev.keyhole.server.virtualbox.Machine;
import dev.keyhole.server.virtualbox.MachineState;
import dev.keyhole.server.virtualbox.MachineTarget;
import dev.keyhole.server.virtualbox.VirtualMachines;
import java.util.List;
import java.util.Locale;

/**
 * A VM as browsers see it: never its host's address, the web service's URL, credentials or ports; {@code host}
 * is the host's configured name.
 *
 * @param target     the target name (for the console page and the actions)
 * @param title      the VM's name
 * @param host       the configured name of its VirtualBox host
 * @param state      the state's id ({@code powered-off}, {@code running}, …, {@code unknown})
 * @param stateLabel the state in words; for an unknown state, the web service's own name of it
 * @param hint       {@code not-running}, {@code booting} (may wait for the passphrase), {@code booted},
 *                   {@code unknown}: derived from the Guest Additions, a hint only
 * @param vrde       {@code off}, {@code rdp} or {@code vnc}
 * @param consoleReady whether the VM's console port is known (it runs and its VRDE server listens)
 * @param actions    the actions its state allows and the viewer's role may take ({@code start}, {@code reset},
 *                   {@code power-button}, {@code power-off}, {@code enable-console})
 */
record MachineView(String target, String title, String host, String state, String stateLabel, String hint,
        String vrde, boolean consoleReady, List<String> actions) {

    /**
     * @param caller who sees it: only the actions their role may take are listed
     */
    static MachineView of(MachineTarget t, VirtualMachines machines, Caller caller) {
        Machine m = t.machine();
        MachineState s = m.state();
        String label = s == MachineState.UNKNOWN ? "unknown (" + m.stateName() + ")" : s.label();
        String vrde = m.vrde().enabled() ? m.vrde().protocol().name().toLowerCase(Locale.ROOT) : "off";
        List<String> actions = machines.actions(t).stream().filter(a -> MachinesApi.mayTake(caller, a))
                .map(VirtualMachines.Action::id).toList();
        return new MachineView(t.target(), m.name(), t.host(), s.id(), label,
                m.guest().name().toLowerCase(Locale.ROOT).replace('_', '-'), vrde,
                m.vrde().enabled() && m.vrde().activePort().isPresent(), actions);
    }

    /** A host's state as browsers see it (its configured name, never its URL). */
    record HostView(String name, String state, String message) {
        static HostView of(HostStatus h) {
            return new HostView(h.host(), h.state().name().toLowerCase(Locale.ROOT), h.message());
        }
    }

    /** {@code GET /api/machines}. */
    record MachineList(List<HostView> hosts, List<MachineView> machines) {
    }
}
