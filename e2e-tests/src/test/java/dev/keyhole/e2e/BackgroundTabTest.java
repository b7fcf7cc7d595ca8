package dev.keyhole.e2e;

import static dev.keyhole.e2e.pages.ConsolePage.State.CONNECTED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keyhole.e2e.fixtures.Browser;
import dev.keyhole.e2e.fixtures.Guacd;
import dev.keyhole.e2e.fixtures.KeyholeE2E;
import dev.keyhole.e2e.fixtures.RunningKeyhole;
import dev.keyhole.e2e.fixtures.SecondBrowser;
import dev.keyhole.e2e.fixtures.Waits;
import dev.keyhole.e2e.pages.ConsolePage;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * A phone's tab left in the background: the browser freezes it, Keyhole closes its viewer for falling behind
 * ({@code limits.viewer-lag}, 5 s; guacd itself would after 15 s) and guacd lets the viewer go, and when the tab
 * is back the page shows it is reconnecting and comes back by itself.
 */
@KeyholeE2E
class BackgroundTabTest {

    @Test
    void aTabFrozenInTheBackgroundUntilGuacdDropsItReconnectsByItself(
            RunningKeyhole keyhole, Guacd guacd, @SecondBrowser(phone = true) Browser phone) {
        ConsolePage page = ConsolePage.open(phone, keyhole, RunningKeyhole.TARGET)
                .waitForState(CONNECTED).waitForPicture();
        long droppedBefore = guacd.usersLetGo();
        phone.script("""
                window.seenStates = [];
                new MutationObserver(() => window.seenStates.push(document.getElementById('console').dataset.state))
                    .observe(document.getElementById('console'), {attributes: true, attributeFilter: ['data-state']});
                """);

        ChromeDriver chrome = (ChromeDriver) phone.driver();
        chrome.executeCdpCommand("Page.setWebLifecycleState", Map.of("state", "frozen"));
        try {
            Waits.until("guacd to let the frozen tab's viewer go", Duration.ofSeconds(40),
                    () -> "guacd.log has " + guacd.usersLetGo() + " lines of users disconnected",
                    () -> guacd.usersLetGo() > droppedBefore);
        } finally {
            chrome.executeCdpCommand("Page.setWebLifecycleState", Map.of("state", "active"));
        }

        page.waitForState(Duration.ofSeconds(30), CONNECTED);
        Waits.until("the page to have shown 'reconnecting' and be connected again", Duration.ofSeconds(30),
                () -> "states seen: " + phone.script("return window.seenStates") + "; " + page.describe(),
                () -> {
                    List<?> states = (List<?>) phone.script("return window.seenStates");
                    return states.contains("reconnecting") && "connected".equals(states.get(states.size() - 1));
                });
        page.waitForPicture();
        assertEquals("connected", page.state());
        assertTrue(page.message().isEmpty() || page.message().startsWith("Connected"), page.describe());
    }
}
