package dev.keyhole.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keyhole.e2e.fixtures.KeyholeE2E;
import dev.keyhole.e2e.fixtures.LockedConsole;
import dev.keyhole.e2e.fixtures.RunningKeyhole;
import dev.keyhole.e2e.fixtures.SignedIn;
import dev.keyhole.server.accounts.Role;
import dev.keyhole.server.accounts.User;
import dev.keyhole.server.http.HttpEdge;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Nobody reaches a console without signing in. Every route the router knows — listed by the router itself, so a
 * route added later without a check fails here — and every file of the web app is probed without a session, with
 * a forged or tampered cookie, and with a session that has not proven its second factor: only the sign-in page,
 * its files and the routes that begin a session answer; the API and the tunnel say {@code 401}, pages redirect to
 * the sign-in page and back. A signed-in page's requests that change something need its CSRF token.
 */
@KeyholeE2E
class SignInRequiredTest {

    /** What may be reached without a session: a change here is a decision, made in this list. */
    private static final Set<String> PUBLIC_ROUTES = Set.of("GET /api/session", "POST /api/sign-in",
            "POST /api/sign-in/link", "POST /api/setup", "POST /api/sign-in/passkey/options",
            "POST /api/sign-in/passkey", "POST /api/join");
    private static final Set<String> PUBLIC_FILES = Set.of("/sign-in.html", "/css/keyhole.css", "/css/sign-in.css",
            "/js/sign-in.js", "/js/api.js", "/js/dom.js", "/js/address.js", "/js/second-factor.js", "/js/passkey.js",
            "/js/base64url.js", "/join.html", "/js/join.js");
    /** What a session still signing in may reach besides: its second factor's steps, and enrolling a passkey. */
    private static final Set<String> SIGNING_IN_ROUTES = Set.of("POST /api/sign-in/code",
            "POST /api/second-factor/totp", "POST /api/second-factor/totp/confirm",
            "POST /api/second-factor/passkey/options", "POST /api/second-factor/passkey",
            "POST /api/passkeys/register/options", "POST /api/passkeys/register", "POST /api/sign-out");

    @Test
    void theRouterOpensNothingButTheSignInRoutesAndFiles(RunningKeyhole keyhole) {
        HttpEdge.Routes routes = keyhole.routes();
        assertEquals(PUBLIC_ROUTES, routes.publicRoutes());
        assertEquals(PUBLIC_FILES, routes.publicFiles());
        assertTrue(routes.routes().containsAll(PUBLIC_ROUTES), routes::toString);
        assertTrue(routes.routes().size() > PUBLIC_ROUTES.size() + 5, routes::toString);
    }

    @Test
    void everyRouteButTheSignInOnesAnswers401WithoutASession(RunningKeyhole keyhole, LockedConsole console)
            throws Exception {
        int attemptsBefore = console.wrongAttempts();
        for (String route : keyhole.routes().routes()) {
            for (Map<String, String> cookie : unauthenticated(keyhole)) {
                RawHttp.Answer answer = probe(keyhole, route, cookie);
                if (PUBLIC_ROUTES.contains(route)) {
                    assertNotEquals(500, answer.status(), () -> route + ": " + answer);
                    continue;
                }
                assertEquals(401, answer.status(), () -> route + " with " + cookie + ": " + answer);
                assertTrue(answer.body().contains("Sign in first"), () -> route + ": " + answer);
                assertEquals("Keyhole-Session realm=\"Keyhole\"", answer.header("WWW-Authenticate"), route);
                assertNull(answer.header("Upgrade"), () -> route + " upgraded: " + answer);
            }
        }
        assertEquals(attemptsBefore, console.wrongAttempts(), "no attempt reached the console's prompt");
    }

