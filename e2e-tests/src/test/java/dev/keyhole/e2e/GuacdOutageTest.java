package dev.keyhole.e2e;

import static dev.keyhole.e2e.pages.ConsolePage.State.CONNECTED;
import static dev.keyhole.e2e.pages.ConsolePage.State.ERROR;
import static dev.keyhole.e2e.pages.ConsolePage.State.RECONNECTING;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.keyhole.e2e.fixtures.Browser;
import dev.keyhole.e2e.fixtures.Guacd;
import dev.keyhole.e2e.fixtures.KeyholeE2E;
import dev.keyhole.e2e.fixtures.LockedConsole;
import dev.keyhole.e2e.fixtures.RunningKeyhole;
import dev.keyhole.e2e.pages.ConsolePage;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.support.ui.WebDriverWait;

/** guacd going away shows "reconnecting"/"error" naming guacd, not a blank page; the rest keeps working. */
@KeyholeE2E
class GuacdOutageTest {

    @Test
    void aStoppedGuacdIsReportedAndTheConsoleComesBackWhenItReturns(
            RunningKeyhole keyhole, LockedConsole console, Guacd guacd, Browser browser) throws Exception {
        ConsolePage page = ConsolePage.open(browser, keyhole, RunningKeyhole.TARGET)
                .waitForState(CONNECTED)
                .waitForPicture();
        try {
            guacd.stop();

            new WebDriverWait(browser.driver(), Duration.ofSeconds(15))
                    .withMessage(() -> "waiting for the page to say reconnecting/error with a message naming guacd; saw "
                            + page.describe())
                    .until(d -> (page.state().equals(RECONNECTING.value()) || page.state().equals(ERROR.value()))
                            && page.message().toLowerCase().contains("guacd"));

            HttpResponse<String> targets = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(keyhole.uri().resolve("/api/targets")).timeout(Duration.ofSeconds(10))
                            .headers(keyhole.signedIn().headerArray()).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, targets.statusCode(), "GET /api/targets while guacd is down: " + targets.body());
        } finally {
            if (!guacd.isRunning()) {
                guacd.start();
            }
        }

        page.reload().waitForState(Duration.ofSeconds(30), CONNECTED).waitForPicture();
        page.waitForPictureMatching(console::screenshot, Duration.ofSeconds(30));
    }
}
