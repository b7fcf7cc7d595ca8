package dev.keyhole.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code tls:} section and {@code data-dir}: each mode, the keys that apply to it, and where plain HTTP may go. */
class TlsConfigTest {

    private static final String PLAIN = TlsConfig.PLAIN_HTTP_BEYOND_LOOPBACK;

    @TempDir
    Path dir;

    private KeyholeConfig load(String yaml) {
        return load(yaml, Map.of());
    }

    private KeyholeConfig load(String yaml, Map<String, String> environment) {
        return ConfigLoader.parse("keyhole.yaml", yaml, environment);
    }

    private static List<String> problems(String yaml) {
        return problems(yaml, Map.of());
    }

    private static List<String> problems(String yaml, Map<String, String> environment) {
        return assertThrows(ConfigException.class, () -> ConfigLoader.parse("keyhole.yaml", yaml, environment))
                .problems();
    }

    @Test
    void withoutATlsSectionTheModeIsOff() {
        assertEquals(TlsConfig.OFF, load("").tls());
        assertEquals(TlsConfig.OFF, load("tls:\n  mode: off\n").tls());
    }

    @Test
    void selfSignedTakesItsNamesOrTheDefault() {
        assertEquals(TlsConfig.selfSigned(List.of()), load("tls:\n  mode: self-signed\n").tls());
        assertEquals(TlsConfig.selfSigned(List.of("keyhole.lan", "192.0.2.10", "2001:db8::1")), load("""
                tls:
                  mode: self-signed
                  names: [Keyhole.LAN, 192.0.2.10, "[2001:db8::1]"]
                """).tls());
        assertEquals(List.of("localhost", "127.0.0.1"), TlsConfig.defaultNames("127.0.0.1"));
        assertEquals(List.of("localhost", "192.0.2.10"), TlsConfig.defaultNames("192.0.2.10"));
        assertEquals(List.of("localhost", "::1"), TlsConfig.defaultNames("[::1]"));
        assertEquals(List.of("localhost"), TlsConfig.defaultNames("localhost"));
        assertEquals(List.of("localhost", "127.0.0.1", "::1"), TlsConfig.defaultNames("0.0.0.0"));
        assertEquals(List.of("localhost", "127.0.0.1", "::1"), TlsConfig.defaultNames("::"));
    }

    @Test
    void filesNeedsTheCertificateAndTheKey() throws Exception {
        Path certificate = Files.writeString(dir.resolve("cert.pem"), "-----BEGIN CERTIFICATE-----\n");
        Path key = Files.writeString(dir.resolve("key.pem"), "-----BEGIN PRIVATE KEY-----\n");
        assertEquals(TlsConfig.files(certificate, key), load("""
                tls:
                  mode: files
                  certificate: %s
                  key: %s
                """.formatted(certificate, key)).tls());
        assertEquals(List.of(
                "keyhole.yaml:2: tls.certificate = (missing): is required with tls.mode files",
                "keyhole.yaml:2: tls.key = (missing): is required with tls.mode files"),
                problems("tls:\n  mode: files\n"));
        assertEquals(List.of("keyhole.yaml:3: tls.certificate = " + dir.resolve("nope.pem")
                + ": cannot read this file"), problems("""
                        tls:
                          mode: files
                          certificate: %s
                          key: %s
                        """.formatted(dir.resolve("nope.pem"), key)));
    }

    @Test
    void proxyTrustsLoopbackByDefaultOrTheProxiesListed() {
        String origins = "http:\n  allowed-origins: [https://keyhole.example.org]\n";
        assertEquals(TlsConfig.proxy(TlsConfig.LOOPBACK_PROXIES), load(origins + "tls:\n  mode: proxy\n").tls());
        assertEquals(TlsConfig.proxy(List.of(AddressRange.parse("10.0.0.0/8"), AddressRange.parse("192.0.2.7"),
                AddressRange.parse("fd00::/8"))), load(origins + """
                tls:
                  mode: proxy
                  trusted-proxies: [10.0.0.0/8, 192.0.2.7, "fd00::/8"]
                """).tls());
        assertEquals(List.of("keyhole.yaml:2: tls.mode = proxy: needs http.allowed-origins: the URL people open "
                + "Keyhole at through the proxy, e.g. https://keyhole.example.org"), problems("tls:\n  mode: proxy\n"));
        assertEquals(TlsConfig.Mode.PROXY, load("tls:\n  mode: proxy\n",
                Map.of("KEYHOLE_HTTP_ALLOWED_ORIGINS", "https://keyhole.example.org")).tls().mode());
    }

