package dev.keyhole.server.virtualbox;

import java.util.List;
import java.util.Optional;

/**
 * One VirtualBox host: its VMs, their events and the actions Keyhole offers on them. Every method may throw
 * {@link VirtualBoxException} with a message fit for people (VirtualBox's own error text when it refused).
 * Safe to call from any thread.
 */
public interface VirtualBoxHost extends AutoCloseable {

    /**
     * Told about what happens on the host, in order, on the host's event thread (so no event is read while the
     * watcher works); it may call the host back to re-read a VM.
     */
    interface Watcher {
        /** The host became reachable (logged on, listening: re-read everything) or unreachable. */
        void hostChanged(HostStatus status);

        /** Something about a VM changed (state, settings, guest properties): re-read it. */
        void machineChanged(String machineId);

        /** A VM was registered ({@code registered}) or unregistered. */
        void machineRegistered(String machineId, boolean registered);
    }

    /** @return the host's configured name */
    String name();

    /** @return whether the host is reachable now */
    HostStatus status();

    /**
     * Starts logging on and listening for events; the watcher hears about everything from then on, starting with
     * {@link Watcher#hostChanged}. Calls after the first are ignored.
     */
    void watch(Watcher watcher);

    /** @return every VM of the host, freshly read */
    List<Machine> machines();

    /** @return the VM with this UUID, freshly read, or empty when the host has none */
    Optional<Machine> machine(String id);

    /** Starts the VM headless ({@code launchVMProcess} with the {@code headless} frontend) and waits for the result. */
    void startHeadless(String id);

    /**
     * Turns the VM's VRDE (remote console) on, listening on {@code ports} at {@code address}, and saves its
     * settings. Only for a VM that is not running.
     *
     * @param ports   VRDE's {@code TCP/Ports}, e.g. {@code 5000-5050}
     * @param address VRDE's {@code TCP/Address}; empty for every address of the host
     */
    void enableVrde(String id, String ports, String address);

    /** Resets the running VM (like its reset button). */
    void reset(String id);

    /** Presses the running VM's ACPI power button (the guest decides to shut down). */
    void powerButton(String id);

    /** Powers the VM off at once, like pulling the plug. */
    void powerOff(String id);

    /**
     * @param id       the VM
     * @param maxWidth the thumbnail's largest width in pixels
     * @return a PNG of the running VM's first screen, scaled to at most {@code maxWidth}
     */
    byte[] screenshot(String id, int maxWidth);

    /** Stops listening and logs off. */
    @Override
    void close();
}
