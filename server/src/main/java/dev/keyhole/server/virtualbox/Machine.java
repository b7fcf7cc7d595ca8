package dev.keyhole.server.virtualbox;

import dev.keyhole.server.targets.Protocol;
import java.util.OptionalInt;

/**
 * One VM of a VirtualBox host as Keyhole last read it.
 *
 * @param id        the VM's UUID
 * @param name      the VM's name on its host
 * @param state     its state ({@link MachineState#UNKNOWN} for a value this version does not know)
 * @param stateName the state exactly as the web service sent it (for an unknown one)
 * @param vrde      its remote display settings
 * @param guest     what the Guest Additions say about the boot (a hint, see {@link GuestStatus})
 */
public record Machine(String id, String name, MachineState state, String stateName, Vrde vrde, GuestStatus guest) {

    /**
     * The VM's VRDE (remote display) server.
     *
     * @param enabled    whether it is switched on in the VM's settings
     * @param ports      the configured {@code TCP/Ports} property, e.g. {@code 5000-5010,5012} (empty: default 3389)
     * @param address    the configured {@code TCP/Address} (empty: every address of the host)
     * @param protocol   RDP (VirtualBox's own VRDP) or VNC (the VNC extension pack)
     * @param activePort the port the running VM's VRDE server listens on now ({@code IVRDEServerInfo.port});
     *                   empty when the VM is not running or the server is not listening
     */
    public record Vrde(boolean enabled, String ports, String address, Protocol protocol, OptionalInt activePort) {

        /**
         * The port a console client should use: the active one, else the configured one when it is a single port
         * (VirtualBox's default is 3389).
         *
         * @return the port, or empty when it cannot be known before the VM runs (a range)
         */
        public OptionalInt consolePort() {
            if (activePort.isPresent()) {
                return activePort;
            }
            String p = ports == null ? "" : ports.strip();
            if (p.isEmpty()) {
                return OptionalInt.of(3389);
            }
            try {
                return OptionalInt.of(Integer.parseInt(p));
            } catch (NumberFormatException e) {
                return OptionalInt.empty();
            }
        }
    }

    /**
     * What the Guest Additions report, a hint at where the boot is: a running VM whose additions are not up yet
     * is booting and may be waiting for its disk passphrase; when they come up, the disk is unlocked and the
     * system booted. A VM without Guest Additions installed stays {@link #BOOTING} forever: it is only a hint.
     */
    public enum GuestStatus {
        /** The VM does not run. */
        NOT_RUNNING,
        /** Running, additions not up (run level {@code None}): booting, may be waiting for the passphrase. */
        BOOTING,
        /** Additions up (run level {@code System}, {@code Userland} or {@code Desktop}): unlocked and booted. */
        BOOTED,
        /** Could not be read. */
        UNKNOWN;

        /** @param runLevel {@code IGuest.additionsRunLevel} as sent (None, System, Userland, Desktop, …) */
        static GuestStatus fromRunLevel(String runLevel) {
            if (runLevel == null) {
                return UNKNOWN;
            }
            return switch (runLevel) {
                case "None" -> BOOTING;
                case "System", "Userland", "Desktop" -> BOOTED;
                default -> UNKNOWN;
            };
        }
    }
}
