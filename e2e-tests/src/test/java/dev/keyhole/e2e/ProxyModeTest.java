package dev.keyhole.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keyhole.e2e.fixtures.Fixtures;
import dev.keyhole.e2e.fixtures.InjectKeyhole;
import dev.keyhole.e2e.fixtures.InjectKeyhole.Lifecycle;
import dev.keyhole.e2e.fixtures.KeyholeE2E;
import dev.keyhole.e2e.fixtures.KeyholeSetup;
import dev.keyhole.e2e.fixtures.LockedTarget;
import dev.keyhole.e2e.fixtures.RunningKeyhole;
import dev.keyhole.e2e.fixtures.SignedIn;
import dev.keyhole.e2e.fixtures.Waits;
import dev.keyhole.server.config.AddressRange;
import dev.keyhole.server.config.HttpConfig;
import dev.keyhole.server.config.KeyholeConfig;
import dev.keyhole.server.config.Origins;
import dev.keyhole.server.config.TlsConfig;
import java.net.InetAddress;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code tls.mode: proxy}, behind a TLS proxy at 127.0.0.2 (this machine, but another peer): what the proxy forwards
 * ({@code X-Forwarded-Host}, {@code -Proto}, {@code -For}) is the request's; the same headers from any other peer
 * (here 127.0.0.1) change nothing, neither the name the front door checks nor the address the limits count.
 */
@KeyholeE2E
class ProxyModeTest {

    private static final String PUBLIC = "https://keyhole.example.org";
    private static final String TUNNEL = "/tunnel?target=" + RunningKeyhole.TARGET;

    /** Behind the proxy at 127.0.0.2, served as {@link #PUBLIC}; one tunnel and one event stream per address. */
    public static final class BehindAProxy implements KeyholeSetup {
        @Override
        public void configure(KeyholeConfig.Builder keyhole, Fixtures fixtures) {
            KeyholeConfig base = keyhole.build();
            keyhole.http(new HttpConfig(base.http().bind(), base.http().port(), List.of(Origins.normalise(PUBLIC))))
                    .tls(TlsConfig.proxy(List.of(AddressRange.parse("127.0.0.2"))))
                    .limits(base.limits().withTunnelsPerAddress(1).withEventStreamsPerAddress(1));
            new LockedTarget().configure(keyhole, fixtures);
        }
    }

    private static InetAddress proxy() throws Exception {
        return InetAddress.getByName("127.0.0.2");
    }

    private static InetAddress someoneElse() throws Exception {
        return InetAddress.getByName("127.0.0.1");
    }

