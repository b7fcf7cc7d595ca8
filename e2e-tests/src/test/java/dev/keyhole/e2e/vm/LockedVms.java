package dev.keyhole.e2e.vm;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The run's locked VMs, one per guest keyboard layout; each one's disk passphrase is every character its layout types. */
public final class LockedVms implements AutoCloseable {

    private final Map<String, LockedVm> vms = new ConcurrentHashMap<>();

    /** The VM whose guest keyboard has this layout (booted and at a prompt). */
    public LockedVm get(String layout) {
        LockedVm vm = vms.get(layout);
        if (vm == null) {
            throw new IllegalStateException("no VM with the layout " + layout + ": name it in @LockedVmLayouts");
        }
        return vm;
    }

    /**
     * Characters QEMU 7.2's VNC key maps cannot deliver to a guest whose console keymap comes from today's
     * xkb-data: QEMU's maps were made from an older xkb-data and its key symbol names are incomplete, so it
     * drops these key symbols ("no scancode found") or puts them on other keys. Keyhole sends them right;
     * QEMU loses them.
     */
    static final Map<String, String> QEMU_CANNOT_TYPE = Map.of(
            "de-de-qwertz", "Łł—‘’‚′″",
            "fr-fr-azerty", "ẞ‘’‚“”„•");

    /**
     * The disk passphrase of a layout's VM and what a layout test types: every character the layout types
     * (from the layout table), less those QEMU cannot deliver ({@link #QEMU_CANNOT_TYPE}).
     */
    public static String passphraseOf(String layout) {
        String lost = QEMU_CANNOT_TYPE.getOrDefault(layout, "");
        return LayoutTable.everyCharacter(layout).codePoints()
                .filter(cp -> lost.indexOf(cp) < 0)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
    }

    boolean has(String layout) {
        return vms.containsKey(layout);
    }

    void add(LockedVm vm) {
        vms.put(vm.layout(), vm);
    }

    @Override
    public void close() {
        vms.values().parallelStream().forEach(LockedVm::close);
        vms.clear();
    }
}
