package dev.keyhole.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keyhole.server.config.HttpConfig;
import dev.keyhole.server.config.Origins;
import dev.keyhole.server.config.TlsConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OriginPolicyTest {

    @Test
    void byDefaultALoopbackServerIsItsOwnUrlUnderBothNames() {
        OriginPolicy policy = OriginPolicy.of(HttpConfig.DEFAULT, TlsConfig.OFF, 8080);
        assertEquals(Set.of("http://127.0.0.1:8080", "http://localhost:8080"), policy.origins());
        assertTrue(policy.allowsHost("127.0.0.1:8080"));
        assertTrue(policy.allowsHost("LOCALHOST:8080"));
        assertTrue(policy.allowsOrigin("http://localhost:8080"));
        assertFalse(policy.allowsHost("127.0.0.1"), "port 80 is another server");
        assertFalse(policy.allowsHost("127.0.0.1:8081"));
        assertFalse(policy.allowsHost(null));
    }

    @Test
    void aServerOnEveryAddressDefaultsToLoopbackOnly() {
        OriginPolicy policy = OriginPolicy.of(new HttpConfig("0.0.0.0", 0, List.of()), TlsConfig.OFF, 4321);
        assertEquals(Set.of("http://127.0.0.1:4321", "http://localhost:4321"), policy.origins());
    }

    @Test
    void aServerOnOneAddressIsReachedThere() {
        assertEquals(Set.of("http://192.0.2.7:8080"),
                OriginPolicy.of(new HttpConfig("192.0.2.7", 8080, List.of()), TlsConfig.OFF, 8080).origins());
        assertEquals(Set.of("http://[2001:db8::1]:8080"),
                OriginPolicy.of(new HttpConfig("2001:db8::1", 8080, List.of()), TlsConfig.OFF, 8080).origins());
    }

    @Test
    void rebindingIsRefusedThoughHostAndOriginAgree() {
        OriginPolicy policy = OriginPolicy.of(HttpConfig.DEFAULT, TlsConfig.OFF, 8080);
        assertFalse(policy.allowsHost("evil.example:8080"));
        assertFalse(policy.allowsOrigin("http://evil.example:8080"));
    }

    @Test
    void configuredOriginsReplaceTheDefaultAndImplyTheirHosts() {
        OriginPolicy policy = OriginPolicy.of(new HttpConfig("127.0.0.1", 8080,
                List.of(Origins.normalise("https://Keyhole.Example.org:443"), Origins.normalise("http://10.0.0.5:8080"))),
                TlsConfig.OFF, 8080);
        assertEquals(Set.of("https://keyhole.example.org", "http://10.0.0.5:8080"), policy.origins());
        assertTrue(policy.allowsHost("keyhole.example.org"), "a proxy's Host on the default port has no port");
        assertTrue(policy.allowsHost("keyhole.example.org:443"));
        assertTrue(policy.allowsOrigin("https://keyhole.example.org"));
        assertTrue(policy.allowsOrigin("https://keyhole.example.org:443"));
        assertFalse(policy.allowsOrigin("http://keyhole.example.org"), "another scheme is another origin");
        assertFalse(policy.allowsHost("127.0.0.1:8080"), "the default is replaced");
        assertFalse(policy.allowsHost("10.0.0.5"));
    }

    @Test
    void whatIsNoOriginIsRefused() {
        OriginPolicy policy = OriginPolicy.of(HttpConfig.DEFAULT, TlsConfig.OFF, 8080);
        String own = "127.0.0.1:" + 8080;
        for (String origin : List.of("null", "", "file://", "http://" + own + "/", "http://" + own + "/x",
                "http://u@" + own, "ws://" + own, "http://" + own + ".evil.example", "%%%")) {
            assertFalse(policy.allowsOrigin(origin), origin);
        }
    }

    @Test
    void underTlsTheDefaultOriginsAreHttps() {
        TlsConfig files = TlsConfig.files(Path.of("/etc/keyhole/cert.pem"), Path.of("/etc/keyhole/key.pem"));
        assertEquals(Set.of("https://127.0.0.1:8443", "https://localhost:8443"),
                OriginPolicy.of(new HttpConfig("127.0.0.1", 8443, List.of()), files, 8443).origins());
        assertEquals(Set.of("https://192.0.2.7:8443"),
                OriginPolicy.of(new HttpConfig("192.0.2.7", 8443, List.of()), files, 8443).origins());
    }

    @Test
    void aSelfSignedCertificatesNamesAreTheDefaultOrigins() {
        OriginPolicy policy = OriginPolicy.of(new HttpConfig("0.0.0.0", 0, List.of()),
                TlsConfig.selfSigned(List.of("keyhole.lan", "192.0.2.7", "2001:db8::1")), 8443);
        assertEquals(Set.of("https://keyhole.lan:8443", "https://192.0.2.7:8443", "https://[2001:db8::1]:8443"),
                policy.origins());
        assertTrue(policy.allowsHost("[2001:db8::1]:8443"));
        assertFalse(policy.allowsOrigin("http://keyhole.lan:8443"), "plain HTTP is another origin");
        assertEquals(Set.of("https://localhost:8443", "https://127.0.0.1:8443"),
                OriginPolicy.of(new HttpConfig("127.0.0.1", 0, List.of()), TlsConfig.selfSigned(List.of()), 8443)
                        .origins(), "the default names: localhost and the bind address");
    }

    @Test
    void configuredOriginsStandWhateverTheMode() {
        List<java.net.URI> configured = List.of(Origins.normalise("https://keyhole.example.org"));
        for (TlsConfig tls : List.of(TlsConfig.OFF, TlsConfig.selfSigned(List.of("keyhole.lan")),
                TlsConfig.proxy(TlsConfig.LOOPBACK_PROXIES))) {
            assertEquals(Set.of("https://keyhole.example.org"),
                    OriginPolicy.of(new HttpConfig("127.0.0.1", 8443, configured), tls, 8443).origins(), tls::toString);
        }
    }
}
