package dev.keyhole.server.virtualbox;

/**
 * A VM offered as a target.
 *
 * @param target  the target's name (what URLs use), derived from the VM's name
 * @param host    the configured name of its VirtualBox host
 * @param machine the VM as last read
 */
public record MachineTarget(String target, String host, Machine machine) {
}
