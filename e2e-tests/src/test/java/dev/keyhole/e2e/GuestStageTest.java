package dev.keyhole.e2e;

import static dev.keyhole.e2e.pages.ConsolePage.State.CONNECTED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keyhole.e2e.fixtures.Browser;
import dev.keyhole.e2e.fixtures.InjectKeyhole;
import dev.keyhole.e2e.fixtures.KeyholeE2E;
import dev.keyhole.e2e.fixtures.LinkGuest;
import dev.keyhole.e2e.fixtures.RunningKeyhole;
import dev.keyhole.e2e.fixtures.SecondBrowser;
import dev.keyhole.e2e.pages.ConsolePage;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/**
 * A guest switches a console's keyboard stage only through a link that says so: its page shows the stage buttons
 * and the server takes the switch; a link to type that does not say so gets neither.
 */
@KeyholeE2E
class GuestStageTest {

    @Test
    void aGuestSwitchesTheStageOnlyWhereTheLinkSaysSo(@InjectKeyhole(StagedTarget.class) RunningKeyhole keyhole,
            @SecondBrowser(phone = true) Browser phone) throws Exception {
        LinkGuest.Shared plain = LinkGuest.share(keyhole, StagedTarget.TARGET, "{\"mode\":\"type\"}");
        LinkGuest.Shared switching = LinkGuest.share(keyhole, StagedTarget.TARGET,
                "{\"mode\":\"type\",\"stages\":true}");
        assertEquals(400, post(keyhole, "{\"mode\":\"watch\",\"stages\":true}").status(),
                "a link to watch switches nothing");

        assertEquals(403, stage(keyhole, LinkGuest.join(keyhole.uri(), plain.token()).guest(), "initramfs"),
                "a link to type that does not say so");
        LinkGuest guest = LinkGuest.join(keyhole.uri(), switching.token()).guest();
        for (LinkGuest forged : List.of(new LinkGuest(guest.device(), null), new LinkGuest(guest.device(),
                "x".repeat(43)), new LinkGuest(guest.device(), guest.device()))) {
            assertEquals(403, stage(keyhole, forged, "grub"), "a guest's POST without their page's CSRF token");
        }
        assertEquals(200, stage(keyhole, guest, "grub"));

        LinkGuest.Shared onThePhone = LinkGuest.share(keyhole, StagedTarget.TARGET,
                "{\"mode\":\"type\",\"stages\":true}");
        phone.driver().get(onThePhone.url().toString());
        ConsolePage page = ConsolePage.attach(phone.driver()).waitForState(CONNECTED);
        page.waitForKeyboardStage("grub");
        assertTrue(phone.driver().findElement(By.id("stage-buttons")).isDisplayed(), "the link says so");
        page.switchKeyboardStage("initramfs").waitForKeyboardStage("initramfs");
        assertFalse(phone.driver().findElement(By.id("back-link")).isDisplayed());
    }

    private static int stage(RunningKeyhole keyhole, LinkGuest guest, String stage) throws Exception {
        Map<String, String> headers = new LinkedHashMap<>(guest.headers());
        headers.put("Content-Type", "application/json");
        return RawHttp.send(keyhole.uri(), "POST", "/api/targets/" + StagedTarget.TARGET + "/stage", null, headers,
                "{\"stage\":\"" + stage + "\"}").status();
    }

    private static RawHttp.Answer post(RunningKeyhole keyhole, String terms) throws Exception {
        Map<String, String> headers = new LinkedHashMap<>(keyhole.signedIn().headers());
        headers.put("Content-Type", "application/json");
        return RawHttp.send(keyhole.uri(), "POST", "/api/targets/" + StagedTarget.TARGET + "/links", null, headers,
                terms);
    }
}
