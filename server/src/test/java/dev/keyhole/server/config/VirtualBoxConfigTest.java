package dev.keyhole.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keyhole.server.config.VirtualBoxHostConfig.OnAbort;
import dev.keyhole.server.targets.ConsoleSpec.Credentials;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code virtualbox:} section: hosts, passwords from the environment or a file, and its errors. */
class VirtualBoxConfigTest {

    @TempDir
    Path dir;

    private static KeyholeConfig parse(String yaml, Map<String, String> env) {
        return ConfigLoader.parse("k.yaml", yaml, env);
    }

    private static List<String> problems(String yaml, Map<String, String> env) {
        return assertThrows(ConfigException.class, () -> parse(yaml, env)).problems();
    }

    @Test
    void aHostWithThePasswordFromTheEnvironment() {
        KeyholeConfig config = parse("""
                virtualbox:
                  hosts:
                    - name: lab
                      url: http://10.0.0.2:18083
                      username: keyhole
                      password-env: VBOX_PASSWORD
                """, Map.of("VBOX_PASSWORD", "s3cret"));
        VirtualBoxHostConfig host = config.virtualboxHosts().get(0);
        assertEquals("lab", host.name());
        assertEquals(URI.create("http://10.0.0.2:18083/"), host.url());
        assertEquals("keyhole", host.username());
        assertEquals("s3cret", host.password());
        assertEquals("10.0.0.2", host.consoleHost(), "the console host defaults to the web service's host");
        assertTrue(host.ignoreCert());
        assertEquals("en-us-qwerty", host.serverLayout());
        assertFalse(host.toString().contains("s3cret"), "toString never shows the password");
    }

    @Test
    void aHostWithThePasswordFromAFileAndItsOwnConsoleHost() throws IOException {
        Path file = dir.resolve("vbox.password");
        Files.writeString(file, "from-file\n");
        KeyholeConfig config = parse("""
                virtualbox:
                  hosts:
                    - name: lab
                      url: https://vbox.example.org/
                      password-file: %s
                      console-host: 192.168.1.5
                      ignore-cert: false
                """.formatted(file), Map.of());
        VirtualBoxHostConfig host = config.virtualboxHosts().get(0);
        assertEquals("from-file", host.password(), "the trailing newline is not part of it");
        assertEquals("192.168.1.5", host.consoleHost());
        assertFalse(host.ignoreCert());
        assertEquals("", host.username());
    }

    @Test
    void aPortRangeForConsolesKeyholeMayTurnOn() {
        VirtualBoxHostConfig host = parse("""
                virtualbox:
                  hosts:
                    - name: lab
                      url: http://h:18083/
                      vrde-ports: 5000-5050,5100
                """, Map.of()).virtualboxHosts().get(0);
        assertEquals("5000-5050,5100", host.vrdePorts());
        assertEquals("127.0.0.1", host.vrdeAddress());
        assertEquals(List.of("k.yaml:5: virtualbox.hosts[0].vrde-ports = 5000 to 5050: must be ports and ranges like "
                + "5000-5050 or 5000,5002"), problems("""
                virtualbox:
                  hosts:
                    - name: lab
                      url: http://h:18083/
                      vrde-ports: 5000 to 5050
                """, Map.of()));
    }

    @Test
    void whatHappensWhenAVmAbortsPerHostAndPerVm() {
        VirtualBoxHostConfig host = parse("""
                virtualbox:
                  hosts:
                    - name: lab
                      url: http://h:18083/
                      on-abort: restart
                      max-restarts-per-hour: 5
                      on-abort-vms:
                        "Build box": nothing
                        db: notify
                        8f3c1c9e-2b7a-4c61-9d0e-6a1f0b2c3d4e: nothing
                """, Map.of()).virtualboxHosts().get(0);
        assertEquals(OnAbort.RESTART, host.onAbort());
        assertEquals(5, host.maxRestartsPerHour());
        assertEquals(List.of("Build box", "db", "8f3c1c9e-2b7a-4c61-9d0e-6a1f0b2c3d4e"),
                List.copyOf(host.onAbortVms().keySet()), "in the file's order");
        assertEquals(OnAbort.NOTHING, host.onAbortFor("Build box", "1111", "build-box"), "by the VM's name");
        assertEquals(OnAbort.NOTIFY, host.onAbortFor("DB", "2222", "db"), "by its target name");
        assertEquals(OnAbort.NOTHING, host.onAbortFor("Web 1", "8f3c1c9e-2b7a-4c61-9d0e-6a1f0b2c3d4e", "web-1"),
                "by its UUID");
        assertEquals(OnAbort.RESTART, host.onAbortFor("Web 2", "3333", "web-2"), "the host's own otherwise");
    }

    @Test
    void byDefaultAnAbortedVmIsNotifiedAndAtMostThreeRestartsAnHour() {
        VirtualBoxHostConfig host = parse("""
                virtualbox:
                  hosts:
                    - name: lab
                      url: http://h:18083/
                """, Map.of()).virtualboxHosts().get(0);
        assertEquals(OnAbort.NOTIFY, host.onAbort());
        assertEquals(3, host.maxRestartsPerHour());
        assertEquals(Map.of(), host.onAbortVms());
    }

