package dev.keyhole.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keyhole.e2e.fixtures.Browser;
import dev.keyhole.e2e.fixtures.Fixtures;
import dev.keyhole.e2e.fixtures.InjectKeyhole;
import dev.keyhole.e2e.fixtures.KeyholeE2E;
import dev.keyhole.e2e.fixtures.KeyholeSetup;
import dev.keyhole.e2e.fixtures.LinkGuest;
import dev.keyhole.e2e.fixtures.LockedTarget;
import dev.keyhole.e2e.fixtures.RunningKeyhole;
import dev.keyhole.e2e.fixtures.SecondBrowser;
import dev.keyhole.e2e.fixtures.SignedIn;
import dev.keyhole.e2e.pages.AccountMenu;
import dev.keyhole.e2e.pages.NotificationsPage;
import dev.keyhole.e2e.pages.NotificationsPage.Item;
import dev.keyhole.server.accounts.Role;
import dev.keyhole.server.accounts.User;
import dev.keyhole.server.config.KeyholeConfig;
import dev.keyhole.server.config.NotifyConfig;
import dev.keyhole.server.targets.ConsoleSpec;
import dev.keyhole.server.targets.KeyboardStage;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;

/**
 * The notifications page in Chromium, against the real server: a viewer opens it from the account menu, sees the
 * email and ntfy channels (never a webhook) and only the consoles they may open, subscribes by email to every one
 * and by ntfy (a suggested topic) to one, sees a refused address in the server's words, and removes one; the
 * database agrees. Through HTTP: nobody removes another user's subscription; a viewer limited to {@code web-*}
 * cannot subscribe to {@code db-1}; a page of another origin cannot add one; a share link's guest reaches none of the
 * routes. A fresh install (no channel) says to ask an admin; on a phone nothing scrolls sideways. Screenshots are
 * kept under {@code target/screenshots/notifications/}.
 */
