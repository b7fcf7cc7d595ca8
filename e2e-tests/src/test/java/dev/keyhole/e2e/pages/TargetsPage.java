package dev.keyhole.e2e.pages;

import dev.keyhole.e2e.fixtures.Browser;
import dev.keyhole.e2e.fixtures.RunningKeyhole;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

/** The targets page ({@code /}): the list of consoles. {@code #targets} has data-state loading|loaded|empty|error. */
public final class TargetsPage {

    private final WebDriver driver;

    private TargetsPage(WebDriver driver) {
        this.driver = driver;
    }

    /** Opens the page and waits until the list has loaded (or failed). */
    public static TargetsPage open(Browser browser, RunningKeyhole keyhole) {
        return open(browser, keyhole.uri(), keyhole.signInLink());
    }

    /** Signs in with a one-time link and opens the targets page of the server at {@code server}. */
    public static TargetsPage open(Browser browser, URI server, URI signInLink) {
        browser.signIn(signInLink);
        WebDriver driver = browser.driver();
        driver.get(server.resolve("/").toString());
        return attach(driver);
    }

    /** The targets page a browser shows or is on its way to (after signing in, say), once its list has loaded. */
    public static TargetsPage attach(WebDriver driver) {
        TargetsPage page = new TargetsPage(driver);
        new WebDriverWait(driver, Duration.ofSeconds(15))
                .withMessage(() -> "waiting for the targets page to load its list; #targets data-state=" + page.state()
                        + ", at " + driver.getCurrentUrl())
                .until(d -> {
                    // Read once: a page on its way here is first none (null), then loading.
                    String state = page.state();
                    return state != null && !state.equals("loading");
                });
        return page;
    }

    /** @return the bar's account menu */
    public AccountMenu account() {
        return new AccountMenu(driver);
    }

    /** data-state of {@code #targets}, or null when the page has none. */
    public String state() {
        List<WebElement> targets = driver.findElements(By.id("targets"));
        return targets.isEmpty() ? null : targets.get(0).getDomAttribute("data-state");
    }

    /** The names of the listed consoles, in page order. */
    public List<String> targetNames() {
        return driver.findElements(By.cssSelector("#target-list a[data-target]")).stream()
                .map(a -> a.getDomAttribute("data-target")).toList();
    }

    /**
     * Waits until a console's card (or VM row) shows what Keyhole reads on its screen in {@code state}
     * ({@code data-screen}), e.g. {@code waiting-for-passphrase}.
     *
     * @return the sentence the card shows
     */
    public String waitForScreen(String target, String state, Duration timeout) {
        By line = By.cssSelector("[data-target='" + target + "'] .screen-state");
        return new WebDriverWait(driver, timeout, Duration.ofMillis(100))
                .withMessage(() -> "waiting for " + target + "'s card to read " + state + "; it shows: "
                        + driver.findElements(line).stream().map(e -> e.getDomAttribute("data-screen") + " \""
                                + e.getText() + "\"").toList())
                .until(d -> d.findElements(line).stream()
                        .filter(e -> state.equals(e.getDomAttribute("data-screen"))).map(WebElement::getText)
                        .findFirst().orElse(null));
    }

    /** Follows the link of a console. */
    public ConsolePage openConsole(String name) {
        driver.findElement(By.cssSelector("#target-list a[data-target='" + name + "']")).click();
        return ConsolePage.attach(driver);
    }
}
