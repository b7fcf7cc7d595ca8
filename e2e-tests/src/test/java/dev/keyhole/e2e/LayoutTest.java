package dev.keyhole.e2e;

import static dev.keyhole.e2e.pages.ConsolePage.State.CONNECTED;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keyhole.e2e.fixtures.Browser;
import dev.keyhole.e2e.fixtures.E2ePaths;
import dev.keyhole.e2e.fixtures.KeyholeE2E;
import dev.keyhole.e2e.fixtures.LockedConsole;
import dev.keyhole.e2e.fixtures.RunningKeyhole;
import dev.keyhole.e2e.pages.ConsolePage;
import dev.keyhole.e2e.pages.TargetsPage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.openqa.selenium.Dimension;

/**
 * The pages as people see them, on a desktop and on phones from 320 to 430 px wide: the whole console is visible
 * (scaled, never clipped, no sideways scrolling) and its prompt readable, and every key of the key bar is on the
 * screen. Screenshots of each page are kept under
 * {@code target/screenshots/} for people to look at.
 */
@KeyholeE2E
class LayoutTest {

    private static final Dimension DESKTOP = new Dimension(1280, 900);

    private Browser browser;

    @ParameterizedTest(name = "{0}")
    @CsvSource({"desktop, 1280, 900", "phone, 390, 844", "phone-320, 320, 640", "phone-360, 360, 740",
            "phone-430, 430, 932"})
    void theConsoleFitsTheWindow(String device, int width, int height, RunningKeyhole keyhole, LockedConsole console,
            Browser browser) throws IOException {
        this.browser = browser;
        browser.driver().manage().window().setSize(new Dimension(width, height));

        TargetsPage targets = TargetsPage.open(browser, keyhole);
        keep(device + "-targets");
        ConsolePage page = targets.openConsole(RunningKeyhole.TARGET).waitForState(CONNECTED).waitForPicture();
        page.waitForPictureMatching(console::screenshot, Duration.ofSeconds(30));
        keep(device + "-console");

        @SuppressWarnings("unchecked")
        Map<String, Object> box = (Map<String, Object>) browser.script("""
                const display = document.querySelector('#display .display-surface').getBoundingClientRect();
                return {left: display.left, top: display.top, right: display.right, bottom: display.bottom,
                        width: display.width, viewWidth: window.innerWidth, viewHeight: window.innerHeight,
                        scrollWidth: document.documentElement.scrollWidth};""");
        String seen = device + ": " + box;
        assertTrue(number(box, "left") >= 0 && number(box, "right") <= number(box, "viewWidth") + 0.5,
                "the console is clipped sideways; " + seen);
        assertTrue(number(box, "top") >= 0 && number(box, "bottom") <= number(box, "viewHeight") + 0.5,
                "the console is clipped at the top or bottom; " + seen);
        assertTrue(number(box, "scrollWidth") <= number(box, "viewWidth"), "the page scrolls sideways; " + seen);
        // Scaled to fit, but no smaller than it must be: it takes the full width or the full height available.
        assertTrue(number(box, "width") >= Math.min(1024, width) * 0.9 || number(box, "bottom") > height * 0.8,
                "the console is smaller than the window allows; " + seen);
        KeyBarGeometry.assertEveryKeyFits(page, device);
    }

    @AfterEach
    void restoreWindow() {
        if (browser != null) {
            browser.driver().manage().window().setSize(DESKTOP);
        }
    }

    private void keep(String name) throws IOException {
        Path dir = Files.createDirectories(E2ePaths.target().resolve("screenshots"));
        Files.write(dir.resolve(name + ".png"), browser.screenshot());
    }

    private static double number(Map<String, Object> box, String key) {
        return ((Number) box.get(key)).doubleValue();
    }
}
