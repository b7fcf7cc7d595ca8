package dev.keyhole.e2e;

import static dev.keyhole.e2e.pages.ConsolePage.State.CONNECTED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keyhole.e2e.fixtures.Browser;
import dev.keyhole.e2e.fixtures.E2ePaths;
import dev.keyhole.e2e.fixtures.InjectKeyhole;
import dev.keyhole.e2e.fixtures.KeyholeE2E;
import dev.keyhole.e2e.fixtures.LockedConsole;
import dev.keyhole.e2e.fixtures.Passphrases;
import dev.keyhole.e2e.fixtures.RunningKeyhole;
import dev.keyhole.e2e.fixtures.SecondBrowser;
import dev.keyhole.e2e.fixtures.Waits;
import dev.keyhole.e2e.pages.ConsolePage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * A phone (Chrome's mobile emulation: a phone's viewport, touch events and user agent) unlocks the locked
 * console through the passphrase box and the key bar's Enter; the display fits the width, the typing controls
 * are on the screen, every key of the key bar is within the screen's width, and with the on-screen keyboard
 * open the box, its Send button and the key bar stay above the keyboard and work.
 */
@KeyholeE2E
class PhoneTest {

    /** What an on-screen keyboard leaves of a 844 px tall phone screen, upright (CSS px; Android's about so). */
    private static final int VISIBLE_UPRIGHT = 508;
    /** What it leaves of the same phone turned sideways (390 px tall). */
    private static final int VISIBLE_SIDEWAYS = 190;

    @Test
    void aPhoneUnlocksTheConsoleThroughThePassphraseBoxAndTheKeyBar(
            @InjectKeyhole(StagedTarget.class) RunningKeyhole keyhole, LockedConsole console,
            @SecondBrowser(phone = true) Browser phone) throws Exception {
        ConsolePage page = ConsolePage.open(phone, keyhole, StagedTarget.TARGET)
                .waitForState(CONNECTED).waitForPicture().waitForKeyboardStage("grub");
        assertEquals(true, phone.script("return navigator.maxTouchPoints > 0"
                + " && matchMedia('(pointer: coarse)').matches && /Mobile/.test(navigator.userAgent)"),
                "a touch phone is emulated");

        List<Number> display = page.boxOf("#display > *");
        assertEquals(Browser.PHONE_WIDTH, display.get(4).intValue(), "the viewport is the phone's");
        assertTrue(display.get(0).doubleValue() >= -0.5 && display.get(2).doubleValue() <= Browser.PHONE_WIDTH + 0.5,
                () -> "the display fits the width: " + display);
        assertTrue(display.get(2).doubleValue() - display.get(0).doubleValue() >= Browser.PHONE_WIDTH - 2,
                () -> "the display uses the whole width: " + display);
        for (String control : List.of("#passphrase-input", "#passphrase-send", "#key-bar [data-key='enter']",
                "#stage-buttons [data-stage='initramfs']")) {
            List<Number> box = page.boxOf(control);
            assertTrue(box.get(1).doubleValue() >= 0 && box.get(3).doubleValue() <= box.get(5).doubleValue()
                    && box.get(2).doubleValue() <= box.get(4).doubleValue(), () -> control + " is on the screen: " + box);
        }
        KeyBarGeometry.assertEveryKeyFits(page, "a " + Browser.PHONE_WIDTH + " px wide phone");
        // Two fingers zoom the display in (it becomes wider than the screen and pans), and back out to fit.
        pinch(phone, 150, 240, 100, 290);
        List<Number> zoomed = page.boxOf("#display > *");
        assertTrue(zoomed.get(2).doubleValue() - zoomed.get(0).doubleValue() > Browser.PHONE_WIDTH * 1.5,
                () -> "pinching out zooms in: " + zoomed);
        pinch(phone, 100, 290, 150, 240);
        List<Number> fitted = page.boxOf("#display > *");
        assertEquals(display.get(2).doubleValue() - display.get(0).doubleValue(),
                fitted.get(2).doubleValue() - fitted.get(0).doubleValue(), 1.0, "pinching back in fits again");

        Path screenshot = E2ePaths.target().resolve("screenshots/console-phone.png");
        Files.createDirectories(screenshot.getParent());
        Files.write(screenshot, phone.screenshot());

        // The on-screen keyboard opens for the box: the box, Send and every key stay visible above it.
        page.focusPassphraseBox();
        String[] typing = new String[2 + KeyBarGeometry.KEYS.size()];
        typing[0] = "#passphrase-input";
        typing[1] = "#passphrase-send";
        for (int i = 0; i < KeyBarGeometry.KEYS.size(); i++) {
            typing[2 + i] = "#key-bar [data-key='" + KeyBarGeometry.KEYS.get(i) + "']";
        }
        // Sideways, the keyboard leaves a strip: the console gives up its height, the typing panel stays.
        openOnScreenKeyboard(phone, page, Browser.PHONE_HEIGHT, VISIBLE_SIDEWAYS);
        KeyBarGeometry.assertInsideVisualViewport(page, "sideways, on-screen keyboard open", typing);
        Files.write(screenshot.resolveSibling("console-phone-sideways-keyboard.png"), phone.screenshot());
        openOnScreenKeyboard(phone, page, Browser.PHONE_WIDTH, VISIBLE_UPRIGHT);
        assertEquals("passphrase-input", page.focusedId(), "the box keeps the focus (the keyboard stays open)");
        KeyBarGeometry.assertInsideVisualViewport(page, "on-screen keyboard open", typing);
        KeyBarGeometry.assertEveryKeyFits(page, "on-screen keyboard open");
        Files.write(screenshot.resolveSibling("console-phone-keyboard.png"), phone.screenshot());

        page.enterPassphraseInBox(Passphrases.right(), false).waitForPassphraseSent();
        assertEquals("", page.passphraseBoxValue(), "the box is empty once sent");
        assertEquals(List.of("prompt 1"), console.events(), "without Enter the console has not checked it yet");

        page.tapKey("enter");
        console.awaitUnlocked(Duration.ofSeconds(30));
        assertEquals(0, console.wrongAttempts(), () -> "events: " + console.events());
    }

