package dev.keyhole.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keyhole.server.targets.Target;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A target's logon: {@code username}, and the password from {@code password-env} or {@code password-file}. */
class TargetCredentialsConfigTest {

    @TempDir
    Path dir;

    private static KeyholeConfig parse(String yaml, Map<String, String> env) {
        return ConfigLoader.parse("k.yaml", yaml, env);
    }

    private static List<String> problems(String yaml, Map<String, String> env) {
        return assertThrows(ConfigException.class, () -> parse(yaml, env)).problems();
    }

    private static String rdpTarget(String extra) {
        return """
                targets:
                  - name: xrdp
                    protocol: rdp
                    host: 127.0.0.1
                    port: 3389
                """ + extra.indent(4);
    }

    @Test
    void anRdpLogonWithThePasswordFromTheEnvironment() {
        Target target = parse(rdpTarget("""
                username: operator
                password-env: CONSOLE_PASSWORD
                """), Map.of("CONSOLE_PASSWORD", "s3cret")).targets().get(0);
        assertEquals("operator", target.console().credentials().username());
        assertEquals("s3cret", target.console().credentials().password());
        assertFalse(target.toString().contains("s3cret"), "toString never shows the password: " + target);
        assertTrue(target.console().credentials().toString().contains("password=(hidden)"),
                target.console().credentials().toString());
    }

    @Test
    void thePasswordFromAFileIsItsFirstLine() throws IOException {
        Path file = dir.resolve("console.password");
        Files.writeString(file, "from-file\r\nnot this\n");
        Target target = parse(rdpTarget("""
                username: operator
                password-file: %s
                """.formatted(file)), Map.of()).targets().get(0);
        assertEquals("from-file", target.console().credentials().password());
    }

    @Test
    void aVncPasswordNeedsNoUsername() throws IOException {
        Path file = dir.resolve("vnc.password");
        Files.writeString(file, "vnc-pass\n");
        Target target = parse("""
                targets:
                  - name: kvm
                    protocol: vnc
                    host: 127.0.0.1
                    port: 5901
                    password-file: %s
                """.formatted(file), Map.of()).targets().get(0);
        assertEquals("", target.console().credentials().username());
        assertEquals("vnc-pass", target.console().credentials().password());
    }

    @Test
    void withoutTheKeysThereIsNoLogon() {
        Target target = parse(rdpTarget(""), Map.of()).targets().get(0);
        assertEquals("", target.console().credentials().username());
        assertEquals("", target.console().credentials().password());
        assertTrue(target.console().credentials().toString().contains("password=(none)"),
                target.console().credentials().toString());
    }

    @Test
    void anUnsetEnvironmentVariable() {
        assertEquals(List.of("k.yaml:7: targets[0].password-env = CONSOLE_PASSWORD: the environment variable is not set"),
                problems(rdpTarget("""
                        username: operator
                        password-env: CONSOLE_PASSWORD
                        """), Map.of()));
    }

    @Test
    void aNameThatIsNoEnvironmentVariable() {
        assertEquals(List.of("k.yaml:6: targets[0].password-env = my password: must be the name of an environment "
                + "variable"), problems(rdpTarget("password-env: my password\n"), Map.of("P", "x")));
    }

    @Test
    void anUnreadablePasswordFile() {
        assertEquals(List.of("k.yaml:6: targets[0].password-file = /nonexistent/password: cannot read this file"),
                problems(rdpTarget("password-file: /nonexistent/password\n"), Map.of()));
    }

    @Test
    void bothPasswordSources() throws IOException {
        Path file = dir.resolve("p");
        Files.writeString(file, "x\n");
        assertEquals(List.of("k.yaml:7: targets[0].password-file = %s: give password-env or password-file, not both"
                .formatted(file)), problems(rdpTarget("""
                        password-env: P
                        password-file: %s
                        """.formatted(file)), Map.of("P", "x")));
    }

    @Test
    void aPlainPasswordIsRefused() {
        List<String> problems = problems(rdpTarget("password: s3cret\n"), Map.of());
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("k.yaml:6: targets[0].password = (hidden): unknown key; known keys "
                + "here: "), "the error names the key but never shows its value: " + problems.get(0));
        assertTrue(problems.get(0).contains("password-env, password-file"), problems.get(0));
    }

    @Test
    void anEmptyUsername() {
        assertEquals(List.of("k.yaml:6: targets[0].username =  : must not be empty (leave it out when the console "
                + "asks for none)"), problems(rdpTarget("username: ' '\n"), Map.of()));
    }

    @Test
    void aUsernameOnAVncTarget() {
        assertEquals(List.of("k.yaml:6: targets[0].username = operator: applies to RDP consoles only (a VNC console "
                + "asks for a password alone)"), problems("""
                targets:
                  - name: kvm
                    protocol: vnc
                    host: 127.0.0.1
                    port: 5901
                    username: operator
                """, Map.of()));
    }
}
