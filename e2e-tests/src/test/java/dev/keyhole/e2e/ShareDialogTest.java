package dev.keyhole.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keyhole.e2e.fixtures.Browser;
import dev.keyhole.e2e.fixtures.KeyholeE2E;
import dev.keyhole.e2e.fixtures.LockedConsole;
import dev.keyhole.e2e.fixtures.Passphrases;
import dev.keyhole.e2e.fixtures.RunningKeyhole;
import dev.keyhole.e2e.fixtures.SecondBrowser;
import dev.keyhole.e2e.fixtures.SignedIn;
import dev.keyhole.e2e.fixtures.Waits;
import dev.keyhole.e2e.pages.ConsolePage;
import dev.keyhole.e2e.pages.ShareDialog;
import dev.keyhole.server.accounts.Role;
import dev.keyhole.server.accounts.User;
import dev.keyhole.testsupport.LeakNeedles;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The console page's Share dialog in Chromium, against the real server: an operator makes a link to type for an
 * hour on up to three devices, sees its URL and QR code once (never in the page's address or storage), finds it in
 * the list, sees a device open it, and revokes it; a viewer is offered no Share button; an admin sees and revokes
 * another operator's link; on a phone the dialog fits the screen. Screenshots of the dialog are kept under
 * {@code target/screenshots/share/}.
 */
@KeyholeE2E
class ShareDialogTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String LINKS = "/api/targets/" + RunningKeyhole.TARGET + "/links";
    private static final Duration WAIT = Duration.ofSeconds(15);
    /** The dialog reads its list every 10 s; a device's opening shows by the next read. */
    private static final Duration NEXT_READ = Duration.ofSeconds(25);
    private static final Pattern JOIN_URL = Pattern.compile("^http://[^/#]+/join\\.html#([A-Za-z0-9_-]+)$");
    private static final Dimension DESKTOP = new Dimension(1280, 800);

    private Browser browser;
    private Dimension sizeBefore;

    private static User user(RunningKeyhole keyhole, String name, Role role) {
        return keyhole.accounts().users().byName(name).orElseGet(() -> keyhole.accounts().addUser(name, role,
                List.of(), RunningKeyhole.TEST_PASSWORD));
    }

    private static SignedIn as(RunningKeyhole keyhole, String name, Role role) {
        return SignedIn.redeem(keyhole.uri(), keyhole.signInLink(user(keyhole, name, role)));
    }

    private static RawHttp.Answer post(RunningKeyhole keyhole, Map<String, String> headers, String path, String body)
            throws Exception {
        Map<String, String> all = new LinkedHashMap<>(headers);
        all.put("Content-Type", "application/json");
        return RawHttp.send(keyhole.uri(), "POST", path, null, all, body);
    }

    /** The console's links as {@code as} gets them from the API. */
    private static JsonNode listed(RunningKeyhole keyhole, SignedIn as) throws Exception {
        RawHttp.Answer list = RawHttp.send(keyhole.uri(), "GET", LINKS, null, as.headers(), null);
        assertEquals(200, list.status(), "the list of links");
        return JSON.readTree(list.body()).path("links");
    }

    private static JsonNode byId(JsonNode links, String id) {
        for (JsonNode link : links) {
            if (id.equals(link.path("id").asText())) {
                return link;
            }
        }
        throw new AssertionError("the API lists no link " + id);
    }

    /** Opens the console page in the browser, signed in as {@code user}. */
    private static ConsolePage console(Browser browser, RunningKeyhole keyhole, User user) {
        browser.signIn(keyhole.signInLink(user));
        ConsolePage page = ConsolePage.openSignedIn(browser, keyhole.uri(), RunningKeyhole.TARGET);
        page.account().waitForSignedIn();
        return page;
    }

    @Test
    void anOperatorMakesATypeLinkSeesItOnceWatchesADeviceOpenItAndRevokesIt(RunningKeyhole keyhole, Browser browser)
            throws Exception {
        useDesktop(browser);
        WebDriver driver = browser.driver();
        console(browser, keyhole, user(keyhole, "olga", Role.OPERATOR));
        ShareDialog dialog = ShareDialog.open(driver);
        assertEquals("15 minutes", dialog.expiry().getFirstSelectedOption().getText(), "15 minutes unless chosen");
        assertEquals(List.of("15 minutes", "1 hour", "4 hours", "8 hours", "24 hours"),
                dialog.expiry().getOptions().stream().map(o -> o.getText()).toList(), "up to the server's day");
        assertFalse(dialog.stagesBox().isEnabled(), "a link to watch switches no stage");
        browser.keepScreenshot("share/desktop-form");

        dialog.mode("type");
        assertTrue(dialog.stagesBox().isEnabled(), "a link to type may switch the stage");
        String note = "for Sam, disk of web-1";
        dialog.expiresAfter("1 hour").upToDevices(3).note(note).create();

        Matcher url = JOIN_URL.matcher(dialog.url());
        assertTrue(url.matches(), "the field holds the join page's URL with the token in its fragment");
        String token = url.group(1);
        LeakNeedles.add(token);
        assertEquals(43, token.length(), "256 bits in base64url");
        assertTrue(dialog.qrShown(), "the QR code is shown");
        String made = dialog.madeText();
        assertTrue(made.contains("This link is shown only now. Anyone who has it can open this console until it "
                + "expires or you revoke it."), made);
        assertTrue(made.contains("Type — passphrase box and key bar only") && made.contains("On up to 3 devices")
                && made.matches("(?s).*Expires \\d\\d:\\d\\d.*|(?s).*Expires tomorrow \\d\\d:\\d\\d.*"), made);
        String copied = dialog.copy();
        assertTrue(copied.equals("Copied.") || copied.contains("press Ctrl-C"), copied);
        browser.keepScreenshot("share/desktop-made");

        assertFalse(driver.getCurrentUrl().contains(token), "the page's own address never holds the token");
        assertEquals(0L, browser.script("return window.localStorage.length + window.sessionStorage.length"),
                "nothing in the page's storage");
        assertEquals(false, browser.script("return document.documentElement.outerHTML.includes(arguments[0])"
                + " || document.title.includes(arguments[0])", token), "nor in the page's markup");

        ShareDialog.Listed listed = dialog.waitForLink("the new link with its note, Type, 0 of 3 devices",
                l -> l.text().contains(note) && l.text().contains("Type") && l.text().contains("0 of 3 devices opened")
                        && l.text().matches("(?s).*expires (tomorrow )?\\d\\d:\\d\\d.*"));
        assertEquals("live", listed.state());
        assertTrue(listed.revocable(), "a live link has a Revoke button");
        assertFalse(listed.text().contains("made by"), "one's own link says no maker");

        dialog.makeAnother();
        assertEquals("", dialog.url(), "the link is gone from the dialog");
        assertEquals(false, browser.script("const img = document.getElementById('share-qr');"
                + " return img.hasAttribute('src') || document.documentElement.outerHTML.includes(arguments[0])",
                token), "and its QR code too");

        // A device opens the link: the open dialog's next read of the list shows it.
        RawHttp.Answer joined = post(keyhole, Map.of(), "/api/join", "{\"token\":\"" + token + "\"}");
        assertEquals(200, joined.status(), "the link opens on a device");
        dialog.waitForLink("the link opened on one of its 3 devices, at the next read of the list",
                l -> l.id().equals(listed.id()) && l.text().matches("(?s).*1 of 3 devices opened · last seen "
                        + "\\d\\d:\\d\\d.*"), NEXT_READ);

        dialog.revoke(listed.id());
        ShareDialog.Listed revoked = dialog.waitForLink("the link revoked",
                l -> l.id().equals(listed.id()) && "revoked".equals(l.state()));
        assertTrue(revoked.text().contains("revoked"), revoked.text());
        assertFalse(revoked.revocable(), "nothing more to revoke");
        assertTrue(byId(listed(keyhole, as(keyhole, "olga", Role.OPERATOR)), listed.id()).path("revoked").asBoolean(),
                "the API's list agrees");
        browser.keepScreenshot("share/desktop-list");

        // What the server refuses, the dialog says readably.
        browser.script("document.querySelector('#share-expiry option:checked').value = '99999'");
        String refused = dialog.createRefused();
        assertTrue(refused.startsWith("Could not make the link: ") && refused.contains("links.max-lifetime"), refused);
        browser.keepScreenshot("share/desktop-refused");
        dialog.close();
        assertEquals(0L, browser.script("return window.localStorage.length + window.sessionStorage.length"),
                "still nothing in the page's storage");
    }

    @Test
    void nothingTypedWhileTheDialogIsOpenReachesTheConsole(RunningKeyhole keyhole, LockedConsole console,
            Browser browser) {
        useDesktop(browser);
        WebDriver driver = browser.driver();
        ConsolePage page = console(browser, keyhole, user(keyhole, "olga", Role.OPERATOR))
                .waitForState(ConsolePage.State.CONNECTED).waitForPicture();
        ShareDialog dialog = ShareDialog.open(driver);
        // The focus on no field of the dialog (its list's heading, where it goes after a revocation), then a key.
        browser.script("document.getElementById('share-links-title').focus()");
        new Actions(driver).sendKeys("x").perform();
        dialog.close();
        // A stray "x" before it would make the passphrase wrong.
        page.typePassphrase(Passphrases.right());
        Waits.until("the console to take the passphrase", WAIT, () -> "events " + console.events(),
                () -> console.events().contains("unlocked") || console.wrongAttempts() > 0);
        assertEquals(0, console.wrongAttempts(), "the passphrase came alone: the key typed in the dialog never arrived");
    }

    @Test
    void aViewerIsOfferedNoShareButtonAndAnAdminRevokesAnOperatorsLink(RunningKeyhole keyhole, Browser browser)
            throws Exception {
        useDesktop(browser);
        WebDriver driver = browser.driver();
        console(browser, keyhole, user(keyhole, "vic", Role.VIEWER));
        new WebDriverWait(driver, WAIT).withMessage("the page to mark the viewer as watching")
                .until(d -> d.findElement(By.id("watching-pill")).isDisplayed());
        assertFalse(ShareDialog.offered(driver), "a viewer shares nothing");

        SignedIn otto = as(keyhole, "otto", Role.OPERATOR);
        RawHttp.Answer made = post(keyhole, otto.headers(), LINKS,
                "{\"mode\":\"watch\",\"minutes\":240,\"devices\":1,\"note\":\"otto's link for the night shift\"}");
        assertEquals(200, made.status(), "otto makes a link");
        JsonNode created = JSON.readTree(made.body());
        LeakNeedles.add(created.path("token").asText());
        String id = created.path("link").path("id").asText();

        console(browser, keyhole, keyhole.testUser());
        ShareDialog dialog = ShareDialog.open(driver);
        ShareDialog.Listed listed = dialog.waitForLink("otto's link, with its maker's name",
                l -> l.id().equals(id) && l.text().contains("otto's link for the night shift")
                        && l.text().contains("made by otto") && l.text().contains("Watch")
                        && l.text().contains("0 of 1 device opened"));
        assertEquals("live", listed.state());
        dialog.revoke(id);
        dialog.waitForLink("otto's link revoked", l -> l.id().equals(id) && "revoked".equals(l.state()));
        assertTrue(byId(listed(keyhole, otto), id).path("revoked").asBoolean(), "otto's list says it is revoked");
        dialog.close();
    }

    @Test
    void onAPhoneTheDialogFitsTheScreen(RunningKeyhole keyhole, @SecondBrowser(phone = true) Browser phone)
            throws Exception {
        WebDriver driver = phone.driver();
        console(phone, keyhole, keyhole.testUser()).waitForState(ConsolePage.State.CONNECTED);
        new WebDriverWait(driver, WAIT).withMessage("waiting for the console page to offer the Share button")
                .until(d -> ShareDialog.offered(d));
        phone.keepScreenshot("share/phone-console");
        ShareDialog dialog = ShareDialog.open(driver);
        assertFits(phone, "the form");
        phone.keepScreenshot("share/phone-form");
        dialog.mode("type").upToDevices(2).note("phone check").create();
        Matcher url = JOIN_URL.matcher(dialog.url());
        assertTrue(url.matches(), "the join page's URL");
        LeakNeedles.add(url.group(1));
        assertTrue(dialog.qrShown(), "the QR code is shown");
        assertFits(phone, "the new link");
        phone.keepScreenshot("share/phone-made");
        // Where the browser refuses the clipboard, Copy selects the link and says how to copy it.
        phone.script("Object.defineProperty(navigator, 'clipboard', {configurable: true,"
                + " value: {writeText: () => Promise.reject(new DOMException('refused', 'NotAllowedError'))}})");
        String copied = dialog.copy();
        assertTrue(copied.contains("press Ctrl-C"), copied);
        assertEquals(true, phone.script("const f = document.getElementById('share-url');"
                + " return document.activeElement === f && f.selectionStart === 0"
                + " && f.selectionEnd === f.value.length && f.value.length > 0"), "the whole link is selected");
        phone.script("document.getElementById('share-links').scrollIntoView()");
        dialog.waitForLink("the phone's link", l -> l.text().contains("phone check"));
        phone.keepScreenshot("share/phone-list");
        dialog.revoke(dialog.waitForLink("the phone's link", l -> l.text().contains("phone check")).id());
        dialog.waitForLink("the phone's link revoked", l -> l.text().contains("phone check")
                && "revoked".equals(l.state()));
        assertFits(phone, "the list");
    }

    /**
     * Checks that the dialog lies within the phone's screen and scrolls neither the page nor itself sideways, and
     * that each control it shows lies within it.
     */
    @SuppressWarnings("unchecked")
    private static void assertFits(Browser phone, String view) {
        Map<String, Object> box = (Map<String, Object>) phone.script("""
                const d = document.getElementById('share-dialog');
                const r = d.getBoundingClientRect();
                const outside = [...d.querySelectorAll('input, select, button, img, li')]
                    .filter((e) => e.offsetParent !== null)
                    .filter((e) => { const b = e.getBoundingClientRect();
                                     return b.left < r.left - 0.5 || b.right > r.right + 0.5; })
                    .map((e) => e.id || e.className);
                return {left: r.left, right: r.right, top: r.top, bottom: r.bottom,
                        viewWidth: window.innerWidth, viewHeight: window.innerHeight,
                        pageScrollWidth: document.documentElement.scrollWidth,
                        scrollWidth: d.scrollWidth, clientWidth: d.clientWidth, outside: outside};""");
        String seen = view + ": " + box;
        assertEquals(Browser.PHONE_WIDTH, number(box, "viewWidth"), 0.5, "the phone's viewport");
        assertTrue(number(box, "left") >= 0 && number(box, "right") <= number(box, "viewWidth"),
                "the dialog is within the screen's width; " + seen);
        assertTrue(number(box, "top") >= 0 && number(box, "bottom") <= number(box, "viewHeight"),
                "the dialog is within the screen's height (it scrolls inside); " + seen);
        assertTrue(number(box, "pageScrollWidth") <= number(box, "viewWidth"), "the page scrolls sideways; " + seen);
        assertTrue(number(box, "scrollWidth") <= number(box, "clientWidth"), "the dialog scrolls sideways; " + seen);
        assertEquals(List.of(), box.get("outside"), "controls beyond the dialog's edges; " + seen);
    }

    private static double number(Map<String, Object> box, String key) {
        return ((Number) box.get(key)).doubleValue();
    }

    private void useDesktop(Browser browser) {
        this.browser = browser;
        sizeBefore = browser.viewport(DESKTOP.width, DESKTOP.height);
    }

    @AfterEach
    void restoreWindow() {
        if (browser != null && sizeBefore != null) {
            browser.driver().manage().window().setSize(sizeBefore);
        }
    }
}
