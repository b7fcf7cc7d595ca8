package dev.keyhole.e2e;

import static dev.keyhole.e2e.pages.ConsolePage.State.CONNECTED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keyhole.e2e.fixtures.Browser;
import dev.keyhole.e2e.fixtures.IdleConsole;
import dev.keyhole.e2e.fixtures.KeyholeE2E;
import dev.keyhole.e2e.fixtures.LockedConsole;
import dev.keyhole.e2e.fixtures.Passphrases;
import dev.keyhole.e2e.fixtures.Pictures;
import dev.keyhole.e2e.fixtures.RunningKeyhole;
import dev.keyhole.e2e.fixtures.Waits;
import dev.keyhole.e2e.pages.ConsolePage;
import java.awt.image.BufferedImage;
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
        awaitStillScreen(console);
        ConsolePage page = ConsolePage.open(browser, keyhole.uri(), RunningKeyhole.TARGET).waitForState(CONNECTED);

        // For 3 s: never a blank-looking display that claims to be the picture, and while no picture came,
        // the waiting message is shown.
        boolean pictureArrived;
        try {
            new WebDriverWait(browser.driver(), Duration.ofSeconds(3)).until(d -> {
                if ("shown".equals(page.picture())) {
                    int content = contentBlocks(page);
                    assertTrue(content >= Pictures.MIN_CONTENT_BLOCKS, () -> "the page says data-picture=shown "
                            + "but its display is blank-looking (" + content + " blocks of content): " + page.describe());
                    return true;
                }
                assertTrue(page.messageVisible() && page.message().toLowerCase().contains("waiting for the console's picture"),
                        () -> "no picture yet, so the page must say it is waiting for it: " + page.describe());
                return false;
            });
            pictureArrived = true;
        } catch (TimeoutException stillWaiting) {
            pictureArrived = false;
        }
        assertFalse(pictureArrived, () -> "the idle console's picture reached a new viewer at once, so this test "
                + "cannot see the waiting state: " + page.describe());
        assertEquals("waiting", page.picture());

        // Typing works without a picture; the console's change then brings the whole screen.
        page.typePassphrase(Passphrases.right());
        console.awaitUnlocked(Duration.ofSeconds(30));
        page.waitForPicture();
        page.waitForPictureMatching(console::screenshot, Duration.ofSeconds(30));
    }

    /** Waits until the console's screen has not changed for a second (the prompt is drawn and idle). */
    private static void awaitStillScreen(LockedConsole console) {
        long[] since = {System.nanoTime()};
        BufferedImage[] last = {console.screenshot()};
        Waits.until("the idle console's screen to stay unchanged for 1 s", Duration.ofSeconds(20),
                () -> "it kept changing", () -> {
                    BufferedImage now = console.screenshot();
                    if (!Pictures.identical(last[0], now)) {
                        last[0] = now;
                        since[0] = System.nanoTime();
                    }
                    return System.nanoTime() - since[0] >= 1_000_000_000L;
                });
    }

    private static int contentBlocks(ConsolePage page) {
        BufferedImage shown = page.canvasImage();
        return shown == null ? 0 : Pictures.contentBlocks(shown);
    }
}