@KeyholeE2E
class NotificationSettingsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Dimension DESKTOP = new Dimension(1280, 800);
    private static final String ROUTE = "/api/me/subscriptions";

    /** Three consoles (the locked one as {@code locked}, {@code web-1}, {@code db-1}) and a channel of each type. */
    static final class WithChannels implements KeyholeSetup {
        @Override
        public void configure(KeyholeConfig.Builder keyhole, Fixtures fixtures) {
            new LockedTarget().configure(keyhole, fixtures);
            List<KeyboardStage> stages = List.of(new KeyboardStage(ConsoleSpec.SINGLE_STAGE,
                    ConsoleSpec.DEFAULT_LAYOUT));
            keyhole.target(LockedTarget.target("web-1", "Web server 1", fixtures.lockedConsole(), stages));
            keyhole.target(LockedTarget.target("db-1", "Database 1", fixtures.lockedConsole(), stages));
            // Channels that lead nowhere: this test looks at the page that offers them, not at what is sent.
            keyhole.notify(new NotifyConfig(Duration.ofMinutes(10), Duration.ofHours(1), List.of(
                    new NotifyConfig.EmailConfig("team-mail", "The team's mail server", "127.0.0.1", 1,
                            NotifyConfig.StartTls.REQUIRED, "", "", "keyhole@example.org", List.of()),
                    new NotifyConfig.NtfyConfig("phones", "ntfy at https://ntfy.example.org",
                            URI.create("https://ntfy.example.org/keyhole"), "", 4),
                    new NotifyConfig.WebhookConfig("ops-hook", "The on-call system",
                            URI.create("https://hooks.example.org/keyhole"), "webhook-secret-of-the-settings-test"))));
        }
    }

    private Browser resized;
    private Dimension sizeBefore;

    @Test
    void aViewerSubscribesAndUnsubscribesThroughTheAccountMenu(@InjectKeyhole(WithChannels.class) RunningKeyhole keyhole,
            Browser browser) throws Exception {
        useDesktop(browser);
        User vera = user(keyhole, "vera", Role.VIEWER, List.of("web-*"));
        browser.signIn(keyhole.signInLink(vera));
        NotificationsPage page = new AccountMenu(browser.driver()).notifications();

        assertEquals("ready", page.state());
        assertEquals(List.of("team-mail (Email)", "phones (ntfy)"), page.channelChoices(), "no webhook");
        assertEquals(List.of("web-1"), page.consoleChoices(), "only the consoles vera may open");
        assertEquals(List.of(), page.subscriptions());

        page.add("team-mail", "vera@example.org", List.of());
        assertEquals("Subscribed: vera@example.org, every console you may open.", page.added());
        page.add("phones", null, List.of("web-1"));
        List<Item> listed = page.subscriptions();
        assertEquals(2, listed.size(), listed::toString);
        assertEquals(new Item(listed.get(0).id(), "vera@example.org", "team-mail (Email)",
                "Every console you may open", true), listed.get(0));
        String topic = listed.get(1).address();
        assertTrue(topic.matches("keyhole-vera-[a-z2-9]{12}"), () -> "the suggested topic: " + topic);
        assertEquals(new Item(listed.get(1).id(), topic, "phones (ntfy)", "web-1", true), listed.get(1));

        assertEquals("Give one email address alone, like alice@example.org: no name, no <>, no spaces, no commas.",
                page.refused("team-mail", "Vera <vera@example.org>", List.of()), "the server's own words");
        assertEquals("Choose at least one console, or every console.", page.refused("team-mail",
                "vera@example.org", List.of("none-of-them")), "the page's own check");
        browser.script("window.scrollTo(0, 0)");
        browser.keepScreenshot("notifications/desktop");

        SignedIn asVera = SignedIn.redeem(keyhole.uri(), keyhole.signInLink(vera));
        assertEquals(listed.stream().map(Item::id).toList(), ids(keyhole, asVera), "the server keeps what is listed");

        page.remove("vera@example.org");
        assertEquals(List.of(topic), page.subscriptions().stream().map(Item::address).toList());
        assertEquals(List.of(listed.get(1).id()), ids(keyhole, asVera));
        assertEquals(List.of(topic), NotificationsPage.open(browser, keyhole.uri()).subscriptions().stream()
                .map(Item::address).toList(), "a reload lists the same");
    }

    @Test
    void nobodyRemovesAnotherUsersNorAddsOneFromAnotherOriginOrAsAGuest(
            @InjectKeyhole(WithChannels.class) RunningKeyhole keyhole) throws Exception {
        SignedIn olga = SignedIn.redeem(keyhole.uri(), keyhole.signInLink(user(keyhole, "olga", Role.OPERATOR,
                List.of())));
        SignedIn vic = SignedIn.redeem(keyhole.uri(), keyhole.signInLink(user(keyhole, "vic", Role.VIEWER,
                List.of("web-*"))));
        RawHttp.Answer made = post(keyhole, olga, ROUTE, "{\"channel\":\"phones\",\"address\":\"olga-7f3k\","
                + "\"targets\":[\"db-1\"]}");
        assertEquals(200, made.status(), made::toString);
        String id = JSON.readTree(made.body()).path("subscription").path("id").asText();

        RawHttp.Answer theirs = post(keyhole, vic, ROUTE + "/" + id + "/remove", "{}");
        assertEquals(404, theirs.status(), theirs::toString);
        assertTrue(theirs.body().contains("You have no such subscription"), theirs::toString);
        assertEquals(List.of(id), ids(keyhole, olga), "olga's is still there");
        assertEquals(List.of(), ids(keyhole, vic), "and vic does not see it");

        RawHttp.Answer db = post(keyhole, vic, ROUTE, "{\"channel\":\"team-mail\",\"address\":\"vic@example.org\","
                + "\"targets\":[\"db-1\"]}");
        assertEquals(400, db.status(), db::toString);
        assertTrue(db.body().contains("You may not see db-1: a subscription covers only consoles you may see (web-*)"),
                db::toString);
        RawHttp.Answer hook = post(keyhole, vic, ROUTE, "{\"channel\":\"ops-hook\",\"address\":"
                + "\"https://example.org/hook\"}");
        assertEquals(400, hook.status(), hook::toString);
        assertTrue(hook.body().contains("is a webhook"), hook::toString);
        RawHttp.Answer shape = post(keyhole, vic, ROUTE, "{\"channel\":\"phones\",\"address\":\"vic-1\","
                + "\"targets\":[5]}");
        assertEquals(400, shape.status(), "a list that is not of names is refused, not read as every console");
        assertEquals(List.of(), ids(keyhole, vic));

        // A page of another origin cannot add one, even with olga's cookie: the front door refuses.
        Map<String, String> headers = new LinkedHashMap<>(olga.headers());
        headers.put("Content-Type", "application/json");
        RawHttp.Answer foreign = RawHttp.send(keyhole.uri(), "POST", ROUTE, "https://evil.example", headers,
                "{\"channel\":\"phones\",\"address\":\"evil-1\"}");
        assertEquals(403, foreign.status(), foreign::toString);
        assertTrue(foreign.body().contains("may not use Keyhole"), foreign::toString);
        assertEquals(List.of(id), ids(keyhole, olga), "nothing was added");

        // A share link's guest reaches none of the routes.
        LinkGuest guest = LinkGuest.join(keyhole.uri(), LinkGuest.share(keyhole, "web-1", "{\"mode\":\"watch\"}")
                .token()).guest();
        Map<String, String> asGuest = new LinkedHashMap<>(guest.headers());
        asGuest.put("Content-Type", "application/json");
        List<RawHttp.Answer> answers = new ArrayList<>();
        answers.add(RawHttp.send(keyhole.uri(), "GET", ROUTE, null, asGuest, null));
        answers.add(RawHttp.send(keyhole.uri(), "POST", ROUTE, null, asGuest,
                "{\"channel\":\"phones\",\"address\":\"guest-1\"}"));
        answers.add(RawHttp.send(keyhole.uri(), "POST", ROUTE + "/" + id + "/remove", null, asGuest, "{}"));
        for (RawHttp.Answer answer : answers) {
            assertEquals(401, answer.status(), answer::toString);
            assertTrue(answer.body().contains("Sign in first"), answer::toString);
        }
        assertEquals(List.of(id), ids(keyhole, olga));
    }

    @Test
    void aFreshInstallSaysNoChannelIsConfigured(RunningKeyhole keyhole, @SecondBrowser(phone = true) Browser phone)
            throws Exception {
        phone.signIn(keyhole.signInLink());
        NotificationsPage page = NotificationsPage.open(phone, keyhole.uri());

        assertEquals("no-channels", page.state());
        assertEquals("No notification channels are configured: ask an admin.", page.noChannels());
        assertFalse(page.offersTheForm(), "nothing to subscribe to");
        assertFalse(phone.driver().findElement(By.id("subscriptions")).isDisplayed(), "no list of none");
        phone.assertNoSidewaysScroll("the page without channels");
        phone.keepScreenshot("notifications/phone-no-channels");

        RawHttp.Answer refused = post(keyhole, keyhole.signedIn(), ROUTE, "{\"channel\":\"phones\","
                + "\"address\":\"x-1\"}");
        assertEquals(400, refused.status(), refused::toString);
        assertTrue(refused.body().contains("No notification channels are configured: ask an admin"),
                refused::toString);
    }

    @Test
    void onAPhoneTheListAndTheFormFitTheScreen(@InjectKeyhole(WithChannels.class) RunningKeyhole keyhole,
            @SecondBrowser(phone = true) Browser phone) {
        User max = user(keyhole, "maximilian.longname@example.org", Role.OPERATOR, List.of());
        phone.signIn(keyhole.signInLink(max));
        NotificationsPage page = NotificationsPage.open(phone, keyhole.uri());
        page.add("team-mail", "maximilian.longname+keyhole-notices@mail.example.org", List.of());
        page.add("phones", null, List.of("web-1", "db-1"));
        assertEquals(List.of("locked", "web-1", "db-1"), page.consoleChoices(), "an operator of every console");

        phone.driver().findElement(By.id("subscription-some")).click();
        phone.script("document.getElementById('subscription-add').scrollIntoView()");
        phone.assertNoSidewaysScroll("the page with two subscriptions and the consoles to choose");
        phone.keepScreenshot("notifications/phone");
        phone.script("window.scrollTo(0, 0)");
        phone.keepScreenshot("notifications/phone-list");
    }

    // --- helpers -------------------------------------------------------------------------------------------------

    private static User user(RunningKeyhole keyhole, String name, Role role, List<String> patterns) {
        return keyhole.accounts().users().byName(name).orElseGet(() -> keyhole.accounts().addUser(name, role,
                patterns, RunningKeyhole.TEST_PASSWORD));
    }

    private static RawHttp.Answer post(RunningKeyhole keyhole, SignedIn as, String path, String body)
            throws IOException {
        Map<String, String> headers = new LinkedHashMap<>(as.headers());
        headers.put("Content-Type", "application/json");
        return RawHttp.send(keyhole.uri(), "POST", path, null, headers, body);
    }

    /** @return the ids of the subscriptions {@code GET /api/me/subscriptions} lists for a session, in order */
    private static List<String> ids(RunningKeyhole keyhole, SignedIn as) throws IOException {
        RawHttp.Answer answer = RawHttp.send(keyhole.uri(), "GET", ROUTE, null, as.headers(), null);
        assertEquals(200, answer.status(), answer::toString);
        List<String> ids = new ArrayList<>();
        for (JsonNode subscription : JSON.readTree(answer.body()).path("subscriptions")) {
            ids.add(subscription.path("id").asText());
        }
        return ids;
    }

    private void useDesktop(Browser browser) {
        resized = browser;
        sizeBefore = browser.viewport(DESKTOP.width, DESKTOP.height);
    }

    @AfterEach
    void restoreWindow() {
        if (resized != null && sizeBefore != null) {
            resized.driver().manage().window().setSize(sizeBefore);
        }
    }
}
