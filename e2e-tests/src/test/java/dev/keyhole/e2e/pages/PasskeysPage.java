package dev.keyhole.e2e.pages;

import dev.keyhole.e2e.fixtures.Browser;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The passkeys page ({@code /passkeys.html}): {@code #passkeys} has data-state loading | ready | adding | error; each
 * passkey is an {@code li[data-passkey]} of {@code #passkey-list}.
 */
public final class PasskeysPage {

    private static final Duration WAIT = Duration.ofSeconds(15);

    private final WebDriver driver;

    private PasskeysPage(WebDriver driver) {
        this.driver = driver;
    }

    /** Opens the page of the server at {@code server} (signed in) and waits until it has listed the passkeys. */
    public static PasskeysPage open(Browser browser, URI server) {
        browser.driver().get(server.resolve("/passkeys.html").toString());
        return attach(browser.driver());
    }

    /** The passkeys page a browser shows or is on its way to, once it has listed the passkeys. */
    public static PasskeysPage attach(WebDriver driver) {
        PasskeysPage page = new PasskeysPage(driver);
        page.waitForState("ready");
        return page;
    }

    /** @return the passkeys' names, in page order (read in one script: the list may be drawn anew meanwhile) */
    @SuppressWarnings("unchecked")
    public List<String> names() {
        return (List<String>) ((JavascriptExecutor) driver).executeScript("return [...document.querySelectorAll("
                + "'#passkey-list .passkey-name')].map(name => name.textContent)");
    }

    /** Removes the passkey of that name (its button pressed twice, as it asks) and waits until it is gone. */
    public PasskeysPage remove(String name) {
        int before = names().size();
        WebElement item = driver.findElements(By.cssSelector("#passkey-list li")).stream()
                .filter(li -> li.findElement(By.className("passkey-name")).getText().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no passkey " + name + " among " + names()));
        WebElement button = item.findElement(By.tagName("button"));
        button.click();
        new WebDriverWait(driver, WAIT).withMessage(() -> "waiting for the remove button to ask; it says "
                + button.getText()).until(d -> button.getDomAttribute("data-confirm") != null);
        button.click();
        new WebDriverWait(driver, WAIT).withMessage(() -> "waiting for the passkey " + name + " to go; the page "
                + "lists " + names() + " and says " + message()).until(d -> names().size() == before - 1);
        return this;
    }

    /** @return what the alert says; empty when nothing */
    public String message() {
        return driver.findElement(By.id("passkeys-message")).getText().strip();
    }

    private void waitForState(String state) {
        new WebDriverWait(driver, WAIT).withMessage(() -> "waiting for the passkeys page to be " + state + "; saw "
                + stateNow() + " at " + driver.getCurrentUrl())
                .until(d -> state.equals(stateNow()));
    }

    /** data-state of {@code #passkeys}, with what the page says; null when the browser shows another page. */
    private String stateNow() {
        List<WebElement> page = driver.findElements(By.id("passkeys"));
        return page.isEmpty() ? null : page.get(0).getDomAttribute("data-state");
    }
}
