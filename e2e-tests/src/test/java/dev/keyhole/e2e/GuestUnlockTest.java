package dev.keyhole.e2e;

import static dev.keyhole.e2e.pages.ConsolePage.State.CONNECTED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keyhole.e2e.fixtures.Browser;
import dev.keyhole.e2e.fixtures.KeyholeE2E;
import dev.keyhole.e2e.fixtures.LinkGuest;
import dev.keyhole.e2e.fixtures.LockedConsole;
import dev.keyhole.e2e.fixtures.Passphrases;
import dev.keyhole.e2e.fixtures.RunningKeyhole;
import dev.keyhole.e2e.fixtures.SecondBrowser;
import dev.keyhole.e2e.pages.ConsolePage;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/**
 * The colleague with a link to type unlocks the console from their phone, through the passphrase box, while its
 * owner watches at a desk.
 */
@KeyholeE2E
class GuestUnlockTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void aTypingGuestUnlocksTheConsoleThroughThePassphraseBox(RunningKeyhole keyhole, LockedConsole console,
            Browser desk, @SecondBrowser(phone = true) Browser phone) {
        ConsolePage.open(desk, keyhole, RunningKeyhole.TARGET).waitForState(CONNECTED).waitForPicture();
        LinkGuest.Shared link = LinkGuest.share(keyhole, RunningKeyhole.TARGET,
                "{\"mode\":\"type\",\"note\":\"for Sam, disk of web-1\"}");

        phone.driver().get(link.url().toString());
        ConsolePage guest = ConsolePage.attach(phone.driver()).waitForState(CONNECTED).waitForPicture();
        assertTrue(phone.driver().findElement(By.id("passphrase-input")).isDisplayed(), "the box is there");
        assertTrue(phone.driver().findElement(By.id("key-bar")).isDisplayed(), "and the key bar");

        guest.sendPassphraseThroughBox(Passphrases.right());
        console.awaitUnlocked(WAIT);
        assertEquals(0, console.wrongAttempts(), () -> "events: " + console.events());
    }
}
