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
import dev.keyhole.e2e.fixtures.Pictures;
import dev.keyhole.e2e.fixtures.RunningKeyhole;
import dev.keyhole.e2e.fixtures.Waits;
import dev.keyhole.e2e.pages.ConsolePage;
import java.awt.image.BufferedImage;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.Keys;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A console that sends a new viewer no picture (an idle screen, or a VRDP console that stays black until input):
 * the page must say it is waiting for the picture instead of showing a black console that looks broken. The
 * page never sends a key on its own; when the operator presses one, the console wakes and its picture appears.
 */
@KeyholeE2E
@IdleConsole
class IdleConsoleTest {

    @Test
    void anIdleConsoleSaysItIsWaitingForThePictureUntilTheScreenChanges(
            RunningKeyhole keyhole, LockedConsole console, Browser browser) {
        awaitStillScreen(console);
        ConsolePage page = ConsolePage.open(browser, keyhole, RunningKeyhole.TARGET).waitForState(CONNECTED);

        // For 3 s: connected, no picture, and the page says it is waiting for one.
        assertThrows(TimeoutException.class, () -> new WebDriverWait(browser.driver(), Duration.ofSeconds(3))
                .until(d -> {
                    assertEquals("waiting", page.picture(), () -> "the idle console sent no picture, yet the page "
                            + "says it shows one: " + page.describe());
                    assertTrue(page.messageVisible()
                                    && page.message().toLowerCase().contains("waiting for the console's picture"),
                            () -> "no picture yet, so the page must say it is waiting for it: " + page.describe());
                    return false;
                }));
        assertEquals(List.of("asleep"), console.events(), "the page sent no key of its own");

        // The operator presses a key: the console wakes, and its picture reaches the browser.
        page.pressKey(Keys.ENTER);
        console.awaitEvent("prompt 1", Duration.ofSeconds(30));
        page.waitForPicture();
        page.waitForPictureMatching(console::screenshot, Duration.ofSeconds(30));

        page.typePassphrase(Passphrases.right());
        console.awaitUnlocked(Duration.ofSeconds(30));
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
}
