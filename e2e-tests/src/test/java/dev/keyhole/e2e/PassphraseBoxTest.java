package dev.keyhole.e2e;

import static dev.keyhole.e2e.pages.ConsolePage.State.CONNECTED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.keyhole.e2e.fixtures.Browser;
import dev.keyhole.e2e.fixtures.KeyholeE2E;
import dev.keyhole.e2e.fixtures.LockedConsole;
import dev.keyhole.e2e.fixtures.Passphrases;
import dev.keyhole.e2e.fixtures.RunningKeyhole;
import dev.keyhole.e2e.fixtures.SecondBrowser;
import dev.keyhole.e2e.pages.ConsolePage;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The passphrase box on the locked console: a double tap on Send sends once; a character the console's layout
 * cannot type is refused before any key is sent; the right passphrase sent through the box unlocks the console, the box is empty at once, and
 * the passphrase is in no network request or WebSocket frame of the browser, no log line, no DOM.
 */
@KeyholeE2E
class PassphraseBoxTest {

    @Test
    void untypeableIsRefusedUnsentThenTheBoxUnlocksTheConsoleAndLeavesNoTrace(
            RunningKeyhole keyhole, LockedConsole console, @SecondBrowser(networkLog = true) Browser browser) {
        ListAppender<ILoggingEvent> logLines = captureLogs();
        try {
            ConsolePage page = ConsolePage.open(browser, keyhole, RunningKeyhole.TARGET)
                    .waitForState(CONNECTED).waitForPicture().waitForKeyboardStage("console");
            assertEquals("en-us-qwerty", page.keyboardLayout());

            // A double tap on Send sends once: the box is emptied and disabled at once.
            String wrong = Passphrases.wrong();
            page.submitPassphraseBoxTwiceAtOnce(wrong).waitForPassphraseSent();
            assertTrue(page.sawBoxDisabledWhileSending(), "the box is disabled while the keys go out");
            assertEquals("", page.passphraseBoxValue());
            console.awaitEvent("wrong 1", Duration.ofSeconds(30));
            console.awaitEvent("prompt 2", Duration.ofSeconds(30));

            // '€' is not on a US keyboard: refused before anything is sent, marked by position, never echoed.
            String untypeable = Passphrases.wrong() + "€x";
            page.enterPassphraseInBox(untypeable, true);
            String refusal = page.waitForRefusal();
            assertTrue(refusal.contains("cannot type character 17"), refusal);
            assertTrue(refusal.contains("en-us-qwerty"), refusal);
            assertTrue(refusal.contains("Nothing was sent"), refusal);
            assertEquals(List.of(16), page.markedPositions());
            assertFalse(page.marksText().contains("€") || refusal.contains("€"), "the character is never shown");

            // The right passphrase now: had any key of the refused one, or a second copy of the wrong one,
            // arrived, this attempt would fail.
            page.sendPassphraseThroughBox(Passphrases.right());
            assertEquals("", page.passphraseBoxValue(), "the box is empty once sent");
            console.awaitUnlocked(Duration.ofSeconds(30));
            assertEquals(List.of("prompt 1", "wrong 1", "prompt 2", "unlocked"), console.events(),
                    "the wrong passphrase arrived once, the refused one never");

            List<String> network = browser.networkLog();
            assertTrue(network.stream().anyMatch(e -> e.contains("Network.webSocketFrameSent")),
                    "the network log holds the tunnel's frames (so the key events were looked at too)");
            for (String secret : List.of(Passphrases.right(), untypeable, wrong)) {
                String encoded = URLEncoder.encode(secret, StandardCharsets.UTF_8);
                assertEquals(0, network.stream().filter(e -> e.contains(secret) || e.contains(encoded)).count(),
                        "browser network events holding a passphrase");
                assertEquals(0, logLines.list.stream().filter(e -> e.getFormattedMessage().contains(secret)).count(),
                        "log lines holding a passphrase");
                assertFalse(browser.driver().getPageSource().contains(secret), "the page holds a passphrase");
                assertEquals(0, browser.consoleLog().stream().filter(l -> l.contains(secret)).count(),
                        "browser console lines holding a passphrase");
            }
            assertFalse(logLines.list.isEmpty(), "the server's log lines were captured");
        } finally {
            releaseLogs(logLines);
        }
    }

    /** Collects every log line the server (running in this JVM) writes from now on, in memory. */
    private static ListAppender<ILoggingEvent> captureLogs() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.setContext(context);
        appender.start();
        context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(appender);
        return appender;
    }

    private static void releaseLogs(ListAppender<ILoggingEvent> appender) {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        context.getLogger(Logger.ROOT_LOGGER_NAME).detachAppender(appender);
        appender.stop();
        appender.list.clear();
    }
}
