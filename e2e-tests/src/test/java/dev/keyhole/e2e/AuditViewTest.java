package dev.keyhole.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keyhole.e2e.fixtures.Browser;
import dev.keyhole.e2e.fixtures.KeyholeE2E;
import dev.keyhole.e2e.fixtures.LinkGuest;
import dev.keyhole.e2e.fixtures.RunningKeyhole;
import dev.keyhole.e2e.fixtures.SecondBrowser;
import dev.keyhole.e2e.fixtures.SignedIn;
import dev.keyhole.e2e.fixtures.Waits;
import dev.keyhole.e2e.pages.AccountMenu;
import dev.keyhole.e2e.pages.AdminPage;
import dev.keyhole.e2e.pages.AdminPage.AuditRow;
import dev.keyhole.e2e.pages.AdminPage.Section;
import dev.keyhole.server.accounts.Role;
import dev.keyhole.server.accounts.User;
import dev.keyhole.server.audit.AuditKind;
import dev.keyhole.server.audit.AuditRecord;
import dev.keyhole.server.audit.JdbcAuditStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The admin page's Audit section in Chromium, against the real server and the real locked console: an operator's
 * sign-in, console opening and closing show newest first in words; a failed sign-in appears at the top within
 * seconds while the section is open, and on an older page as "1 new event — show"; the filters (who, kind, a time
 * range) narrow the trail and stay in the address across a reload; pages of a few events continue without
 * duplicates; an operator is sent away from it and gets {@code 403} from its route; on a phone it does not scroll
 * sideways. Screenshots, desktop (1280x800) and phone (390x844), are kept under {@code target/screenshots/admin/}.
 */
