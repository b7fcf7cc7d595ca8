package dev.keyhole.e2e;

import static dev.keyhole.e2e.pages.ConsolePage.State.CONNECTED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keyhole.e2e.fixtures.Browser;
import dev.keyhole.e2e.fixtures.IdleConsole;
import dev.keyhole.e2e.fixtures.KeyholeE2E;
import dev.keyhole.e2e.fixtures.LockedConsole;
import dev.keyhole.e2e.fixtures.Passphrases;
import dev.keyhole.e2e.fixtures.RunningKeyhole;
import dev.keyhole.e2e.pages.ConsolePage;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A console whose screen does not change sends a new viewer no picture. The page must say it is waiting for
 * the picture instead of showing a blank console; the picture appears when the console changes.
 */
@KeyholeE2E
@IdleConsole
class IdleConsoleTest {

    @Test
    void anIdleConsoleSaysItIsWaitingForThePictureUntilTheScreenChanges(
            RunningKeyhole keyhole, LockedConsole console, Browser browser) {
        ConsolePage page = ConsolePage.open(browser, keyhole.uri(), RunningKeyhole.TARGET).waitForState(CONNECTED);

        assertThrows(TimeoutException.class, () -> new WebDriverWait(browser.driver(), Duration.ofSeconds(3))
                        .until(d -> "shown".equals(page.picture())),
                () -> "an idle console sent a picture to a new viewer, so this test no longer tests waiting: " + page.describe());
        assertEquals("waiting", page.picture());
        assertTrue(page.messageVisible(), () -> "the waiting message is visible: " + page.describe());
        assertTrue(page.message().toLowerCase().contains("waiting for the console's picture"), page::describe);

        // Typing works without a picture; the console's change then brings the whole screen.
        page.typePassphrase(Passphrases.right());
        console.awaitUnlocked(Duration.ofSeconds(30));
        page.waitForPicture();
        page.waitForPictureMatching(console::screenshot, Duration.ofSeconds(30));
    }
}
