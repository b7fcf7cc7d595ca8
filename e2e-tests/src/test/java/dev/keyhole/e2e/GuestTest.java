package dev.keyhole.e2e;

import static dev.keyhole.e2e.pages.ConsolePage.State.CONNECTED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keyhole.e2e.fixtures.Browser;
import dev.keyhole.e2e.fixtures.KeyholeE2E;
import dev.keyhole.e2e.fixtures.LinkGuest;
import dev.keyhole.e2e.fixtures.LockedConsole;
import dev.keyhole.e2e.fixtures.Passphrases;
import dev.keyhole.e2e.fixtures.Pictures;
import dev.keyhole.e2e.fixtures.RunningKeyhole;
import dev.keyhole.e2e.fixtures.SecondBrowser;
import dev.keyhole.e2e.fixtures.Waits;
import dev.keyhole.e2e.pages.AccountMenu;
import dev.keyhole.e2e.pages.ConsolePage;
import dev.keyhole.server.links.ShareLinks;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A colleague invited into a live console by a share link, on a phone, while its owner works at a desk: the guest
 * of a link to watch sees what the owner types and types nothing (whatever their raw WebSocket sends); revoking
 * the link ends their console within a second and says why; a link opens on as many devices as it allows, and
 * every refusal (spent, tampered, unknown, revoked) is the same answer; a guest reaches the link's console and
 * nothing else; the token reaches no request line and no answer names guacd.
 */
