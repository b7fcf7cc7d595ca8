package dev.keyhole.e2e;

import static dev.keyhole.e2e.pages.ConsolePage.State.CONNECTED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keyhole.e2e.fixtures.Browser;
import dev.keyhole.e2e.fixtures.BrowserLauncher;
import dev.keyhole.e2e.fixtures.E2ePaths;
import dev.keyhole.e2e.fixtures.Fixtures;
import dev.keyhole.e2e.fixtures.Guacd;
import dev.keyhole.e2e.fixtures.KeyholeE2E;
import dev.keyhole.e2e.fixtures.LockedConsole;
import dev.keyhole.e2e.fixtures.RunningKeyhole;
import dev.keyhole.e2e.fixtures.ServedKeyhole;
import dev.keyhole.e2e.fixtures.SignedIn;
import dev.keyhole.e2e.pages.ConsolePage;
import dev.keyhole.e2e.pages.TargetsPage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;

/**
 * Keyhole run as {@code ./keyhole serve} runs it, in {@code tls.mode: self-signed}: the certificate it makes in its
 * data directory and the fingerprints it prints, HTTPS with HSTS and HTTP/2, and Chromium, given the printed
 * public-key fingerprint (and no switch that turns certificate checks off), opening the console over {@code wss://}.
 * And what it says when told to serve plain HTTP beyond loopback.
 */
@KeyholeE2E
class HttpsTest {

    private static final String HSTS = "max-age=31536000";

    /** The class's Keyhole: self-signed, its data directory under the class's fixtures. */
    private static ServedKeyhole selfSigned(Fixtures fixtures, Guacd guacd, LockedConsole console) {
        return fixtures.ofTheClass("self-signed", ServedKeyhole.class,
                dir -> ServedKeyhole.start(dir, selfSignedYaml(guacd, console, dir.resolve("data"))));
    }

    private static String selfSignedYaml(Guacd guacd, LockedConsole console, Path dataDir) {
        return "tls:\n  mode: self-signed\n" + RunningKeyhole.yaml(guacd, console, dataDir);
    }

    private static Path dataDir() {
        return E2ePaths.fixturePath(HttpsTest.class, "self-signed").resolve("data");
    }

