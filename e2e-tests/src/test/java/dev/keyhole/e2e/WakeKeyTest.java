package dev.keyhole.e2e;

import static dev.keyhole.e2e.pages.ConsolePage.State.CONNECTED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keyhole.e2e.fixtures.Browser;
import dev.keyhole.e2e.fixtures.IdleConsole;
import dev.keyhole.e2e.fixtures.KeyholeE2E;
import dev.keyhole.e2e.fixtures.LockedConsole;
import dev.keyhole.e2e.fixtures.Passphrases;
import dev.keyhole.e2e.fixtures.RunningKeyhole;
import dev.keyhole.e2e.pages.ConsolePage;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The key bar's Wake on a console that shows nothing until it gets a key (the idle console: black until any key
 * press, a lone Shift too, as a VRDP console stays black until input). The page sends nothing by itself; Wake
 * brings the picture, and it types nothing: at cryptsetup's prompt a Wake leaves the line empty, so the
 * passphrase sent after it unlocks at the first attempt.
 */
@KeyholeE2E
@IdleConsole
class WakeKeyTest {

    @Test
    void wakeBringsThePictureAndTypesNothing(RunningKeyhole keyhole, LockedConsole console, Browser browser) {
        console.awaitEvent("asleep", Duration.ofSeconds(30));
        ConsolePage page = ConsolePage.open(browser, keyhole, RunningKeyhole.TARGET).waitForState(CONNECTED);
        assertEquals("waiting", page.picture(), () -> "the idle console has sent no picture: " + page.describe());
        assertTrue(page.messageVisible() && page.message().toLowerCase().contains("waiting for the console's picture")
                        && page.message().contains("Wake"),
                () -> "the page says it is waiting for the picture, and what Wake is for: " + page.describe());
        assertEquals(List.of("asleep"), console.events(), "the page sends no key on its own");

        page.tapKey("wake");
        console.awaitEvent("prompt 1", Duration.ofSeconds(30));
        page.waitForPicture().waitForState(CONNECTED);
        page.waitForPictureMatching(console::screenshot, Duration.ofSeconds(30));

        // Wake at the prompt itself: a Shift press and release adds nothing to what cryptsetup reads.
        page.tapKey("wake");
        page.sendPassphraseThroughBox(Passphrases.right());
        console.awaitUnlocked(Duration.ofSeconds(30));
        assertEquals(List.of("asleep", "prompt 1", "unlocked"), console.events(),
                "no attempt but the passphrase's own: Wake typed nothing");
    }
}