@KeyholeE2E
class GuestTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(30);
    /** Revoking reaches the guest within this (the promise). */
    private static final Duration WITHIN = Duration.ofSeconds(1);

    @Test
    void aWatchingGuestOnAPhoneSeesTheOwnerTypeAndTheirOwnKeysNeverArrive(RunningKeyhole keyhole,
            LockedConsole console, Browser desk, @SecondBrowser(phone = true, networkLog = true) Browser phone)
            throws Exception {
        ConsolePage owner = ConsolePage.open(desk, keyhole, RunningKeyhole.TARGET).waitForState(CONNECTED)
                .waitForPicture();
        LinkGuest.Shared link = LinkGuest.share(keyhole, RunningKeyhole.TARGET, "{\"mode\":\"watch\"}");

        phone.driver().get(link.url().toString());
        ConsolePage guest = ConsolePage.attach(phone.driver()).waitForState(CONNECTED).waitForPicture();
        assertFalse(phone.driver().getCurrentUrl().contains(link.token()), phone.driver().getCurrentUrl());
        assertFalse(visible(phone, "typing"), "a watching guest has no passphrase box or key bar");
        assertTrue(visible(phone, "watching-pill"), "the page says it only watches");
        assertFalse(visible(phone, "back-link"), "no way to a list of consoles the guest cannot see");
        guest.waitForPictureMatching(console::screenshot, WAIT);
        java.awt.image.BufferedImage before = guest.canvasImage();

        int attemptsBefore = console.wrongAttempts();
        RunningKeyhole.Tunnel asGuest = new RunningKeyhole.Tunnel(keyhole.tunnel(RunningKeyhole.TARGET).uri(),
                LinkGuest.of(phone.driver()));
        try (RawTunnel raw = RawTunnel.openUntilItReceives(asGuest, 2, WAIT)) {
            for (int key : new int[] {'x', 'y', 0xff0d}) {
                raw.send(RawTunnel.instruction("key", Integer.toString(key), "1")
                        + RawTunnel.instruction("key", Integer.toString(key), "0"));
            }
            // What the owner types after the guest's keys shows whether they arrived: the prompt counts one wrong
            // attempt for the owner's passphrase, and would count another for the guest's Enter.
            owner.sendPassphraseThroughBox(Passphrases.wrong());
            console.awaitEvent("wrong " + (attemptsBefore + 1), WAIT);
            console.awaitEvent("prompt " + (attemptsBefore + 2), WAIT);
            assertEquals(attemptsBefore + 1, console.wrongAttempts(), () -> "events: " + console.events());

            // What the guest's tunnel received: guacd's drawing and Keyhole's presence, never guacd's connection
            // id (its "ready"), its address, the console's, or anyone's address or token.
            List<List<String>> received = raw.instructions();
            assertTrue(received.stream().anyMatch(i -> i.get(0).equals("keyhole-presence")), "presence arrived");
            for (List<String> instruction : received) {
                assertNotEquals("ready", instruction.get(0));
                String text = String.join(",", instruction);
                assertFalse(text.matches("(?s).*\\$[0-9a-f]{8}-[0-9a-f]{4}-.*"), () -> "a connection id: " + text);
                for (String secret : List.of(link.token(), "127.0.0.1", ":" + keyhole.config().guacd().port(),
                        ":" + console.rdpPort())) {
                    assertFalse(text.contains(secret) && !instruction.get(0).matches("img|blob|png|end|sync"),
                            () -> "an instruction names " + secret + ": " + text);
                }
            }
        }
        // The owner's wrong attempt put lines on the console ("No key available…", a new prompt): the guest sees them.
        Waits.until("the guest's canvas to show the owner's attempt", WAIT,
                () -> Pictures.compare(before, guest.canvasImage()).toString(),
                () -> Pictures.compare(before, guest.canvasImage()).differingBlocks() > 40);

        for (String event : phone.networkLog()) {
            JsonNode message = JSON.readTree(event).path("message");
            String method = message.path("method").asText();
            JsonNode request = message.path("params").path("request");
            if (method.equals("Network.requestWillBeSent") || method.equals("Network.webSocketCreated")) {
                String line = message.path("params").path("url").asText(request.path("url").asText());
                assertFalse(line.contains(link.token()), "a request line held the token: " + line);
                assertFalse(request.path("headers").toString().contains(link.token()), "a request header held it");
            }
        }
    }

    @Test
    void everyoneInAConsoleSeesWhoIsThereWithinASecondAndWhenSomeoneTypes(RunningKeyhole keyhole, Browser desk,
            @SecondBrowser(phone = true) Browser phone) throws Exception {
        ConsolePage owner = ConsolePage.open(desk, keyhole, RunningKeyhole.TARGET).waitForState(CONNECTED)
                .waitForPicture();
        awaitPresence(desk, "only the owner", Duration.ofSeconds(5), text -> text.equals("you"));
        LinkGuest.Shared link = LinkGuest.share(keyhole, RunningKeyhole.TARGET, "{\"mode\":\"watch\"}");

        phone.driver().get(link.url().toString());
        ConsolePage.attach(phone.driver()).waitForState(CONNECTED);
        String guest = "guest via " + RunningKeyhole.TEST_USER + "'s link — watching — since ";
        awaitPresence(desk, "the guest beside the owner", WITHIN, text -> text.startsWith("you|" + guest));
        awaitPresence(phone, "the owner beside the guest", WITHIN,
                text -> text.equals(RunningKeyhole.TEST_USER + " (admin)|you"));
        ConsolePage.attach(phone.driver()).waitForPicture();
        phone.keepScreenshot("guest/guest-phone");

        owner.sendPassphraseThroughBox(Passphrases.wrong());
        awaitPresence(phone, "the owner's typing mark", Duration.ofSeconds(5),
                text -> text.contains(RunningKeyhole.TEST_USER + " (admin) — typing…"));
        awaitPresence(phone, "the typing mark to go after the last key", Duration.ofSeconds(5),
                text -> !text.contains("typing…"));
        phone.driver().get("about:blank");
        awaitPresence(desk, "the guest to be gone", WITHIN, text -> text.equals("you"));
    }

    @Test
    void revokingALinkEndsTheGuestsConsoleWithinASecondAndSaysSo(RunningKeyhole keyhole,
            @SecondBrowser(phone = true) Browser phone) throws Exception {
        RawTunnel.awaitConsole(keyhole.tunnel(RunningKeyhole.TARGET));
        LinkGuest.Shared link = LinkGuest.share(keyhole, RunningKeyhole.TARGET,
                "{\"mode\":\"type\",\"devices\":2}");
        phone.driver().get(link.url().toString());
        ConsolePage.attach(phone.driver()).waitForState(CONNECTED).waitForPicture();
        assertTrue(visible(phone, "typing"), "a guest of a link to type has the passphrase box");
        assertFalse(visible(phone, "stage-buttons"), "and no stage switch: the link does not allow it");

        LinkGuest second = LinkGuest.join(keyhole.uri(), link.token()).guest();
        RunningKeyhole.Tunnel raw = new RunningKeyhole.Tunnel(keyhole.tunnel(RunningKeyhole.TARGET).uri(), second);
        try (RawTunnel tunnel = RawTunnel.openUntilItReceives(raw, 2, WAIT)) {
            long before = System.nanoTime();
            RawHttp.Answer revoked = post(keyhole, "/api/links/" + link.id() + "/revoke", "{}");
            assertEquals(200, revoked.status(), revoked::toString);
            RawTunnel.Close close = tunnel.awaitClose(WAIT);
            Duration took = Duration.ofNanos(System.nanoTime() - before);
            assertEquals("769 This link was revoked", close.reason(), close::toString);
            assertTrue(took.compareTo(WITHIN) <= 0, "closed after " + took.toMillis() + " ms");
            new WebDriverWait(phone.driver(), WITHIN.plusMillis(500))
                    .withMessage(() -> "waiting for the guest's page to say the link was revoked; it says: "
                            + ConsolePage.attach(phone.driver()).message())
                    .until(d -> ConsolePage.attach(d).message().contains("This link was revoked"));
            assertTrue(Duration.ofNanos(System.nanoTime() - before).compareTo(Duration.ofMillis(1500)) <= 0,
                    "the page said so after " + Duration.ofNanos(System.nanoTime() - before).toMillis() + " ms");
        }
        assertEquals(ShareLinks.REFUSED, error(LinkGuest.join(keyhole.uri(), link.token())),
                "a revoked link never opens again");
        phone.driver().navigate().refresh();
        new WebDriverWait(phone.driver(), WAIT).withMessage("waiting for the join page to say the link ended")
                .until(d -> "ended".equals(d.findElement(By.id("join")).getAttribute("data-state")));
    }

    @Test
    void aGuestsMenuSaysWhoseLinkItIsAndLeavingForgetsIt(RunningKeyhole keyhole,
            @SecondBrowser(phone = true) Browser phone) throws Exception {
        LinkGuest.Shared link = LinkGuest.share(keyhole, RunningKeyhole.TARGET, "{\"mode\":\"watch\"}");
        phone.driver().get(link.url().toString());
        ConsolePage page = ConsolePage.attach(phone.driver()).waitForState(CONNECTED);
        AccountMenu menu = page.account().open();
        assertEquals("Guest", phone.driver().findElement(By.id("signed-in-user")).getDomProperty("textContent"),
                "the bar's name (an icon only on a phone)");
        assertTrue(menu.summary().startsWith("Here through " + RunningKeyhole.TEST_USER + "'s link — watching — until "),
                menu::summary);
        LinkGuest guest = LinkGuest.of(phone.driver());

        menu.leave();
        new WebDriverWait(phone.driver(), WAIT).withMessage("waiting for the join page to say the guest left")
                .until(d -> "left".equals(d.findElement(By.id("join")).getAttribute("data-state")));
        assertEquals(null, phone.driver().manage().getCookieNamed(LinkGuest.LINK_COOKIE), "the browser forgot it");
        assertEquals(200, RawHttp.send(keyhole.uri(), "GET", "/api/targets/" + RunningKeyhole.TARGET, null,
                guest.headers(), null).status(), "leaving ends nothing but this browser's cookie");
    }

    @Test
    void aLinkOpensOnAsManyDevicesAsItAllowsAndEveryRefusalIsTheSame(RunningKeyhole keyhole) throws Exception {
        LinkGuest.Shared single = LinkGuest.share(keyhole, RunningKeyhole.TARGET, "{\"mode\":\"watch\"}");
        LinkGuest.Shared revoked = LinkGuest.share(keyhole, RunningKeyhole.TARGET, "{\"mode\":\"watch\"}");
        assertEquals(200, post(keyhole, "/api/links/" + revoked.id() + "/revoke", "{}").status());

        LinkGuest.Joining first = LinkGuest.join(keyhole.uri(), single.token());
        assertEquals(200, first.status(), first::toString);
        first.guest();
        char last = single.token().charAt(single.token().length() - 1);
        String tampered = single.token().substring(0, single.token().length() - 1) + (last == 'A' ? 'B' : 'A');
        Map<String, LinkGuest.Joining> refusals = new LinkedHashMap<>();
        refusals.put("a second device", LinkGuest.join(keyhole.uri(), single.token()));
        refusals.put("a tampered token", LinkGuest.join(keyhole.uri(), tampered));
        refusals.put("a revoked link", LinkGuest.join(keyhole.uri(), revoked.token()));
        refusals.put("a token nobody made", LinkGuest.join(keyhole.uri(), "Z".repeat(43)));
        refusals.put("no token", LinkGuest.join(keyhole.uri(), ""));
        for (Map.Entry<String, LinkGuest.Joining> refusal : refusals.entrySet()) {
            assertEquals(403, refusal.getValue().status(), refusal.getKey());
            assertEquals(first(refusals).body(), refusal.getValue().body(), refusal.getKey() + ": the same answer");
            assertTrue(refusal.getValue().setCookies().isEmpty(), refusal.getKey() + " set a cookie");
        }
        assertEquals(ShareLinks.REFUSED, error(first(refusals)));
    }

    @Test
    void aGuestReachesTheLinksConsoleAndNothingElse(RunningKeyhole keyhole, LockedConsole console)
            throws Exception {
        LinkGuest.Shared link = LinkGuest.share(keyhole, RunningKeyhole.TARGET, "{\"mode\":\"watch\"}");
        LinkGuest.Joining joining = LinkGuest.join(keyhole.uri(), link.token());
        LinkGuest guest = joining.guest();
        Map<String, String> json = new LinkedHashMap<>(guest.headers());
        json.put("Content-Type", "application/json");
        String target = "/api/targets/" + RunningKeyhole.TARGET;

        RawHttp.Answer own = RawHttp.send(keyhole.uri(), "GET", target, null, guest.headers(), null);
        assertEquals(200, own.status(), own::toString);
        RawHttp.Answer session = RawHttp.send(keyhole.uri(), "GET", "/api/session", null, guest.headers(), null);
        assertTrue(session.body().contains("\"state\":\"guest\""), session::toString);
        assertEquals(200, RawHttp.send(keyhole.uri(), "GET", "/console.html", null, guest.headers(), null).status());
        for (String answer : List.of(joining.body(), own.body(), session.body())) {
            for (String guacd : List.of(keyhole.config().guacd().host() + ":", ":" + keyhole.config().guacd().port(),
                    Integer.toString(console.rdpPort()), "127.0.0.1", link.token(), guest.device())) {
                assertFalse(answer.contains(guacd), () -> "an answer names " + guacd + ": " + answer);
            }
        }

        assertEquals(404, RawHttp.send(keyhole.uri(), "GET", "/api/targets/other", null, guest.headers(), null)
                .status(), "another console is none");
        assertEquals(403, RawHttp.send(keyhole.uri(), "POST", target + "/stage", null, json,
                "{\"stage\":\"console\"}").status(), "a link to watch switches no stage");
        for (String[] route : new String[][] {{"GET", "/api/targets"}, {"GET", "/api/machines"},
                {"POST", "/api/machines/" + RunningKeyhole.TARGET + "/start"}, {"GET", "/api/events"},
                {"GET", target + "/links"}, {"POST", target + "/links"}, {"POST", "/api/links/" + link.id() + "/revoke"},
                {"GET", "/index.html"}, {"GET", "/passkeys.html"}}) {
            RawHttp.Answer answer = RawHttp.send(keyhole.uri(), route[0], route[1], null, json,
                    route[0].equals("POST") ? "{}" : null);
            assertTrue(answer.status() == 401 || answer.status() == 303, () -> String.join(" ", route) + ": " + answer);
        }
        try (RawTunnel other = RawTunnel.open(new RunningKeyhole.Tunnel(keyhole.tunnel("other").uri(), guest))) {
            RawTunnel.Close close = other.awaitClose(WAIT);
            assertNotEquals(1000, close.code(), close::toString);
        }
        assertEquals(401, RawHttp.send(keyhole.uri(), "GET", target, null, Map.of("Cookie",
                LinkGuest.LINK_COOKIE + "=" + "x".repeat(43)), null).status(), "a forged device cookie is nobody");
    }

    @Test
    void anExpiredLinksGuestIsClosedWithTheReasonAndTheLinkNeverOpensAgain(RunningKeyhole keyhole)
            throws Exception {
        RawTunnel.awaitConsole(keyhole.tunnel(RunningKeyhole.TARGET));
        LinkGuest.Shared link = LinkGuest.share(keyhole, RunningKeyhole.TARGET,
                "{\"mode\":\"watch\",\"minutes\":1,\"devices\":2}");
        LinkGuest guest = LinkGuest.join(keyhole.uri(), link.token()).guest();
        try (RawTunnel tunnel = RawTunnel.openUntilItReceives(new RunningKeyhole.Tunnel(
                keyhole.tunnel(RunningKeyhole.TARGET).uri(), guest), 2, WAIT)) {
            RawTunnel.Close close = tunnel.awaitClose(Duration.ofSeconds(90));
            assertEquals("769 This link expired", close.reason(), close::toString);
        }
        assertEquals(ShareLinks.REFUSED, error(LinkGuest.join(keyhole.uri(), link.token())));
        Waits.until("the expired device to be nobody", WAIT, () -> "", () -> {
            try {
                return RawHttp.send(keyhole.uri(), "GET", "/api/session", null, guest.headers(), null).status() == 401;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** Waits for a page's presence strip (its people, "|" between them) to say something. */
    private static void awaitPresence(Browser browser, String what, Duration within,
            java.util.function.Predicate<String> says) {
        new WebDriverWait(browser.driver(), within)
                .pollingEvery(Duration.ofMillis(50))
                .withMessage(() -> "waiting " + within.toMillis() + " ms on " + browser.name() + " for " + what
                        + "; the strip says: " + presence(browser))
                .until(d -> says.test(presence(browser)));
    }

    private static String presence(Browser browser) {
        return String.valueOf(browser.script("return [...document.querySelectorAll('#presence .person')]"
                + ".map((p) => p.textContent).join('|');"));
    }

    private static LinkGuest.Joining first(Map<String, LinkGuest.Joining> refusals) {
        return refusals.values().iterator().next();
    }

    private static String error(LinkGuest.Joining joining) throws Exception {
        return JSON.readTree(joining.body()).path("error").asText();
    }

    private static boolean visible(Browser browser, String id) {
        return browser.driver().findElement(By.id(id)).isDisplayed();
    }

    private static RawHttp.Answer post(RunningKeyhole keyhole, String path, String body) throws Exception {
        Map<String, String> headers = new LinkedHashMap<>(keyhole.signedIn().headers());
        headers.put("Content-Type", "application/json");
        return RawHttp.send(keyhole.uri(), "POST", path, null, headers, body);
    }
}
