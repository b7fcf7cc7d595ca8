package dev.keyhole.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.keyhole.server.targets.ConsoleSpec;
import dev.keyhole.server.targets.ConsoleSpec.CertificatePolicy;
import dev.keyhole.server.targets.ConsoleSpec.Screen;
import dev.keyhole.server.targets.Protocol;
import dev.keyhole.server.targets.Target;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    @TempDir
    Path dir;

    private static final String VALID = """
            data-dir: /srv/keyhole
            http:
              bind: 0.0.0.0
              port: 9090
            tls:
              mode: self-signed
              names: [keyhole.lan, 10.0.0.4]
            guacd:
              host: guacd.internal
              port: 4823
            targets:
              - name: vm-1
                title: First VM
                protocol: rdp
                host: vbox.internal
                port: 3389
                security: any
                ignore-cert: true
                server-layout: de-de-qwertz
                width: 800
                height: 600
              - name: kvm
                protocol: vnc
                host: 10.0.0.5
                port: 5901
            """;

    private KeyholeConfig load(String yaml, Map<String, String> environment) throws Exception {
        Path file = dir.resolve("keyhole.yaml");
        Files.writeString(file, yaml);
        return ConfigLoader.load(file, environment);
    }

    private List<String> problems(String yaml) {
        return problems(yaml, Map.of());
    }

    private List<String> problems(String yaml, Map<String, String> environment) {
        ConfigException e = assertThrows(ConfigException.class, () -> load(yaml, environment));
        return e.problems();
    }

    private String file() {
        return dir.resolve("keyhole.yaml").toString();
    }

    @Test
    void readsEveryKey() throws Exception {
        KeyholeConfig config = load(VALID, Map.of());
        assertEquals(Path.of("/srv/keyhole"), config.dataDir());
        assertEquals(new HttpConfig("0.0.0.0", 9090, List.of()), config.http());
        assertEquals(TlsConfig.selfSigned(List.of("keyhole.lan", "10.0.0.4")), config.tls());
        assertEquals(new GuacdConfig("guacd.internal", 4823), config.guacd());
        assertEquals(new Target("vm-1", "First VM", ConsoleSpec.builder(Protocol.RDP, "vbox.internal", 3389)
                .screen(new Screen(800, 600, 96)).certificates(CertificatePolicy.IGNORE).layout("de-de-qwertz")
                .build()), config.targets().get(0));
        assertEquals(new Target("kvm", "kvm", ConsoleSpec.builder(Protocol.VNC, "10.0.0.5", 5901).build()),
                config.targets().get(1));
    }

    @Test
    void anEmptyFileMeansDefaultsAndNoTargets() throws Exception {
        KeyholeConfig config = load("", Map.of());
        assertEquals(HttpConfig.DEFAULT, config.http());
        assertEquals(TlsConfig.OFF, config.tls());
        assertEquals(KeyholeConfig.DEFAULT_DATA_DIR, config.dataDir());
        assertEquals(GuacdConfig.DEFAULT, config.guacd());
        assertEquals(List.of(), config.targets());
    }

    @Test
    void environmentOverridesTheFile() throws Exception {
        KeyholeConfig config = load(VALID, Map.of("KEYHOLE_HTTP_PORT", "0", "KEYHOLE_GUACD_HOST", "127.0.0.2"));
        assertEquals(0, config.http().port());
        assertEquals("127.0.0.2", config.guacd().host());
        assertEquals(4823, config.guacd().port());
    }

    @Test
    void aBadPortNamesFileLineKeyAndValue() {
        assertEquals(List.of(file() + ":3: http.port = 99999: must be a port number from 0 (any free port) to 65535"),
                problems("""
                        http:
                          bind: 127.0.0.1
                          port: 99999
                        """));
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        assertEquals(List.of(
                file() + ":4: targets[0].name = VM One: must be lower-case letters, digits and '-', starting with a "
                        + "letter or digit",
                file() + ":5: targets[0].protocol = spice: must be rdp or vnc",
                file() + ":7: targets[0].port = 0: must be a port number from 1 to 65535",
                file() + ":8: targets[0].ignore-cert = yes please: must be true or false"),
                problems("""
                        guacd:
                          port: 4822
                        targets:
                          - name: VM One
                            protocol: spice
                            host: vbox
                            port: 0
                            ignore-cert: yes please
                        """));
    }

    @Test
    void unknownAndMisspeltKeysAreErrors() {
        assertEquals(List.of(
                file() + ":3: guacd.hostname = x: unknown key; known keys here: host, port",
                file() + ":4: tagrets = (a list): unknown key; known keys here: audit, auth, data-dir, database, guacd, "
                        + "http, limits, links, notify, targets, tls, virtualbox, watch"),
                problems("""
                        guacd:
                          port: 4822
                          hostname: x
                        tagrets:
                          - name: a
                        """));
    }

    @Test
    void missingRequiredKeysAreNamed() {
        assertEquals(List.of(
                file() + ":2: targets[0].host = (missing): is required",
                file() + ":2: targets[0].port = (missing): is required"),
                problems("""
                        targets:
                          - name: a
                            protocol: vnc
                        """));
    }

    @Test
    void duplicateNamesAndKeysAreErrors() {
        assertEquals(List.of(
                file() + ":7: targets[0].port = 2: appears twice in the same place; keep one",
                file() + ":8: targets[1].name = a: another target already has this name"),
                problems("""
                        targets:
                          - name: a
                            protocol: vnc
                            host: h
                            port: 1
                            title: A
                            port: 2
                          - name: a
                            protocol: vnc
                            host: h
                            port: 3
                        """));
    }

    @Test
    void rdpOnlyKeysAreRefusedOnVncTargets() {
        assertEquals(List.of(file() + ":6: targets[0].security = any: applies to RDP consoles only"),
                problems("""
                        targets:
                          - name: kvm
                            protocol: vnc
                            host: h
                            port: 5900
                            security: any
                        """));
    }

    @Test
    void anUnknownKeyboardLayoutListsTheKnownOnes() {
        List<String> problems = problems("""
                targets:
                  - name: a
                    protocol: rdp
                    host: h
                    port: 3389
                    server-layout: de-qwertz
                """);
        assertEquals(1, problems.size());
        assertEquals(file() + ":6: targets[0].server-layout = de-qwertz: must be one of the keyboard layouts Keyhole "
                + "has a key table for: cs-cz-qwertz, da-dk-qwerty, de-ch-qwertz, ",
                problems.get(0).substring(0, problems.get(0).indexOf("de-ch-qwertz, ") + "de-ch-qwertz, ".length()));
    }

    @Test
    void aYamlSyntaxErrorNamesItsLine() {
        assertEquals(List.of(file() + ":3: not valid YAML: mapping values are not allowed here"),
                problems("""
                        http:
                          port: 8080
                        guacd: host: x
                        """));
    }

    @Test
    void aBadEnvironmentOverrideNamesTheVariable() {
        assertEquals(List.of("environment:KEYHOLE_HTTP_PORT: http.port = eighty: must be a port number from 0 "
                + "(any free port) to 65535"), problems("", Map.of("KEYHOLE_HTTP_PORT", "eighty")));
    }

    @Test
    void aMissingFileSaysSo() {
        Path missing = dir.resolve("nope.yaml");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(missing, Map.of()));
        assertEquals(missing + ": cannot read the file: no such file", e.getMessage());
    }

    @Test
    void sectionsMustBeMappings() {
        assertEquals(List.of(file() + ":1: http = 8080: must be a mapping of keys"), problems("http: 8080\n"));
    }

    @Test
    void allowedOriginsAreReadAsOrigins() throws Exception {
        KeyholeConfig config = load("""
                http:
                  allowed-origins:
                    - https://Keyhole.example.org
                    - http://10.0.0.5:8080
                """, Map.of());
        assertEquals(List.of(java.net.URI.create("https://keyhole.example.org"), java.net.URI.create("http://10.0.0.5:8080")),
                config.http().allowedOrigins());
        assertEquals(List.of(java.net.URI.create("https://a.example"), java.net.URI.create("https://b.example:8443")),
                load("", Map.of("KEYHOLE_HTTP_ALLOWED_ORIGINS", "https://a.example, https://b.example:8443"))
                        .http().allowedOrigins());
    }

    @Test
    void anAllowedOriginWithAPathOrAnotherSchemeNamesItsLine() {
        String reason = "must be an origin: http:// or https://, a host and an optional port, no path "
                + "(e.g. https://keyhole.example.org)";
        assertEquals(List.of(
                file() + ":4: http.allowed-origins[1] = https://keyhole.example.org/console: " + reason,
                file() + ":5: http.allowed-origins[2] = ws://keyhole.example.org: " + reason,
                file() + ":6: http.allowed-origins[3] = *: " + reason),
                problems("""
                        http:
                          allowed-origins:
                            - https://keyhole.example.org
                            - https://keyhole.example.org/console
                            - ws://keyhole.example.org
                            - "*"
                        """));
        assertEquals(List.of(file() + ":2: http.allowed-origins = https://keyhole.example.org: must be a list"),
                problems("""
                        http:
                          allowed-origins: https://keyhole.example.org
                        """));
    }

    @Test
    void limitsAreReadWithTheirDefaultsAndBadOnesNamed() throws Exception {
        assertEquals(LimitsConfig.DEFAULT, load("", Map.of()).limits());
        assertEquals(new LimitsConfig(5, 2, 3, 4, 1, java.time.Duration.ofSeconds(30)), load("""
                limits:
                  tunnels: 5
                  tunnels-per-address: 2
                  tunnels-per-target: 3
                  event-streams: 4
                  event-streams-per-address: 1
                  viewer-lag: 30
                """, Map.of()).limits());
        assertEquals(List.of(
                file() + ":2: limits.tunnels = 0: must be a whole number from 1 to 100000",
                file() + ":3: limits.viewer-lag = 1: must be a whole number from 2 to 600",
                file() + ":4: limits.tunnel = 3: unknown key; known keys here: event-streams, "
                        + "event-streams-per-address, tunnels, tunnels-per-address, tunnels-per-target, viewer-lag"),
                problems("""
                        limits:
                          tunnels: 0
                          viewer-lag: 1
                          tunnel: 3
                        """));
    }

    @Test
    void linksAndTheAuditTrailAreReadWithTheirDefaults() throws Exception {
        KeyholeConfig defaults = load("", Map.of());
        assertEquals(LinksConfig.DEFAULT, defaults.links());
        assertEquals(AuditConfig.DEFAULT, defaults.audit());
        KeyholeConfig set = load("""
                links:
                  max-lifetime: 4
                  require-account: true
                audit:
                  keep-days: 30
                """, Map.of());
        assertEquals(new LinksConfig(java.time.Duration.ofHours(4), true), set.links());
        assertEquals(new AuditConfig(java.time.Duration.ofDays(30)), set.audit());
        assertEquals(List.of(file() + ":2: audit.keep-days = 0: must be a whole number from 1 to 36600"),
                problems("""
                        audit:
                          keep-days: 0
                        """));
    }
}
