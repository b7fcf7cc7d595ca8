package dev.keyhole.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keyhole.e2e.fixtures.KeyholeE2E;
import dev.keyhole.e2e.fixtures.LockedConsole;
import dev.keyhole.e2e.fixtures.RunningKeyhole;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The front door, probed as an attacker would with requests written byte for byte: pages of other origins, DNS
 * rebinding (a {@code Host} and {@code Origin} that agree with each other but name another site), methods other
 * than GET, HEAD and POST; and what every answer carries.
 */
@KeyholeE2E
class FrontDoorTest {

    private static final String JSON = "application/json";
    private static final String TUNNEL = "/tunnel?target=" + RunningKeyhole.TARGET;

    /** {@link RawHttp#send} with the test user's session (its cookie and CSRF token) among the headers. */
    private static RawHttp.Answer send(RunningKeyhole keyhole, URI server, String method, String path, String origin,
            Map<String, String> headers, String body) throws java.io.IOException {
        return RawHttp.send(server, method, path, origin, signed(keyhole, headers), body);
    }

    /** {@link RawHttp#send} with every header given, and the test user's session. */
    private static RawHttp.Answer send(RunningKeyhole keyhole, URI server, String method, String path,
            Map<String, String> headers, String body) throws java.io.IOException {
        return RawHttp.send(server, method, path, signed(keyhole, headers), body);
    }

    private static Map<String, String> signed(RunningKeyhole keyhole, Map<String, String> headers) {
        Map<String, String> all = new LinkedHashMap<>(headers);
        all.putAll(keyhole.signedIn().headers());
        return all;
    }

    private static Map<String, String> contentType(String type) {
        return Map.of("Content-Type", type);
    }

    @Test
    void webSocketHandshakesFromPagesOfOtherOriginsAreRefused(RunningKeyhole keyhole, LockedConsole console)
            throws Exception {
        URI server = keyhole.uri();
        int port = server.getPort();
        int attemptsBefore = console.wrongAttempts();
        List<String> origins = List.of("http://evil.example", "null", "http://127.0.0.1:" + (port == 65535 ? 1 : port + 1),
                "https://127.0.0.1:" + port, "http://127.0.0.1", "http://127.0.0.1:" + port + ".evil.example",
                "http://evil.example:" + port, "file://", "");
        for (String origin : origins) {
            RawHttp.Answer answer = send(keyhole, server, "GET", TUNNEL, origin, RawHttp.webSocketHandshake(), null);
            assertEquals(403, answer.status(), () -> "Origin '" + origin + "': " + answer);
            assertNull(answer.header("Upgrade"), () -> "Origin '" + origin + "' upgraded: " + answer);
            assertSecurityHeaders(answer);
        }
        assertEquals(attemptsBefore, console.wrongAttempts(), "no attempt reached the console's prompt");
    }

    @Test
    void keyholesOwnPagesAndClientsWithoutAnOriginOpenTheTunnel(RunningKeyhole keyhole) throws Exception {
        URI server = keyhole.uri();
        int port = server.getPort();
        RawHttp.Answer own = send(keyhole, server, "GET", TUNNEL, "http://127.0.0.1:" + port,
                RawHttp.webSocketHandshake(), null);
        assertEquals(101, own.status(), own::toString);
        assertEquals("guacamole", own.header("Sec-WebSocket-Protocol"));
        assertSecurityHeaders(own);

        Map<String, String> localhost = new LinkedHashMap<>(RawHttp.webSocketHandshake());
        localhost.put("Host", "localhost:" + port);
        localhost.put("Origin", "http://LocalHost:" + port);
        assertEquals(101, send(keyhole, server, "GET", TUNNEL, localhost, null).status(), "localhost is the server too");

        assertEquals(101, send(keyhole, server, "GET", TUNNEL, null, RawHttp.webSocketHandshake(), null).status(),
                "a client that is not a browser sends no Origin");
    }

    @Test
    void theTunnelNegotiatesNoCompression(RunningKeyhole keyhole) throws Exception {
        Map<String, String> handshake = new LinkedHashMap<>(RawHttp.webSocketHandshake());
        handshake.put("Sec-WebSocket-Extensions", "permessage-deflate; client_max_window_bits");
        RawHttp.Answer answer = send(keyhole, keyhole.uri(), "GET", TUNNEL, null, handshake, null);
        assertEquals(101, answer.status(), answer::toString);
        assertNull(answer.header("Sec-WebSocket-Extensions"), () -> "an extension was negotiated: " + answer);
    }

