package dev.keyhole.e2e.pages;

import java.time.Duration;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Who is signed in, in the bar of the pages behind the sign-in (the targets page, the console page):
 * {@code #account} (data-state loading|signed-in|signing-out) with {@code #account-button}, which opens
 * {@code #account-menu}: {@code #manage-passkeys}, {@code #manage-notifications}, {@code #admin-pages} (admins
 * only), {@code #sign-out} and {@code #sign-out-everywhere}.
 */
public final class AccountMenu {

    private static final Duration WAIT = Duration.ofSeconds(15);

    private final WebDriver driver;

    /** @param driver a browser showing a page behind the sign-in */
    public AccountMenu(WebDriver driver) {
        this.driver = driver;
    }

    /** Waits until the bar shows who is signed in (or, for a share link's guest, whose link brought them). */
    public AccountMenu waitForSignedIn() {
        new WebDriverWait(driver, WAIT)
                .withMessage(() -> "waiting for the bar to show who is signed in (#account data-state=signed-in or "
                        + "guest); saw " + describe())
                .until(d -> ("signed-in".equals(state()) || "guest".equals(state()))
                        && d.findElement(By.id("account-button")).isDisplayed());
        return this;
    }

    /** @return what the open menu says of who this is ("Here through alice's link — watching — until 12:34") */
    public String summary() {
        return driver.findElement(By.id("account-summary")).getText();
    }

    /** A share link's guest leaves: opens the menu, presses "Leave" (the page goes to the join page). */
    public void leave() {
        press("leave-link");
    }

    /** @return the name the bar shows */
    public String userName() {
        return driver.findElement(By.id("signed-in-user")).getText();
    }

    /** Opens the menu (it stays open until an item is pressed, or a click elsewhere). */
    public AccountMenu open() {
        waitForSignedIn();
        if (!isOpen()) {
            driver.findElement(By.id("account-button")).click();
        }
        new WebDriverWait(driver, WAIT).withMessage(() -> "waiting for the account menu to open; saw " + describe())
                .until(d -> isOpen());
        return this;
    }

    /** Opens the passkeys page: opens the menu, presses "Passkeys…". */
    public PasskeysPage passkeys() {
        press("manage-passkeys");
        return PasskeysPage.attach(driver);
    }

    /** Opens the notifications page: opens the menu, presses "Notifications…". */
    public NotificationsPage notifications() {
        press("manage-notifications");
        return NotificationsPage.attach(driver);
    }

    /** @return whether the open menu offers "Admin…" (to admins only): opens the menu to look */
    public boolean offersAdmin() {
        open();
        return driver.findElement(By.id("admin-pages")).isDisplayed();
    }

    /** Opens the admin pages: opens the menu, presses "Admin…". */
    public AdminPage admin() {
        press("admin-pages");
        return AdminPage.attach(driver);
    }

    /** Signs out: opens the menu, presses "Sign out" (the page goes to the sign-in page). */
    public SignInPage signOut() {
        press("sign-out");
        return SignInPage.attach(driver);
    }

    /** Signs out everywhere: opens the menu, presses "Sign out everywhere" (the page goes to the sign-in page). */
    public SignInPage signOutEverywhere() {
        press("sign-out-everywhere");
        return SignInPage.attach(driver);
    }

    private void press(String id) {
        open();
        WebElement item = driver.findElement(By.id(id));
        new WebDriverWait(driver, WAIT)
                .withMessage(() -> "waiting for the account menu to show #" + id + "; saw " + describe())
                .until(d -> item.isDisplayed() && item.isEnabled());
        item.click();
    }

    private boolean isOpen() {
        return !driver.findElements(By.cssSelector("#account-menu:not([hidden])")).isEmpty();
    }

    private String state() {
        return driver.findElements(By.id("account")).stream().findFirst().map(a -> a.getDomAttribute("data-state"))
                .orElse(null);
    }

    private String describe() {
        return "#account data-state=" + state() + ", menu "
                + (driver.findElements(By.cssSelector("#account-menu:not([hidden])")).isEmpty() ? "closed" : "open")
                + ", at " + driver.getCurrentUrl();
    }
}
