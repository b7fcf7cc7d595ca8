package dev.keyhole.e2e;

import static dev.keyhole.e2e.pages.ConsolePage.State.CONNECTED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keyhole.e2e.fixtures.Browser;
import dev.keyhole.e2e.fixtures.BrowserLauncher;
import dev.keyhole.e2e.fixtures.E2ePaths;
import dev.keyhole.e2e.fixtures.Fixtures;
import dev.keyhole.e2e.fixtures.InjectKeyhole;
import dev.keyhole.e2e.fixtures.KeyholeE2E;
import dev.keyhole.e2e.fixtures.KeyholeSetup;
import dev.keyhole.e2e.fixtures.LockedTarget;
import dev.keyhole.e2e.fixtures.Nginx;
import dev.keyhole.e2e.fixtures.Openssl;
import dev.keyhole.e2e.fixtures.RunningKeyhole;
import dev.keyhole.e2e.pages.TargetsPage;
import dev.keyhole.server.config.HttpConfig;
import dev.keyhole.server.config.KeyholeConfig;
import dev.keyhole.server.config.Origins;
import dev.keyhole.server.config.TlsConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The README's nginx example, taken from the README: Debian's nginx terminates TLS (HTTP/2) in front of Keyhole in
 * {@code tls.mode: proxy}, and Chromium opens a console through it. Only what must differ here is changed: nginx's
 * port, its certificate (one made with openssl) and Keyhole's port.
 */
@KeyholeE2E
class NginxProxyTest {

    private static Nginx nginx(Fixtures fixtures) {
        return fixtures.ofTheClass("nginx", Nginx.class, Nginx::prepare);
    }

    /** Keyhole as the README configures it behind nginx: loopback, proxy mode, nginx's URL the allowed origin. */
    public static final class BehindNginx implements KeyholeSetup {
        @Override
        public void configure(KeyholeConfig.Builder keyhole, Fixtures fixtures) {
            KeyholeConfig base = keyhole.build();
            String origin = "https://localhost:" + nginx(fixtures).port();
            keyhole.http(new HttpConfig(base.http().bind(), base.http().port(), List.of(Origins.normalise(origin))))
                    .tls(TlsConfig.proxy(TlsConfig.LOOPBACK_PROXIES));
            new LockedTarget().configure(keyhole, fixtures);
        }
    }

    /** The README's {@code nginx} block, pointed at this machine's ports and certificate. */
    private static String readmeExample(int nginxPort, Path certificate, Path key, int keyholePort)
            throws IOException {
        String readme = Files.readString(E2ePaths.repoRoot().resolve("README.md"));
        int start = readme.indexOf("```nginx\n");
        assertTrue(start >= 0, "README.md has no nginx block");
        String block = readme.substring(start + "```nginx\n".length(), readme.indexOf("```\n", start + 1));
        return replace(replace(replace(replace(block,
                "listen 443 ssl http2;", "listen 127.0.0.1:" + nginxPort + " ssl http2;"),
                "/etc/letsencrypt/live/keyhole.example.org/fullchain.pem", certificate.toString()),
                "/etc/letsencrypt/live/keyhole.example.org/privkey.pem", key.toString()),
                "http://127.0.0.1:" + HttpConfig.DEFAULT.port() + ";", "http://127.0.0.1:" + keyholePort + ";");
    }

    private static String replace(String text, String what, String with) {
        assertTrue(text.contains(what), () -> "the README's nginx block no longer has '" + what + "':\n" + text);
        return text.replace(what, with);
    }

    @Test
    void chromiumOpensAConsoleThroughTheReadmesNginx(@InjectKeyhole(BehindNginx.class) RunningKeyhole keyhole,
            Fixtures fixtures, BrowserLauncher browsers) throws Exception {
        Nginx nginx = nginx(fixtures);
        Path tls = Openssl.certificate(E2ePaths.fixtureDir(NginxProxyTest.class, "certificate"), Openssl.KeyType.EC);
        nginx.start(readmeExample(nginx.port(), tls.resolve("cert.pem"), tls.resolve("key.pem"),
                keyhole.uri().getPort()));

        Browser browser = browsers.launch(List.of("--ignore-certificate-errors-spki-list="
                + Openssl.publicKeySha256(Openssl.read(tls.resolve("cert.pem")))));
        TargetsPage targets = TargetsPage.open(browser, nginx.uri(),
                nginx.uri().resolve("/sign-in.html#" + keyhole.signInLink().getFragment()));
        assertEquals(List.of(RunningKeyhole.TARGET), targets.targetNames());
        targets.openConsole(RunningKeyhole.TARGET).waitForState(CONNECTED).waitForPicture();
        assertEquals("h2", browser.script("return performance.getEntriesByType('navigation')[0].nextHopProtocol"),
                "nginx speaks HTTP/2 to the browser");
        Object hsts = browser.asyncScript("const done = arguments[0]; fetch('/api/targets')"
                + ".then(r => done(r.headers.get('strict-transport-security')), e => done(String(e)));");
        assertEquals("max-age=31536000", hsts, "Keyhole believed nginx that the browser came over HTTPS");
    }
}
