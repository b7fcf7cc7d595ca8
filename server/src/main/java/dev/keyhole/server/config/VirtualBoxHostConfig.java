package dev.keyhole.server.config;

import dev.keyhole.server.targets.ConsoleSpec;
import dev.keyhole.server.targets.ConsoleSpec.Credentials;
import dev.keyhole.server.targets.WatchPolicy;
import java.net.URI;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * A VirtualBox host whose VMs Keyhole offers as targets, reached through its web service ({@code vboxwebsrv}).
 *
 * @param name               a short name for the host ({@code [a-z0-9][a-z0-9-]*}), shown to people and in logs
 * @param url                the web service's URL, e.g. {@code http://127.0.0.1:18083/} (never shown to browsers)
 * @param username           the user to log on as (with the {@code null} auth library anything is accepted)
 * @param password           the password, read from {@code password-env} or {@code password-file} at start-up;
 *                           empty when neither is given. Never logged: {@link #toString()} leaves it out
 * @param consoleHost        the address guacd reaches the VMs' VRDE ports at (default: the URL's host)
 * @param ignoreCert         RDP: accept the VRDE server's certificate unchecked (VirtualBox's is self-signed)
 * @param serverLayout       the consoles' keyboard layout as guacd names it, over RDP and VNC alike
 * @param vrdePorts          the port range Keyhole may give a VM whose console is off (e.g. {@code 5000-5050});
 *                           empty: Keyhole only says how to turn it on
 * @param vrdeAddress        the address such a console listens on (default {@code 127.0.0.1}; empty: every address)
 * @param consoleCredentials what the VMs' consoles ask for at logon (VRDE with external authentication, where the
 *                           host checks it; a VNC console asks for the password alone); none by default
 * @param watch              when Keyhole reads the VMs' screens (default: while they boot)
 * @param onAbort            what Keyhole does when one of the host's VMs aborts, unless {@code onAbortVms} says
 *                           otherwise for it ({@link OnAbort#NOTIFY} by default)
 * @param maxRestartsPerHour with {@link OnAbort#RESTART}: at most this many start attempts per VM in any hour
 * @param onAbortVms         {@code onAbort} for single VMs, in the file's order, by the VM's name on the host, its
 *                           UUID or its target name (see {@link #onAbortFor}); empty: none
 */
public record VirtualBoxHostConfig(String name, URI url, String username, String password, String consoleHost,
        boolean ignoreCert, String serverLayout, String vrdePorts, String vrdeAddress,
        Credentials consoleCredentials, WatchPolicy watch, OnAbort onAbort, int maxRestartsPerHour,
        Map<String, OnAbort> onAbortVms) {

    /**
     * What Keyhole does when a VM aborts: VirtualBox's {@code Aborted} state, which it sets when the VM's process
     * ended without powering the VM down (it crashed, was killed, the host ran out of memory). A power off or a
     * saved state is someone's decision and is never restarted.
     */
    public enum OnAbort {
        /** Start it headless again, after a pause and within the hourly limit, and tell. */
        RESTART,
        /** Tell, and leave it off. */
        NOTIFY,
        /** Neither tell nor restart. */
        NOTHING;

        /** @return the value as the configuration writes it, e.g. {@code restart} */
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        /**
         * @param text {@code restart}, {@code notify} or {@code nothing}
         * @return that value
         * @throws IllegalArgumentException for anything else
         */
        public static OnAbort of(String text) {
            for (OnAbort value : values()) {
                if (value.id().equals(text)) {
                    return value;
                }
            }
            throw new IllegalArgumentException("must be restart, notify or nothing");
        }
    }

    /** Whether the consoles' certificates go unchecked when nobody says: VirtualBox's VRDP's is self-signed. */
    public static final boolean DEFAULT_IGNORE_CERT = true;

    /** The address a console Keyhole turns on listens on when nobody says. */
    public static final String DEFAULT_VRDE_ADDRESS = "127.0.0.1";

    /** What Keyhole does when a VM aborts, when nobody says: tell, and leave it to people. */
    public static final OnAbort DEFAULT_ON_ABORT = OnAbort.NOTIFY;

    /** How many start attempts per VM and hour {@link OnAbort#RESTART} makes at most, when nobody says. */
    public static final int DEFAULT_MAX_RESTARTS_PER_HOUR = 3;

    /** Checks that nothing is missing. */
    public VirtualBoxHostConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(consoleHost, "consoleHost");
        Objects.requireNonNull(serverLayout, "serverLayout");
        Objects.requireNonNull(vrdePorts, "vrdePorts");
        Objects.requireNonNull(vrdeAddress, "vrdeAddress");
        Objects.requireNonNull(consoleCredentials, "consoleCredentials");
        Objects.requireNonNull(watch, "watch");
        Objects.requireNonNull(onAbort, "onAbort");
        if (maxRestartsPerHour < 1) {
            throw new IllegalArgumentException("maxRestartsPerHour must be at least 1");
        }
        onAbortVms = Collections.unmodifiableMap(new LinkedHashMap<>(onAbortVms));
    }

    /**
     * @param vmName the VM's name on the host
     * @param vmId   its UUID
     * @param target its target name
     * @return what Keyhole does when this VM aborts: the {@code onAbortVms} entry naming its VM name, else its UUID,
     *         else its target name; without one, {@link #onAbort}
     */
    public OnAbort onAbortFor(String vmName, String vmId, String target) {
        for (String key : new String[] {vmName, vmId, target}) {
            OnAbort value = key == null ? null : onAbortVms.get(key);
            if (value != null) {
                return value;
            }
        }
        return onAbort;
    }

    /**
     * @param name the host's short name
     * @param url  its web service
     * @return a builder with the defaults: no user or password, the consoles at the URL's host with their
     *         certificates unchecked, a US keyboard, no port range, no console logon, and aborted VMs notified
     */
    public static Builder builder(String name, URI url) {
        return new Builder(name, url);
    }

    /** @return a builder starting from this host's configuration */
    public Builder toBuilder() {
        return new Builder(name, url).username(username).password(password).consoleHost(consoleHost)
                .ignoreCert(ignoreCert).serverLayout(serverLayout).vrdePorts(vrdePorts).vrdeAddress(vrdeAddress)
                .consoleCredentials(consoleCredentials).watch(watch).onAbort(onAbort)
                .maxRestartsPerHour(maxRestartsPerHour).onAbortVms(onAbortVms);
    }

    /** Leaves the passwords out. */
    @Override
    public String toString() {
        return "VirtualBoxHostConfig[name=" + name + ", url=" + url + ", username=" + username
                + ", password=(hidden), consoleHost=" + consoleHost + ", consoleCredentials=" + consoleCredentials
                + ", onAbort=" + onAbort.id() + ", maxRestartsPerHour=" + maxRestartsPerHour + ", onAbortVms="
                + onAbortVms + "]";
    }

    /** Builds a {@link VirtualBoxHostConfig}, starting from the defaults {@link #builder} names. */
    public static final class Builder {
        private final String name;
        private final URI url;
        private String username = "";
        private String password = "";
        private String consoleHost;
        private boolean ignoreCert = DEFAULT_IGNORE_CERT;
        private String serverLayout = ConsoleSpec.DEFAULT_LAYOUT;
        private String vrdePorts = "";
        private String vrdeAddress = DEFAULT_VRDE_ADDRESS;
        private Credentials consoleCredentials = Credentials.NONE;
        private WatchPolicy watch = WatchPolicy.WHILE_BOOTING;
        private OnAbort onAbort = DEFAULT_ON_ABORT;
        private int maxRestartsPerHour = DEFAULT_MAX_RESTARTS_PER_HOUR;
        private Map<String, OnAbort> onAbortVms = Map.of();

        private Builder(String name, URI url) {
            this.name = name;
            this.url = url;
            this.consoleHost = url.getHost();
        }

        /** @param value when Keyhole reads the VMs' screens */
        public Builder watch(WatchPolicy value) {
            this.watch = value;
            return this;
        }

        /** @param value the user to log on to the web service as */
        public Builder username(String value) {
            this.username = value;
            return this;
        }

        /** @param value the web service's password */
        public Builder password(String value) {
            this.password = value;
            return this;
        }

        /** @param value where guacd reaches the VMs' consoles */
        public Builder consoleHost(String value) {
            this.consoleHost = value;
            return this;
        }

        /** @param value whether the consoles' certificates go unchecked */
        public Builder ignoreCert(boolean value) {
            this.ignoreCert = value;
            return this;
        }

        /** @param value the consoles' keyboard layout */
        public Builder serverLayout(String value) {
            this.serverLayout = value;
            return this;
        }

        /** @param value the ports a console Keyhole turns on may get; empty: none */
        public Builder vrdePorts(String value) {
            this.vrdePorts = value;
            return this;
        }

        /** @param value the address such a console listens on */
        public Builder vrdeAddress(String value) {
            this.vrdeAddress = value;
            return this;
        }

        /** @param value what the consoles ask for at logon */
        public Builder consoleCredentials(Credentials value) {
            this.consoleCredentials = value;
            return this;
        }

        /** @param value what Keyhole does when one of the host's VMs aborts */
        public Builder onAbort(OnAbort value) {
            this.onAbort = value;
            return this;
        }

        /** @param value with {@link OnAbort#RESTART}: the most start attempts per VM in any hour (at least 1) */
        public Builder maxRestartsPerHour(int value) {
            this.maxRestartsPerHour = value;
            return this;
        }

        /** @param value {@code onAbort} for single VMs, by VM name, UUID or target name; empty: none */
        public Builder onAbortVms(Map<String, OnAbort> value) {
            this.onAbortVms = value;
            return this;
        }

        /** @return the host's configuration */
        public VirtualBoxHostConfig build() {
            return new VirtualBoxHostConfig(name, url, username, password, consoleHost, ignoreCert, serverLayout,
                    vrdePorts, vrdeAddress, consoleCredentials, watch, onAbort, maxRestartsPerHour, onAbortVms);
        }
    }
}
