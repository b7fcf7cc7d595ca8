package dev.keyhole.e2e.pages;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.NoSuchElementException;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The admin pages ({@code /admin.html}; js/admin.js and a module per section): {@code #admin} (data-state
 * loading|ready|error), a tab per section ({@code #tab-users}, {@code #tab-sessions}, {@code #tab-links},
 * {@code #tab-audit}), and each section {@code #admin-ID} with its own data-state. Rows: {@code tr[data-user=NAME]}
 * (users), {@code tr[data-session=ID][data-user=NAME]} with {@code li[data-tunnel=ID]} per open console (sessions),
 * {@code tr[data-tunnel=ID][data-link=…]} (guests), {@code tr[data-link=ID][data-state=…]} (links),
 * {@code tr[data-seq=SEQ][data-kind=KIND][data-result=ok|not-ok]}, {@code [data-new]} once arrived live (audit,
 * whose filters live in the fragment: {@code admin.html#audit?actor=olga&limit=3}). Destructive actions ask first in
 * {@code #admin-confirm}.
 *
 * <p>The sessions section draws itself anew when what it reads changes (every few seconds): every action here finds
 * its element afresh, and tries again if it was replaced between finding and clicking.
 */
public final class AdminPage {

    private static final Duration WAIT = Duration.ofSeconds(15);

    /** The sections, as their tabs and ids name them. */
    public enum Section {
        USERS, SESSIONS, LINKS, AUDIT;

        /** @return the section's id ({@code users}) */
        public String id() {
            return name().toLowerCase();
        }
    }

    /**
     * One row of a section's table, as the page shows it.
     *
     * @param key   the row's data attribute that names it (a user's name, a session's id, a link's id)
     * @param state its data-state, if it has one (a link's live|expired|revoked); null otherwise
     * @param text  everything it says
     */
    public record Row(String key, String state, String text) {
    }

    private final WebDriver driver;

    private AdminPage(WebDriver driver) {
        this.driver = driver;
    }

    /** Opens {@code /admin.html} in a browser that is signed in as an admin, and waits until it is ready. */
    public static AdminPage open(WebDriver driver, URI server) {
        driver.get(server.resolve("/admin.html").toString());
        return attach(driver);
    }

    /**
     * Opens {@code /admin.html#FRAGMENT} ({@code audit?kind=sign-in}) in a browser signed in as an admin, and waits
     * until the section the fragment names is shown and ready.
     */
    public static AdminPage open(WebDriver driver, URI server, String fragment) {
        driver.get(server.resolve("/admin.html").toString() + "#" + fragment);
        AdminPage page = attach(driver);
        page.awaitShown(fragment.split("\\?")[0]);
        return page;
    }

    /** The admin page a browser shows or is on its way to (from the account menu, say), once ready. */
    public static AdminPage attach(WebDriver driver) {
        AdminPage page = new AdminPage(driver);
        new WebDriverWait(driver, WAIT).withMessage(() -> "waiting for the admin page to be ready (#admin "
                + "data-state=ready); at " + driver.getCurrentUrl() + ", " + page.describe())
                .until(d -> "ready".equals(page.attribute(By.id("admin"), "data-state")));
        return page;
    }

    /** Chooses a section's tab and waits until the section has read what it shows. */
    public AdminPage section(Section section) {
        click(By.id("tab-" + section.id()));
        return awaitShown(section.id());
    }

    private AdminPage awaitShown(String id) {
        new WebDriverWait(driver, WAIT).withMessage(() -> "waiting for the " + id + " section to be shown and ready; "
                + describe())
                .until(d -> d.findElement(By.id("admin-" + id)).isDisplayed()
                        && "ready".equals(attribute(By.id("admin-" + id), "data-state")));
        return this;
    }

    /** @return the tabs' names, in order */
    public List<String> tabs() {
        return driver.findElements(By.cssSelector("#admin-tabs [role=tab]")).stream().map(WebElement::getText)
                .toList();
    }

    // --- users ---------------------------------------------------------------------------------------------------

    /** Adds a user through "Add a user", and waits until the list shows them. */
    public Row addUser(String name, String role, String targets, String password) {
        click(By.id("user-add-button"));
        awaitDialog("user-add-dialog");
        type(By.id("user-add-name"), name);
        new Select(driver.findElement(By.id("user-add-role"))).selectByValue(role);
        type(By.id("user-add-targets"), targets);
        type(By.id("user-add-password"), password);
        type(By.id("user-add-password-again"), password);
        click(By.id("user-add-submit"));
        new WebDriverWait(driver, WAIT).withMessage(() -> "waiting for the add dialog to close; it says: "
                + text(By.id("user-add-message"))).until(d -> !dialogOpen("user-add-dialog"));
        return waitForUser(name, "the new user " + name, row -> true);
    }

    /** Waits until the user's row says what {@code says} wants. */
    public Row waitForUser(String name, String what, Predicate<Row> says) {
        return waitForRow(By.cssSelector("#user-rows tr[data-user='" + name + "']"), "data-user", what, says);
    }

    /** @return the user's row, if the list has one */
    public Optional<Row> user(String name) {
        return row(By.cssSelector("#user-rows tr[data-user='" + name + "']"), "data-user");
    }

    /** Opens a user's "Manage…" dialog. */
    public AdminPage manage(String name) {
        if (!dialogOpen("user-dialog") || !name.equals(attribute(By.id("user-dialog"), "data-user"))) {
            click(By.cssSelector("#user-rows tr[data-user='" + name + "'] .row-actions button"));
            awaitDialog("user-dialog");
        }
        return this;
    }

    /** In a user's dialog: changes their role and consoles (a comma-separated list; "" for every console), saves. */
    public String changeUser(String name, String role, String targets) {
        manage(name);
        new Select(driver.findElement(By.id("user-change-role"))).selectByValue(role);
        type(By.id("user-change-targets"), targets);
        return pressInDialog("user-change-submit");
    }

    /** In a user's dialog: Disable. @return what the dialog says it did */
    public String disable(String name) {
        manage(name);
        return pressInDialog("user-disable");
    }

    /** In a user's dialog: Enable. @return what the dialog says it did */
    public String enable(String name) {
        manage(name);
        return pressInDialog("user-enable");
    }

    /** In a user's dialog: Reset second factor…, confirmed. @return what the dialog says it did */
    public String resetSecondFactor(String name) {
        manage(name);
        clearDialogMessages();
        click(By.id("user-reset"));
        confirm();
        return awaitDialogSays();
    }

    /** In a user's dialog: One-time sign-in link. @return the link the dialog shows */
    public String signInLink(String name) {
        manage(name);
        click(By.id("user-link"));
        new WebDriverWait(driver, WAIT).withMessage(() -> "waiting for the sign-in link; the dialog says "
                + text(By.id("user-dialog-message")))
                .until(d -> !String.valueOf(d.findElement(By.id("user-link-url")).getDomProperty("value")).isEmpty());
        return driver.findElement(By.id("user-link-url")).getDomProperty("value");
    }

    /** In a user's dialog: Remove…, confirmed; waits until the list no longer has them. */
    public void remove(String name) {
        manage(name);
        click(By.id("user-remove"));
        confirm();
        new WebDriverWait(driver, WAIT).withMessage(() -> "waiting for " + name + " to leave the list; "
                + text(By.id("users-message")) + " " + text(By.id("user-dialog-message")))
                .until(d -> user(name).isEmpty());
    }

    /** Closes the user's dialog. */
    public AdminPage closeDialog() {
        if (dialogOpen("user-dialog")) {
            click(By.cssSelector("#user-dialog [data-close]"));
            new WebDriverWait(driver, WAIT).withMessage("waiting for the user dialog to close")
                    .until(d -> !dialogOpen("user-dialog"));
        }
        return this;
    }

    /** @return whether a control of the user's dialog is offered and usable */
    public boolean offered(String id) {
        WebElement control = driver.findElement(By.id(id));
        return control.isDisplayed() && control.isEnabled();
    }

    // --- sessions ------------------------------------------------------------------------------------------------

    /** Waits until a session of {@code user} says what {@code says} wants (its key is the session's id). */
    public Row waitForSession(String user, String what, Predicate<Row> says) {
        return waitForRow(By.cssSelector("#session-rows tr[data-user='" + user + "']"), "data-session", what, says);
    }

    /** @return the ids of the tunnels a session shows open, in order */
    public List<String> tunnelsOf(String sessionId) {
        return retrying(() -> driver.findElements(By.cssSelector("#session-rows tr[data-session='" + sessionId
                + "'] li[data-tunnel]")).stream().map(li -> li.getDomAttribute("data-tunnel")).toList());
    }

    /** Presses "Close view" beside one open console (no question asked). */
    public void closeView(String tunnel) {
        click(By.cssSelector("[data-close-tunnel='" + tunnel + "']"));
    }

    /** Presses "End session…" of a session, and waits for the question. */
    public AdminPage askToEnd(String sessionId) {
        click(By.cssSelector("#session-rows tr[data-session='" + sessionId + "'] [data-end]"));
        awaitDialog("admin-confirm");
        return this;
    }

    /** @return the open question's text */
    public String question() {
        return text(By.id("admin-confirm-title")) + " " + text(By.id("admin-confirm-text"));
    }

    /** Answers the open question with its confirming button. */
    public void confirm() {
        awaitDialog("admin-confirm");
        click(By.id("admin-confirm-yes"));
        new WebDriverWait(driver, WAIT).withMessage("waiting for the question to close")
                .until(d -> !dialogOpen("admin-confirm"));
    }

    /** @return whether the sessions section lists this tunnel (under a session, or a guest's) */
    public boolean listsTunnel(String tunnel) {
        return retrying(() -> !driver.findElements(By.cssSelector("#admin-sessions [data-tunnel='" + tunnel + "']"))
                .isEmpty());
    }

    /** Waits until the sessions section lists a guest through the link with this fingerprint. */
    public Row waitForGuest(String linkFingerprint, String what, Predicate<Row> says) {
        return waitForRow(By.cssSelector("#guest-rows tr[data-link='" + linkFingerprint + "']"), "data-tunnel", what,
                says);
    }

    // --- links ---------------------------------------------------------------------------------------------------

    /** Waits until the links section's row of a link says what {@code says} wants. */
    public Row waitForLink(String id, String what, Predicate<Row> says) {
        return waitForRow(By.cssSelector("#link-rows tr[data-link='" + id + "']"), "data-link", what, says);
    }

    /** @return the links' ids, in the order shown */
    public List<String> linkIds() {
        return retrying(() -> driver.findElements(By.cssSelector("#link-rows tr[data-link]")).stream()
                .map(tr -> tr.getDomAttribute("data-link")).toList());
    }

    /** Presses a link's Revoke. */
    public void revoke(String id) {
        click(By.cssSelector("#link-rows tr[data-link='" + id + "'] [data-revoke]"));
    }

    // --- audit ---------------------------------------------------------------------------------------------------

    /**
     * One event as the audit section shows it: its place in the chain, its kind's id, whether it arrived live, and
     * the text of each column.
     */
    public record AuditRow(long seq, String kind, boolean fresh, String time, String what, String who, String from,
            String console, String result, String details) {
    }

    /** @return the events the audit section shows, top first */
    @SuppressWarnings("unchecked")
    public List<AuditRow> auditRows() {
        List<Map<String, Object>> rows = (List<Map<String, Object>>) ((JavascriptExecutor) driver).executeScript("""
                return [...document.querySelectorAll('#audit-rows tr')].map((tr) => ({seq: Number(tr.dataset.seq),
                    kind: tr.dataset.kind, fresh: tr.hasAttribute('data-new'),
                    cells: [...tr.cells].map((td) => td.textContent.trim())}));""");
        return rows.stream().map(row -> {
            List<String> cells = (List<String>) row.get("cells");
            return new AuditRow(((Number) row.get("seq")).longValue(), (String) row.get("kind"),
                    Boolean.TRUE.equals(row.get("fresh")), cells.get(0), cells.get(1), cells.get(2), cells.get(3),
                    cells.get(4), cells.get(5), cells.get(6));
        }).toList();
    }

    /** Waits until the audit section shows events that {@code shown} accepts. @return them */
    public List<AuditRow> waitForAudit(String what, Duration timeout, Predicate<List<AuditRow>> shown) {
        Object[] seen = new Object[1];
        new WebDriverWait(driver, timeout).withMessage(() -> "waiting " + timeout.toSeconds() + " s for " + what
                + "; the audit section shows " + seen[0] + "; " + describe() + ", " + text(By.id("audit-message")))
                .until(d -> {
                    if (!"ready".equals(attribute(By.id("admin-audit"), "data-state"))) {
                        seen[0] = "(reading)";
                        return false;
                    }
                    List<AuditRow> rows = auditRows();
                    seen[0] = rows;
                    return shown.test(rows) ? rows : null;
                });
        return auditRows();
    }

    /** Waits until the audit section shows events that {@code shown} accepts. @return them */
    public List<AuditRow> waitForAudit(String what, Predicate<List<AuditRow>> shown) {
        return waitForAudit(what, WAIT, shown);
    }

    /**
     * Fills the audit section's filters and presses Apply, then waits until it has read the events they let
     * through. A null leaves a field as it is, "" empties it; {@code from} and {@code to} as a datetime-local field
     * takes them ({@code 2000-01-01T00:00}, this browser's time).
     */
    public AdminPage filterAudit(String who, String console, String kind, String from, String to) {
        openAuditFilters();
        if (who != null) {
            type(By.id("audit-actor"), who);
        }
        if (console != null) {
            type(By.id("audit-target"), console);
        }
        if (kind != null) {
            new Select(driver.findElement(By.id("audit-kind"))).selectByValue(kind);
        }
        setValue("audit-from", from);
        setValue("audit-to", to);
        click(By.id("audit-apply"));
        return awaitShown("audit");
    }

    /** Opens the audit's filters where they are closed (a phone's are, until asked for). */
    public AdminPage openAuditFilters() {
        if (!auditFiltersOpen()) {
            click(By.cssSelector("#audit-filter-box > summary"));
        }
        return this;
    }

    /** @return whether the audit's filters are open */
    public boolean auditFiltersOpen() {
        return Boolean.TRUE.equals(((JavascriptExecutor) driver).executeScript(
                "return document.getElementById('audit-filter-box').open"));
    }

    /** @return what the audit's filters' summary says of those in effect ("none", "olga · Sign-in refused") */
    public String auditFiltersSummary() {
        return text(By.id("audit-summary"));
    }

    /** Presses the audit's Clear: no filters. */
    public AdminPage clearAuditFilters() {
        click(By.id("audit-clear"));
        return awaitShown("audit");
    }

    /** @return the audit filters' values as the form shows them: who, console, kind, from, until */
    public List<String> auditFilters() {
        return List.of("audit-actor", "audit-target", "audit-kind", "audit-from", "audit-to").stream()
                .map(id -> String.valueOf(driver.findElement(By.id(id)).getDomProperty("value"))).toList();
    }

    /** @return whether the audit offers "Older events" */
    public boolean offersOlderEvents() {
        return driver.findElement(By.id("audit-older")).isDisplayed();
    }

    /** Presses "Older events" and waits until the next page is shown. */
    public AdminPage olderEvents() {
        click(By.id("audit-older"));
        return awaitShown("audit");
    }

    /** Presses "Newer events" and waits until the page before is shown. */
    public AdminPage newerEvents() {
        click(By.id("audit-newer"));
        return awaitShown("audit");
    }

    /** @return what the bar of new events on an older page says; "" while it is hidden */
    public String newEventsBar() {
        WebElement bar = driver.findElement(By.id("audit-new"));
        return bar.isDisplayed() ? bar.getText() : "";
    }

    /** Presses the bar of new events: back to the newest page. */
    public AdminPage showNewEvents() {
        click(By.id("audit-new"));
        return awaitShown("audit");
    }

    /** @return "No events match." when the audit says so; "" while it shows events */
    public String auditEmpty() {
        WebElement empty = driver.findElement(By.id("audit-empty"));
        return empty.isDisplayed() ? empty.getText() : "";
    }

    /** Waits until the audit's event stream is open (#audit-live data-stream=open). */
    public AdminPage awaitLive() {
        new WebDriverWait(driver, WAIT).withMessage(() -> "waiting for the audit's event stream to open; it is "
                + attribute(By.id("audit-live"), "data-stream"))
                .until(d -> "open".equals(attribute(By.id("audit-live"), "data-stream")));
        return this;
    }

    // --- the page ------------------------------------------------------------------------------------------------

    /** @return what the section's alert says (empty when nothing went wrong) */
    public String alert(Section section) {
        return text(By.id(section.id() + "-message"));
    }

    /** What the page shows now, for failure messages. */
    public String describe() {
        return "#admin data-state=" + attribute(By.id("admin"), "data-state") + ", sections "
                + driver.findElements(By.cssSelector(".admin-section")).stream()
                        .map(s -> s.getDomAttribute("id") + "=" + s.getDomAttribute("data-state")
                                + (s.isDisplayed() ? " (shown)" : "")).toList();
    }

    private Row waitForRow(By by, String key, String what, Predicate<Row> says) {
        Row[] seen = new Row[1];
        new WebDriverWait(driver, WAIT).withMessage(() -> "waiting for " + what + "; the row says "
                + (seen[0] == null ? "(no row)" : seen[0]) + "; " + describe())
                .until(d -> {
                    seen[0] = row(by, key).orElse(null);
                    return seen[0] != null && says.test(seen[0]);
                });
        return seen[0];
    }

    private Optional<Row> row(By by, String key) {
        return retrying(() -> driver.findElements(by).stream().findFirst()
                .map(tr -> new Row(tr.getDomAttribute(key), tr.getDomAttribute("data-state"), tr.getText())));
    }

    private String pressInDialog(String id) {
        clearDialogMessages();
        click(By.id(id));
        return awaitDialogSays();
    }

    private void clearDialogMessages() {
        ((JavascriptExecutor) driver).executeScript("document.getElementById('user-dialog-done').textContent = '';"
                + " document.getElementById('user-dialog-message').textContent = ''");
    }

    /** @return what the user's dialog says once it has said something: what was done, or what went wrong */
    private String awaitDialogSays() {
        new WebDriverWait(driver, WAIT).withMessage("waiting for the user dialog to say what it did")
                .until(d -> !text(By.id("user-dialog-done")).isEmpty()
                        || !text(By.id("user-dialog-message")).isEmpty());
        String failed = text(By.id("user-dialog-message"));
        return failed.isEmpty() ? text(By.id("user-dialog-done")) : "failed: " + failed;
    }

    private void awaitDialog(String id) {
        new WebDriverWait(driver, WAIT).withMessage(() -> "waiting for #" + id + " to open; " + describe())
                .until(d -> dialogOpen(id));
    }

    private boolean dialogOpen(String id) {
        return Boolean.TRUE.equals(((JavascriptExecutor) driver).executeScript(
                "const d = document.getElementById(arguments[0]); return !!d && d.open", id));
    }

    /** Sets a field's value as a picker would (a datetime-local field takes no typing alike in every locale). */
    private void setValue(String id, String value) {
        if (value != null) {
            ((JavascriptExecutor) driver).executeScript("const f = document.getElementById(arguments[0]);"
                    + " f.value = arguments[1]; f.dispatchEvent(new Event('input', {bubbles: true}));"
                    + " f.dispatchEvent(new Event('change', {bubbles: true}))", id, value);
        }
    }

    private void type(By by, String text) {
        WebElement field = driver.findElement(by);
        field.clear();
        if (!text.isEmpty()) {
            field.sendKeys(text);
        }
    }

    /** Clicks an element once it is shown and enabled, finding it again if the page drew it anew meanwhile. */
    private void click(By by) {
        new WebDriverWait(driver, WAIT).ignoring(StaleElementReferenceException.class)
                .ignoring(NoSuchElementException.class)
                .withMessage(() -> "waiting to click " + by + "; " + describe())
                .until(d -> {
                    WebElement element = d.findElement(by);
                    if (!element.isDisplayed() || !element.isEnabled()) {
                        return false;
                    }
                    element.click();
                    return true;
                });
    }

    private String text(By by) {
        return retrying(() -> driver.findElements(by).stream().findFirst().map(WebElement::getText).orElse(""));
    }

    private String attribute(By by, String name) {
        return retrying(() -> driver.findElements(by).stream().findFirst().map(e -> e.getDomAttribute(name))
                .orElse(null));
    }

    /** Reads what the page shows, again if it drew it anew while reading. */
    private <T> T retrying(java.util.function.Supplier<T> read) {
        for (int attempt = 1; ; attempt++) {
            try {
                return read.get();
            } catch (StaleElementReferenceException e) {
                if (attempt == 5) {
                    throw e;
                }
            }
        }
    }
}
