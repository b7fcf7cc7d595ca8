package dev.keyhole.server.targets;

import java.util.Locale;

/** The remote display protocol a console speaks; guacd has one client plugin for each. */
public enum Protocol {
    /** Remote Desktop Protocol: VirtualBox's VRDE (VRDP) server. */
    RDP,
    /** Virtual Network Computing: QEMU/KVM, or VirtualBox with the VNC extension pack. */
    VNC;

    /** @return the name guacd knows the protocol by ({@code rdp}, {@code vnc}) */
    public String guacdName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
