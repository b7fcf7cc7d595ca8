package dev.keyhole.server.config;

import java.util.Optional;

/**
 * One console Keyhole can show, as configured.
 *
 * @param name         the stable identifier the browser chooses the console by ({@code [a-z0-9][a-z0-9-]*})
 * @param title        what people see; defaults to the name
 * @param protocol     RDP or VNC
 * @param host         the console's host (e.g. the VirtualBox host), never shown to browsers
 * @param port         the console's port (e.g. the VM's VRDE port)
 * @param width        the console's width in pixels; a VRDP console keeps its size, the browser scales it
 * @param height       the console's height in pixels
 * @param dpi          the resolution reported to the console
 * @param security     RDP security mode ({@code any}, {@code nla}, {@code tls}, {@code rdp}, …); empty for VNC
 * @param ignoreCert   RDP: accept the console's certificate without checking it (VRDP uses a self-signed one)
 * @param serverLayout the keyboard layout of the console, as guacd names it (e.g. {@code en-us-qwerty})
 * @param disableAudio whether guacd should leave the console's sound out
 */
public record TargetConfig(
        String name,
        String title,
        Protocol protocol,
        String host,
        int port,
        int width,
        int height,
        int dpi,
        Optional<String> security,
        boolean ignoreCert,
        String serverLayout,
        boolean disableAudio) {
}
