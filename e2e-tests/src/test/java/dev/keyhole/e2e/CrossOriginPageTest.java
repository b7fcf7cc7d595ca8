package dev.keyhole.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.keyhole.e2e.fixtures.Browser;
import dev.keyhole.e2e.fixtures.KeyholeE2E;
import dev.keyhole.e2e.fixtures.LockedConsole;
import dev.keyhole.e2e.fixtures.RunningKeyhole;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The attack as it happens: the operator's own Chromium opens a page of another site (a second HTTP server on
 * another local port), and that page tries to open the console's tunnel and type into it, read and drive the
 * API, and listen to the event stream, directly and through a rebinding stand-in (the other site's server
 * forwarding its page's same-origin requests to Keyhole with the other site's {@code Host}, as a name that
 * rebinds to 127.0.0.1 would). Every attempt fails and the console's prompt counts no attempt; the same script
 * run in Keyhole's own page succeeds.
 */
@KeyholeE2E
class CrossOriginPageTest {

    /**
     * Tries everything against {@code arguments[0]} (Keyhole's base URL, no trailing slash); with
     * {@code arguments[1]} it also types a wrong passphrase and Enter into any tunnel that opens. Calls back with
     * what happened. Timers end the attempts that never answer: a refused handshake or stream closes at once.
     */
    private static final String ATTACK = """
            const [keyhole, typeKeys, done] = arguments;
            const target = '%s';
            const results = {};
            const settle = (ms, start) => new Promise(resolve => start(resolve, setTimeout(() => resolve(null), ms)));
            results.webSocket = await settle(8000, (resolve) => {
              const seen = {opened: false, messages: 0};
              let socket;
              try {
                socket = new WebSocket(keyhole.replace(/^http/, 'ws') + '/tunnel?target=' + target, 'guacamole');
              } catch (e) { resolve({...seen, error: String(e)}); return; }
              socket.onopen = () => {
                seen.opened = true;
                if (typeKeys) {
                  for (const key of [0x78, 0x79, 0x7a, 0xff0d]) {
                    socket.send('3.key,' + String(key).length + '.' + key + ',1.1;');
                    socket.send('3.key,' + String(key).length + '.' + key + ',1.0;');
                  }
                }
              };
              socket.onmessage = () => { if (++seen.messages >= 3) { socket.close(); } };
              socket.onclose = (e) => resolve({...seen, code: e.code, reason: e.reason});
            }) || {timedOut: true};
            const status = async (path, init) => {
              try { return (await fetch(path, init)).status; } catch (e) { return 'failed: ' + e.name; }
            };
            results.targets = await status(keyhole + '/api/targets');
            results.machines = await status(keyhole + '/api/machines');
            results.stage = await status(keyhole + '/api/targets/' + target + '/stage', {method: 'POST',
                mode: 'no-cors', headers: {'Content-Type': 'text/plain'}, body: '{"stage":"console"}'});
            results.events = await settle(8000, (resolve) => {
              const source = new EventSource(keyhole + '/api/events');
              source.onopen = () => { source.close(); resolve('open'); };
              source.onerror = () => { source.close(); resolve('error'); };
            }) || 'timed out';
            results.reboundTargets = await status('/api/targets');
            results.reboundMachines = await status('/api/machines');
            // The CSRF cookie, as Keyhole's own page reads it: a page of another origin reads none.
            const csrf = (document.cookie.match(/(?:^|; )__Host-keyhole-csrf=([^;]*)/) || [])[1] || '';
            results.reboundStage = await status('/api/targets/' + target + '/stage', {method: 'POST',
                headers: {'Content-Type': 'application/json', 'X-Keyhole-CSRF': csrf}, body: '{"stage":"console"}'});
            done(JSON.stringify(results));
            """.formatted(RunningKeyhole.TARGET);

    private HttpServer otherSite;

    @BeforeEach
    void startTheOtherSite(RunningKeyhole keyhole) throws IOException {
        otherSite = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        otherSite.createContext("/", exchange -> answer(exchange, 200, "text/html",
                "<!DOCTYPE html><title>Another site</title><p>Nothing to see here."));
        otherSite.createContext("/api/", exchange -> forward(exchange, keyhole.uri()));
        otherSite.start();
    }

