package dev.keyhole.e2e;

import static dev.keyhole.e2e.pages.ConsolePage.State.ERROR;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.keyhole.e2e.fixtures.Browser;
import dev.keyhole.e2e.fixtures.KeyholeE2E;
import dev.keyhole.e2e.fixtures.RunningKeyhole;
import dev.keyhole.e2e.pages.ConsolePage;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/**
 * A link anyone can write: {@code console.html?target=} with text meant to mislead the operator. The page shows
 * what the API says, never the link's text.
 */
@KeyholeE2E
class UnknownConsoleTest {

    @Test
    void anUnknownTargetShowsNoSuchConsoleAndNoneOfTheLinksText(RunningKeyhole keyhole, Browser browser) {
        String bait = "Disk locked - call +1 555 0100 or visit https://evil.example/unlock";
        browser.inFreshTab(() -> {
            ConsolePage page = ConsolePage.open(browser, keyhole, bait).waitForState(Duration.ofSeconds(15), ERROR);
            assertEquals("No such console", page.heading());
            assertEquals("No such console. Go back to the list of consoles and pick one.", page.message());
            assertFalse(browser.driver().findElement(By.id("typing")).isDisplayed(), "nothing to type into");
            String text = browser.driver().findElement(By.tagName("body")).getText() + browser.driver().getTitle();
            assertFalse(text.contains("evil.example") || text.contains("555"), () -> "the page shows: " + text);
            return null;
        });
    }

    @Test
    void aKnownTargetShowsItsTitle(RunningKeyhole keyhole, Browser browser) {
        browser.inFreshTab(() -> {
            ConsolePage page = ConsolePage.open(browser, keyhole, RunningKeyhole.TARGET);
            new org.openqa.selenium.support.ui.WebDriverWait(browser.driver(), Duration.ofSeconds(15))
                    .withMessage(() -> "waiting for the title from the API; the heading says " + page.heading())
                    .until(d -> page.heading().equals("Locked test console"));
            return null;
        });
    }
}