    @Test
    void onAbortMistakesNameTheirLine() {
        assertEquals(List.of(
                "k.yaml:5: virtualbox.hosts[0].on-abort = reboot: must be restart, notify or nothing",
                "k.yaml:6: virtualbox.hosts[0].max-restarts-per-hour = 0: must be a whole number from 1 to 60",
                "k.yaml:8: virtualbox.hosts[0].on-abort-vms.web-1 = always: must be restart, notify or nothing"),
                problems("""
                virtualbox:
                  hosts:
                    - name: lab
                      url: http://h:18083/
                      on-abort: reboot
                      max-restarts-per-hour: 0
                      on-abort-vms:
                        web-1: always
                """, Map.of()));
        assertEquals(List.of("k.yaml:5: virtualbox.hosts[0].on-abort-vms = restart: must be a mapping of VM to "
                + "restart, notify or nothing, e.g. 'web-1: restart'"), problems("""
                virtualbox:
                  hosts:
                    - name: lab
                      url: http://h:18083/
                      on-abort-vms: restart
                """, Map.of()));
    }

    @Test
    void noSectionMeansNoHosts() {
        assertEquals(List.of(), parse("http:\n  port: 0\n", Map.of()).virtualboxHosts());
    }

    @Test
    void mistakesNameTheirLine() {
        List<String> problems = problems("""
                virtualbox:
                  hosts:
                    - name: Lab 1
                      url: ftp://x
                      password-env: MISSING_VAR
                      passwd: x
                    - url: http://h:1/
                  pool: 3
                """, Map.of());
        assertEquals(List.of(
                "k.yaml:3: virtualbox.hosts[0].name = Lab 1: must be lower-case letters, digits and '-', "
                        + "starting with a letter or digit",
                "k.yaml:4: virtualbox.hosts[0].url = ftp://x: must be an http:// or https:// URL of the VirtualBox "
                        + "web service, e.g. http://127.0.0.1:18083/",
                "k.yaml:5: virtualbox.hosts[0].password-env = MISSING_VAR: the environment variable is not set",
                "k.yaml:6: virtualbox.hosts[0].passwd = (hidden): unknown key; known keys here: console-host, "
                        + "console-password-env, console-password-file, console-username, ignore-cert, "
                        + "max-restarts-per-hour, name, on-abort, on-abort-vms, password-env, password-file, "
                        + "server-layout, url, username, vrde-address, vrde-ports, watch",
                "k.yaml:7: virtualbox.hosts[1].name = (missing): is required",
                "k.yaml:8: virtualbox.pool = 3: unknown key; known keys here: hosts"), problems);
    }

    @Test
    void anUnreadablePasswordFileAndBothPasswordSources() {
        List<String> problems = problems("""
                virtualbox:
                  hosts:
                    - name: lab
                      url: http://h:18083/
                      password-env: P
                      password-file: /nonexistent/password
                """, Map.of("P", "x"));
        assertEquals(List.of("k.yaml:6: virtualbox.hosts[0].password-file = /nonexistent/password: "
                + "cannot read this file"), problems);
    }

    @Test
    void twoHostsWithOneName() {
        List<String> problems = problems("""
                virtualbox:
                  hosts:
                    - name: lab
                      url: http://a:1/
                    - name: lab
                      url: http://b:1/
                """, Map.of());
        assertEquals(List.of("k.yaml:5: virtualbox.hosts[1].name = lab: another VirtualBox host already has this name"),
                problems);
    }

    @Test
    void theConsolesOwnLogon() throws IOException {
        Path file = dir.resolve("console.password");
        Files.writeString(file, "console-secret\n");
        VirtualBoxHostConfig host = parse("""
                virtualbox:
                  hosts:
                    - name: lab
                      url: http://10.0.0.2:18083
                      console-username: operator
                      console-password-file: %s
                """.formatted(file), Map.of()).virtualboxHosts().get(0);
        assertEquals(new Credentials("operator", "console-secret"), host.consoleCredentials());
        assertFalse(host.toString().contains("console-secret"), "toString never shows a password: " + host);
        assertEquals("", parse("""
                virtualbox:
                  hosts:
                    - name: lab
                      url: http://10.0.0.2:18083
                """, Map.of()).virtualboxHosts().get(0).consoleCredentials().password(),
                "no console logon unless configured");
    }

    @Test
    void bothSourcesOfTheConsolePassword() throws IOException {
        Path file = dir.resolve("p");
        Files.writeString(file, "x\n");
        assertEquals(List.of("k.yaml:6: virtualbox.hosts[0].console-password-file = %s: give console-password-env "
                .formatted(file) + "or console-password-file, not both"), problems("""
                virtualbox:
                  hosts:
                    - name: lab
                      url: http://10.0.0.2:18083
                      console-password-env: P
                      console-password-file: %s
                """.formatted(file), Map.of("P", "x")));
    }
}
