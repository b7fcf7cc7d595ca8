package dev.keyhole.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keyhole.e2e.fixtures.AuthenticatorApp;
import dev.keyhole.e2e.fixtures.Browser;
import dev.keyhole.e2e.fixtures.Fixtures;
import dev.keyhole.e2e.fixtures.InjectKeyhole;
import dev.keyhole.e2e.fixtures.KeyholeE2E;
import dev.keyhole.e2e.fixtures.KeyholeSetup;
import dev.keyhole.e2e.fixtures.LinkGuest;
import dev.keyhole.e2e.fixtures.LockedTarget;
import dev.keyhole.e2e.fixtures.RunningKeyhole;
import dev.keyhole.e2e.fixtures.SecondBrowser;
import dev.keyhole.e2e.fixtures.SignedIn;
import dev.keyhole.e2e.pages.AccountMenu;
import dev.keyhole.e2e.pages.AdminPage;
import dev.keyhole.e2e.pages.AdminPage.Section;
import dev.keyhole.e2e.pages.ConsolePage;
import dev.keyhole.server.accounts.Role;
import dev.keyhole.server.accounts.User;
import dev.keyhole.server.auth.TokenHash;
import dev.keyhole.server.config.KeyholeConfig;
import dev.keyhole.server.targets.ConsoleSpec;
import dev.keyhole.server.targets.KeyboardStage;
import dev.keyhole.testsupport.LeakNeedles;
import java.io.IOException;
import java.net.URI;
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
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The admin pages in Chromium, against the real server and the real locked console: an admin manages a user
 * through the page (adds an operator, makes them a viewer of {@code web-*}, disables and enables them, resets their
 * second factor, hands them a sign-in link), and the database agrees at each step; the sessions section shows who
 * holds which console, and ending a session or closing one viewer's view closes that console page within a second,
 * saying why; the links section lists the links of two consoles and revokes one; operators and viewers get
 * {@code 403} on every admin route and no Admin menu item; on a phone no section scrolls sideways. Screenshots of
 * each section, desktop (1280x800) and phone (390x844), are kept under {@code target/screenshots/admin/}.
 */
