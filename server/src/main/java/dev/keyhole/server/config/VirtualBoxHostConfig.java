package dev.keyhole.server.config;

import java.net.URI;

/**
 * A VirtualBox host whose VMs Keyhole offers as targets, reached through its web service ({@code vboxwebsrv}).
 *
 * @param name        a short name for the host ({@code [a-z0-9][a-z0-9-]*}), shown to people and in logs
 * @param url         the web service's URL, e.g. {@code http://127.0.0.1:18083/} (never shown to browsers)
 * @param username    the user to log on as (with the {@code null} auth library anything is accepted)
 * @param password    the password, read from {@code password-env} or {@code password-file} at start-up; empty
 *                    when neither is given. Never logged: {@link #toString()} leaves it out
 * @param consoleHost the address guacd reaches the VMs' VRDE ports at (default: the URL's host)
 * @param ignoreCert  RDP: accept the VRDE server's certificate unchecked (VirtualBox's is self-signed)
 * @param serverLayout the consoles' keyboard layout as guacd names it
 * @param vrdePorts   the port range Keyhole may give a VM whose console is off (e.g. {@code 5000-5050}); empty:
 *                    Keyhole only says how to turn it on
 * @param vrdeAddress the address such a console listens on (default {@code 127.0.0.1}; empty: every address)
 * @param consoleUsername RDP: the user the VMs' consoles log on as (VRDE with external authentication, where the
 *                    host checks it); empty: none
 * @param consolePassword the consoles' password, read from {@code console-password-env} or
 *                    {@code console-password-file}; empty: none. Never logged
 */
public record VirtualBoxHostConfig(String name, URI url, String username, String password, String consoleHost,
        boolean ignoreCert, String serverLayout, String vrdePorts, String vrdeAddress, String consoleUsername,
        String consolePassword) {

    /** A host whose VMs' consoles ask for no logon. */
    public VirtualBoxHostConfig(String name, URI url, String username, String password, String consoleHost,
            boolean ignoreCert, String serverLayout, String vrdePorts, String vrdeAddress) {
        this(name, url, username, password, consoleHost, ignoreCert, serverLayout, vrdePorts, vrdeAddress, "", "");
    }

    /** A host whose VMs' consoles Keyhole does not turn on. */
    public VirtualBoxHostConfig(String name, URI url, String username, String password, String consoleHost,
            boolean ignoreCert, String serverLayout) {
        this(name, url, username, password, consoleHost, ignoreCert, serverLayout, "", "127.0.0.1");
    }

    /** Leaves the passwords out. */
    @Override
    public String toString() {
        return "VirtualBoxHostConfig[name=" + name + ", url=" + url + ", username=" + username
                + ", password=(hidden), consoleHost=" + consoleHost + ", consoleUsername=" + consoleUsername
                + ", consolePassword=" + (consolePassword.isEmpty() ? "(none)" : "(hidden)") + "]";
    }
}
