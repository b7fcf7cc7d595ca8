package dev.keyhole.e2e.pages;

import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The VirtualBox VMs on the targets page: {@code #machines}, one {@code li.vm[data-target][data-state]} per VM,
 * host problems as {@code #hosts .host[data-host][data-state]}.
 */
public final class MachinesSection {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private final WebDriver driver;

    /** @param driver a browser showing the targets page */
    public MachinesSection(WebDriver driver) {
        this.driver = driver;
    }

    /** What the section shows now: "target=state" for each row, for messages. */
    public String describe() {
        return driver.findElements(By.cssSelector("#machine-list li.vm")).stream()
                .map(r -> r.getDomAttribute("data-target") + "=" + r.getDomAttribute("data-state"))
                .collect(Collectors.joining(", ", "[", "]"));
    }

    /** The target names of the VM rows, in page order. */
    public List<String> targets() {
        return driver.findElements(By.cssSelector("#machine-list li.vm")).stream()
                .map(r -> r.getDomAttribute("data-target")).toList();
    }

    /** Waits until the VM's row shows {@code state} (e.g. {@code powered-off}). */
    public WebElement waitForRow(String target, String state) {
        return new WebDriverWait(driver, WAIT)
                .withMessage(() -> "waiting for the row of VM " + target + " in state " + state + "; rows: " + describe())
                .until(d -> d.findElements(By.cssSelector("#machine-list li.vm[data-target='" + target + "']"))
                        .stream().filter(r -> state.equals(r.getDomAttribute("data-state"))).findFirst().orElse(null));
    }

    /** Waits until the VM's row is gone. */
    public void waitForNoRow(String target) {
        new WebDriverWait(driver, WAIT)
                .withMessage(() -> "waiting for the row of VM " + target + " to go; rows: " + describe())
                .until(d -> d.findElements(By.cssSelector("#machine-list li.vm[data-target='" + target + "']")).isEmpty());
    }

    /** Waits until the event stream is open (so changes from now on reach the page). */
    public void waitForLiveUpdates() {
        new WebDriverWait(driver, WAIT)
                .withMessage(() -> "waiting for the page's event stream to open; #machines data-stream="
                        + driver.findElement(By.id("machines")).getDomAttribute("data-stream"))
                .until(d -> "open".equals(d.findElement(By.id("machines")).getDomAttribute("data-stream")));
    }

    /** Clicks an action button of a VM's row and waits for its result text (success or VirtualBox's error). */
    public String act(String target, String action) {
        driver.findElement(By.cssSelector("li.vm[data-target='" + target + "'] button[data-action='" + action + "']"))
                .click();
        return new WebDriverWait(driver, Duration.ofSeconds(90))
                .withMessage(() -> "waiting for the result of " + action + " on " + target)
                .until(d -> {
                    WebElement r = d.findElement(By.cssSelector("li.vm[data-target='" + target + "'] .vm-result"));
                    String cls = r.getDomAttribute("class");
                    return cls != null && (cls.contains("error") || cls.contains("ok")) ? r.getText() : null;
                });
    }
}