@KeyholeE2E
class AdminPagesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(20);
    /** An admin's action reaches the console page it closes within this (the issue's promise). */
    private static final Duration WITHIN = Duration.ofSeconds(1);
    private static final Dimension DESKTOP = new Dimension(1280, 800);
    private static final Pattern SIGN_IN_LINK =
            Pattern.compile("^http://127\\.0\\.0\\.1:\\d+/sign-in\\.html#link=([A-Za-z0-9_-]{43})$");

    /** The locked console as {@value RunningKeyhole#TARGET} and as {@code web-1}: two consoles to share. */
    static final class TwoConsoles implements KeyholeSetup {
        @Override
        public void configure(KeyholeConfig.Builder keyhole, Fixtures fixtures) {
            new LockedTarget().configure(keyhole, fixtures);
            keyhole.target(LockedTarget.target("web-1", "Web server 1", fixtures.lockedConsole(),
                    List.of(new KeyboardStage(ConsoleSpec.SINGLE_STAGE, ConsoleSpec.DEFAULT_LAYOUT))));
        }
    }

    private Browser resized;
    private Dimension sizeBefore;

    // --- users ---------------------------------------------------------------------------------------------------

    @Test
    void anAdminAddsAnOperatorThenMakesThemAViewerDisablesEnablesAndResetsTheirSecondFactor(
            @InjectKeyhole(TwoConsoles.class) RunningKeyhole keyhole, Browser browser) throws Exception {
        useDesktop(browser);
        keyhole.signIn(browser);
        AccountMenu menu = new AccountMenu(browser.driver());
        assertTrue(menu.offersAdmin(), "an admin's menu offers Admin…");
        AdminPage admin = menu.admin();
        assertEquals(List.of("Users", "Sessions", "Links", "Audit"), admin.tabs());
        admin.section(Section.USERS);

        AdminPage.Row added = admin.addUser("opal", "operator", "", RunningKeyhole.TEST_PASSWORD);
        assertTrue(added.text().contains("Operator") && added.text().contains("Every console")
                && added.text().contains("None") && added.text().contains("Enabled"), added.text());
        User opal = keyhole.accounts().users().byName("opal")
                .orElseThrow(() -> new AssertionError("opal is not in the database"));
        assertEquals(Role.OPERATOR, opal.role());
        assertEquals(List.of(), opal.targetPatterns());
        assertTrue(keyhole.accounts().users().byName("opal").orElseThrow().hasPassword());

        // opal signs in (a one-time link) and sets up an authenticator app, as their sign-in page would.
        SignedIn session = enrolTotp(keyhole, opal);
        admin.section(Section.USERS);
        AdminPage.Row enrolled = admin.waitForUser("opal", "opal's authenticator app and session",
                row -> row.text().contains("Authenticator app") && row.text().contains("1 session"));
        browser.keepScreenshot("admin/desktop-users");
        admin.manage("opal");
        browser.keepScreenshot("admin/desktop-user-dialog");
        assertTrue(enrolled.text().contains("Authenticator app"), enrolled.text());

        String changed = admin.changeUser("opal", "viewer", "web-*");
        assertTrue(changed.startsWith("Saved. opal was signed out (1 session)"), changed);
        admin.waitForUser("opal", "opal a viewer of web-*",
                row -> row.text().contains("Viewer") && row.text().contains("web-*"));
        opal = keyhole.accounts().users().byName("opal").orElseThrow();
        assertEquals(Role.VIEWER, opal.role());
        assertEquals(List.of("web-*"), opal.targetPatterns());
        assertEquals(401, RawHttp.send(keyhole.uri(), "GET", "/api/targets", null, session.headers(), null).status(),
                "less than before ended opal's session");

        assertEquals("Disabled opal: they were signed out everywhere.", admin.disable("opal"));
        admin.waitForUser("opal", "opal disabled", row -> row.text().contains("Disabled"));
        assertTrue(keyhole.accounts().users().byName("opal").orElseThrow().disabled(), "the database agrees");
        assertFalse(admin.offered("user-link"), "no sign-in link for a disabled user");
        assertEquals("Enabled opal.", admin.enable("opal"));
        admin.waitForUser("opal", "opal enabled", row -> row.text().contains("Enabled"));
        assertFalse(keyhole.accounts().users().byName("opal").orElseThrow().disabled(), "the database agrees");

        String reset = admin.resetSecondFactor("opal");
        assertEquals("Reset opal's second factor: they set up a new one at their next sign-in.", reset);
        admin.waitForUser("opal", "opal without a second factor",
                row -> row.text().contains("None") && !row.text().contains("Authenticator app"));
        assertEquals(List.of(), keyhole.accounts().secondFactors(keyhole.accounts().users().byName("opal")
                .orElseThrow()), "the database agrees: no app, no passkey");

        // A one-time sign-in link, under the origin the page came from; it signs opal in once.
        Matcher link = SIGN_IN_LINK.matcher(admin.signInLink("opal"));
        assertTrue(link.matches(), "a sign-in page's link with the token in its fragment");
        LeakNeedles.add(link.group(1));
        browser.keepScreenshot("admin/desktop-user-link");
        SignedIn byLink = SignedIn.redeem(keyhole.uri(), URI.create(link.group()));
        RawHttp.Answer who = RawHttp.send(keyhole.uri(), "GET", "/api/session", null, byLink.headers(), null);
        assertTrue(who.body().contains("\"name\":\"opal\"") && who.body().contains("\"role\":\"viewer\""),
                who::toString);
        admin.closeDialog();

        // What the server refuses, the page says readably.
        RawHttp.Answer shortPassword = post(keyhole, keyhole.signedIn(), "/api/admin/users",
                "{\"name\":\"shorty\",\"role\":\"viewer\",\"password\":\"eleven char\"}");
        assertEquals(400, shortPassword.status(), shortPassword::toString);
        assertTrue(shortPassword.body().contains("at least 12 characters"), shortPassword::toString);
        RawHttp.Answer taken = post(keyhole, keyhole.signedIn(), "/api/admin/users",
                "{\"name\":\"opal\",\"role\":\"viewer\",\"password\":\"" + RunningKeyhole.TEST_PASSWORD + "\"}");
        assertEquals(409, taken.status(), taken::toString);

        // An admin cannot lock themselves out: the page does not offer it, the server refuses it.
        admin.manage(RunningKeyhole.TEST_USER);
        assertFalse(admin.offered("user-disable") || admin.offered("user-remove") || admin.offered("user-reset"),
                "no Disable, Remove or Reset for oneself");
        admin.closeDialog();
        String self = keyhole.testUser().id();
        for (String action : List.of("disable", "remove", "reset-second-factor")) {
            RawHttp.Answer refused = post(keyhole, keyhole.signedIn(), "/api/admin/users/" + self + "/" + action, "{}");
            assertEquals(409, refused.status(), () -> action + ": " + refused);
        }
        RawHttp.Answer demote = post(keyhole, keyhole.signedIn(), "/api/admin/users/" + self + "/change",
                "{\"role\":\"operator\"}");
        assertEquals(409, demote.status(), demote::toString);
        assertTrue(demote.body().contains("cannot take rights away from yourself"), demote::toString);

        // Removing asks first, then the user is gone from the page and the database.
        admin.addUser("tem", "viewer", "db-*", RunningKeyhole.TEST_PASSWORD);
        admin.remove("tem");
        assertTrue(keyhole.accounts().users().byName("tem").isEmpty(), "removed from the database");

        // The list holds no secret: no password hash, no TOTP secret, no token.
        RawHttp.Answer users = RawHttp.send(keyhole.uri(), "GET", "/api/admin/users", null,
                keyhole.signedIn().headers(), null);
        assertEquals(200, users.status(), users::toString);
        assertFalse(users.body().contains("argon2") || users.body().toLowerCase().contains("password")
                || users.body().contains(keyhole.signedIn().session()), users::toString);
    }

    // --- sessions ------------------------------------------------------------------------------------------------

    @Test
    void anAdminSeesWhoWatchesWhatAndEndingTheirSessionClosesTheirConsoleWithinASecond(
            @InjectKeyhole(TwoConsoles.class) RunningKeyhole keyhole, Browser browser,
            @SecondBrowser Browser otherDesk) throws Exception {
        RawTunnel.awaitConsole(keyhole.tunnel(RunningKeyhole.TARGET));
        User otis = user(keyhole, "otis", Role.OPERATOR);
        otherDesk.viewport(DESKTOP.width, DESKTOP.height);
        otherDesk.signIn(keyhole.signInLink(otis));
        ConsolePage console = ConsolePage.openSignedIn(otherDesk, keyhole.uri(), RunningKeyhole.TARGET)
                .waitForState(ConsolePage.State.CONNECTED);

        useDesktop(browser);
        keyhole.signIn(browser);
        AdminPage admin = AdminPage.open(browser.driver(), keyhole.uri()).section(Section.SESSIONS);
        AdminPage.Row row = admin.waitForSession("otis", "otis's session holding the locked console",
                r -> r.text().contains("locked") && r.text().contains("typing") && r.text().contains("operator"));
        assertEquals(TokenHash.FINGERPRINT_LENGTH, row.key().length(), "a session is named by its fingerprint");
        assertTrue(row.text().contains("One-time link"), "the second factor it proved: " + row.text());
        assertTrue(browser.driver().findElements(By.cssSelector("#session-rows tr[data-user='"
                + RunningKeyhole.TEST_USER + "'] .badge")).stream().anyMatch(b -> b.getText().equals("you")),
                "the admin's own session is marked");
        browser.keepScreenshot("admin/desktop-sessions");

        // The API agrees, and names no session by more than its fingerprint.
        RawHttp.Answer listed = RawHttp.send(keyhole.uri(), "GET", "/api/admin/sessions", null,
                keyhole.signedIn().headers(), null);
        JsonNode otisSession = null;
        for (JsonNode session : JSON.readTree(listed.body()).path("sessions")) {
            if (session.path("user").asText().equals("otis")) {
                otisSession = session;
            }
        }
        assertTrue(otisSession != null && otisSession.path("consoles").size() == 1, listed::toString);
        assertEquals("locked", otisSession.path("consoles").get(0).path("target").asText());
        assertEquals("type", otisSession.path("consoles").get(0).path("mode").asText());
        String ownHash = TokenHash.of(keyhole.signedIn().session()).value();
        assertFalse(listed.body().contains(ownHash) || listed.body().contains(keyhole.signedIn().session())
                || listed.body().contains("guacd") || listed.body().contains("connection"), listed::toString);

        admin.askToEnd(row.key());
        assertTrue(admin.question().startsWith("End otis's session?"), admin.question());
        browser.keepScreenshot("admin/desktop-end-question");
        long before = System.nanoTime();
        admin.confirm();
        awaitConsoleMessage(otherDesk, console, "An admin ended your session. Sign in again to open this console.",
                Duration.ofSeconds(5));
        Duration took = Duration.ofNanos(System.nanoTime() - before);
        assertTrue(took.compareTo(WITHIN) <= 0, "otis's page said so after " + took.toMillis() + " ms");
        assertTrue(otherDesk.driver().findElement(By.id("sign-in-again")).isDisplayed(), "offers to sign in again");
        assertEquals("error", console.state(), "and does not reconnect");
        new WebDriverWait(browser.driver(), WAIT).withMessage("waiting for the ended session to leave the list")
                .until(d -> d.findElements(By.cssSelector("#session-rows tr[data-session='" + row.key() + "']"))
                        .isEmpty());
        otherDesk.keepScreenshot("admin/desktop-console-session-ended");
    }

    @Test
    void closingOneViewersViewClosesOnlyTheirConsoleWithinASecondAndTheyMayReconnect(
            @InjectKeyhole(TwoConsoles.class) RunningKeyhole keyhole, Browser browser,
            @SecondBrowser Browser otherDesk) throws Exception {
        RawTunnel.awaitConsole(keyhole.tunnel(RunningKeyhole.TARGET));
        otherDesk.viewport(DESKTOP.width, DESKTOP.height);
        otherDesk.signIn(keyhole.signInLink(user(keyhole, "kim", Role.OPERATOR)));
        ConsolePage kim = ConsolePage.openSignedIn(otherDesk, keyhole.uri(), RunningKeyhole.TARGET)
                .waitForState(ConsolePage.State.CONNECTED);
        SignedIn val = SignedIn.redeem(keyhole.uri(), keyhole.signInLink(user(keyhole, "val", Role.VIEWER)));
        try (RawTunnel watching = RawTunnel.openUntilItReceives(new RunningKeyhole.Tunnel(
                keyhole.tunnel(RunningKeyhole.TARGET).uri(), val), 2, WAIT)) {
            useDesktop(browser);
            keyhole.signIn(browser);
            AdminPage admin = AdminPage.open(browser.driver(), keyhole.uri()).section(Section.SESSIONS);
            AdminPage.Row kims = admin.waitForSession("kim", "kim typing into the locked console",
                    r -> r.text().contains("locked") && r.text().contains("typing"));
            AdminPage.Row vals = admin.waitForSession("val", "val watching the locked console",
                    r -> r.text().contains("locked") && r.text().contains("watching"));
            List<String> kimsTunnels = admin.tunnelsOf(kims.key());
            assertEquals(1, kimsTunnels.size(), kims::toString);
            String valsTunnel = admin.tunnelsOf(vals.key()).get(0);

            long before = System.nanoTime();
            admin.closeView(kimsTunnels.get(0));
            awaitConsoleMessage(otherDesk, kim, "An admin closed your view of this console.", Duration.ofSeconds(5));
            Duration took = Duration.ofNanos(System.nanoTime() - before);
            assertTrue(took.compareTo(WITHIN) <= 0, "kim's page said so after " + took.toMillis() + " ms");
            WebDriver kimsDriver = otherDesk.driver();
            new WebDriverWait(kimsDriver, WAIT).withMessage(() -> "waiting for kim's page to offer Reconnect, not to "
                    + "sign in; " + kim.describe())
                    .until(d -> d.findElement(By.id("reconnect-button")).isDisplayed());
            assertEquals("Reconnect", kimsDriver.findElement(By.id("reconnect-button")).getText());
            assertFalse(kimsDriver.findElement(By.id("sign-in-again")).isDisplayed(), "kim is still signed in");
            assertEquals("error", kim.state(), "no retry by itself");
            otherDesk.keepScreenshot("admin/desktop-console-view-closed");
            assertNull(watching.closeStatus(), "val's console stays open");
            new WebDriverWait(browser.driver(), WAIT).withMessage("waiting for kim's closed view to leave the list")
                    .until(d -> !admin.listsTunnel(kimsTunnels.get(0)));
            assertTrue(admin.listsTunnel(valsTunnel), "val's view is still listed");
            assertNull(watching.closeStatus(), "val's console is still open");

            otherDesk.driver().findElement(By.id("reconnect-button")).click();
            kim.waitForState(ConsolePage.State.CONNECTED);
        }
    }

    // --- links ---------------------------------------------------------------------------------------------------

    @Test
    void theLinksSectionListsTheLinksOfTwoConsolesAndRevokingOneEndsItsGuest(
            @InjectKeyhole(TwoConsoles.class) RunningKeyhole keyhole, Browser browser) throws Exception {
        RawTunnel.awaitConsole(keyhole.tunnel(RunningKeyhole.TARGET));
        SignedIn lena = SignedIn.redeem(keyhole.uri(), keyhole.signInLink(user(keyhole, "lena", Role.OPERATOR)));
        RawHttp.Answer made = post(keyhole, lena, "/api/targets/" + RunningKeyhole.TARGET + "/links",
                "{\"mode\":\"watch\",\"minutes\":60,\"devices\":2,\"note\":\"for the night shift\"}");
        assertEquals(200, made.status(), made::toString);
        JsonNode lenas = JSON.readTree(made.body());
        LeakNeedles.addLinkToken(lenas.path("token").asText());
        String lenasLink = lenas.path("link").path("id").asText();
        LinkGuest.Shared web = LinkGuest.share(keyhole, "web-1", "{\"mode\":\"type\",\"note\":\"disk of web-1\"}");

        LinkGuest guest = LinkGuest.join(keyhole.uri(), lenas.path("token").asText()).guest();
        try (RawTunnel guests = RawTunnel.openUntilItReceives(new RunningKeyhole.Tunnel(
                keyhole.tunnel(RunningKeyhole.TARGET).uri(), guest), 2, WAIT)) {
            useDesktop(browser);
            keyhole.signIn(browser);
            AdminPage admin = AdminPage.open(browser.driver(), keyhole.uri());
            admin.section(Section.SESSIONS).waitForGuest(lenasLink, "lena's guest in the locked console",
                    r -> r.text().contains("lena's link") && r.text().contains("locked")
                            && r.text().contains("watching"));
            browser.keepScreenshot("admin/desktop-sessions-guest");

            admin.section(Section.LINKS);
            AdminPage.Row lenasRow = admin.waitForLink(lenasLink, "lena's link to the locked console",
                    r -> r.text().contains("locked") && r.text().contains("for the night shift")
                            && r.text().contains("lena") && r.text().contains("Watch")
                            && r.text().contains("1 of 2 devices opened"));
            assertEquals("live", lenasRow.state());
            admin.waitForLink(web.id(), "the admin's link to web-1", r -> r.text().contains("web-1")
                    && r.text().contains("disk of web-1") && r.text().contains(RunningKeyhole.TEST_USER));
            List<String> order = admin.linkIds();
            assertTrue(order.indexOf(web.id()) < order.indexOf(lenasLink), "newest first: " + order);
            browser.keepScreenshot("admin/desktop-links");

            long before = System.nanoTime();
            admin.revoke(lenasLink);
            admin.waitForLink(lenasLink, "lena's link revoked", r -> "revoked".equals(r.state()));
            RawTunnel.Close close = guests.awaitClose(WAIT);
            Duration took = Duration.ofNanos(System.nanoTime() - before);
            assertEquals("769 This link was revoked", close.reason(), close::toString);
            assertTrue(took.compareTo(WITHIN.plusMillis(500)) <= 0, "the guest's console closed after "
                    + took.toMillis() + " ms");
        }
        RawHttp.Answer hers = RawHttp.send(keyhole.uri(), "GET", "/api/targets/" + RunningKeyhole.TARGET + "/links",
                null, lena.headers(), null);
        assertTrue(hers.body().contains("\"revoked\":true"), "lena's own list agrees: " + hers);
        RawHttp.Answer all = RawHttp.send(keyhole.uri(), "GET", "/api/admin/links", null, keyhole.signedIn().headers(),
                null);
        assertFalse(all.body().contains("\"token\"") || all.body().contains(web.token()), "no token in the list");
    }

    // --- who may ---------------------------------------------------------------------------------------------------

    @Test
    void operatorsAndViewersGet403OnEveryAdminRouteAndNoAdminMenuItem(
            @InjectKeyhole(TwoConsoles.class) RunningKeyhole keyhole, Browser browser) throws Exception {
        List<String> routes = keyhole.routes().routes().stream().filter(r -> r.contains(" /api/admin/")
                || r.endsWith(" /api/admin")).toList();
        assertTrue(routes.size() >= 12, "the admin routes: " + routes);
        String someone = keyhole.testUser().id();
        for (Role role : List.of(Role.OPERATOR, Role.VIEWER)) {
            SignedIn as = SignedIn.redeem(keyhole.uri(), keyhole.signInLink(user(keyhole, "not-admin-" + role.id(),
                    role)));
            for (String route : routes) {
                String method = route.substring(0, route.indexOf(' '));
                String path = route.substring(route.indexOf(' ') + 1).replace("{id}", someone);
                Map<String, String> headers = new LinkedHashMap<>(as.headers());
                headers.put("Content-Type", "application/json");
                RawHttp.Answer answer = RawHttp.send(keyhole.uri(), method, path, null, headers,
                        method.equals("POST") ? "{\"role\":\"viewer\",\"name\":\"x\",\"password\":\"" + "p".repeat(12)
                                + "\"}" : null);
                assertEquals(403, answer.status(), () -> role.id() + " " + route + ": " + answer);
                assertTrue(answer.body().contains("admins only"), () -> role.id() + " " + route + ": " + answer);
            }
        }
        assertEquals(Role.ADMIN, keyhole.testUser().role(), "nothing the others sent changed the admin");
        assertTrue(keyhole.accounts().users().byName("x").isEmpty(), "nor added anyone");

        // A page of another origin cannot use them, even with the admin's cookie: the front door refuses.
        RawHttp.Answer foreign = RawHttp.send(keyhole.uri(), "GET", "/api/admin/users", "https://evil.example",
                keyhole.signedIn().headers(), null);
        assertEquals(403, foreign.status(), foreign::toString);
        assertTrue(foreign.body().contains("may not use Keyhole"), foreign::toString);

        // In the browser: no Admin item for a viewer, and the page itself sends them to the consoles, saying why.
        useDesktop(browser);
        browser.signIn(keyhole.signInLink(user(keyhole, "not-admin-viewer", Role.VIEWER)));
        assertFalse(new AccountMenu(browser.driver()).offersAdmin(), "a viewer's menu offers no Admin…");
        browser.driver().get(keyhole.uri().resolve("/admin.html").toString());
        new WebDriverWait(browser.driver(), WAIT).withMessage(() -> "waiting for the consoles page to say the admin "
                + "pages are for admins; at " + browser.driver().getCurrentUrl())
                .until(d -> d.findElements(By.cssSelector("body[data-page=targets] #targets-notice")).stream()
                        .anyMatch(n -> n.isDisplayed() && n.getText().equals("The admin pages are for admins only.")));
        assertFalse(browser.driver().getCurrentUrl().contains("notice="), "the notice leaves the address once shown");
        browser.keepScreenshot("admin/desktop-not-an-admin");
    }

    // --- a phone -------------------------------------------------------------------------------------------------

    @Test
    void onAPhoneNoSectionScrollsSideways(@InjectKeyhole(TwoConsoles.class) RunningKeyhole keyhole,
            @SecondBrowser(phone = true) Browser phone) throws Exception {
        RawTunnel.awaitConsole(keyhole.tunnel(RunningKeyhole.TARGET));
        keyhole.accounts().users().byName("maximilian.longname@example.org").orElseGet(() -> keyhole.accounts()
                .addUser("maximilian.longname@example.org", Role.OPERATOR, List.of("locked", "web-*", "mail-server-*"),
                        RunningKeyhole.TEST_PASSWORD));
        LinkGuest.share(keyhole, "web-1", "{\"mode\":\"type\",\"devices\":3,\"stages\":true,"
                + "\"note\":\"for Sam, who unlocks the disk of web-1 tonight after the maintenance window\"}");
        SignedIn max = SignedIn.redeem(keyhole.uri(), keyhole.signInLink(keyhole.accounts().users()
                .byName("maximilian.longname@example.org").orElseThrow()));
        try (RawTunnel open = RawTunnel.openUntilItReceives(new RunningKeyhole.Tunnel(
                keyhole.tunnel(RunningKeyhole.TARGET).uri(), max), 2, WAIT)) {
            phone.signIn(keyhole.signInLink());
            AdminPage admin = AdminPage.open(phone.driver(), keyhole.uri());
            for (Section section : Section.values()) {
                admin.section(section);
                if (section == Section.SESSIONS) {
                    admin.waitForSession("maximilian.longname@example.org", "the long-named operator's console",
                            r -> r.text().contains("locked"));
                    phone.script("document.querySelector(\"#session-rows tr[data-user='\" + arguments[0] + \"']\")"
                            + ".scrollIntoView()", "maximilian.longname@example.org");
                }
                phone.assertNoSidewaysScroll(section.id());
                phone.keepScreenshot("admin/phone-" + section.id());
            }
            admin.section(Section.USERS).manage("maximilian.longname@example.org");
            phone.assertNoSidewaysScroll("the user dialog");
            assertDialogFits(phone, "user-dialog");
            phone.keepScreenshot("admin/phone-user-dialog");
            admin.closeDialog();
            phone.driver().findElement(By.id("user-add-button")).click();
            assertDialogFits(phone, "user-add-dialog");
            phone.keepScreenshot("admin/phone-add-dialog");
        }
    }

    // --- helpers -------------------------------------------------------------------------------------------------

    private static User user(RunningKeyhole keyhole, String name, Role role) {
        return keyhole.accounts().users().byName(name).orElseGet(() -> keyhole.accounts().addUser(name, role,
                List.of(), RunningKeyhole.TEST_PASSWORD));
    }

    private static RawHttp.Answer post(RunningKeyhole keyhole, SignedIn as, String path, String body)
            throws IOException {
        Map<String, String> headers = new LinkedHashMap<>(as.headers());
        headers.put("Content-Type", "application/json");
        return RawHttp.send(keyhole.uri(), "POST", path, null, headers, body);
    }

    /**
     * Signs a user in by a one-time link and enrols an authenticator app for them, as the sign-in page does: a new
     * secret, then its first code (the tests' own generator).
     *
     * @return the session, with its new tokens
     */
    private static SignedIn enrolTotp(RunningKeyhole keyhole, User user) throws Exception {
        SignedIn session = SignedIn.redeem(keyhole.uri(), keyhole.signInLink(user));
        RawHttp.Answer begun = post(keyhole, session, "/api/second-factor/totp", "{}");
        assertEquals(200, begun.status(), "a TOTP secret to enrol");
        AuthenticatorApp app = AuthenticatorApp.of(JSON.readTree(begun.body()).path("secret").asText());
        RawHttp.Answer confirmed = post(keyhole, session, "/api/second-factor/totp/confirm",
                "{\"code\":\"" + app.fresh(Long.MIN_VALUE).digits() + "\"}");
        assertEquals(200, confirmed.status(), "the first code confirms it");
        for (JsonNode code : JSON.readTree(confirmed.body()).path("recoveryCodes")) {
            LeakNeedles.add(code.asText());
        }
        return SignedIn.fromCookies(List.of(confirmed.header("Set-Cookie").split(", ")));
    }

    /** Waits, polling every 50 ms, until the console page's message says {@code text}. */
    private static void awaitConsoleMessage(Browser browser, ConsolePage page, String text, Duration timeout) {
        new WebDriverWait(browser.driver(), timeout).pollingEvery(Duration.ofMillis(50))
                .withMessage(() -> "waiting " + timeout.toMillis() + " ms for the console page to say \"" + text
                        + "\"; it shows " + page.describe())
                .until(d -> page.message().contains(text));
    }

    /** Checks that an open dialog lies within the phone's screen and does not scroll sideways itself. */
    private static void assertDialogFits(Browser phone, String id) {
        new WebDriverWait(phone.driver(), WAIT).withMessage("waiting for #" + id + " to open")
                .until(d -> Boolean.TRUE.equals(phone.script("return document.getElementById(arguments[0]).open", id)));
        @SuppressWarnings("unchecked")
        Map<String, Object> box = (Map<String, Object>) phone.script("""
                const d = document.getElementById(arguments[0]); const r = d.getBoundingClientRect();
                return {left: r.left, right: r.right, top: r.top, bottom: r.bottom, scrollWidth: d.scrollWidth,
                        clientWidth: d.clientWidth, width: window.innerWidth, height: window.innerHeight};""", id);
        String seen = id + ": " + box;
        assertTrue(((Number) box.get("left")).doubleValue() >= 0
                && ((Number) box.get("right")).doubleValue() <= ((Number) box.get("width")).doubleValue(), seen);
        assertTrue(((Number) box.get("top")).doubleValue() >= 0
                && ((Number) box.get("bottom")).doubleValue() <= ((Number) box.get("height")).doubleValue(), seen);
        assertTrue(((Number) box.get("scrollWidth")).intValue() <= ((Number) box.get("clientWidth")).intValue(), seen);
    }

    /** Makes the shared browser's viewport 1280x800 for this test (restored after it). */
    private void useDesktop(Browser browser) {
        resized = browser;
        sizeBefore = browser.viewport(DESKTOP.width, DESKTOP.height);
    }


    @AfterEach
    void restoreWindow() {
        if (resized != null && sizeBefore != null) {
            resized.driver().manage().window().setSize(sizeBefore);
        }
    }
}
