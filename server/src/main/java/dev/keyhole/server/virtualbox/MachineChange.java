package dev.keyhole.server.virtualbox;

/** What changed among the VMs Keyhole offers; pushed to open pages. */
public sealed interface MachineChange {

    /** A VM appeared or changed. */
    record Updated(MachineTarget machine) implements MachineChange {
    }

    /** A VM is gone (unregistered, deleted). */
    record Removed(String target, String host) implements MachineChange {
    }

    /** A VM was reset through Keyhole: its state did not change, but it boots again. */
    record Reset(String target, String host) implements MachineChange {
    }

    /** A host became reachable or unreachable. */
    record HostChanged(HostStatus status) implements MachineChange {
    }
}