    @AfterEach
    void stopTheOtherSite() {
        otherSite.stop(0);
    }

    @Test
    void aPageOfAnotherOriginCanNeitherDriveTheConsoleNorReadTheApi(RunningKeyhole keyhole, LockedConsole console,
            Browser browser) {
        int attemptsBefore = console.wrongAttempts();
        // The operator is signed in: the other site's page runs in a browser that holds Keyhole's cookies.
        keyhole.signIn(browser);
        String keyholeUrl = base(keyhole.uri());
        Map<String, Object> results = browser.inFreshTab(() -> {
            browser.driver().get("http://127.0.0.1:" + otherSite.getAddress().getPort() + "/");
            return run(browser, keyholeUrl, true);
        });

        Map<?, ?> webSocket = (Map<?, ?>) results.get("webSocket");
        assertEquals(false, webSocket.get("opened"), () -> "the tunnel opened for another site's page: " + results);
        assertEquals(0L, ((Number) webSocket.get("messages")).longValue(), results::toString);
        assertTrue(String.valueOf(results.get("targets")).startsWith("failed"), results::toString);
        assertTrue(String.valueOf(results.get("machines")).startsWith("failed"), results::toString);
        assertEquals("error", results.get("events"), results::toString);
        assertEquals(403L, number(results, "reboundTargets"), results::toString);
        assertEquals(403L, number(results, "reboundMachines"), results::toString);
        assertEquals(403L, number(results, "reboundStage"), results::toString);
        assertEquals(attemptsBefore, console.wrongAttempts(), "the console's prompt counted no attempt");
    }

    @Test
    void keyholesOwnPageStillDoesAllOfIt(RunningKeyhole keyhole, Browser browser) {
        // The page's script, unlike the page, does not retry: the console is up before it runs.
        RawTunnel.awaitConsole(keyhole.tunnel(RunningKeyhole.TARGET));
        keyhole.signIn(browser);
        String keyholeUrl = base(keyhole.uri());
        Map<String, Object> results = browser.inFreshTab(() -> {
            browser.driver().get(keyholeUrl + "/");
            return run(browser, keyholeUrl, false);
        });
        Map<?, ?> webSocket = (Map<?, ?>) results.get("webSocket");
        assertEquals(true, webSocket.get("opened"), results::toString);
        assertTrue(((Number) webSocket.get("messages")).longValue() >= 3, results::toString);
        assertEquals(200L, number(results, "targets"), results::toString);
        assertEquals(200L, number(results, "machines"), results::toString);
        assertEquals("open", results.get("events"), results::toString);
        assertEquals(200L, number(results, "reboundStage"), "from its own page the same path is Keyhole's own");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> run(Browser browser, String keyholeUrl, boolean typeKeys) {
        Object answer = browser.asyncScript("(async () => {" + ATTACK + "})()", keyholeUrl, typeKeys);
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readValue(String.valueOf(answer), Map.class);
        } catch (IOException e) {
            throw new AssertionError("the page's script answered " + answer, e);
        }
    }

    private static long number(Map<String, Object> results, String key) {
        Object value = results.get(key);
        return value instanceof Number n ? n.longValue() : -1;
    }

    private static String base(URI uri) {
        return "http://" + uri.getHost() + ":" + uri.getPort();
    }

    /**
     * The rebinding stand-in: the request goes on to Keyhole as the browser sent it to this site, with this
     * site's {@code Host} (what Keyhole receives when this site's name resolves to 127.0.0.1).
     */
    private static void forward(HttpExchange exchange, URI keyhole) throws IOException {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Host", exchange.getRequestHeaders().getFirst("Host"));
        for (String name : new String[] {"Origin", "Content-Type", "X-Keyhole-Action"}) {
            String value = exchange.getRequestHeaders().getFirst(name);
            if (value != null) {
                headers.put(name, value);
            }
        }
        String body = exchange.getRequestMethod().equals("POST")
                ? new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8) : null;
        RawHttp.Answer answer = RawHttp.send(keyhole, exchange.getRequestMethod(),
                exchange.getRequestURI().toString(), headers, body);
        answer(exchange, answer.status(), "application/json", answer.body());
    }

    private static void answer(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            exchange.getResponseBody().write(bytes);
        }
        exchange.close();
    }
}