    @Test
    void keysOfAnotherModeAreErrors() throws Exception {
        Path pem = Files.writeString(dir.resolve("x.pem"), "x");
        assertEquals(List.of(
                "keyhole.yaml:2: tls.names = (a list): applies to tls.mode self-signed only (tls.mode is off)"),
                problems("tls:\n  names: [keyhole.lan]\n"));
        assertEquals(List.of(
                "keyhole.yaml:3: tls.certificate = " + pem + ": applies to tls.mode files only (tls.mode is self-signed)",
                "keyhole.yaml:4: tls.trusted-proxies = (a list): applies to tls.mode proxy only (tls.mode is "
                        + "self-signed)"),
                problems("""
                        tls:
                          mode: self-signed
                          certificate: %s
                          trusted-proxies: [127.0.0.1]
                        """.formatted(pem)));
        assertEquals(List.of(
                "keyhole.yaml:4: tls.names = (a list): applies to tls.mode self-signed only (tls.mode is proxy)"),
                problems("""
                        http: {allowed-origins: [https://keyhole.example.org]}
                        tls:
                          mode: proxy
                          names: [keyhole.lan]
                        """));
    }

    @Test
    void badValuesNameTheirLine() {
        assertEquals(List.of("keyhole.yaml:2: tls.mode = https: must be off, self-signed, files or proxy"),
                problems("tls:\n  mode: https\n  names: [keyhole.lan]\n"), "an invalid mode says nothing of the rest");
        String notAName = ": must be a DNS name (letters, digits, '-' and dots, e.g. keyhole.lan) or an IP address";
        assertEquals(List.of("keyhole.yaml:3: tls.names[0] = keyhole_lan" + notAName,
                "keyhole.yaml:3: tls.names[1] = 300.1.1.1" + notAName), problems("""
                        tls:
                          mode: self-signed
                          names: [keyhole_lan, 300.1.1.1]
                        """));
        assertEquals(List.of("keyhole.yaml:3: tls.names = (empty): must name at least one DNS name or IP address "
                + "(leave it out for the default)"), problems("tls:\n  mode: self-signed\n  names: []\n"));
        assertEquals(List.of("keyhole.yaml:4: tls.trusted-proxies[0] = 10.0.0.0/33: must be an IP address or a range "
                + "of them in CIDR notation (e.g. 10.0.0.0/8 or fd00::/8)",
                "keyhole.yaml:4: tls.trusted-proxies[1] = proxy.lan: must be an IP address or a range of them in CIDR "
                        + "notation (e.g. 10.0.0.0/8 or fd00::/8)"), problems("""
                        http: {allowed-origins: [https://keyhole.example.org]}
                        tls:
                          mode: proxy
                          trusted-proxies: [10.0.0.0/33, proxy.lan]
                        """));
        assertEquals(List.of("keyhole.yaml:1: data-dir = var/lib/keyhole: must be an absolute path, e.g. "
                + "/var/lib/keyhole"), problems("data-dir: var/lib/keyhole\n"));
    }

    @Test
    void plainHttpBeyondLoopbackIsRefusedAtTheBindLine() {
        assertEquals(List.of("keyhole.yaml:3: http.bind = 0.0.0.0: " + PLAIN), problems("""
                http:
                  port: 8080
                  bind: 0.0.0.0
                """));
        assertEquals(List.of("keyhole.yaml:2: http.bind = 192.0.2.10: " + PLAIN),
                problems("http:\n  bind: 192.0.2.10\ntls:\n  mode: off\n"));
        assertEquals(List.of("environment:KEYHOLE_HTTP_BIND: http.bind = ::: " + PLAIN),
                problems("", Map.of("KEYHOLE_HTTP_BIND", "::")));
        for (String loopback : List.of("127.0.0.1", "127.0.0.2", "::1", "[::1]", "localhost", "LocalHost")) {
            assertEquals(loopback, load("http:\n  bind: \"" + loopback + "\"\n").http().bind());
        }
        for (String mode : List.of("self-signed", "proxy")) {
            assertEquals("0.0.0.0", load("""
                    http: {bind: 0.0.0.0, allowed-origins: [https://keyhole.example.org]}
                    tls: {mode: %s}
                    """.formatted(mode)).http().bind());
        }
        assertTrue(TlsConfig.OFF.bindProblem("0.0.0.0").isPresent());
        assertTrue(TlsConfig.OFF.bindProblem("no-such-host.invalid").isPresent(), "a name that resolves nowhere");
        assertFalse(TlsConfig.selfSigned(List.of()).bindProblem("0.0.0.0").isPresent());
    }
}