    @Test
    void everyPageButTheSignInPageRedirectsToItAndBack(RunningKeyhole keyhole) throws Exception {
        for (String file : webAppFiles()) {
            RawHttp.Answer answer = RawHttp.send(keyhole.uri(), "GET", file, null, Map.of(), null);
            if (PUBLIC_FILES.contains(file)) {
                assertEquals(200, answer.status(), () -> file + ": " + answer);
                continue;
            }
            assertEquals(303, answer.status(), () -> file + ": " + answer);
            assertEquals("/sign-in.html?next=" + java.net.URLEncoder.encode(file, java.nio.charset.StandardCharsets.UTF_8),
                    answer.header("Location"), file);
            assertFalse(answer.body().contains("<script"), () -> file + " leaked its content: " + answer);
        }
        RawHttp.Answer console = RawHttp.send(keyhole.uri(), "GET", "/console.html?target=locked", null, Map.of(),
                null);
        assertEquals("/sign-in.html?next=%2Fconsole.html%3Ftarget%3Dlocked", console.header("Location"),
                "the sign-in page comes back to the page and its query");
    }

    @Test
    void aSessionThatHasNotProvenItsSecondFactorReachesNothingButItsSteps(RunningKeyhole keyhole) throws Exception {
        keyhole.accounts().addUser("half-way", Role.OPERATOR, List.of(), RunningKeyhole.TEST_PASSWORD);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        RawHttp.Answer signIn = RawHttp.send(keyhole.uri(), "POST", "/api/sign-in", null, headers,
                "{\"name\":\"half-way\",\"password\":\"" + RunningKeyhole.TEST_PASSWORD + "\"}");
        assertEquals(200, signIn.status(), signIn::toString);
        assertTrue(signIn.body().contains("\"state\":\"enrol\""), signIn::toString);
        SignedIn partial = SignedIn.fromCookies(List.of(signIn.header("Set-Cookie").split(", ")));

        for (String route : keyhole.routes().routes()) {
            if (PUBLIC_ROUTES.contains(route) || SIGNING_IN_ROUTES.contains(route)) {
                continue;
            }
            RawHttp.Answer answer = probe(keyhole, route, partial.headers());
            assertEquals(401, answer.status(), () -> route + " for a session still signing in: " + answer);
        }
        RawHttp.Answer session = RawHttp.send(keyhole.uri(), "GET", "/api/session", null, partial.headers(), null);
        assertTrue(session.body().contains("\"state\":\"enrol\""), session::toString);
    }

    @Test
    void aSignedInPagesChangesNeedItsCsrfToken(RunningKeyhole keyhole) throws Exception {
        SignedIn as = keyhole.signedIn();
        String stage = "/api/targets/" + RunningKeyhole.TARGET + "/stage";
        for (String csrf : new String[] {null, "", "x".repeat(43), as.session()}) {
            Map<String, String> headers = new LinkedHashMap<>();
            headers.put("Cookie", as.cookie());
            headers.put("Content-Type", "application/json");
            if (csrf != null) {
                headers.put(SignedIn.CSRF_HEADER, csrf);
            }
            RawHttp.Answer answer = RawHttp.send(keyhole.uri(), "POST", stage, null, headers, "{\"stage\":\"console\"}");
            assertEquals(403, answer.status(), () -> "CSRF token " + csrf + ": " + answer);
            assertTrue(answer.body().contains("CSRF"), answer::toString);
        }
        Map<String, String> headers = new LinkedHashMap<>(as.headers());
        headers.put("Content-Type", "application/json");
        assertEquals(200, RawHttp.send(keyhole.uri(), "POST", stage, null, headers, "{\"stage\":\"console\"}")
                .status(), "with the page's token");
    }

