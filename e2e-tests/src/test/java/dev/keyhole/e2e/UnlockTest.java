package dev.keyhole.e2e;

import static dev.keyhole.e2e.pages.ConsolePage.State.CONNECTED;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.keyhole.e2e.fixtures.Browser;
import dev.keyhole.e2e.fixtures.KeyholeE2E;
import dev.keyhole.e2e.fixtures.LockedConsole;
import dev.keyhole.e2e.fixtures.Passphrases;
import dev.keyhole.e2e.fixtures.RunningKeyhole;
import dev.keyhole.e2e.pages.ConsolePage;
import dev.keyhole.e2e.pages.TargetsPage;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The main story: pick the locked console, see its prompt, type the passphrase in the browser, it unlocks. */
@KeyholeE2E
class UnlockTest {

    @Test
    void typingThePassphraseInTheBrowserUnlocksTheConsole(RunningKeyhole keyhole, LockedConsole console, Browser browser) {
        TargetsPage targets = TargetsPage.open(browser, keyhole);
        assertEquals(List.of(RunningKeyhole.TARGET), targets.targetNames());

        ConsolePage page = targets.openConsole(RunningKeyhole.TARGET)
                .waitForState(CONNECTED)
                .waitForPicture();
        page.waitForPictureMatching(console::screenshot, Duration.ofSeconds(30));

        page.typePassphrase(Passphrases.right());

        console.awaitUnlocked(Duration.ofSeconds(30));
        assertEquals(0, console.wrongAttempts(), "no attempt was refused");
        page.waitForPictureMatching(console::screenshot, Duration.ofSeconds(30)); // the success line shows too
    }
}
