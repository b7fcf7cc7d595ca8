package dev.keyhole.e2e.pages;

import dev.keyhole.e2e.fixtures.Browser;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The notifications page ({@code /notifications.html}): {@code #notifications} has data-state loading | ready |
 * no-channels | adding | error; each subscription is an {@code li[data-subscription]} of {@code #subscription-list};
 * {@code #subscription-add} is the form, {@code #no-channels} what a page with no channel says.
 */
public final class NotificationsPage {

    private static final Duration WAIT = Duration.ofSeconds(15);

    private final WebDriver driver;

    /**
     * A subscription as the page lists it.
     *
     * @param id        its id
     * @param address   where it sends
     * @param channel   its channel's line ("team-mail (Email)")
     * @param consoles  its consoles' line ("Every console you may open", "web-1")
     * @param available whether its channel is configured
     */
    public record Item(String id, String address, String channel, String consoles, boolean available) {
    }

    private NotificationsPage(WebDriver driver) {
        this.driver = driver;
    }

    /** Opens the page of the server at {@code server} (signed in) and waits until it has listed what there is. */
    public static NotificationsPage open(Browser browser, URI server) {
        browser.driver().get(server.resolve("/notifications.html").toString());
        return attach(browser.driver());
    }

    /** The notifications page a browser shows or is on its way to, once it has listed what there is. */
    public static NotificationsPage attach(WebDriver driver) {
        NotificationsPage page = new NotificationsPage(driver);
        new WebDriverWait(driver, WAIT).withMessage(() -> "waiting for the notifications page to be ready (or to say "
                + "there is no channel); saw " + page.state() + " at " + driver.getCurrentUrl() + ", saying "
                + page.messageIfAny()).until(d -> "ready".equals(page.state()) || "no-channels".equals(page.state()));
        return page;
    }

    /** @return data-state of {@code #notifications}; null when the browser shows another page */
    public String state() {
        List<WebElement> page = driver.findElements(By.id("notifications"));
        return page.isEmpty() ? null : page.get(0).getDomAttribute("data-state");
    }

    /** @return the channels the form offers, as it names them */
    public List<String> channelChoices() {
        return new Select(driver.findElement(By.id("subscription-channel"))).getOptions().stream()
                .map(WebElement::getText).toList();
    }

    /** @return the consoles the form offers to choose, by name */
    @SuppressWarnings("unchecked")
    public List<String> consoleChoices() {
        return (List<String>) script("return [...document.querySelectorAll('#console-choices input')]"
                + ".map(box => box.value)");
    }

    /** @return the subscriptions listed, in page order (read in one script: the list may be drawn anew meanwhile) */
    @SuppressWarnings("unchecked")
    public List<Item> subscriptions() {
        List<Map<String, Object>> items = (List<Map<String, Object>>) script("""
                return [...document.querySelectorAll('#subscription-list li')].map(li => ({
                  id: li.dataset.subscription, available: li.dataset.available === 'true',
                  address: li.querySelector('.subscription-address').textContent,
                  channel: li.querySelector('.subscription-channel').textContent,
                  consoles: li.querySelector('.subscription-consoles').textContent}))""");
        return items.stream().map(i -> new Item((String) i.get("id"), (String) i.get("address"),
                (String) i.get("channel"), (String) i.get("consoles"), (Boolean) i.get("available"))).toList();
    }

    /**
     * Fills the form in and presses Subscribe, and waits until the list has one more.
     *
     * @param channel  the channel's name
     * @param address  the address, typed; null: the one the page suggests (ntfy)
     * @param consoles the consoles to choose; none: every console
     * @return the page
     */
    public NotificationsPage add(String channel, String address, List<String> consoles) {
        int before = subscriptions().size();
        submit(channel, address, consoles);
        new WebDriverWait(driver, WAIT).withMessage(() -> "waiting for the new subscription to be listed; the page "
                + "lists " + subscriptions() + " and says " + messageIfAny())
                .until(d -> subscriptions().size() == before + 1 && "ready".equals(state()));
        return this;
    }

    /**
     * Fills the form in and presses Subscribe, for a subscription the page or the server refuses.
     *
     * @return what the page says then
     */
    public String refused(String channel, String address, List<String> consoles) {
        int before = subscriptions().size();
        script("document.getElementById('notifications-message').textContent = ''");
        submit(channel, address, consoles);
        new WebDriverWait(driver, WAIT).withMessage(() -> "waiting for the page to say why it refused; it lists "
                + subscriptions()).until(d -> !message().isEmpty() && "ready".equals(state()));
        if (subscriptions().size() != before) {
            throw new AssertionError("the refused subscription was listed: " + subscriptions());
        }
        return message();
    }

    private void submit(String channel, String address, List<String> consoles) {
        new Select(driver.findElement(By.id("subscription-channel"))).selectByValue(channel);
        WebElement field = driver.findElement(By.id("subscription-address"));
        field.clear();
        if (address == null) {
            driver.findElement(By.id("subscription-suggest")).click();
        } else {
            field.sendKeys(address);
        }
        driver.findElement(By.id(consoles.isEmpty() ? "subscription-every" : "subscription-some")).click();
        for (WebElement box : driver.findElements(By.cssSelector("#console-choices input"))) {
            if (box.isSelected() != consoles.contains(box.getDomAttribute("value"))) {
                box.click();
            }
        }
        driver.findElement(By.id("subscription-add-button")).click();
    }

    /** @return what the address field holds */
    public String address() {
        return driver.findElement(By.id("subscription-address")).getDomProperty("value");
    }

    /** Removes the subscription to that address (its button pressed twice, as it asks) and waits until it is gone. */
    public NotificationsPage remove(String address) {
        int before = subscriptions().size();
        WebElement item = driver.findElements(By.cssSelector("#subscription-list li")).stream()
                .filter(li -> li.findElement(By.className("subscription-address")).getText().equals(address))
                .findFirst().orElseThrow(() -> new AssertionError("no subscription to " + address + " among "
                        + subscriptions()));
        WebElement button = item.findElement(By.tagName("button"));
        button.click();
        new WebDriverWait(driver, WAIT).withMessage(() -> "waiting for the remove button to ask; it says "
                + button.getText()).until(d -> button.getDomAttribute("data-confirm") != null);
        button.click();
        new WebDriverWait(driver, WAIT).withMessage(() -> "waiting for the subscription to " + address + " to go; "
                + "the page lists " + subscriptions() + " and says " + messageIfAny())
                .until(d -> subscriptions().size() == before - 1);
        return this;
    }

    /** @return whether the form to add one is shown */
    public boolean offersTheForm() {
        return driver.findElement(By.id("subscription-add")).isDisplayed();
    }

    /** @return what the page says when there is no channel; empty when it does not say it */
    public String noChannels() {
        WebElement box = driver.findElement(By.id("no-channels"));
        return box.isDisplayed() ? driver.findElement(By.id("no-channels-text")).getText().strip() : "";
    }

    /** @return what the alert says; empty when nothing */
    public String message() {
        return driver.findElement(By.id("notifications-message")).getText().strip();
    }

    /** @return what the status line under the form says after a subscription was added */
    public String added() {
        return driver.findElement(By.id("subscription-added")).getText().strip();
    }

    private String messageIfAny() {
        List<WebElement> found = driver.findElements(By.id("notifications-message"));
        return found.isEmpty() ? "(no message element)" : "'" + found.get(0).getText() + "'";
    }

    private Object script(String script) {
        return ((JavascriptExecutor) driver).executeScript(script);
    }
}
