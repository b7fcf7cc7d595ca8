package dev.keyhole.e2e;

import static dev.keyhole.e2e.pages.ConsolePage.State.CONNECTED;
import static dev.keyhole.e2e.pages.ConsolePage.State.RECONNECTING;

import dev.keyhole.e2e.fixtures.Browser;
import dev.keyhole.e2e.fixtures.KeyholeE2E;
import dev.keyhole.e2e.fixtures.LockedConsole;
import dev.keyhole.e2e.fixtures.Passphrases;
import dev.keyhole.e2e.fixtures.RunningKeyhole;
import dev.keyhole.e2e.pages.ConsolePage;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A console that goes away (a VM rebooting) shows "reconnecting" with the reason, not a blank page, and comes
 * back by itself when the console answers again: an operator waiting for a VM's LUKS prompt does not reload.
 */
@KeyholeE2E
class ConsoleOutageTest {

    @Test
    void aConsoleThatGoesAwayIsReconnectedWhenItReturns(RunningKeyhole keyhole, LockedConsole console,
            Browser browser) {
        ConsolePage page = ConsolePage.open(browser, keyhole, RunningKeyhole.TARGET)
                .waitForState(CONNECTED)
                .waitForPicture();

        console.close();
        new WebDriverWait(browser.driver(), Duration.ofSeconds(20))
                .withMessage(() -> "waiting for the page to say it is reconnecting, with a reason; saw "
                        + page.describe())
                .until(d -> page.state().equals(RECONNECTING.value()) && page.messageVisible()
                        && !page.message().isBlank());

        try (LockedConsole back = LockedConsole.start(console.dir(), Passphrases.right(), false,
                console.rdpPort())) {
            page.waitForState(Duration.ofSeconds(40), CONNECTED).waitForPicture();
            page.waitForPictureMatching(back::screenshot, Duration.ofSeconds(30));
            page.typePassphrase(Passphrases.right());
            back.awaitUnlocked(Duration.ofSeconds(30));
        }
    }
}
