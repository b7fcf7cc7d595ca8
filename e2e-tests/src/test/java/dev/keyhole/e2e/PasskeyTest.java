package dev.keyhole.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keyhole.e2e.fixtures.Browser;
import dev.keyhole.e2e.fixtures.E2ePaths;
import dev.keyhole.e2e.fixtures.Fixtures;
import dev.keyhole.e2e.fixtures.InjectKeyhole;
import dev.keyhole.e2e.fixtures.KeyholeE2E;
import dev.keyhole.e2e.fixtures.KeyholeSetup;
import dev.keyhole.e2e.fixtures.RunningKeyhole;
import dev.keyhole.e2e.fixtures.SecondBrowser;
import dev.keyhole.e2e.fixtures.VirtualPasskeys;
import dev.keyhole.e2e.pages.AccountMenu;
import dev.keyhole.e2e.pages.PasskeysPage;
import dev.keyhole.e2e.pages.SignInPage;
import dev.keyhole.e2e.pages.SignInPage.View;
import dev.keyhole.e2e.pages.TargetsPage;
import dev.keyhole.server.accounts.Role;
import dev.keyhole.server.config.KeyholeConfig;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/**
 * Passkeys in a real browser, with Chromium's virtual authenticator standing in for a phone's: a new operator sets
 * one up from the enrolment view after their password, and from then on signs in with it alone, no name typed, on
 * a desktop and in a phone's emulation; one user's passkey neither proves another's second factor nor signs anyone
 * in but its user; a passkey removed on the passkeys page signs nobody in; and on an IP address the page offers no
 * passkey but says where to go. The pages are on {@code http://localhost:PORT}: an IP address cannot have passkeys.
 */
@KeyholeE2E
class PasskeyTest {

    /** A Keyhole with no consoles: these tests need only its accounts, each test a fresh one. */
    public static final class NoConsoles implements KeyholeSetup {
        @Override
        public void configure(KeyholeConfig.Builder keyhole, Fixtures fixtures) {
            // the base: loopback, any free port, no targets
        }
    }

    @Test
    void aNewOperatorEnrolsAPasskeyThenSignsInWithItAloneOnADesktop(
            @InjectKeyhole(value = NoConsoles.class, lifecycle = InjectKeyhole.Lifecycle.METHOD) RunningKeyhole keyhole,
            Browser browser) throws IOException {
        enrolThenSignInWithThePasskeyAlone(keyhole, browser, "desktop", "Linux computer");
    }

    @Test
    void aNewOperatorEnrolsAPasskeyThenSignsInWithItAloneOnAPhone(
            @InjectKeyhole(value = NoConsoles.class, lifecycle = InjectKeyhole.Lifecycle.METHOD) RunningKeyhole keyhole,
            @SecondBrowser(phone = true) Browser phone) throws IOException {
        enrolThenSignInWithThePasskeyAlone(keyhole, phone, "phone", "Android phone");
        assertEquals(Browser.PHONE_WIDTH, ((Number) phone.script("return window.innerWidth")).intValue(),
                "a phone's viewport");
    }

    /**
     * @param device   for the screenshots' names
     * @param nickname what the server names the passkey after the browser's {@code User-Agent}
     */
    private static void enrolThenSignInWithThePasskeyAlone(RunningKeyhole keyhole, Browser browser, String device,
            String nickname) throws IOException {
        keyhole.accounts().addUser("olga", Role.OPERATOR, List.of(), RunningKeyhole.TEST_PASSWORD);
        SignInPage page = freshSignInPage(browser, localhost(keyhole));
        try (VirtualPasskeys phone = VirtualPasskeys.attach(browser)) {
            assertTrue(page.shows("passkey-sign-in"), "a passkey is offered under the name localhost");
            screenshot(browser, "passkey-sign-in-" + device);
            page.submitPassword("olga", RunningKeyhole.TEST_PASSWORD).waitForView(View.ENROL);
            assertTrue(page.shows("enrol-passkey"), "a passkey is offered");
            assertTrue(page.shows("enrol-qr"), "beside the authenticator app");
            screenshot(browser, "passkey-enrol-" + device);

            page.enrolPasskey().waitUntilSignedIn();
            AccountMenu account = TargetsPage.attach(browser.driver()).account().waitForSignedIn();
            assertEquals("olga", account.userName());
            assertEquals(1, phone.credentials().size(), "the authenticator keeps one passkey");
            assertTrue(phone.credentials().get(0).isResidentCredential(), "a discoverable one");
            account.open();
            screenshot(browser, "passkey-account-menu-" + device);
            PasskeysPage passkeys = account.passkeys();
            assertEquals(List.of(nickname), passkeys.names(), "named after the device");
            screenshot(browser, "passkeys-page-" + device);

            SignInPage again = new AccountMenu(browser.driver()).signOut();
            assertEquals("", browser.driver().findElement(By.id("sign-in-name")).getDomProperty("value"));
            again.signInWithPasskey().waitUntilSignedIn();
            assertEquals("olga", TargetsPage.attach(browser.driver()).account().waitForSignedIn().userName(),
                    "the passkey alone signed her in, no name typed");
        }
    }