    /** What the proxy sends for a browser at {@code browser} that opened {@link #PUBLIC}. */
    private static Map<String, String> forwarded(RunningKeyhole keyhole, String browser) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Host", "127.0.0.1:" + keyhole.uri().getPort());
        headers.put("Origin", PUBLIC);
        headers.put("X-Forwarded-Host", "keyhole.example.org");
        headers.put("X-Forwarded-Proto", "https");
        headers.put("X-Forwarded-For", browser);
        headers.put("Cookie", session(keyhole).cookie());
        return headers;
    }

    private static final Map<RunningKeyhole, SignedIn> SESSIONS = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * The test user's session, begun through the proxy as a browser begins it there: the sign-in page posts a
     * one-time link's token, and the answer's cookies are the session's.
     */
    private static SignedIn session(RunningKeyhole keyhole) {
        return SESSIONS.computeIfAbsent(keyhole, k -> {
            Map<String, String> headers = new LinkedHashMap<>();
            headers.put("Host", "keyhole.example.org");
            headers.put("Origin", PUBLIC);
            headers.put("X-Forwarded-Proto", "https");
            headers.put("Content-Type", "application/json");
            String token = k.signInLink().getFragment().substring("link=".length());
            try {
                RawHttp.Answer answer = RawHttp.send(k.uri(), "POST", "/api/sign-in/link", headers,
                        "{\"token\":\"" + token + "\"}");
                assertEquals(200, answer.status(), answer::toString);
                return SignedIn.fromCookies(List.of(answer.header("Set-Cookie").split(", ")));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    /** The same, but with the public name in {@code Host} too, which the front door accepts from anyone. */
    private static Map<String, String> publicHost(RunningKeyhole keyhole, String browser) {
        Map<String, String> headers = forwarded(keyhole, browser);
        headers.put("Host", "keyhole.example.org");
        return headers;
    }

    private static Map<String, String> webSocket(Map<String, String> headers) {
        Map<String, String> all = new LinkedHashMap<>(headers);
        all.putAll(RawHttp.webSocketHandshake());
        return all;
    }

    /** Checks that a tunnel was opened and admitted: its first frame is its id. */
    private static RawConnection admitted(RawConnection tunnel) throws Exception {
        assertEquals(101, tunnel.status());
        RawConnection.Frame first = tunnel.nextFrame();
        assertTrue(first.isText() && first.text().startsWith("0.,36."), () -> "an admitted tunnel: " + first);
        return tunnel;
    }

    /**
     * Waits, through the proxy, until a tunnel shows the console (receives more than its first instructions), as
     * {@link RawTunnel#awaitConsole} does: guacd 1.3 can lose a console that viewers join while it connects, and a
     * test that counts tunnels must not see one end for that. The console lingers for the tunnels that follow.
     */
    private static void awaitConsole(RunningKeyhole keyhole) {
        Waits.until("a tunnel through the proxy to show the console", java.time.Duration.ofSeconds(60),
                () -> "each tunnel closed first", () -> {
                    try (RawConnection warm = RawConnection.get(proxy(), keyhole.uri(), TUNNEL,
                            webSocket(forwarded(keyhole, "203.0.113.99")))) {
                        for (int frames = 0; frames < 3; frames++) {
                            if (warm.nextFrame().isClose()) {
                                return false;
                            }
                        }
                        return true;
                    } catch (Exception e) {
                        throw new IllegalStateException("a tunnel through the proxy failed", e);
                    }
                });
    }

    @Test
    void theForwardedHostAndSchemeAreBelievedFromTheProxyOnly(
            @InjectKeyhole(value = BehindAProxy.class, lifecycle = Lifecycle.METHOD) RunningKeyhole keyhole)
            throws Exception {
        URI server = keyhole.uri();
        try (RawConnection proxied = RawConnection.get(proxy(), server, "/api/targets",
                forwarded(keyhole, "203.0.113.1"))) {
            assertEquals(200, proxied.status());
            assertEquals("max-age=31536000", proxied.header("Strict-Transport-Security"),
                    "the proxy says the browser came over HTTPS");
        }
        try (RawConnection spoofed = RawConnection.get(someoneElse(), server, "/api/targets",
                forwarded(keyhole, "203.0.113.1"))) {
            assertEquals(403, spoofed.status(), "its Host is 127.0.0.1, whatever X-Forwarded-Host says");
            assertNull(spoofed.header("Strict-Transport-Security"), "nor did it come over HTTPS");
        }
        try (RawConnection proxied = RawConnection.get(proxy(), server, TUNNEL,
                webSocket(forwarded(keyhole, "203.0.113.1")))) {
            assertEquals(101, proxied.status());
        }
        try (RawConnection spoofed = RawConnection.get(someoneElse(), server, TUNNEL,
                webSocket(forwarded(keyhole, "203.0.113.1")))) {
            assertEquals(403, spoofed.status());
        }
    }

    @Test
    void theForwardedAddressIsTheOneTheLimitsCountFromTheProxyOnly(
            @InjectKeyhole(value = BehindAProxy.class, lifecycle = Lifecycle.METHOD) RunningKeyhole keyhole)
            throws Exception {
        URI server = keyhole.uri();
        try (RawConnection first = RawConnection.get(proxy(), server, "/api/events", forwarded(keyhole, "203.0.113.1"));
             RawConnection second = RawConnection.get(proxy(), server, "/api/events",
                     forwarded(keyhole, "203.0.113.2"));
             RawConnection again = RawConnection.get(proxy(), server, "/api/events",
                     forwarded(keyhole, "203.0.113.1"))) {
            assertEquals(200, first.status());
            assertEquals(200, second.status(), "another browser behind the same proxy");
            assertEquals(429, again.status(), "the first browser's second stream, beyond its one");
        }
        try (RawConnection first = RawConnection.get(someoneElse(), server, "/api/events",
                publicHost(keyhole, "203.0.113.3"));
             RawConnection second = RawConnection.get(someoneElse(), server, "/api/events",
                     publicHost(keyhole, "203.0.113.4"))) {
            assertEquals(200, first.status());
            assertEquals(429, second.status(), "one peer, whatever its X-Forwarded-For says");
        }
    }

    @Test
    void tunnelsAreCountedByTheForwardedAddressFromTheProxyOnly(
            @InjectKeyhole(value = BehindAProxy.class, lifecycle = Lifecycle.METHOD) RunningKeyhole keyhole)
            throws Exception {
        URI server = keyhole.uri();
        awaitConsole(keyhole);
        // Each tunnel is counted once its first frame (its id) came: only then is the next one opened, so that
        // the order they are counted in is the order they were opened in.
        try (RawConnection first = admitted(RawConnection.get(proxy(), server, TUNNEL,
                webSocket(forwarded(keyhole, "203.0.113.1"))));
             RawConnection second = admitted(RawConnection.get(proxy(), server, TUNNEL,
                     webSocket(forwarded(keyhole, "203.0.113.2"))));
             RawConnection again = RawConnection.get(proxy(), server, TUNNEL,
                     webSocket(forwarded(keyhole, "203.0.113.1")))) {
            assertEquals(101, again.status());
            RawConnection.Frame refused = again.nextFrame();
            assertTrue(refused.isClose() && refused.closeReason().startsWith("797 Too many"), refused::toString);
        }
        try (RawConnection first = admitted(RawConnection.get(someoneElse(), server, TUNNEL,
                webSocket(publicHost(keyhole, "203.0.113.3"))));
             RawConnection second = RawConnection.get(someoneElse(), server, TUNNEL,
                     webSocket(publicHost(keyhole, "203.0.113.4")))) {
            RawConnection.Frame refused = second.nextFrame();
            assertTrue(refused.isClose() && refused.closeReason().startsWith("797 Too many"),
                    () -> "one peer, whatever its X-Forwarded-For says: " + refused);
        }
    }
}
