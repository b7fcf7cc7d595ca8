package dev.keyhole.e2e.pages;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The console page's Share dialog ({@code #share-dialog}, opened by {@code #share-button}; js/share.js). It shows
 * the form or, once a link is made, the link this once ({@code data-view} form|made), beside the console's links:
 * {@code #share-list > li[data-link=ID][data-state=live|expired|revoked]}.
 */
public final class ShareDialog {

    private static final Duration WAIT = Duration.ofSeconds(15);

    private final WebDriver driver;

    private ShareDialog(WebDriver driver) {
        this.driver = driver;
    }

    /** Whether the console page offers the Share button (an operator's or an admin's, once the page knows). */
    public static boolean offered(WebDriver driver) {
        return driver.findElement(By.id("share-button")).isDisplayed();
    }

    /** Waits for the Share button, presses it and waits for the dialog to open with its list read. */
    public static ShareDialog open(WebDriver driver) {
        WebElement button = driver.findElement(By.id("share-button"));
        new WebDriverWait(driver, WAIT).withMessage("waiting for the console page to offer the Share button")
                .until(d -> button.isDisplayed());
        button.click();
        ShareDialog dialog = new ShareDialog(driver);
        new WebDriverWait(driver, WAIT).withMessage(() -> "waiting for the Share dialog to open; saw "
                + dialog.describe()).until(d -> dialog.isOpen() && "form".equals(dialog.view()));
        return dialog;
    }

    /** Whether the dialog is open (modal). */
    public boolean isOpen() {
        return Boolean.TRUE.equals(((JavascriptExecutor) driver).executeScript(
                "return document.getElementById('share-dialog').open"));
    }

    /** data-view: "form" or "made". */
    public String view() {
        return dialog().getDomAttribute("data-view");
    }

    /** Chooses Type (or Watch), and whether it may switch the keyboard stage. */
    public ShareDialog mode(String mode) {
        click(By.id("share-mode-" + mode));
        return this;
    }

    /** @return the "may switch the keyboard stage" box */
    public WebElement stagesBox() {
        return driver.findElement(By.id("share-stages"));
    }

    /** The expiry select. */
    public Select expiry() {
        return new Select(driver.findElement(By.id("share-expiry")));
    }

    /** Chooses the expiry by its label ("1 hour"). */
    public ShareDialog expiresAfter(String label) {
        expiry().selectByVisibleText(label);
        return this;
    }

    /** Chooses "Up to N devices". */
    public ShareDialog upToDevices(int devices) {
        click(By.id("share-devices-several"));
        WebElement count = driver.findElement(By.id("share-device-count"));
        count.clear();
        count.sendKeys(Integer.toString(devices));
        return this;
    }

    /** Writes the note. */
    public ShareDialog note(String note) {
        WebElement field = driver.findElement(By.id("share-note"));
        field.clear();
        field.sendKeys(note);
        return this;
    }

    /** Presses Create and waits until the dialog shows the new link. */
    public ShareDialog create() {
        driver.findElement(By.id("share-create")).click();
        new WebDriverWait(driver, WAIT).withMessage(() -> "waiting for the Share dialog to show the new link; saw "
                + describe()).until(d -> "made".equals(view()) && !url().isEmpty());
        return this;
    }

    /** Presses Create and waits until the dialog says why it made no link; returns what it says. */
    public String createRefused() {
        driver.findElement(By.id("share-create")).click();
        new WebDriverWait(driver, WAIT).withMessage(() -> "waiting for the Share dialog to say why it made no link; saw "
                + describe()).until(d -> !message().isEmpty());
        return message();
    }

    /** The form's alert; "" when there is none. */
    public String message() {
        return driver.findElement(By.id("share-message")).getText();
    }

    /** The new link's URL in its read-only field ("" when none is shown). */
    public String url() {
        return driver.findElement(By.id("share-url")).getDomProperty("value");
    }

    /** Whether the QR code shows: a loaded image with a size. */
    public boolean qrShown() {
        return Boolean.TRUE.equals(((JavascriptExecutor) driver).executeScript("""
                const img = document.getElementById('share-qr');
                const box = img.getBoundingClientRect();
                return img.complete && img.naturalWidth > 0 && box.width > 100 && box.height > 100
                    && img.src.startsWith('data:image/svg+xml;base64,');"""));
    }

    /** The new link's warning and terms as shown. */
    public String madeText() {
        return driver.findElement(By.id("share-made")).getText();
    }

    /** Presses Copy; returns what the dialog says then ("Copied." or how to copy it by hand). */
    public String copy() {
        click(By.id("share-copy"));
        WebElement status = driver.findElement(By.id("share-copy-status"));
        new WebDriverWait(driver, WAIT).withMessage("waiting for the dialog to say whether it copied the link")
                .until(d -> !status.getText().isEmpty());
        return status.getText();
    }

    /** Presses "Make another": the form again, the link gone from the dialog. */
    public ShareDialog makeAnother() {
        click(By.id("share-another"));
        new WebDriverWait(driver, WAIT).withMessage(() -> "waiting for the form again; saw " + describe())
                .until(d -> "form".equals(view()));
        return this;
    }

    /** Closes the dialog with its close button. */
    public void close() {
        click(By.id("share-close"));
        // The page hands the focus back to the Share button on the dialog's close event, a task after the dialog
        // has closed: whatever the test focuses before that would lose the focus to the button (and keys typed
        // then, Enter included, would reach the button and open the dialog again).
        new WebDriverWait(driver, WAIT).withMessage("waiting for the Share dialog to close and give the focus back")
                .until(d -> !isOpen() && Boolean.TRUE.equals(((JavascriptExecutor) driver).executeScript(
                        "return document.activeElement === document.getElementById('share-button')")));
    }

    /** A link of the list, as shown. */
    public record Listed(String id, String state, String text, boolean revocable) {
    }

    /** The links listed, newest first: read at once, as the list is re-drawn whenever it is read again. */
    @SuppressWarnings("unchecked")
    public List<Listed> links() {
        List<Map<String, Object>> items = (List<Map<String, Object>>) ((JavascriptExecutor) driver).executeScript("""
                return [...document.querySelectorAll('#share-list > li[data-link]')].map((li) => ({
                    id: li.dataset.link, state: li.dataset.state, text: li.innerText,
                    revocable: !!li.querySelector('button.share-revoke')}));""");
        return items.stream().map(i -> new Listed((String) i.get("id"), (String) i.get("state"), (String) i.get("text"),
                Boolean.TRUE.equals(i.get("revocable")))).toList();
    }

    /** Waits until the list shows a link that {@code matches}, and returns it. */
    public Listed waitForLink(String what, Predicate<Listed> matches) {
        return waitForLink(what, matches, WAIT);
    }

    /** Waits until the list shows a link that {@code matches}, and returns it. */
    public Listed waitForLink(String what, Predicate<Listed> matches, Duration timeout) {
        new WebDriverWait(driver, timeout).withMessage(() -> "waiting for the Share dialog's list to show " + what
                + "; saw " + links() + " " + listMessage()).until(d -> find(matches).isPresent());
        return find(matches).orElseThrow();
    }

    private Optional<Listed> find(Predicate<Listed> matches) {
        return links().stream().filter(matches).findFirst();
    }

    /** Presses the Revoke button of a listed link. */
    public ShareDialog revoke(String id) {
        click(By.cssSelector("#share-list > li[data-link='" + id + "'] button.share-revoke"));
        return this;
    }

    /** The list's alert; "" when there is none. */
    public String listMessage() {
        return driver.findElement(By.id("share-list-message")).getText();
    }

    private WebElement dialog() {
        return driver.findElement(By.id("share-dialog"));
    }

    private void click(By control) {
        WebElement element = driver.findElement(control);
        ((JavascriptExecutor) driver).executeScript("arguments[0].scrollIntoView({block: 'nearest'})", element);
        element.click();
    }

    /** What the dialog shows now, for failure messages. */
    public String describe() {
        return "open=" + isOpen() + ", data-view=" + view() + ", message=\"" + message() + "\", list message=\""
                + listMessage() + "\"";
    }
}
