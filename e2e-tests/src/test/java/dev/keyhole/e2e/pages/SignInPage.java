package dev.keyhole.e2e.pages;

import dev.keyhole.e2e.fixtures.Browser;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The sign-in page ({@code /sign-in.html}). {@code #sign-in} carries data-view (see {@link View}), one view shows at
 * a time; {@code #sign-in-message} says what went wrong. What is typed into it (passwords, codes) is never part of
 * a message of this class's.
 */
public final class SignInPage {

    private static final Duration WAIT = Duration.ofSeconds(15);

    /** The views of {@code #sign-in}'s data-view. */
    public enum View {
        LOADING, SIGN_IN, PASSKEY, CODE, ENROL, RECOVERY, SETUP, DONE;

        /** The attribute value. */
        public String value() {
            return name().toLowerCase().replace('_', '-');
        }
    }

    private final WebDriver driver;

    private SignInPage(WebDriver driver) {
        this.driver = driver;
    }

    /** Opens an address of the sign-in page (a link with its fragment, say) and waits for it to show a view. */
    public static SignInPage open(Browser browser, URI address) {
        browser.driver().get(address.toString());
        return attach(browser.driver());
    }

    /**
     * The sign-in page a browser shows or is on its way to (a redirect, a sign-out), once it shows a view other than
     * {@code loading}.
     */
    public static SignInPage attach(WebDriver driver) {
        SignInPage page = new SignInPage(driver);
        new WebDriverWait(driver, WAIT)
                .withMessage(() -> "waiting for the sign-in page (body[data-page=sign-in]) to show a view; at "
                        + driver.getCurrentUrl() + (page.isShown() ? ", " + page.describe() : ""))
                .until(d -> page.isShown() && !View.LOADING.value().equals(page.viewValue()));
        return page;
    }

    private boolean isShown() {
        return !driver.findElements(By.cssSelector("body[data-page='sign-in'] #sign-in")).isEmpty();
    }

    private String viewValue() {
        return driver.findElement(By.id("sign-in")).getDomAttribute("data-view");
    }

    /** @return data-view of {@code #sign-in} */
    public String view() {
        return viewValue();
    }

    /** @return the text of {@code #sign-in-message}; empty when nothing went wrong */
    public String message() {
        return driver.findElement(By.id("sign-in-message")).getText();
    }

    /** @return the view's heading */
    public String heading() {
        return driver.findElement(By.id("sign-in-heading")).getText();
    }

    /** What the page shows now, for failure messages (never a field's value). */
    public String describe() {
        return "data-view=" + viewValue() + ", heading=\"" + heading() + "\", message=\"" + message() + "\", at "
                + driver.getCurrentUrl();
    }

    /** Waits until {@code #sign-in} shows {@code view}. */
    public SignInPage waitForView(View view) {
        new WebDriverWait(driver, WAIT)
                .withMessage(() -> "waiting for the sign-in page's " + view.value() + " view; saw " + describe())
                .until(d -> view.value().equals(viewValue()));
        return this;
    }

    // --- name and password --------------------------------------------------------------------------------------

    /** Types a name and a password into the sign-in form and submits it (the answer is awaited by the caller). */
    public SignInPage submitPassword(String name, String password) {
        waitForView(View.SIGN_IN);
        type("sign-in-name", name);
        type("sign-in-password", password);
        driver.findElement(By.id("sign-in-submit")).click();
        return this;
    }

    /**
     * Waits for the answer to a refused sign-in: the alert says why, and the button is either back (a wrong name or
     * password) or held back with its count-down (too many tries).
     *
     * @return what the alert says
     */
    public String waitForRefusal() {
        WebElement button = driver.findElement(By.id("sign-in-submit"));
        new WebDriverWait(driver, WAIT)
                .withMessage(() -> "waiting for the sign-in to be refused (a message, the button usable or counting "
                        + "down); saw " + describe() + ", button \"" + button.getText() + "\" "
                        + (button.isEnabled() ? "enabled" : "disabled"))
                .until(d -> !message().isEmpty() && (button.isEnabled() || button.getText().startsWith("Try again")));
        return message();
    }

    /** @return the sign-in button's label ("Sign in", or "Try again in 4:59" while the server refuses tries) */
    public String signInButton() {
        return driver.findElement(By.id("sign-in-submit")).getText();
    }

    /** @return whether the sign-in button can be pressed */
    public boolean signInButtonEnabled() {
        return driver.findElement(By.id("sign-in-submit")).isEnabled();
    }

    // --- passkeys --------------------------------------------------------------------------------------------

    /** Presses "Sign in with a passkey": no name typed; the browser's authenticator answers. */
    public SignInPage signInWithPasskey() {
        waitForView(View.SIGN_IN);
        press("passkey-sign-in");
        return this;
    }

    /** In the enrolment view, presses "Use a passkey (this phone or a security key)". */
    public SignInPage enrolPasskey() {
        waitForView(View.ENROL);
        press("enrol-passkey");
        return this;
    }

    /** In the second factor's passkey view, presses "Use your passkey". */
    public SignInPage usePasskey() {
        waitForView(View.PASSKEY);
        press("passkey-submit");
        return this;
    }

    /** Waits until the page has signed in and left for where the sign-in was for. */
    public void waitUntilSignedIn() {
        new WebDriverWait(driver, WAIT)
                .withMessage(() -> "waiting for the sign-in page to sign in and go on; saw "
                        + (isShown() ? describe() : "another page at " + driver.getCurrentUrl()))
                .until(d -> !d.getCurrentUrl().contains("/sign-in.html"));
    }

    /**
     * Waits until the alert says why a step failed (a passkey refused, say) and the page is usable again.
     *
     * @return what the alert says
     */
    public String waitForMessage() {
        new WebDriverWait(driver, WAIT)
                .withMessage(() -> "waiting for the sign-in page to say what went wrong; saw " + describe())
                .until(d -> !message().isEmpty()
                        && d.findElements(By.cssSelector("#sign-in button.passkey-button:disabled")).isEmpty());
        return message();
    }

    /** @return whether an element of the page is shown (the passkey button, its note, the QR code) */
    public boolean shows(String id) {
        List<WebElement> found = driver.findElements(By.id(id));
        return !found.isEmpty() && found.get(0).isDisplayed();
    }

    /** @return an element's text, as shown */
    public String text(String id) {
        return driver.findElement(By.id(id)).getText().strip();
    }

    // --- the second factor --------------------------------------------------------------------------------------

    /** Types a code from the app (or a recovery code, after {@link #useRecoveryCodeInstead}) and submits it. */
    public SignInPage submitCode(String code) {
        waitForView(View.CODE);
        type("code-input", code);
        driver.findElement(By.id("code-submit")).click();
        return this;
    }

    /** Switches the code step to a recovery code. */
    public SignInPage useRecoveryCodeInstead() {
        waitForView(View.CODE);
        WebElement kind = driver.findElement(By.id("code-kind"));
        kind.click();
        new WebDriverWait(driver, WAIT)
                .withMessage(() -> "waiting for the code step to ask for a recovery code; its label is \""
                        + driver.findElement(By.id("code-label")).getText() + "\"")
                .until(d -> driver.findElement(By.id("code-label")).getText().equals("Recovery code"));
        return this;
    }

    /** @return the code step's hint ("Signing in as NAME: …") */
    public String codeHint() {
        return driver.findElement(By.id("code-hint")).getText();
    }

    // --- enrolment ----------------------------------------------------------------------------------------------

    /** @return the TOTP secret the enrolment shows as text, grouped by four ("ABCD EFGH …") */
    public String enrolmentSecret() {
        waitForView(View.ENROL);
        return driver.findElement(By.id("enrol-secret")).getText();
    }

    /**
     * Waits until the enrolment's QR code has loaded as an image.
     *
     * @return its {@code src} (a data: URL of an SVG) and its natural and shown sizes in CSS pixels
     */
    @SuppressWarnings("unchecked")
    public List<Object> waitForQrCode() {
        waitForView(View.ENROL);
        WebElement qr = driver.findElement(By.id("enrol-qr"));
        String script = "const i = arguments[0]; return [i.getAttribute('src'), i.complete, i.naturalWidth, "
                + "i.naturalHeight, i.getBoundingClientRect().width, i.getBoundingClientRect().height]";
        new WebDriverWait(driver, WAIT)
                .withMessage(() -> "waiting for the QR code (#enrol-qr) to load as an image; its src begins \""
                        + String.valueOf(qr.getDomAttribute("src")).replaceAll("^(.{0,26}).*", "$1") + "\"")
                .until(d -> {
                    List<Object> state = (List<Object>) ((org.openqa.selenium.JavascriptExecutor) d)
                            .executeScript(script, qr);
                    return Boolean.TRUE.equals(state.get(1)) && ((Number) state.get(2)).intValue() > 0;
                });
        return (List<Object>) ((org.openqa.selenium.JavascriptExecutor) driver).executeScript(script, qr);
    }

    /** Types the first code from the app into the enrolment and confirms it. */
    public SignInPage confirmEnrolment(String code) {
        waitForView(View.ENROL);
        type("enrol-code", code);
        driver.findElement(By.id("enrol-submit")).click();
        return this;
    }

    // --- the recovery codes -------------------------------------------------------------------------------------

    /** @return the recovery codes the page shows once, in its order */
    public List<String> recoveryCodes() {
        waitForView(View.RECOVERY);
        return driver.findElements(By.cssSelector("#recovery-codes li")).stream().map(WebElement::getText).toList();
    }

    /** Presses Continue under the recovery codes (the page goes on to where the sign-in was for). */
    public void continueAfterRecoveryCodes() {
        waitForView(View.RECOVERY);
        driver.findElement(By.id("recovery-continue")).click();
    }

    // --- the first admin ----------------------------------------------------------------------------------------

    /** Fills the first admin's form (the password twice) and submits it. */
    public SignInPage setUpFirstAdmin(String name, String password) {
        waitForView(View.SETUP);
        type("setup-name", name);
        type("setup-password", password);
        type("setup-password-again", password);
        driver.findElement(By.id("setup-submit")).click();
        return this;
    }

    /** Presses a button once it is shown and enabled. */
    private void press(String id) {
        WebElement button = driver.findElement(By.id(id));
        new WebDriverWait(driver, WAIT)
                .withMessage(() -> "waiting for #" + id + " to be shown and enabled; saw " + describe())
                .until(d -> button.isDisplayed() && button.isEnabled());
        button.click();
    }

    /** Types into a field of the page as a person does, after emptying it. */
    private void type(String id, String text) {
        WebElement field = driver.findElement(By.id(id));
        field.clear();
        field.sendKeys(text);
    }
}
