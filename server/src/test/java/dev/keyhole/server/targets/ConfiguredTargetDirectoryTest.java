package dev.keyhole.server.targets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keyhole.server.config.ConfigLoader;
import dev.keyhole.server.targets.ConsoleSpec.CertificatePolicy;
import dev.keyhole.server.targets.ConsoleSpec.Credentials;
import dev.keyhole.server.targets.ConsoleSpec.Screen;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The configuration file's targets, as the directory describes their consoles. */
class ConfiguredTargetDirectoryTest {

    private static ConfiguredTargetDirectory directory(String yaml, Map<String, String> environment) {
        return new ConfiguredTargetDirectory(ConfigLoader.parse("keyhole.yaml", yaml, environment).targets());
    }

    @Test
    void anRdpTargetIsDescribedWithEveryOption() {
        Target t = directory("""
                targets:
                  - name: web-1
                    title: Web 1
                    protocol: rdp
                    host: vbox.internal
                    port: 5001
                    width: 800
                    height: 600
                    dpi: 120
                    security: tls
                    ignore-cert: true
                    disable-audio: false
                    server-layout: de-de-qwertz
                    username: operator
                    password-env: CONSOLE_PASSWORD
                    watch: never
                """, Map.of("CONSOLE_PASSWORD", "s3cret")).find("web-1").orElseThrow();
        assertEquals("Web 1", t.title());
        assertEquals(new ConsoleSpec(Protocol.RDP, "vbox.internal", 5001, new Screen(800, 600, 120), "tls",
                CertificatePolicy.IGNORE, new Credentials("operator", "s3cret"), true,
                List.of(new KeyboardStage("console", "de-de-qwertz")), WatchPolicy.NEVER), t.console());
        assertTrue(!t.toString().contains("s3cret") && !t.toString().contains("vbox.internal"),
                "a target shows neither its password nor its address: " + t);
    }

    @Test
    void aVncTargetKeepsItsLayout() {
        Target t = directory("""
                targets:
                  - name: kvm
                    protocol: vnc
                    host: 10.0.0.5
                    port: 5901
                    server-layout: de-de-qwertz
                """, Map.of()).find("kvm").orElseThrow();
        assertEquals(List.of(new KeyboardStage("console", "de-de-qwertz")), t.keyboard());
        assertEquals(new ConsoleSpec(Protocol.VNC, "10.0.0.5", 5901, Screen.DEFAULT, "any", CertificatePolicy.VERIFY,
                Credentials.NONE, false, t.keyboard(), WatchPolicy.ALWAYS), t.console());
    }

    @Test
    void targetsAreListedInTheFilesOrder() {
        ConfiguredTargetDirectory directory = directory("""
                targets:
                  - { name: zeta, protocol: vnc, host: h, port: 5900 }
                  - { name: alpha, protocol: vnc, host: h, port: 5901 }
                """, Map.of());
        assertEquals(List.of("zeta", "alpha"), directory.list().stream().map(Target::name).toList());
        assertTrue(directory.find("beta").isEmpty());
    }
}
