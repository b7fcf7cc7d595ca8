package dev.keyhole.server.virtualbox;

import java.time.Instant;

/**
 * Told what the {@link AbortPolicy} saw and did: a VM aborted, a VM stopped without Keyhole asking, a restart
 * worked, failed, or was refused because the VM was restarted too often. Notifications and console watching
 * listen here.
 *
 * <p>Called on Keyhole's threads (a host's event thread, or the thread that made a start attempt), one event at a
 * time per VM and in order: a method must not block (hand slow work, like sending mail, to another thread).
 * Every method does nothing unless overridden; {@link #NONE} overrides none.
 */
public interface AbortListener {

    /** Hears nothing. */
    AbortListener NONE = new AbortListener() {
    };

    /** What every event names: the VM's target, its host, and when Keyhole saw it. */
    sealed interface Event permits VmAborted, VmStopped, VmRestarted, VmRestartFailed, RestartsExhausted {
        /** @return the VM's target name (what URLs use: {@code /console.html?target=TARGET} is its console) */
        String target();

        /** @return the configured name of its VirtualBox host */
        String host();

        /** @return when Keyhole saw it happen */
        Instant at();
    }

    /**
     * A VM aborted: VirtualBox says {@link MachineState#ABORTED} (or {@link MachineState#ABORTED_SAVED}): its process
     * ended without powering it down.
     *
     * @param state      the state it went to
     * @param restarting whether a restart follows ({@code on-abort: restart}, within the hourly limit); when not,
     *                   the VM stays off until someone starts it
     */
    record VmAborted(String target, String host, MachineState state, Instant at, boolean restarting)
            implements Event {
    }

    /**
     * A running VM powered off or saved its state without Keyhole asking: the guest shut itself down, or someone on
     * the host powered it off or saved it (VirtualBox's events do not say which). It is never restarted; told
     * unless the VM's {@code on-abort} is {@code nothing}.
     *
     * @param state {@link MachineState#POWERED_OFF} or {@link MachineState#SAVED}
     */
    record VmStopped(String target, String host, MachineState state, Instant at) implements Event {
    }

    /**
     * Keyhole started an aborted VM again, headless, and VirtualBox says it runs: its disk may now wait for the
     * passphrase at its console.
     *
     * @param attempt which start attempt since it aborted worked (1 for the first)
     */
    record VmRestarted(String target, String host, int attempt, Instant at) implements Event {
    }

    /**
     * A start attempt failed.
     *
     * @param error   VirtualBox's own words, e.g. "The virtual machine 'web-1' has terminated unexpectedly during
     *                startup with exit code 1 (0x1)" (never credentials)
     * @param attempt which attempt since the VM aborted failed (1 for the first)
     * @param gaveUp  whether no attempt follows: this was the last try, or the hourly limit is reached (then a
     *                {@link RestartsExhausted} follows too); the VM stays off until someone starts it
     */
    record VmRestartFailed(String target, String host, String error, int attempt, boolean gaveUp, Instant at)
            implements Event {
    }

    /**
     * A VM that needs a restart was started {@code maxPerHour} times in the last hour already: Keyhole leaves it
     * off until someone starts it.
     *
     * @param maxPerHour the host's {@code max-restarts-per-hour}
     */
    record RestartsExhausted(String target, String host, int maxPerHour, Instant at) implements Event {
    }

    /** A VM aborted. */
    default void vmAborted(VmAborted event) {
    }

    /** A running VM powered off or saved its state, and Keyhole had not asked. */
    default void vmStopped(VmStopped event) {
    }

    /** An aborted VM runs again. */
    default void vmRestarted(VmRestarted event) {
    }

    /** A start attempt failed. */
    default void vmRestartFailed(VmRestartFailed event) {
    }

    /** A VM was restarted too often this hour: no more attempts. */
    default void restartsExhausted(RestartsExhausted event) {
    }
}