    /** The certificate Keyhole keeps in its data directory. */
    private static X509Certificate keptCertificate() throws Exception {
        try (InputStream in = Files.newInputStream(dataDir().resolve("tls/self-signed.crt"))) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    /** A client that trusts that certificate and nothing else, and checks the host name against it. */
    private static HttpClient trusting(X509Certificate certificate, HttpClient.Version version) throws Exception {
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry("keyhole", certificate);
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return HttpClient.newBuilder().version(version).sslContext(context).build();
    }

    private static String fingerprint(X509Certificate certificate) throws Exception {
        return HexFormat.ofDelimiter(":").withUpperCase().formatHex(
                MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
    }

    @Test
    void httpsAnswersWithHstsOverHttp2WithTheCertificateItPrinted(Fixtures fixtures, Guacd guacd,
            LockedConsole console) throws Exception {
        ServedKeyhole keyhole = selfSigned(fixtures, guacd, console);
        X509Certificate kept = keptCertificate();
        HttpResponse<String> page = trusting(kept, HttpClient.Version.HTTP_2).send(
                HttpRequest.newBuilder(keyhole.uri("https").resolve("/sign-in.html")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, page.statusCode(), page::body);
        assertEquals(HttpClient.Version.HTTP_2, page.version());
        assertEquals(Optional.of(HSTS), page.headers().firstValue("Strict-Transport-Security"));
        X509Certificate presented = (X509Certificate) page.sslSession().orElseThrow().getPeerCertificates()[0];
        assertEquals(keyhole.printedFingerprint(), fingerprint(presented), "the fingerprint it printed");
        assertEquals(kept, presented);

        SignedIn as = SignedIn.redeem(trusting(kept, HttpClient.Version.HTTP_1_1), keyhole.uri("https"),
                keyhole.signInLink("https"));
        HttpResponse<String> api = trusting(kept, HttpClient.Version.HTTP_1_1).send(
                HttpRequest.newBuilder(URI.create("https://localhost:" + keyhole.port() + "/api/targets"))
                        .headers(as.headerArray()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, api.statusCode(), api::body);
        assertEquals(HttpClient.Version.HTTP_1_1, api.version(), "HTTP/1.1 for a client that asks for it");
        assertEquals(Optional.of(HSTS), api.headers().firstValue("Strict-Transport-Security"));
        assertTrue(api.body().contains("\"name\":\"" + RunningKeyhole.TARGET + "\""), api::body);
    }

    @Test
    void theReadmesOpensslAndCurlCommandsSeeThatCertificate(Fixtures fixtures, Guacd guacd, LockedConsole console)
            throws Exception {
        ServedKeyhole keyhole = selfSigned(fixtures, guacd, console);
        String address = "127.0.0.1:" + keyhole.port();
        assertEquals("sha256 Fingerprint=" + keyhole.printedFingerprint(), shell("openssl s_client -connect "
                + address + " </dev/null 2>/dev/null | openssl x509 -noout -fingerprint -sha256"));
        assertEquals("200", shell("curl -sS -o /dev/null -w '%{http_code}' --cacert "
                + dataDir().resolve("tls/self-signed.crt") + " https://localhost:" + keyhole.port() + "/sign-in.html"));
    }

    /** Runs a shell command line as the README writes it; returns what it printed, stripped. */
    private static String shell(String command) throws Exception {
        Process process = new ProcessBuilder("bash", "-c", command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertEquals(0, process.waitFor(), () -> command + ": " + output);
        return output;
    }

    @Test
    void plainHttpOnThePortGetsNoHttpAnswer(Fixtures fixtures, Guacd guacd, LockedConsole console)
            throws Exception {
        ServedKeyhole keyhole = selfSigned(fixtures, guacd, console);
        ByteArrayOutputStream answer = new ByteArrayOutputStream();
        try (Socket socket = new Socket("127.0.0.1", keyhole.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET / HTTP/1.1\r\nHost: 127.0.0.1:" + keyhole.port()
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            socket.getInputStream().transferTo(answer);
        } catch (SocketTimeoutException | java.net.SocketException e) {
            // closed without an answer, or reset: no HTTP either way
        }
        String text = answer.toString(StandardCharsets.ISO_8859_1);
        assertFalse(text.startsWith("HTTP/"), () -> "plain HTTP was answered: " + text);
    }

    @Test
    void chromiumGivenThePrintedFingerprintOpensTheConsoleOverWss(Fixtures fixtures, Guacd guacd,
            LockedConsole console, BrowserLauncher browsers) {
        ServedKeyhole keyhole = selfSigned(fixtures, guacd, console);
        Browser browser = browsers.launch(List.of("--ignore-certificate-errors-spki-list="
                + keyhole.printedPublicKeyHash()));
        TargetsPage targets = TargetsPage.open(browser, keyhole.uri("https"), keyhole.signInLink("https"));
        assertEquals(List.of(RunningKeyhole.TARGET), targets.targetNames());
        ConsolePage page = targets.openConsole(RunningKeyhole.TARGET).waitForState(CONNECTED).waitForPicture();
        assertEquals("connected", page.state());
        // An https page may open no ws:// WebSocket (mixed content): the console's tunnel is wss://.
        assertEquals("https:", browser.script("return location.protocol"));
        assertEquals(true, browser.script("return window.isSecureContext"));
        assertEquals("h2", browser.script("return performance.getEntriesByType('navigation')[0].nextHopProtocol"));
    }

    @Test
    void withoutTheFingerprintChromiumRefusesTheCertificate(Fixtures fixtures, Guacd guacd, LockedConsole console,
            Browser browser) {
        ServedKeyhole keyhole = selfSigned(fixtures, guacd, console);
        String page = browser.inFreshTab(() -> {
            browser.driver().get(keyhole.uri("https").toString());
            return browser.driver().getPageSource();
        });
        assertTrue(page.contains("ERR_CERT_AUTHORITY_INVALID"), "Chromium's warning page, not Keyhole's: " + page);
        assertFalse(page.contains("data-page"), page);
    }

    @Test
    void aLaterStartKeepsTheCertificateAndItsFingerprints(Fixtures fixtures, Guacd guacd, LockedConsole console)
            throws Exception {
        ServedKeyhole first = selfSigned(fixtures, guacd, console);
        try (ServedKeyhole again = ServedKeyhole.start(E2ePaths.fixtureDir(HttpsTest.class, "self-signed-again"),
                selfSignedYaml(guacd, console, dataDir()))) {
            assertTrue(again.output().contains("Using the self-signed TLS certificate kept in " + dataDir()
                    .resolve("tls")), again::output);
            assertEquals(first.printedFingerprint(), again.printedFingerprint());
            assertEquals(first.printedPublicKeyHash(), again.printedPublicKeyHash());
        }
        assertTrue(first.output().contains("Made a new self-signed TLS certificate in " + dataDir().resolve("tls")
                + " (there was none)"), first::output);
        assertEquals("rw-------", PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dataDir().resolve("tls/self-signed.key"))));
    }

    @Test
    void plainHttpBeyondLoopbackIsRefusedSayingWhatToDo(Guacd guacd, LockedConsole console) throws Exception {
        String advice = "without TLS (tls.mode off) Keyhole listens on loopback only, since everything typed into a "
                + "console would cross the network readable: set tls.mode to self-signed (a certificate Keyhole "
                + "makes) or files (your certificate), or to proxy behind a TLS-terminating reverse proxy, or bind "
                + "127.0.0.1";
        Path unused = E2ePaths.fixtureDir(HttpsTest.class, "bind-data");
        String everyAddress = RunningKeyhole.yaml(guacd, console, unused).replace("bind: 127.0.0.1", "bind: 0.0.0.0");
        ServedKeyhole.Exited inTheFile = ServedKeyhole.refused(E2ePaths.fixtureDir(HttpsTest.class, "bind-file"),
                everyAddress, Map.of());
        assertEquals(2, inTheFile.status(), inTheFile::output);
        // Line 3: the file starts with data-dir and http:.
        assertTrue(inTheFile.output().contains(inTheFile.config() + ":3: http.bind = 0.0.0.0: " + advice),
                inTheFile::output);
        assertFalse(inTheFile.output().contains("Keyhole listening"), inTheFile::output);

        ServedKeyhole.Exited fromTheEnvironment = ServedKeyhole.refused(
                E2ePaths.fixtureDir(HttpsTest.class, "bind-environment"), RunningKeyhole.yaml(guacd, console, unused),
                Map.of("KEYHOLE_HTTP_BIND", "0.0.0.0"));
        assertEquals(2, fromTheEnvironment.status(), fromTheEnvironment::output);
        assertTrue(fromTheEnvironment.output().contains("environment:KEYHOLE_HTTP_BIND: http.bind = 0.0.0.0: "
                + advice), fromTheEnvironment::output);
    }
}
