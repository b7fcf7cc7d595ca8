package dev.keyhole.e2e.pages;

import dev.keyhole.e2e.fixtures.Browser;
import dev.keyhole.e2e.fixtures.RunningKeyhole;
import dev.keyhole.e2e.fixtures.Pictures;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import javax.imageio.ImageIO;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The console page ({@code /console.html?target=NAME}). {@code #console} carries data-state (see
 * {@link State}) and data-picture (waiting|shown); {@code #console-message} says what is going on;
 * {@code #display} holds the Guacamole display.
 */
public final class ConsolePage {

    /** The states of {@code #console}'s data-state. */
    public enum State {
        CONNECTING, CONNECTED, RECONNECTING, DISCONNECTED, ERROR;

        /** The attribute value. */
        public String value() {
            return name().toLowerCase();
        }
    }

    /**
     * Composes the visible layers of the Guacamole display into one PNG at the console's own resolution:
     * the default layer's canvas and the canvases of its child layers, each placed where it shows on the page.
     * The mouse cursor is not part of it (the page shows it as a CSS cursor).
     */
    private static final String CANVAS_PNG = """
            const host = document.getElementById('display');
            const bounds = host && host.firstElementChild;          // Guacamole.Display#getElement()
            const layers = bounds && bounds.firstElementChild;      // holds the default layer and the cursor layer
            const defaultLayer = layers && layers.firstElementChild;
            const base = defaultLayer && defaultLayer.querySelector(':scope > canvas');
            if (!base || base.width === 0 || base.height === 0) return null;
            const out = document.createElement('canvas');
            out.width = base.width;
            out.height = base.height;
            const g = out.getContext('2d');
            const b = base.getBoundingClientRect();
            if (b.width === 0 || b.height === 0) {
              g.drawImage(base, 0, 0);
            } else {
              const sx = base.width / b.width, sy = base.height / b.height;
              for (const c of defaultLayer.querySelectorAll('canvas')) {
                if (c.width === 0 || c.height === 0) continue;
                const r = c.getBoundingClientRect();
                g.drawImage(c, (r.left - b.left) * sx, (r.top - b.top) * sy, r.width * sx, r.height * sy);
              }
            }
            return out.toDataURL('image/png');
            """;

    private final WebDriver driver;

    private ConsolePage(WebDriver driver) {
        this.driver = driver;
    }

    /** Signs the browser in as the test user and opens the console page of a target. */
    public static ConsolePage open(Browser browser, RunningKeyhole keyhole, String target) {
        keyhole.signIn(browser);
        return openSignedIn(browser, keyhole.uri(), target);
    }

    /** Opens the console page of a target in a browser that is signed in already. */
    public static ConsolePage openSignedIn(Browser browser, URI server, String target) {
        browser.driver().get(server.resolve("/console.html?target="
                + URLEncoder.encode(target, StandardCharsets.UTF_8)).toString());
        return attach(browser.driver());
    }

    /** The console page a browser shows or is on its way to (after signing in, say). */
    public static ConsolePage attach(WebDriver driver) {
        ConsolePage page = new ConsolePage(driver);
        new WebDriverWait(driver, Duration.ofSeconds(15))
                .withMessage(() -> "waiting for the console page (body[data-page=console]); at " + driver.getCurrentUrl())
                .until(d -> !d.findElements(By.cssSelector("body[data-page='console'] #console")).isEmpty());
        return page;
    }

    /** @return the bar's account menu */
    public AccountMenu account() {
        return new AccountMenu(driver);
    }

    /** Reloads the page (a fresh connection attempt). */
    public ConsolePage reload() {
        driver.navigate().refresh();
        return attach(driver);
    }

    private WebElement console() {
        return driver.findElement(By.id("console"));
    }

    /** data-state of {@code #console} (e.g. "connected"). */
    public String state() {
        return console().getDomAttribute("data-state");
    }

    /** data-picture of {@code #console}: "waiting" or "shown". */
    public String picture() {
        return console().getDomAttribute("data-picture");
    }

    /** The text of {@code #console-message} (empty when there is none). */
    public String message() {
        return driver.findElement(By.id("console-message")).getText();
    }

    /** The page's heading: the console's title. */
    public String heading() {
        return driver.findElement(By.id("target-title")).getText();
    }

    /** True when the message is shown to the user. */
    public boolean messageVisible() {
        return driver.findElement(By.id("console-message")).isDisplayed();
    }

    /** What the page shows now, for failure messages. */
    public String describe() {
        return "data-state=" + state() + ", data-picture=" + picture() + ", message=\"" + message() + "\"";
    }

    /** Waits until {@code #console}'s data-state is one of {@code states}. */
    public ConsolePage waitForState(Duration timeout, State... states) {
        List<String> wanted = Arrays.stream(states).map(State::value).toList();
        new WebDriverWait(driver, timeout)
                .withMessage(() -> "waiting for the console to be " + String.join(" or ", wanted) + "; saw " + describe())
                .until(d -> wanted.contains(state()));
        return this;
    }

    /** Waits up to 30 s until {@code #console}'s data-state is {@code state}. */
    public ConsolePage waitForState(State state) {
        return waitForState(Duration.ofSeconds(30), state);
    }

    /** Waits until the first picture arrived (data-picture=shown). */
    public ConsolePage waitForPicture() {
        new WebDriverWait(driver, Duration.ofSeconds(30))
                .withMessage(() -> "waiting for the console's picture (data-picture=shown); saw " + describe())
                .until(d -> "shown".equals(picture()));
        return this;
    }

    /**
     * Waits until the page shows what Keyhole reads on the console's screen in {@code state} ({@code data-screen}).
     *
     * @return the sentence it shows
     */
    public String waitForScreen(String state, Duration timeout) {
        By line = By.cssSelector("#screen-box .screen-state");
        return new WebDriverWait(driver, timeout, Duration.ofMillis(100))
                .withMessage(() -> "waiting for the console page to read " + state + "; it shows: "
                        + driver.findElements(line).stream().map(e -> e.getDomAttribute("data-screen") + " \""
                                + e.getText() + "\"").toList())
                .until(d -> d.findElements(line).stream()
                        .filter(e -> state.equals(e.getDomAttribute("data-screen"))).map(WebElement::getText)
                        .findFirst().orElse(null));
    }

    /**
     * Types text on the console the way a user does: focuses the display, then real keyboard events
     * (Selenium Actions), then Enter.
     */
    public void typePassphrase(String passphrase) {
        focusDisplay();
        new Actions(driver).sendKeys(passphrase).sendKeys(Keys.ENTER).perform();
    }

    /** Presses and releases one key on the console, as a user would. */
    public void pressKey(Keys key) {
        focusDisplay();
        new Actions(driver).sendKeys(key).perform();
    }

    private void focusDisplay() {
        ((JavascriptExecutor) driver).executeScript(
                "const d = document.querySelector('#display > *'); if (d) d.focus({preventScroll: true});");
    }

    /**
     * Waits until the display shows what the console's own screen shows (see {@link Pictures}): same size,
     * the same text, and a picture with content (a black or cursor-only display never matches).
     *
     * @param expected takes the console's own screenshot (called at each try)
     * @return the matching comparison
     */
    public Pictures.Comparison waitForPictureMatching(Supplier<BufferedImage> expected, Duration timeout) {
        AtomicReference<String> last = new AtomicReference<>("no picture yet");
        return new WebDriverWait(driver, timeout, Duration.ofMillis(500))
                .withMessage(() -> "waiting for the browser's display to show the console's screen; last comparison: "
                        + last.get() + "; page: " + describe())
                .until(d -> {
                    BufferedImage shown = canvasImage();
                    if (shown == null) {
                        return null;
                    }
                    Pictures.Comparison c = Pictures.compare(expected.get(), shown);
                    last.set(c.toString());
                    return c.matches() ? c : null;
                });
    }

    /** The display as the user sees it, flattened to one image at the console's resolution; null before any. */
    public BufferedImage canvasImage() {
        Object dataUrl = ((JavascriptExecutor) driver).executeScript(CANVAS_PNG);
        if (dataUrl == null) {
            return null;
        }
        String url = dataUrl.toString();
        byte[] png = Base64.getDecoder().decode(url.substring(url.indexOf(',') + 1));
        try {
            return ImageIO.read(new ByteArrayInputStream(png));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // --- the passphrase box, the keyboard stage and the key bar --------------------------------------------

    private WebElement passphraseInput() {
        return driver.findElement(By.id("passphrase-input"));
    }

    /**
     * Types {@code passphrase} into the passphrase box (real key events into the masked field, never into the
     * console), sets "press Enter after" and sends it with the Send button.
     */
    public ConsolePage enterPassphraseInBox(String passphrase, boolean pressEnterAfter) {
        WebElement enter = driver.findElement(By.id("passphrase-enter"));
        if (enter.isSelected() != pressEnterAfter) {
            enter.click();
        }
        WebElement input = passphraseInput();
        input.clear();
        input.sendKeys(passphrase);
        driver.findElement(By.id("passphrase-send")).click();
        return this;
    }

    /**
     * Types {@code passphrase} into the box and submits the box twice in the same instant (a double tap on
     * Send), watching whether the field and the button were disabled while the keys went out.
     */
    public ConsolePage submitPassphraseBoxTwiceAtOnce(String passphrase) {
        WebElement input = passphraseInput();
        input.clear();
        input.sendKeys(passphrase);
        ((JavascriptExecutor) driver).executeScript("""
                const form = document.getElementById('passphrase-form');
                const input = document.getElementById('passphrase-input');
                const send = document.getElementById('passphrase-send');
                window.keyholeSawDisabledWhileSending = false;
                new MutationObserver(() => {
                  if (form.dataset.sending === 'true' && input.disabled && send.disabled) {
                    window.keyholeSawDisabledWhileSending = true;
                  }
                }).observe(form, {attributes: true, subtree: true});
                form.requestSubmit();
                form.requestSubmit();
                """);
        return this;
    }

    /** Whether the box was seen disabled while sending (after {@link #submitPassphraseBoxTwiceAtOnce}). */
    public boolean sawBoxDisabledWhileSending() {
        return Boolean.TRUE.equals(((JavascriptExecutor) driver).executeScript(
                "return window.keyholeSawDisabledWhileSending;"));
    }

    /** Sends {@code passphrase} through the box with Enter after and waits until every key went out. */
    public ConsolePage sendPassphraseThroughBox(String passphrase) {
        enterPassphraseInBox(passphrase, true);
        return waitForPassphraseSent();
    }

    /**
     * Pastes {@code passphrase} into the passphrase box (as a paste does: the field's value changes at once, one
     * input event), sets "press Enter after" and presses Send.
     */
    public ConsolePage pastePassphraseInBox(String passphrase, boolean pressEnterAfter) {
        WebElement enter = driver.findElement(By.id("passphrase-enter"));
        if (enter.isSelected() != pressEnterAfter) {
            enter.click();
        }
        ((JavascriptExecutor) driver).executeScript("""
                const input = document.getElementById('passphrase-input');
                input.focus();
                input.value = arguments[0];
                input.dispatchEvent(new InputEvent('input', {inputType: 'insertFromPaste', bubbles: true}));
                """, passphrase);
        driver.findElement(By.id("passphrase-send")).click();
        return this;
    }

    /** Waits until the box has sent all its keys (its message says "Sent"). */
    public ConsolePage waitForPassphraseSent() {
        return waitForPassphraseSent(Duration.ofSeconds(20));
    }

    /** Waits up to {@code timeout} until the box has sent all its keys (its message says "Sent"). */
    public ConsolePage waitForPassphraseSent(Duration timeout) {
        new WebDriverWait(driver, timeout)
                .withMessage(() -> "waiting for the passphrase box to finish sending; its message: \""
                        + passphraseMessage() + "\"; page: " + describe())
                .until(d -> "sent".equals(d.findElement(By.id("passphrase-message")).getDomAttribute("data-kind"))
                        && d.findElement(By.id("passphrase-form")).getDomAttribute("data-sending") == null);
        return this;
    }

    /** The passphrase box's current value (its DOM property: what the field holds now). */
    public String passphraseBoxValue() {
        return (String) ((JavascriptExecutor) driver).executeScript(
                "return document.getElementById('passphrase-input').value;");
    }

    /** What the passphrase box says (empty when nothing). */
    public String passphraseMessage() {
        return driver.findElement(By.id("passphrase-message")).getText();
    }

    /** Waits until the box has refused what was typed (data-kind=refused) and returns its message. */
    public String waitForRefusal() {
        new WebDriverWait(driver, Duration.ofSeconds(10))
                .withMessage(() -> "waiting for the passphrase box to refuse the passphrase; its message: \""
                        + passphraseMessage() + "\"")
                .until(d -> "refused".equals(d.findElement(By.id("passphrase-message")).getDomAttribute("data-kind")));
        return passphraseMessage();
    }

    /** The positions (0-based) the box marked as untypeable. */
    public List<Integer> markedPositions() {
        List<WebElement> marks = driver.findElements(By.cssSelector("#passphrase-marks .mark"));
        List<Integer> bad = new java.util.ArrayList<>();
        for (int i = 0; i < marks.size(); i++) {
            if (marks.get(i).getDomAttribute("class").contains("bad")) {
                bad.add(i);
            }
        }
        return bad;
    }

    /** The text of the marks row (one symbol per character: never the characters themselves). */
    public String marksText() {
        return driver.findElement(By.id("passphrase-marks")).getText();
    }

    /** The keyboard stage in effect as the page shows it (data-stage of #keyboard-stage); null before known. */
    public String keyboardStage() {
        return driver.findElement(By.id("keyboard-stage")).getDomAttribute("data-stage");
    }

    /** The keyboard layout in effect as the page shows it. */
    public String keyboardLayout() {
        return driver.findElement(By.id("keyboard-stage")).getDomAttribute("data-layout");
    }

    /** Waits until the page shows {@code stage} as the keyboard stage in effect. */
    public ConsolePage waitForKeyboardStage(String stage) {
        new WebDriverWait(driver, Duration.ofSeconds(30))
                .withMessage(() -> "waiting for the keyboard stage " + stage + "; saw " + keyboardStage())
                .until(d -> stage.equals(keyboardStage()));
        return this;
    }

    /** Taps the button that switches the target's keyboard to {@code stage} (for everyone). */
    public ConsolePage switchKeyboardStage(String stage) {
        By button = By.cssSelector("#stage-buttons button[data-stage='" + stage + "']");
        new WebDriverWait(driver, Duration.ofSeconds(30))
                .withMessage(() -> "waiting for an enabled button to switch the keyboard to " + stage + "; stage now "
                        + keyboardStage())
                .until(d -> d.findElements(button).stream().anyMatch(WebElement::isEnabled))
                ;
        driver.findElement(button).click();
        return this;
    }

    /** Waits until the keyboard notice shows and contains {@code text}; returns the notice. */
    public String waitForKeyboardNotice(String text) {
        new WebDriverWait(driver, Duration.ofSeconds(30))
                .withMessage(() -> "waiting for the keyboard notice \"" + text + "\"; page: " + describe())
                .until(d -> {
                    WebElement notice = d.findElement(By.id("keyboard-notice"));
                    return notice.isDisplayed() && notice.getText().contains(text);
                });
        return driver.findElement(By.id("keyboard-notice")).getText();
    }

    /** Taps a key of the key bar: enter, escape, backspace, left, up, right, down, wake, ctrl-alt-del. */
    public ConsolePage tapKey(String key) {
        driver.findElement(By.cssSelector("#key-bar button[data-key='" + key + "']")).click();
        return this;
    }

    /** Taps the passphrase box (it takes the focus: a phone opens its on-screen keyboard). */
    public ConsolePage focusPassphraseBox() {
        passphraseInput().click();
        return this;
    }

    /** Waits until the page asks whether to send Ctrl-Alt-Del (its dialog is open). */
    public ConsolePage waitForRestartQuestion() {
        new WebDriverWait(driver, Duration.ofSeconds(10))
                .withMessage(() -> "waiting for the page to ask before sending Ctrl-Alt-Del (#cad-dialog open)")
                .until(d -> d.findElement(By.id("cad-dialog")).isDisplayed());
        return this;
    }

    /** True while the Ctrl-Alt-Del question is open. */
    public boolean restartQuestionOpen() {
        return driver.findElement(By.id("cad-dialog")).getDomAttribute("open") != null;
    }

    /** Answers the open Ctrl-Alt-Del question: "Send Ctrl-Alt-Del" or "Cancel"; waits until it has closed. */
    public ConsolePage answerRestartQuestion(boolean send) {
        driver.findElement(By.id(send ? "cad-confirm" : "cad-cancel")).click();
        new WebDriverWait(driver, Duration.ofSeconds(10))
                .withMessage(() -> "waiting for the Ctrl-Alt-Del question to close")
                .until(d -> !restartQuestionOpen());
        return this;
    }

    /**
     * The key bar's buttons as laid out now: for each, {key, left, top, right, bottom, width, height} of its
     * bounding box in CSS pixels (layout viewport coordinates).
     */
    @SuppressWarnings("unchecked")
    public List<java.util.Map<String, Object>> keyBarButtons() {
        return (List<java.util.Map<String, Object>>) ((JavascriptExecutor) driver).executeScript("""
                return [...document.querySelectorAll('#key-bar button')].map((b) => {
                  const r = b.getBoundingClientRect();
                  return {key: b.dataset.key, left: r.left, top: r.top, right: r.right, bottom: r.bottom,
                          width: r.width, height: r.height};
                });""");
    }

    /**
     * The visual viewport (what the screen shows of the page; an on-screen keyboard shrinks it) in layout
     * viewport coordinates: {left, top, right, bottom, height, innerWidth, innerHeight, scrollWidth}.
     */
    @SuppressWarnings("unchecked")
    public java.util.Map<String, Number> visualViewport() {
        return (java.util.Map<String, Number>) ((JavascriptExecutor) driver).executeScript("""
                const v = window.visualViewport;
                return {left: v.offsetLeft, top: v.offsetTop, right: v.offsetLeft + v.width,
                        bottom: v.offsetTop + v.height, height: v.height, innerWidth: window.innerWidth,
                        innerHeight: window.innerHeight, scrollWidth: document.documentElement.scrollWidth};""");
    }

    /** The id of the element that has the focus (empty when none has an id). */
    public String focusedId() {
        return (String) ((JavascriptExecutor) driver).executeScript(
                "return document.activeElement ? document.activeElement.id : '';");
    }

    /**
     * Where an element is on the screen, in CSS pixels: {left, top, right, bottom} of its bounding box, and the
     * viewport's width and height.
     */
    @SuppressWarnings("unchecked")
    public List<Number> boxOf(String cssSelector) {
        return (List<Number>) ((JavascriptExecutor) driver).executeScript("""
                const r = document.querySelector(arguments[0]).getBoundingClientRect();
                return [r.left, r.top, r.right, r.bottom, window.innerWidth, window.innerHeight];
                """, cssSelector);
    }
}
