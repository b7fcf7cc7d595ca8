package dev.keyhole.e2e;

import static dev.keyhole.e2e.pages.ConsolePage.State.CONNECTED;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.keyhole.e2e.fixtures.Browser;
import dev.keyhole.e2e.fixtures.KeyholeE2E;
import dev.keyhole.e2e.fixtures.LockedConsole;
import dev.keyhole.e2e.fixtures.Passphrases;
import dev.keyhole.e2e.fixtures.RunningKeyhole;
import dev.keyhole.e2e.fixtures.SecondBrowser;
import dev.keyhole.e2e.pages.ConsolePage;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Two viewers share the one live connection to the console: both see it, both can type. */
@KeyholeE2E
class TwoBrowsersTest {

    @Test
    void twoBrowsersShareOneConsoleConnectionAndBothCanType(
            RunningKeyhole keyhole, LockedConsole console, Browser first, @SecondBrowser Browser second) {
        ConsolePage one = ConsolePage.open(first, keyhole, RunningKeyhole.TARGET).waitForState(CONNECTED).waitForPicture();
        ConsolePage two = ConsolePage.open(second, keyhole, RunningKeyhole.TARGET).waitForState(CONNECTED).waitForPicture();
        one.waitForPictureMatching(console::screenshot, Duration.ofSeconds(30));
        two.waitForPictureMatching(console::screenshot, Duration.ofSeconds(30));

        assertEquals(1, console.establishedRdpConnections(), "RDP connections to the console (one shared guacd connection)");

        one.typePassphrase(Passphrases.wrong());
        console.awaitEvent("wrong 1", Duration.ofSeconds(30));
        console.awaitEvent("prompt 2", Duration.ofSeconds(30));

        two.typePassphrase(Passphrases.right());
        console.awaitUnlocked(Duration.ofSeconds(30));
        assertEquals(1, console.wrongAttempts(), () -> "events: " + console.events());
        assertEquals(1, console.establishedRdpConnections(), "still one RDP connection");
    }
}