@KeyholeE2E
class AuditViewTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    /** A live event reaches the open section within this. */
    private static final Duration LIVE = Duration.ofSeconds(5);
    private static final Dimension DESKTOP = new Dimension(1280, 800);

    private Browser resized;
    private Dimension sizeBefore;

    @Test
    void anOperatorsSignInAndConsoleShowNewestFirstAndANewEventArrivesLive(RunningKeyhole keyhole, Browser browser)
            throws Exception {
        RawTunnel.awaitConsole(keyhole.tunnel(RunningKeyhole.TARGET));
        User olga = user(keyhole, "olga", Role.OPERATOR);
        SignedIn theirs = SignedIn.redeem(keyhole.uri(), keyhole.signInLink(olga));
        RawTunnel.openUntilItReceives(new RunningKeyhole.Tunnel(keyhole.tunnel(RunningKeyhole.TARGET).uri(), theirs),
                2, WAIT).close();
        // A guest through a share link, for the words the view has for one.
        LinkGuest.Shared link = LinkGuest.share(keyhole, RunningKeyhole.TARGET, "{\"mode\":\"watch\"}");
        LinkGuest guest = LinkGuest.join(keyhole.uri(), link.token()).guest();
        RawTunnel.openUntilItReceives(new RunningKeyhole.Tunnel(keyhole.tunnel(RunningKeyhole.TARGET).uri(), guest),
                2, WAIT).close();
        awaitInTrail(keyhole, "olga's console closing", "olga", AuditKind.CONSOLE_CLOSED);

        useDesktop(browser);
        keyhole.signIn(browser);
        AccountMenu menu = new AccountMenu(browser.driver());
        AdminPage admin = menu.admin();
        assertEquals(List.of("Users", "Sessions", "Links", "Audit"), admin.tabs());
        admin.section(Section.AUDIT).filterAudit("olga", null, null, null, null);
        assertTrue(browser.driver().getCurrentUrl().endsWith("/admin.html#audit?actor=olga"),
                "the filter is in the address: " + browser.driver().getCurrentUrl());
        List<AuditRow> shown = admin.waitForAudit("olga's sign-in, console opened and closed",
                rows -> rows.size() >= 3 && rows.get(0).kind().equals("console-closed"));
        // Her last opening and closing, and her sign-in before them (one opening, unless the first was refused).
        List<AuditRow> hers = List.of(shown.get(0), shown.get(1), shown.get(shown.size() - 1));
        assertEquals(List.of("console-closed", "console-opened", "sign-in"),
                hers.stream().map(AuditRow::kind).toList(), "newest first: " + shown);
        for (int i = 1; i < shown.size(); i++) {
            assertTrue(shown.get(i - 1).seq() > shown.get(i).seq(), "newest first: " + shown);
        }
        assertEquals(List.of("Console closed", "Console opened", "Signed in"),
                hers.stream().map(AuditRow::what).toList());
        for (AuditRow row : hers) {
            assertEquals("olga", row.who(), row::toString);
            assertEquals("127.0.0.1", row.from(), row::toString);
            assertEquals("ok", row.result(), row::toString);
            assertTrue(row.time().matches("\\d\\d:\\d\\d:\\d\\d"), "today's time of day: " + row);
        }
        assertEquals("—", hers.get(2).console(), "signing in is about no console");
        assertEquals("factor: link", hers.get(2).details());
        assertEquals(RunningKeyhole.TARGET, hers.get(1).console());
        assertEquals("typing, by account", hers.get(1).details());
        assertTrue(hers.get(0).details().matches("open \\d+ s — the browser left"), hers.get(0)::toString);

        // The guest's opening names whose link it was.
        admin.clearAuditFilters();
        AuditRow guests = admin.waitForAudit("the guest's console opening", rows -> rows.stream()
                .anyMatch(r -> r.kind().equals("console-opened") && r.who().startsWith("guest via")))
                .stream().filter(r -> r.kind().equals("console-opened") && r.who().startsWith("guest via"))
                .findFirst().orElseThrow();
        assertTrue(guests.who().matches("guest via " + RunningKeyhole.TEST_USER + "'s link \\([A-Za-z0-9_-]{8}\\)"),
                guests::toString);
        assertEquals("watching, by link", guests.details());

        // Live: a failed sign-in appears at the top, without a reload.
        admin.awaitLive();
        browser.script("window.auditViewNotReloaded = true");
        long top = admin.auditRows().get(0).seq();
        keyhole.accounts().signIn("nobody", "wrong", "192.0.2.5", "");
        List<AuditRow> live = admin.waitForAudit("the failed sign-in at the top, live", LIVE,
                rows -> !rows.isEmpty() && rows.get(0).seq() > top && rows.get(0).kind().equals("sign-in-failed"));
        AuditRow failed = live.get(0);
        assertEquals("Sign-in refused", failed.what());
        assertEquals("an unknown name", failed.who(), "what was typed is not recorded");
        assertEquals("192.0.2.5", failed.from());
        assertEquals("✕ wrong name or password", failed.result());
        assertTrue(failed.fresh(), "marked as new: " + failed);
        assertEquals(Boolean.TRUE, browser.script("return window.auditViewNotReloaded === true"), "not reloaded");
        assertEquals("not-ok", browser.driver().findElement(By.cssSelector("#audit-rows tr[data-seq='"
                + failed.seq() + "']")).getDomAttribute("data-result"));
        browser.keepScreenshot("admin/desktop-audit");

        // Another section closes the stream; back on the audit, it opens again.
        admin.section(Section.USERS);
        assertEquals("closed", browser.driver().findElement(By.id("audit-live")).getDomAttribute("data-stream"));
        admin.section(Section.AUDIT).awaitLive();
    }

    @Test
    void filtersNarrowTheTrailStayInTheAddressAndPagesContinueWithoutDuplicates(RunningKeyhole keyhole,
            Browser browser) throws Exception {
        User pavel = user(keyhole, "pavel", Role.OPERATOR);
        SignedIn.redeem(keyhole.uri(), keyhole.signInLink(pavel));
        for (int i = 0; i < 7; i++) {
            keyhole.accounts().signIn("nobody-" + i, "wrong", "192.0.2.7", "");
        }
        keyhole.audit().awaitWritten(WAIT);

        useDesktop(browser);
        keyhole.signIn(browser);
        AdminPage admin = AdminPage.open(browser.driver(), keyhole.uri(), "audit");

        // Who: that user's events only.
        List<AuditRow> his = admin.filterAudit("pavel", "", "", "", "").waitForAudit("pavel's events",
                rows -> !rows.isEmpty());
        assertTrue(his.stream().allMatch(r -> r.who().equals("pavel")), his::toString);
        assertTrue(his.stream().anyMatch(r -> r.kind().equals("sign-in")), his::toString);

        // What: one kind only.
        List<AuditRow> failures = admin.filterAudit("", null, "sign-in-failed", null, null)
                .waitForAudit("the failed sign-ins", rows -> rows.size() >= 7);
        assertTrue(failures.stream().allMatch(r -> r.kind().equals("sign-in-failed")
                && r.what().equals("Sign-in refused") && r.result().startsWith("✕ ")), failures::toString);
        browser.keepScreenshot("admin/desktop-audit-filtered");

        // A reload keeps the filters.
        browser.driver().navigate().refresh();
        admin = AdminPage.attach(browser.driver());
        admin.waitForAudit("the failed sign-ins after a reload", rows -> rows.size() >= 7
                && rows.stream().allMatch(r -> r.kind().equals("sign-in-failed")));
        assertEquals(List.of("", "", "sign-in-failed", "", ""), admin.auditFilters());

        // A time range before the run: nothing.
        admin.filterAudit("", "", "", "2000-01-01T00:00", "2000-01-02T00:00");
        assertEquals("No events match.", admin.auditEmpty());
        assertEquals(List.of(), admin.auditRows());
        assertFalse(admin.offersOlderEvents());
        browser.keepScreenshot("admin/desktop-audit-empty");

        // A filter the server refuses: its words, and nothing else.
        browser.driver().get(keyhole.uri().resolve("/admin.html") + "#audit?from=yesterday");
        AdminPage refused = AdminPage.attach(browser.driver());
        new WebDriverWait(browser.driver(), WAIT).withMessage(() -> "waiting for the audit to say why not; "
                + refused.describe()).until(d -> !refused.alert(Section.AUDIT).isEmpty());
        assertEquals("Could not read the audit trail: from is a time like 2026-12-03T03:12:00Z.",
                refused.alert(Section.AUDIT));
        assertEquals("error", browser.driver().findElement(By.id("admin-audit")).getDomAttribute("data-state"));
        assertEquals(List.of(), refused.auditRows());

        // Pages of 3: each continues where the one before ended, until the first failure.
        JdbcAuditStore store = keyhole.audit().store();
        List<Long> all = store.page(new JdbcAuditStore.Filter(null, null, AuditKind.SIGN_IN_FAILED, null, null),
                null, 1000).stream().map(AuditRecord::seq).toList();
        AdminPage paged = AdminPage.open(browser.driver(), keyhole.uri(), "audit?kind=sign-in-failed&limit=3");
        List<Long> seen = new ArrayList<>();
        List<List<Long>> pages = new ArrayList<>();
        while (true) {
            List<Long> page = paged.auditRows().stream().map(AuditRow::seq).toList();
            assertTrue(page.size() <= 3 && !page.isEmpty(), "a page of 3 at most: " + page);
            pages.add(page);
            seen.addAll(page);
            if (!paged.offersOlderEvents()) {
                break;
            }
            assertEquals(3, page.size(), "only the last page is short: " + pages);
            paged.olderEvents();
        }
        assertEquals(all, seen, "every failure once, newest first, across " + pages);
        assertEquals(seen.size(), new HashSet<>(seen).size(), "no duplicates: " + pages);
        assertTrue(pages.size() >= 3, "pages: " + pages);

        // On an older page a new event is counted, not put in; "show" goes to the newest page, with it on top.
        paged.newerEvents();
        assertEquals(pages.get(pages.size() - 2), paged.auditRows().stream().map(AuditRow::seq).toList(),
                "Newer goes back a page");
        paged.awaitLive();
        keyhole.accounts().signIn("nobody-later", "wrong", "192.0.2.8", "");
        new WebDriverWait(browser.driver(), LIVE).withMessage(() -> "waiting for the older page to count the new "
                + "event; the bar says \"" + paged.newEventsBar() + "\"")
                .until(d -> paged.newEventsBar().equals("1 new event — show"));
        assertEquals(pages.get(pages.size() - 2), paged.auditRows().stream().map(AuditRow::seq).toList(),
                "the older page stays as it was");
        browser.keepScreenshot("admin/desktop-audit-older-page");
        paged.showNewEvents();
        List<AuditRow> newest = paged.auditRows();
        assertTrue(newest.get(0).seq() > all.get(0) && newest.get(0).kind().equals("sign-in-failed"),
                newest::toString);
        assertEquals(3, newest.size(), newest::toString);
        assertEquals("", paged.newEventsBar());
    }

    @Test
    void anOperatorIsSentAwayFromTheAuditAndItsRouteAnswers403(RunningKeyhole keyhole, Browser browser)
            throws Exception {
        User oscar = user(keyhole, "oscar", Role.OPERATOR);
        SignedIn his = SignedIn.redeem(keyhole.uri(), keyhole.signInLink(oscar));
        RawHttp.Answer refused = RawHttp.send(keyhole.uri(), "GET", "/api/admin/audit?actor=olga", null,
                his.headers(), null);
        assertEquals(403, refused.status(), refused::toString);
        assertTrue(refused.body().contains("admins only"), refused::toString);
        assertFalse(refused.body().contains("\"events\""), refused::toString);
        RawHttp.Answer admins = RawHttp.send(keyhole.uri(), "GET", "/api/admin/audit?limit=1", null,
                keyhole.signedIn().headers(), null);
        assertEquals(200, admins.status(), admins::toString);

        useDesktop(browser);
        browser.signIn(keyhole.signInLink(oscar));
        browser.driver().get(keyhole.uri().resolve("/admin.html").toString() + "#audit?actor=olga");
        new WebDriverWait(browser.driver(), WAIT).withMessage(() -> "waiting for the consoles page to say the admin "
                + "pages are for admins; at " + browser.driver().getCurrentUrl())
                .until(d -> d.findElements(By.cssSelector("body[data-page=targets] #targets-notice")).stream()
                        .anyMatch(n -> n.isDisplayed() && n.getText().equals("The admin pages are for admins only.")));
    }

    @Test
    void onAPhoneTheAuditDoesNotScrollSideways(RunningKeyhole keyhole, @SecondBrowser(phone = true) Browser phone)
            throws Exception {
        User max = user(keyhole, "maximilian.longname@example.org", Role.OPERATOR);
        SignedIn.redeem(keyhole.uri(), keyhole.signInLink(max));
        keyhole.accounts().signIn("someone", "wrong", "2001:db8:85a3::8a2e:370:7334", "");
        keyhole.audit().awaitWritten(WAIT);
        phone.signIn(keyhole.signInLink());
        AdminPage admin = AdminPage.open(phone.driver(), keyhole.uri()).section(Section.AUDIT);
        admin.waitForAudit("a few events", rows -> rows.size() >= 3);
        assertFalse(admin.auditFiltersOpen(), "a phone shows the events first, the filters when asked for");
        phone.assertNoSidewaysScroll("the audit section");
        phone.keepScreenshot("admin/phone-audit-top");
        phone.script("document.getElementById('audit-box').scrollIntoView()");
        phone.assertNoSidewaysScroll("the audit's events");
        phone.keepScreenshot("admin/phone-audit-events");
        phone.script("window.scrollTo(0, 0)");
        admin.openAuditFilters();
        phone.assertNoSidewaysScroll("the audit's filters");
        phone.keepScreenshot("admin/phone-audit-filters");
        admin.filterAudit("", "", "sign-in-failed", "2000-01-01T00:00", "2000-01-02T00:00");
        assertEquals("No events match.", admin.auditEmpty());
        assertFalse(admin.auditFiltersOpen(), "applied, the filters close on a phone");
        assertTrue(admin.auditFiltersSummary().matches("Sign-in refused · from 1 Jan 2000 00:00 · until 2 Jan 2000 "
                + "00:00"), admin.auditFiltersSummary());
        phone.assertNoSidewaysScroll("the audit, empty");
        phone.keepScreenshot("admin/phone-audit-empty");
    }

    // --- helpers -------------------------------------------------------------------------------------------------

    private static User user(RunningKeyhole keyhole, String name, Role role) {
        return keyhole.accounts().users().byName(name).orElseGet(() -> keyhole.accounts().addUser(name, role,
                List.of(), RunningKeyhole.TEST_PASSWORD));
    }

    /** Waits until the trail holds an event of {@code kind} by {@code actor}. */
    private static void awaitInTrail(RunningKeyhole keyhole, String what, String actor, AuditKind kind) {
        JdbcAuditStore store = keyhole.audit().store();
        JdbcAuditStore.Filter filter = new JdbcAuditStore.Filter(actor, null, kind, null, null);
        Waits.until(what + " to be in the audit trail", WAIT, () -> store.page(new JdbcAuditStore.Filter(actor, null,
                null, null, null), null, 20).stream().map(AuditRecord::kind).toList().toString(),
                () -> !store.page(filter, null, 1).isEmpty());
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
