package dev.keyhole.server.targets;

import java.util.List;
import java.util.Objects;

/**
 * How to reach a console and what it expects: everything guacd needs to connect to it, in Keyhole's own terms.
 * Every {@link TargetDirectory} describes its consoles this way; {@code tunnel.GuacdParameters} alone turns a
 * description into guacd's parameter names.
 *
 * @param protocol     how guacd reaches it
 * @param host         the console's host (e.g. the VirtualBox host), never shown to browsers
 * @param port         the console's port (e.g. the VM's VRDE port); 0 when it has none (a VM whose console is off)
 * @param screen       the size the console is asked for; Keyhole never resizes it, the browser scales the picture
 * @param security     RDP: the security mode guacd negotiates ({@code any}, {@code nla}, {@code tls}, {@code rdp},
 *                     {@code vmconnect}); ignored for VNC
 * @param certificates RDP: whether the console's certificate is checked
 * @param credentials  what the console asks for at logon; {@link Credentials#NONE} when it asks for nothing
 * @param audio        whether guacd passes the console's sound on
 * @param keyboard     the console's boot stages and their keyboard layouts, in boot order, never empty; the first
 *                     is in effect when Keyhole starts
 * @param watch        when Keyhole reads the console's screen
 */
public record ConsoleSpec(Protocol protocol, String host, int port, Screen screen, String security,
        CertificatePolicy certificates, Credentials credentials, boolean audio, List<KeyboardStage> keyboard,
        WatchPolicy watch) {

    /** The name of the one stage of a console whose keyboard is a single layout. */
    public static final String SINGLE_STAGE = "console";

    /** The layout of a console nobody said anything about: guacd's default. */
    public static final String DEFAULT_LAYOUT = "en-us-qwerty";

    /** The RDP security mode of a console nobody said anything about: whatever the console offers. */
    public static final String ANY_SECURITY = "any";

    /** Checks what is required and copies {@code keyboard}. */
    public ConsoleSpec {
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(screen, "screen");
        Objects.requireNonNull(security, "security");
        Objects.requireNonNull(certificates, "certificates");
        Objects.requireNonNull(credentials, "credentials");
        Objects.requireNonNull(watch, "watch");
        keyboard = List.copyOf(keyboard);
        if (keyboard.isEmpty()) {
            throw new IllegalArgumentException("a console has at least one keyboard stage");
        }
    }

    /**
     * A builder with the defaults: 1024×768 at 96 dpi, any security, the certificate checked, no logon, no sound,
     * one US stage, watched always.
     */
    public static Builder builder(Protocol protocol, String host, int port) {
        return new Builder(protocol, host, port);
    }

    /**
     * The size a console is asked for.
     *
     * @param width  in pixels
     * @param height in pixels
     * @param dpi    the resolution reported to the console
     */
    public record Screen(int width, int height, int dpi) {
        /** What a console gets when nobody says: VirtualBox's VRDP default. */
        public static final Screen DEFAULT = new Screen(1024, 768, 96);
    }

    /** Whether guacd checks an RDP console's certificate. */
    public enum CertificatePolicy {
        /** The certificate must be valid for the host. */
        VERIFY,
        /** Any certificate is accepted (VirtualBox's VRDE server presents a self-signed one). */
        IGNORE
    }

    /**
     * What a console asks for at logon.
     *
     * @param username RDP: the user to log on as (xrdp, VRDE with external authentication); empty: none
     * @param password the password (RDP with a username, or a VNC password); empty: none. Never logged:
     *                 {@link #toString()} leaves it out
     */
    public record Credentials(String username, String password) {
        /** A console that asks for nothing. */
        public static final Credentials NONE = new Credentials("", "");

        /** Empty for null. */
        public Credentials {
            username = username == null ? "" : username;
            password = password == null ? "" : password;
        }

        /** Says only whether there is a password. */
        @Override
        public String toString() {
            return "Credentials[username=" + username + ", password=" + (password.isEmpty() ? "(none)" : "(hidden)")
                    + "]";
        }
    }

    /** Builds a {@link ConsoleSpec}, starting from the defaults {@link #builder} names. */
    public static final class Builder {
        private final Protocol protocol;
        private final String host;
        private final int port;
        private Screen screen = Screen.DEFAULT;
        private String security = ANY_SECURITY;
        private CertificatePolicy certificates = CertificatePolicy.VERIFY;
        private Credentials credentials = Credentials.NONE;
        private boolean audio;
        private List<KeyboardStage> keyboard = List.of(new KeyboardStage(SINGLE_STAGE, DEFAULT_LAYOUT));
        private WatchPolicy watch = WatchPolicy.ALWAYS;

        private Builder(Protocol protocol, String host, int port) {
            this.protocol = protocol;
            this.host = host;
            this.port = port;
        }

        /** @param value the size the console is asked for */
        public Builder screen(Screen value) {
            this.screen = value;
            return this;
        }

        /** @param value the RDP security mode */
        public Builder security(String value) {
            this.security = value;
            return this;
        }

        /** @param value whether the RDP certificate is checked */
        public Builder certificates(CertificatePolicy value) {
            this.certificates = value;
            return this;
        }

        /** @param value what the console asks for at logon */
        public Builder credentials(Credentials value) {
            this.credentials = value;
            return this;
        }

        /** @param value whether guacd passes the sound on */
        public Builder audio(boolean value) {
            this.audio = value;
            return this;
        }

        /** @param layout the console's one keyboard layout, a single stage named {@value ConsoleSpec#SINGLE_STAGE} */
        public Builder layout(String layout) {
            this.keyboard = List.of(new KeyboardStage(SINGLE_STAGE, layout));
            return this;
        }

        /** @param stages the console's boot stages, in boot order */
        public Builder keyboard(List<KeyboardStage> stages) {
            this.keyboard = stages;
            return this;
        }

        /** @param value when Keyhole reads the console's screen */
        public Builder watch(WatchPolicy value) {
            this.watch = value;
            return this;
        }

        /** @return the description */
        public ConsoleSpec build() {
            return new ConsoleSpec(protocol, host, port, screen, security, certificates, credentials, audio,
                    keyboard, watch);
        }
    }
}