    @Test
    void aRebindingPageIsRefusedOnEveryRoute(RunningKeyhole keyhole) throws Exception {
        URI server = keyhole.uri();
        int port = server.getPort();
        String rebound = "evil.example:" + port;
        record Probe(String method, String path, Map<String, String> headers, String body) {
        }
        List<Probe> probes = List.of(
                new Probe("GET", "/", Map.of(), null),
                new Probe("GET", "/api/targets", Map.of(), null),
                new Probe("GET", "/api/machines", Map.of(), null),
                new Probe("GET", "/api/events", Map.of(), null),
                new Probe("POST", "/api/targets/" + RunningKeyhole.TARGET + "/stage", contentType(JSON),
                        "{\"stage\":\"console\"}"),
                new Probe("POST", "/api/machines/web-1/start", Map.of("X-Keyhole-Action", "start"), ""),
                new Probe("GET", TUNNEL, RawHttp.webSocketHandshake(), null));
        for (Probe probe : probes) {
            for (String origin : new String[] {"http://" + rebound, null}) {
                Map<String, String> headers = new LinkedHashMap<>();
                headers.put("Host", rebound);
                if (origin != null) {
                    headers.put("Origin", origin);
                }
                headers.putAll(probe.headers());
                RawHttp.Answer answer = send(keyhole, server, probe.method(), probe.path(), headers, probe.body());
                assertEquals(403, answer.status(), () -> probe + " with Host " + rebound + ": " + answer);
                assertTrue(answer.body().contains("http.allowed-origins"), answer::toString);
            }
        }
    }

    @Test
    void apiRequestsFromPagesOfOtherOriginsAreRefused(RunningKeyhole keyhole) throws Exception {
        URI server = keyhole.uri();
        String stage = "/api/targets/" + RunningKeyhole.TARGET + "/stage";
        for (String type : List.of(JSON, "text/plain")) {
            RawHttp.Answer answer = send(keyhole, server, "POST", stage, "http://evil.example", contentType(type),
                    "{\"stage\":\"console\"}");
            assertEquals(403, answer.status(), answer::toString);
        }
        assertEquals(403, send(keyhole, server, "GET", "/api/targets", "http://evil.example", Map.of(), null).status());
        assertEquals(403, send(keyhole, server, "GET", "/api/events", "null", Map.of(), null).status());
        assertEquals(403, send(keyhole, server, "POST", "/api/machines/web-1/start", "http://evil.example",
                Map.of("X-Keyhole-Action", "start"), "").status());
    }

    @Test
    void onlyGetHeadAndPostAreAllowed(RunningKeyhole keyhole) throws Exception {
        for (String method : List.of("TRACE", "OPTIONS", "PUT", "DELETE", "PATCH")) {
            for (String path : List.of("/api/targets", "/", "/tunnel")) {
                RawHttp.Answer answer = send(keyhole, keyhole.uri(), method, path, null, Map.of(), null);
                assertEquals(405, answer.status(), () -> method + " " + path + ": " + answer);
                assertEquals("GET, HEAD, POST", answer.header("Allow"));
                assertSecurityHeaders(answer);
            }
        }
        assertEquals(200, send(keyhole, keyhole.uri(), "HEAD", "/api/targets", null, Map.of(), null).status());
    }

    @Test
    void everyAnswerCarriesTheSecurityHeadersAndNoServerVersion(RunningKeyhole keyhole) throws Exception {
        URI server = keyhole.uri();
        List<RawHttp.Answer> answers = List.of(
                send(keyhole, server, "GET", "/", null, Map.of(), null),
                send(keyhole, server, "GET", "/console.html", null, Map.of(), null),
                send(keyhole, server, "GET", "/api/targets", null, Map.of(), null),
                send(keyhole, server, "GET", "/no-such-page", null, Map.of("Accept", "text/html"), null),
                send(keyhole, server, "GET", "/api/no-such-api", null, Map.of(), null),
                send(keyhole, server, "POST", "/api/targets/nope/stage", null, contentType(JSON), "{"),
                send(keyhole, server, "GET", "/%zz", null, Map.of(), null));
        for (RawHttp.Answer answer : answers) {
            assertSecurityHeaders(answer);
            assertNull(answer.header("Server"), () -> "a Server header: " + answer);
            assertNull(answer.header("X-Powered-By"), () -> "an X-Powered-By header: " + answer);
            assertFalse(answer.body().toLowerCase(Locale.ROOT).contains("jetty"), () -> "names Jetty: " + answer);
        }
        assertEquals(404, answers.get(3).status());
        assertTrue(answers.get(3).header("Content-Type").startsWith(JSON), answers.get(3)::toString);
    }

    @Test
    void aContentTypeThatOnlyStartsLikeJsonIsRefused(RunningKeyhole keyhole) throws Exception {
        String stage = "/api/targets/" + RunningKeyhole.TARGET + "/stage";
        String body = "{\"stage\":\"console\"}";
        String origin = "http://127.0.0.1:" + keyhole.uri().getPort();
        assertEquals(415, send(keyhole, keyhole.uri(), "POST", stage, origin, contentType("application/jsonx"), body)
                .status());
        assertEquals(415, send(keyhole, keyhole.uri(), "POST", stage, origin, contentType("application/json-seq"), body)
                .status());
        assertEquals(200, send(keyhole, keyhole.uri(), "POST", stage, origin,
                contentType("Application/JSON; charset=utf-8"), body).status());
    }

    private static void assertSecurityHeaders(RawHttp.Answer answer) {
        assertEquals("nosniff", answer.header("X-Content-Type-Options"), answer::toString);
        assertEquals("DENY", answer.header("X-Frame-Options"), answer::toString);
        assertEquals("no-referrer", answer.header("Referrer-Policy"), answer::toString);
        String csp = answer.header("Content-Security-Policy");
        assertTrue(csp != null && csp.contains("frame-ancestors 'none'"), answer::toString);
        String cache = answer.header("Cache-Control");
        assertTrue(cache != null && cache.contains("no-store"), answer::toString);
    }
}
