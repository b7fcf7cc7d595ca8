package dev.keyhole.server.config;

import java.util.List;
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
 * @param serverLayout the keyboard layout of the console when Keyhole starts: the first stage's layout
 * @param disableAudio whether guacd should leave the console's sound out
 * @param keyboard     the console's boot stages and their keyboard layouts, in boot order, never empty; the first is
 *                     in effect when Keyhole starts ({@code server-layout} alone is one stage named {@code console})
 * @param username     RDP: the user to log on to the console as (xrdp, VRDE with external authentication); empty:
 *                     none (the console asks for no logon)
 * @param password     the password the console asks for (RDP with a username, or a VNC password), read from
 *                     {@code password-env} or {@code password-file} at start-up; empty: none. Never logged:
 *                     {@link #toString()} leaves it out
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
        boolean disableAudio,
        List<KeyboardStage> keyboard,
        String username,
        String password) {

    /** The stage name of a target configured with {@code server-layout} alone. */
    public static final String SINGLE_STAGE = "console";

    /**
     * Copies {@code keyboard}; an empty one means a single stage with {@code serverLayout}, otherwise
     * {@code serverLayout} becomes the first stage's layout.
     */
    public TargetConfig {
        keyboard = keyboard == null || keyboard.isEmpty()
                ? List.of(new KeyboardStage(SINGLE_STAGE, serverLayout))
                : List.copyOf(keyboard);
        serverLayout = keyboard.get(0).layout();
        username = username == null ? "" : username;
        password = password == null ? "" : password;
    }

    /** A target whose console asks for no logon. */
    public TargetConfig(String name, String title, Protocol protocol, String host, int port, int width, int height,
            int dpi, Optional<String> security, boolean ignoreCert, String serverLayout, boolean disableAudio,
            List<KeyboardStage> keyboard) {
        this(name, title, protocol, host, port, width, height, dpi, security, ignoreCert, serverLayout,
                disableAudio, keyboard, "", "");
    }

    /** A target with a single keyboard stage, {@code serverLayout}. */
    public TargetConfig(String name, String title, Protocol protocol, String host, int port, int width, int height,
            int dpi, Optional<String> security, boolean ignoreCert, String serverLayout, boolean disableAudio) {
        this(name, title, protocol, host, port, width, height, dpi, security, ignoreCert, serverLayout,
                disableAudio, List.of());
    }

    /** Leaves the password out (says only whether there is one). */
    @Override
    public String toString() {
        return "TargetConfig[name=" + name + ", title=" + title + ", protocol=" + protocol + ", host=" + host
                + ", port=" + port + ", width=" + width + ", height=" + height + ", dpi=" + dpi + ", security="
                + security + ", ignoreCert=" + ignoreCert + ", serverLayout=" + serverLayout + ", disableAudio="
                + disableAudio + ", keyboard=" + keyboard + ", username=" + username + ", password="
                + (password.isEmpty() ? "(none)" : "(hidden)") + "]";
    }
}