    @Test
    void aSignedOutSessionsCookieOpensNothing(RunningKeyhole keyhole) throws Exception {
        User user = keyhole.testUser();
        SignedIn as = SignedIn.redeem(keyhole.uri(), keyhole.signInLink(user));
        assertEquals(200, RawHttp.send(keyhole.uri(), "GET", "/api/targets", null, as.headers(), null).status());
        RawHttp.Answer out = RawHttp.send(keyhole.uri(), "POST", "/api/sign-out", null, as.headers(), null);
        assertEquals(200, out.status(), out::toString);
        assertTrue(out.header("Set-Cookie").contains("Max-Age=0"), out::toString);

        assertEquals(401, RawHttp.send(keyhole.uri(), "GET", "/api/targets", null, as.headers(), null).status(),
                "a replayed cookie of an ended session");
        Map<String, String> handshake = new LinkedHashMap<>(RawHttp.webSocketHandshake());
        handshake.putAll(as.headers());
        RawHttp.Answer tunnel = RawHttp.send(keyhole.uri(), "GET", "/tunnel?target=" + RunningKeyhole.TARGET, null,
                handshake, null);
        assertEquals(401, tunnel.status(), tunnel::toString);
    }

    @Test
    void aOneTimeLinkWorksOnce(RunningKeyhole keyhole) throws Exception {
        URI link = keyhole.signInLink();
        SignedIn.redeem(keyhole.uri(), link);
        Map<String, String> headers = Map.of("Content-Type", "application/json");
        RawHttp.Answer again = RawHttp.send(keyhole.uri(), "POST", "/api/sign-in/link", null, headers,
                "{\"token\":\"" + link.getFragment().substring("link=".length()) + "\"}");
        assertEquals(410, again.status(), again::toString);
        assertNull(again.header("Set-Cookie"), again::toString);
    }

    /** No cookie; a cookie of no session; a tampered one; a cookie that is not even a token. */
    private static List<Map<String, String>> unauthenticated(RunningKeyhole keyhole) {
        String real = keyhole.signedIn().session();
        String tampered = (real.charAt(0) == 'A' ? 'B' : 'A') + real.substring(1);
        List<Map<String, String>> cookies = new ArrayList<>();
        cookies.add(Map.of());
        cookies.add(Map.of("Cookie", SignedIn.SESSION_COOKIE + "=" + "A".repeat(43)));
        cookies.add(Map.of("Cookie", SignedIn.SESSION_COOKIE + "=" + tampered));
        cookies.add(Map.of("Cookie", SignedIn.SESSION_COOKIE + "=' OR 1=1 --"));
        return cookies;
    }

    /** Sends a route's request as Keyhole's own page would, with its template's variables filled in. */
    private static RawHttp.Answer probe(RunningKeyhole keyhole, String route, Map<String, String> cookie)
            throws IOException {
        String method = route.substring(0, route.indexOf(' '));
        String path = route.substring(route.indexOf(' ') + 1).replace("{name}", RunningKeyhole.TARGET)
                .replace("{action}", "start").replace("{id}", "A".repeat(43));
        Map<String, String> headers = new LinkedHashMap<>(cookie);
        String body = null;
        if (path.equals("/tunnel")) {
            path = "/tunnel?target=" + RunningKeyhole.TARGET;
            headers.putAll(RawHttp.webSocketHandshake());
        } else if (method.equals("POST")) {
            headers.put("Content-Type", "application/json");
            headers.put("X-Keyhole-Action", "start");
            body = "{}";
        }
        return RawHttp.send(keyhole.uri(), method, path, "http://127.0.0.1:" + keyhole.uri().getPort(), headers, body);
    }

    /** Every file of the web app, as the server serves it: {@code /index.html}, {@code /js/api.js}, … */
    private static Set<String> webAppFiles() throws IOException, URISyntaxException {
        URL root = SignInRequiredTest.class.getClassLoader().getResource("keyhole/webapp/index.html");
        URI index = root.toURI();
        Set<String> files = new TreeSet<>();
        if (index.getScheme().equals("jar")) {
            try (FileSystem jar = FileSystems.newFileSystem(index, Map.of())) {
                collect(jar.getPath("/keyhole/webapp"), files);
            }
        } else {
            collect(Path.of(index).getParent(), files);
        }
        files.add("/");
        return files;
    }

    private static void collect(Path webapp, Set<String> files) throws IOException {
        try (Stream<Path> paths = Files.walk(webapp)) {
            paths.filter(Files::isRegularFile).forEach(p -> files.add("/" + webapp.relativize(p).toString()
                    .replace('\\', '/')));
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
