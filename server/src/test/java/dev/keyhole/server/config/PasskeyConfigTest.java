package dev.keyhole.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code auth.passkey-rp-id}: by default none (the page's host decides), a DNS name when given, never an IP address,
 * and only a name some allowed origin is at or under: otherwise passkeys could work nowhere, and Keyhole does not
 * start.
 */
class PasskeyConfigTest {

    private static KeyholeConfig load(String yaml) {
        return ConfigLoader.parse("keyhole.yaml", yaml, Map.of());
    }

    private static List<String> problems(String yaml) {
        return assertThrows(ConfigException.class, () -> ConfigLoader.parse("keyhole.yaml", yaml, Map.of()))
                .problems();
    }

    @Test
    void byDefaultThereIsNoneAndThePagesHostDecides() {
        assertEquals("", load("").auth().passkeyRpId());
        assertEquals("", AuthConfig.DEFAULT.passkeyRpId());
    }

    @Test
    void aDomainAboveTheAllowedOriginsHostIsTaken() {
        KeyholeConfig config = load("""
                http:
                  allowed-origins: [https://keyhole.example.org]
                tls:
                  mode: proxy
                auth:
                  passkey-rp-id: Example.ORG
                """);
        assertEquals("example.org", config.auth().passkeyRpId());
        assertEquals("localhost", load("auth:\n  passkey-rp-id: localhost\n").auth().passkeyRpId(),
                "the loopback default's own name");
    }

    @Test
    void anIpAddressIsRefusedWithTheReason() {
        String reason = "is an IP address, and a passkey cannot belong to one: give the name people open Keyhole at "
                + "(localhost, or a DNS name with TLS)";
        assertEquals(List.of("keyhole.yaml:2: auth.passkey-rp-id = 127.0.0.1: " + reason),
                problems("auth:\n  passkey-rp-id: 127.0.0.1\n"));
        assertEquals(List.of("keyhole.yaml:2: auth.passkey-rp-id = ::1: " + reason),
                problems("auth:\n  passkey-rp-id: '::1'\n"));
        assertEquals(List.of("keyhole.yaml:2: auth.passkey-rp-id = https://keyhole.example.org: must be a DNS name "
                + "(letters, digits, '-' and dots, e.g. keyhole.example.org)"),
                problems("auth:\n  passkey-rp-id: https://keyhole.example.org\n"));
    }

    @Test
    void aNameNoAllowedOriginIsAtIsRefused() {
        assertEquals(List.of("keyhole.yaml:7: auth.passkey-rp-id = other.example.org: names none of the hosts "
                + "people open Keyhole at (keyhole.example.org, 192.0.2.10, http.allowed-origins'), nor a domain "
                + "above one: passkeys would work nowhere. Give one of those names, or leave it out"), problems("""
                http:
                  allowed-origins: [https://keyhole.example.org, https://192.0.2.10]
                tls:
                  mode: proxy
                auth:
                  require-second-factor: true
                  passkey-rp-id: other.example.org
                """));
        assertEquals(List.of("keyhole.yaml:2: auth.passkey-rp-id = example.org: names none of the hosts people "
                + "open Keyhole at (127.0.0.1, localhost, the default origins'), nor a domain above one: passkeys "
                + "would work nowhere. Give one of those names, or leave it out"),
                problems("auth:\n  passkey-rp-id: example.org\n"));
    }
}