    @Test
    void onesPasskeySignsInNobodyElseAndRemovedItSignsInNobody(
            @InjectKeyhole(value = NoConsoles.class, lifecycle = InjectKeyhole.Lifecycle.METHOD) RunningKeyhole keyhole,
            Browser browser) throws IOException {
        keyhole.accounts().addUser("rosa", Role.OPERATOR, List.of(), RunningKeyhole.TEST_PASSWORD);
        keyhole.accounts().addUser("quinn", Role.OPERATOR, List.of(), RunningKeyhole.TEST_PASSWORD);
        SignInPage page = freshSignInPage(browser, localhost(keyhole));
        try (VirtualPasskeys rosasKey = VirtualPasskeys.attach(browser)) {
            page.submitPassword("rosa", RunningKeyhole.TEST_PASSWORD).enrolPasskey().waitUntilSignedIn();
            signOut(browser);
        }
        try (VirtualPasskeys quinnsPhone = VirtualPasskeys.attach(browser)) {
            page = SignInPage.attach(browser.driver());
            page.submitPassword("quinn", RunningKeyhole.TEST_PASSWORD).enrolPasskey().waitUntilSignedIn();
            page = signOut(browser);

            page.submitPassword("rosa", RunningKeyhole.TEST_PASSWORD).waitForView(View.PASSKEY);
            assertFalse(page.shows("passkey-to-code"), "she has no app");
            screenshot(browser, "passkey-second-factor-desktop");
            // The page names rosa's passkeys only; a page that asked for any would get quinn's, and be refused.
            Object refused = browser.asyncScript("""
                    const done = arguments[arguments.length - 1];
                    (async () => {
                      const api = await import("/js/api.js");
                      const passkey = await import("/js/passkey.js");
                      const options = await api.startPasskeySecondFactor();
                      delete options.publicKey.allowCredentials;
                      try {
                        const credential = await passkey.getPasskey(options.publicKey);
                        await api.finishPasskeySecondFactor(options.ceremony, credential);
                        done("signed in");
                      } catch (e) {
                        done(e.status + " " + e.message);
                      }
                    })();
                    """);
            assertEquals("401 This passkey is not yours: use one of your own.", refused);
            browser.driver().findElement(By.id("start-over")).click();
            page.signInWithPasskey().waitUntilSignedIn();
            TargetsPage targets = TargetsPage.attach(browser.driver());
            assertEquals("quinn", targets.account().waitForSignedIn().userName(),
                    "quinn's passkey signs quinn in, not rosa");

            PasskeysPage passkeys = targets.account().passkeys();
            passkeys.remove(passkeys.names().get(0));
            assertEquals(List.of(), passkeys.names());
            page = signOut(browser);

            page.signInWithPasskey();
            assertTrue(page.waitForMessage().startsWith("This passkey is not registered with Keyhole"),
                    page::describe);
            assertEquals(View.SIGN_IN.value(), page.view(), "still signed out");
            assertEquals(1, quinnsPhone.credentials().size(), "the phone still offers it; Keyhole refuses it");
        }
    }

    @Test
    void onAnIpAddressThePageOffersNoPasskeyButSaysWhereTo(
            @InjectKeyhole(value = NoConsoles.class, lifecycle = InjectKeyhole.Lifecycle.METHOD) RunningKeyhole keyhole,
            Browser browser) throws IOException {
        SignInPage page = SignInPage.open(browser, keyhole.uri().resolve("/sign-in.html"));
        assertFalse(page.shows("passkey-sign-in"), "no button that cannot work");
        assertTrue(page.shows("passkey-sign-in-note"));
        String localhost = "http://localhost:" + keyhole.uri().getPort();
        assertEquals("Passkeys need Keyhole opened under a name, not an IP address: open " + localhost
                + " to use one.", page.text("passkey-sign-in-note"));
        assertEquals(localhost + "/sign-in.html", browser.driver().findElement(By.cssSelector(
                "#passkey-sign-in-note a")).getDomAttribute("href"));
        screenshot(browser, "passkey-on-an-ip-address-desktop");
    }

    /** The server's own address under the name localhost: both are allowed origins by default. */
    private static URI localhost(RunningKeyhole keyhole) {
        return URI.create("http://localhost:" + keyhole.uri().getPort() + "/");
    }

    /** The sign-in page without a session left from another test (the shared browser keeps its cookies). */
    private static SignInPage freshSignInPage(Browser browser, URI site) {
        browser.driver().get(site.resolve("/sign-in.html").toString());
        browser.driver().manage().deleteAllCookies();
        return SignInPage.open(browser, site.resolve("/sign-in.html")).waitForView(View.SIGN_IN);
    }

    /** Signs out from the account menu of the page behind the sign-in that the browser shows. */
    private static SignInPage signOut(Browser browser) {
        return new AccountMenu(browser.driver()).signOut().waitForView(View.SIGN_IN);
    }

    private static void screenshot(Browser browser, String name) throws IOException {
        Path dir = Files.createDirectories(E2ePaths.target().resolve("screenshots"));
        Files.write(dir.resolve(name + ".png"), browser.screenshot());
    }
}
