package dev.keyhole.e2e.pages;

import java.time.Duration;
import java.util.List;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
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
        return String.valueOf(((JavascriptExecutor) driver).executeScript(
                "return [...document.querySelectorAll('#machine-list li.vm')]"
                        + ".map(r => r.dataset.target + '=' + r.dataset.state).join(', ')"));
    }

    /** The target names of the VM rows, in page order (read at once: rows are replaced as events arrive). */
    @SuppressWarnings("unchecked")
    public List<String> targets() {
        return (List<String>) ((JavascriptExecutor) driver).executeScript(
                "return [...document.querySelectorAll('#machine-list li.vm')].map(r => r.dataset.target)");
    }

    /** Waits until the VM's row shows {@code state} (e.g. {@code powered-off}). */
    public void waitForRow(String target, String state) {
        new WebDriverWait(driver, WAIT)
                .withMessage(() -> "waiting for the row of VM " + target + " in state " + state + "; rows: " + describe())
                .until(d -> Boolean.TRUE.equals(((JavascriptExecutor) d).executeScript(
                        "const r = document.querySelector(`#machine-list li.vm[data-target='${arguments[0]}']`);"
                                + "return r !== null && r.dataset.state === arguments[1];", target, state)));
    }

    /** Waits until the VM's row shows its console as {@code vrde} ({@code off}, {@code rdp}, {@code vnc}). */
    public void waitForVrde(String target, String vrde) {
        new WebDriverWait(driver, WAIT)
                .withMessage(() -> "waiting for the row of VM " + target + " to show its console as " + vrde)
                .until(d -> Boolean.TRUE.equals(((JavascriptExecutor) d).executeScript(
                        "const r = document.querySelector(`#machine-list li.vm[data-target='${arguments[0]}']`);"
                                + "return r !== null && r.dataset.vrde === arguments[1];", target, vrde)));
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

    /** Waits until the page says that host {@code host} is {@code state} (e.g. {@code unreachable}); returns its text. */
    public String waitForHostNotice(String host, String state) {
        return new WebDriverWait(driver, WAIT)
                .withMessage(() -> "waiting for host " + host + " to be shown " + state + "; #hosts says: "
                        + driver.findElement(By.id("hosts")).getText())
                .until(d -> (String) ((JavascriptExecutor) d).executeScript(
                        "const n = document.querySelector(`#hosts .host[data-host='${arguments[0]}']`);"
                                + "return n && n.dataset.state === arguments[1] ? n.textContent : null;", host, state));
    }

    /** Waits until the page shows no problem with host {@code host}. */
    public void waitForHostReachable(String host) {
        new WebDriverWait(driver, WAIT)
                .withMessage(() -> "waiting for host " + host + " to be reachable again; #hosts says: "
                        + driver.findElement(By.id("hosts")).getText())
                .until(d -> d.findElements(By.cssSelector("#hosts .host[data-host='" + host + "']")).isEmpty());
    }

    /** Clicks an action button of a VM's row and waits for its result text (success or VirtualBox's error). */
    public String act(String target, String action) {
        // One script finds and clicks the button: a live update may replace the row at any moment.
        Object clicked = ((JavascriptExecutor) driver).executeScript(
                "const b = document.querySelector(`li.vm[data-target='${arguments[0]}'] button[data-action='${arguments[1]}']`);"
                        + "if (!b) return false; b.click(); return true;", target, action);
        if (!Boolean.TRUE.equals(clicked)) {
            throw new AssertionError("VM " + target + " has no " + action + " button; rows: " + describe());
        }
        return new WebDriverWait(driver, Duration.ofSeconds(90))
                .withMessage(() -> "waiting for the result of " + action + " on " + target)
                .until(d -> (String) ((JavascriptExecutor) d).executeScript(
                        "const r = document.querySelector(`li.vm[data-target='${arguments[0]}'] .vm-result`);"
                                + "return r && (r.classList.contains('error') || r.classList.contains('ok'))"
                                + " ? r.textContent : null;", target));
    }
}
