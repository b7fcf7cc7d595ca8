package dev.keyhole.e2e;

import static dev.keyhole.e2e.pages.ConsolePage.State.CONNECTED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keyhole.e2e.fixtures.Browser;
import dev.keyhole.e2e.fixtures.Guacd;
import dev.keyhole.e2e.fixtures.InjectKeyhole;
import dev.keyhole.e2e.fixtures.InjectKeyhole.Lifecycle;
import dev.keyhole.e2e.fixtures.KeyholeE2E;
import dev.keyhole.e2e.fixtures.LockedConsole;
import dev.keyhole.e2e.fixtures.Passphrases;
import dev.keyhole.e2e.fixtures.RunningKeyhole;
import dev.keyhole.e2e.fixtures.SecondBrowser;
import dev.keyhole.e2e.fixtures.Waits;
import dev.keyhole.e2e.pages.ConsolePage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A target's keyboard stage belongs to the target: switching it reconnects the console for everyone watching,
 * with a notice, and the new layout reaches guacd (RDP's {@code server-layout}: a new guacd connection).
 */
@KeyholeE2E
class KeyboardStageTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void switchingTheStageReconnectsEveryViewerWithANoticeAndGuacdLoadsTheNewLayout(
            @InjectKeyhole(value = StagedTarget.class, lifecycle = Lifecycle.METHOD) RunningKeyhole keyhole,
            Guacd guacd, LockedConsole console, Browser first, @SecondBrowser Browser second) throws Exception {
        ConsolePage one = ConsolePage.open(first, keyhole, StagedTarget.TARGET)
                .waitForState(CONNECTED).waitForPicture().waitForKeyboardStage("grub");
        ConsolePage two = ConsolePage.open(second, keyhole, StagedTarget.TARGET)
                .waitForState(CONNECTED).waitForPicture().waitForKeyboardStage("grub");
        assertEquals("en-us-qwerty", two.keyboardLayout());
        assertEquals(0, keymapLoads(guacd, "de-de-qwertz"), "guacd has not loaded the German keymap yet");
        try (RawTunnel raw = RawTunnel.open(keyhole.tunnel(StagedTarget.TARGET))) {
            raw.awaitMoreThan(0, WAIT);
            one.switchKeyboardStage("initramfs");
            // Keyhole's own code, which the pages read as a number (WebSocket 1012, Service Restart): no error.
            RawTunnel.Close close = raw.awaitClose(WAIT);
            assertEquals(1012, close.code(), close::toString);
            assertTrue(close.reason().startsWith("128 "), close::toString);
        }
        for (ConsolePage page : List.of(one, two)) {
            // The page's own sentence, from the stage it read after the code: not the close reason's words.
            String notice = page.waitForKeyboardNotice("Keyboard switched to initramfs (de-de-qwertz)");
            assertTrue(notice.endsWith(": the console reconnected with this layout."), notice);
            page.waitForState(WAIT, CONNECTED).waitForKeyboardStage("initramfs");
            assertEquals("de-de-qwertz", page.keyboardLayout());
        }
        Waits.until("guacd to load the keymap de-de-qwertz for the new connection", WAIT,
                () -> "guacd.log has " + keymapLoads(guacd, "de-de-qwertz") + " such lines",
                () -> keymapLoads(guacd, "de-de-qwertz") >= 1);

        // Back to GRUB's US layout, switched from the other viewer: the console types as US again and unlocks.
        two.switchKeyboardStage("grub");
        for (ConsolePage page : List.of(one, two)) {
            page.waitForKeyboardNotice("Keyboard switched to grub (en-us-qwerty)");
            page.waitForState(WAIT, CONNECTED).waitForKeyboardStage("grub");
        }
        two.sendPassphraseThroughBox(Passphrases.right());
        console.awaitUnlocked(WAIT);
        assertEquals(0, console.wrongAttempts(), () -> "events: " + console.events());
    }

    @Test
    void onlyKeyholesOwnPagesMaySwitchTheStage(
            @InjectKeyhole(value = StagedTarget.class, lifecycle = Lifecycle.METHOD) RunningKeyhole keyhole)
            throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        URI stage = keyhole.uri().resolve("/api/targets/" + StagedTarget.TARGET + "/stage");
        String body = "{\"stage\":\"initramfs\"}";
        String[] as = keyhole.signedIn().headerArray();

        assertEquals(403, post(http, stage, as, body, "application/json", "http://evil.example").statusCode(),
                "a page of another site");
        assertEquals(415, post(http, stage, as, body, "text/plain", null).statusCode(),
                "a body a cross-site form could send");
        HttpResponse<String> unknown = post(http, stage, as, "{\"stage\":\"bios\"}", "application/json",
                keyhole.uri().toString().replaceAll("/$", ""));
        assertEquals(400, unknown.statusCode());
        assertTrue(unknown.body().contains("its stages are grub, initramfs"), unknown.body());
        assertEquals("grub", JSON.readTree(targets(http, keyhole)).path("targets").path(0).path("keyboard")
                .path("stage").asText(), "nothing switched so far");

        HttpResponse<String> own = post(http, stage, as, body, "application/json",
                keyhole.uri().toString().replaceAll("/$", ""));
        assertEquals(200, own.statusCode(), own.body());
        JsonNode state = JSON.readTree(own.body());
        assertEquals("initramfs", state.path("stage").asText());
        assertEquals("de-de-qwertz", state.path("layout").asText());
        assertEquals(JSON.readTree("[{\"name\":\"grub\",\"layout\":\"en-us-qwerty\"},"
                + "{\"name\":\"initramfs\",\"layout\":\"de-de-qwertz\"}]"), state.path("stages"));
        assertEquals(state, JSON.readTree(targets(http, keyhole)).path("targets").path(0).path("keyboard"),
                "GET /api/targets shows the new stage");
    }

    private static HttpResponse<String> post(HttpClient http, URI uri, String[] as, String body, String type,
            String origin)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).headers(as)
                .header("Content-Type", type).POST(HttpRequest.BodyPublishers.ofString(body));
        if (origin != null) {
            request.header("Origin", origin);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String targets(HttpClient http, RunningKeyhole keyhole) throws Exception {
        return http.send(HttpRequest.newBuilder(keyhole.uri().resolve("/api/targets"))
                .headers(keyhole.signedIn().headerArray()).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private static long keymapLoads(Guacd guacd, String layout) {
        try {
            return Files.readAllLines(guacd.log()).stream()
                    .filter(line -> line.contains("Loading keymap \"" + layout + "\"")).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
