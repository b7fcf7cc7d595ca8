package dev.keyhole.e2e;

import static dev.keyhole.e2e.pages.ConsolePage.State.CONNECTED;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keyhole.e2e.fixtures.Browser;
import dev.keyhole.e2e.fixtures.KeyholeE2E;
import dev.keyhole.e2e.fixtures.LockedConsole;
import dev.keyhole.e2e.fixtures.Passphrases;
import dev.keyhole.e2e.fixtures.Pictures;
import dev.keyhole.e2e.fixtures.RunningKeyhole;
import dev.keyhole.e2e.fixtures.SecondBrowser;
import dev.keyhole.e2e.pages.ConsolePage;
import dev.keyhole.e2e.pages.TargetsPage;
import dev.keyhole.server.watch.ConsoleReading;
import dev.keyhole.server.watch.ConsoleState;
import java.awt.image.BufferedImage;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Keyhole reads the real locked console (cryptsetup's prompt over RDP) by itself, with nobody viewing it: from the
 * picture its own console connection builds, through Tesseract, to what the screen means.
 */
@KeyholeE2E
class WatchingTest {

    /** How soon after the screen shows something Keyhole must have read it. */
    private static final Duration READ_WITHIN = Duration.ofSeconds(5);

    @Test
    void theConsoleReadsWaitingThenWrongThenUnlockedAsItsScreenChanges(RunningKeyhole keyhole, LockedConsole console,
            Browser browser, @SecondBrowser Browser typist) throws Exception {
        // Nobody views the console: Keyhole holds its connection and reads the prompt there since it started.
        ConsoleReading waiting = keyhole.awaitScreen(RunningKeyhole.TARGET, ConsoleState.WAITING_FOR_PASSPHRASE,
                Duration.ofSeconds(20));
        assertTrue(waiting.watching() && waiting.problem() == null, waiting::toString);

        // The picture Keyhole keeps is the console's screen.
        BufferedImage kept = keyhole.watching().picture(RunningKeyhole.TARGET).orElseThrow()
                .snapshot().get(10, TimeUnit.SECONDS);
        Pictures.Comparison comparison = Pictures.compare(console.screenshot(), kept);
        assertTrue(comparison.matches(), "the kept picture against the console's own screen: " + comparison);

        // The targets page says so, and hears of each change as it happens: another page types into the console.
        TargetsPage targets = TargetsPage.open(browser, keyhole);
        String said = targets.waitForScreen(RunningKeyhole.TARGET, "waiting-for-passphrase", READ_WITHIN);
        assertTrue(said.matches("Waiting for its passphrase since \\d\\d?:\\d\\d( [AP]M)?"), said);
        browser.keepScreenshot("watching/targets-waiting");

        ConsolePage page = ConsolePage.open(typist, keyhole, RunningKeyhole.TARGET);
        page.waitForState(CONNECTED).waitForPicture();
        page.waitForScreen("waiting-for-passphrase", READ_WITHIN);
        page.typePassphrase(Passphrases.wrong());
        console.awaitEvent("prompt 2", Duration.ofSeconds(30));
        awaitState(keyhole, ConsoleState.WRONG_PASSPHRASE, READ_WITHIN);
        assertTrue(targets.waitForScreen(RunningKeyhole.TARGET, "wrong-passphrase", READ_WITHIN)
                .startsWith("Wrong passphrase at "));
        page.waitForScreen("wrong-passphrase", READ_WITHIN);
        typist.keepScreenshot("watching/console-wrong");

        page.typePassphrase(Passphrases.right());
        console.awaitUnlocked(Duration.ofSeconds(30));
        awaitState(keyhole, ConsoleState.BOOTING, READ_WITHIN);
        targets.waitForScreen(RunningKeyhole.TARGET, "booting", READ_WITHIN);
    }

    private static void awaitState(RunningKeyhole keyhole, ConsoleState state, Duration within) {
        keyhole.awaitScreen(RunningKeyhole.TARGET, state, within);
    }
}