    /**
     * Makes the page see what an on-screen keyboard does on Android, where Chrome honours the page's
     * {@code interactive-widget=resizes-content}: the layout and visual viewports shrink to the part of the screen
     * above the keyboard. Headless Chromium shows no keyboard, and {@code Emulation.setVisibleSize} changes nothing
     * the page sees; a device metrics override of the phone with a shorter screen shrinks
     * {@code visualViewport.height} (and {@code innerHeight}) exactly so, with the same resize events.
     */
    private static void openOnScreenKeyboard(Browser phone, ConsolePage page, int width, int visible) {
        ((ChromeDriver) phone.driver()).executeCdpCommand("Emulation.setDeviceMetricsOverride", Map.of(
                "width", width, "height", visible, "deviceScaleFactor", 3.0, "mobile", true));
        Waits.until("the visual viewport to be " + width + " x " + visible + " px (the keyboard open)",
                Duration.ofSeconds(10), () -> "the visual viewport is " + page.visualViewport(),
                () -> Math.abs(page.visualViewport().get("height").doubleValue() - visible) < 0.5
                        && Math.abs(page.visualViewport().get("innerWidth").doubleValue() - width) < 0.5);
    }

    /** Two fingers on the display at y=300, from x = a1, a2 to x = b1, b2 (real touch events through DevTools). */
    private static void pinch(Browser phone, int a1, int a2, int b1, int b2) {
        ChromeDriver chrome = (ChromeDriver) phone.driver();
        chrome.executeCdpCommand("Input.dispatchTouchEvent", Map.of("type", "touchStart",
                "touchPoints", List.of(point(a1, 1), point(a2, 2))));
        for (int step = 1; step <= 4; step++) {
            chrome.executeCdpCommand("Input.dispatchTouchEvent", Map.of("type", "touchMove", "touchPoints",
                    List.of(point(a1 + (b1 - a1) * step / 4, 1), point(a2 + (b2 - a2) * step / 4, 2))));
        }
        chrome.executeCdpCommand("Input.dispatchTouchEvent", Map.of("type", "touchEnd", "touchPoints", List.of()));
    }

    private static Map<String, Object> point(int x, int id) {
        return Map.of("x", x, "y", 300, "id", id);
    }
}
