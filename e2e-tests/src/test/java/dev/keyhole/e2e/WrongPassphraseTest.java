package dev.keyhole.e2e;

import static dev.keyhole.e2e.pages.ConsolePage.State.CONNECTED;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.keyhole.e2e.fixtures.Browser;
import dev.keyhole.e2e.fixtures.KeyholeE2E;
import dev.keyhole.e2e.fixtures.LockedConsole;
import dev.keyhole.e2e.fixtures.Passphrases;
import dev.keyhole.e2e.fixtures.RunningKeyhole;
import dev.keyhole.e2e.pages.ConsolePage;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A typo is refused by the console itself; the next, right attempt unlocks it. */
@KeyholeE2E
class WrongPassphraseTest {

    @Test
    void aWrongPassphraseIsRefusedOnceThenTheRightOneUnlocks(RunningKeyhole keyhole, LockedConsole console, Browser browser) {
        ConsolePage page = ConsolePage.open(browser, keyhole, RunningKeyhole.TARGET)
                .waitForState(CONNECTED)
                .waitForPicture();
        page.waitForPictureMatching(console::screenshot, Duration.ofSeconds(30));

        page.typePassphrase(Passphrases.wrong());
        console.awaitEvent("wrong 1", Duration.ofSeconds(30));
        console.awaitEvent("prompt 2", Duration.ofSeconds(30)); // keys typed before the prompt are flushed

        page.typePassphrase(Passphrases.right());
        console.awaitUnlocked(Duration.ofSeconds(30));
        assertEquals(1, console.wrongAttempts(), () -> "events: " + console.events());
    }
}
