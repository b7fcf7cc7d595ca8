package dev.keyhole.e2e;

import static dev.keyhole.e2e.pages.ConsolePage.State.CONNECTED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import dev.keyhole.e2e.pages.ConsolePage;
import dev.keyhole.e2e.pages.SignInPage;
import dev.keyhole.server.accounts.Role;
import dev.keyhole.server.accounts.User;
import dev.keyhole.server.config.KeyholeConfig;
import dev.keyhole.server.config.LinksConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/**
 * With {@code links.require-account: true} a share link opens only for someone signed in: the join page sends a
 * guest to sign in first and comes back with the link (its token never in a URL the server sees), and the
 * device the link opened on works only beside that person's session. A viewer given a link to type may type
 * into that one console.
 */
@KeyholeE2E
class GuestAccountTest {

    /** The locked console, with links that need an account. */
    static final class LinksNeedAnAccount implements KeyholeSetup {
        @Override
        public void configure(KeyholeConfig.Builder keyhole, Fixtures fixtures) {
            new LockedTarget().configure(keyhole, fixtures);
            keyhole.links(new LinksConfig(LinksConfig.DEFAULT.maxLifetime(), true));
        }
    }

    @Test
    void aGuestSignsInFirstAndComesBackToTheLink(@InjectKeyhole(LinksNeedAnAccount.class) RunningKeyhole keyhole,
            @SecondBrowser(phone = true) Browser phone) {
        keyhole.accounts().addUser("vera", Role.VIEWER, List.of("nothing-*"), RunningKeyhole.TEST_PASSWORD);
        LinkGuest.Shared link = LinkGuest.share(keyhole, RunningKeyhole.TARGET, "{\"mode\":\"type\"}");

        phone.driver().get(link.url().toString());
        SignInPage signIn = SignInPage.attach(phone.driver()).waitForView(SignInPage.View.SIGN_IN);
        assertFalse(phone.driver().getCurrentUrl().contains(link.token()), phone.driver().getCurrentUrl());
        assertTrue(signIn.message().contains("shared with you"), signIn::describe);
        signIn.submitPassword("vera", RunningKeyhole.TEST_PASSWORD);

        ConsolePage page = ConsolePage.attach(phone.driver()).waitForState(CONNECTED).waitForPicture();
        assertTrue(phone.driver().findElement(By.id("passphrase-input")).isDisplayed(),
                "a viewer with a link to type has the passphrase box on that console");
        assertFalse(phone.driver().getCurrentUrl().contains(link.token()), phone.driver().getCurrentUrl());
        assertEquals("Locked test console", page.heading());
    }

    @Test
    void aDeviceWorksOnlyBesideItsPersonsSession(@InjectKeyhole(LinksNeedAnAccount.class) RunningKeyhole keyhole)
            throws Exception {
        User olga = keyhole.accounts().users().byName("olga").orElseGet(() -> keyhole.accounts().addUser("olga",
                Role.VIEWER, List.of("nothing-*"), RunningKeyhole.TEST_PASSWORD));
        LinkGuest.Shared link = LinkGuest.share(keyhole, RunningKeyhole.TARGET, "{\"mode\":\"watch\",\"devices\":5}");
        assertEquals(401, LinkGuest.join(keyhole.uri(), link.token()).status(), "nobody signed in");

        SignedIn session = SignedIn.redeem(keyhole.uri(), keyhole.signInLink(olga));
        Map<String, String> headers = new LinkedHashMap<>(session.headers());
        headers.put("Content-Type", "application/json");
        RawHttp.Answer joined = RawHttp.send(keyhole.uri(), "POST", "/api/join", null, headers,
                "{\"token\":\"" + link.token() + "\"}");
        assertEquals(200, joined.status(), joined::toString);
        String device = joined.header("Set-Cookie").split(";", 2)[0];
        assertTrue(device.startsWith(LinkGuest.LINK_COOKIE + "="), joined::toString);

        String target = "/api/targets/" + RunningKeyhole.TARGET;
        Map<String, String> both = Map.of("Cookie", session.cookie() + "; " + device);
        assertEquals(200, RawHttp.send(keyhole.uri(), "GET", target, null, both, null).status(), "beside olga's session");
        assertEquals(401, RawHttp.send(keyhole.uri(), "GET", target, null, Map.of("Cookie", device), null).status(),
                "the device cookie alone is nobody");
        SignedIn someoneElse = keyhole.signedIn();
        assertEquals(200, RawHttp.send(keyhole.uri(), "GET", target, null,
                Map.of("Cookie", someoneElse.cookie() + "; " + device), null).status(), "the admin sees it anyway");
        assertEquals(404, RawHttp.send(keyhole.uri(), "GET", target, null,
                Map.of("Cookie", SignedIn.redeem(keyhole.uri(), keyhole.signInLink(keyhole.accounts().users()
                        .byName("olga").orElseThrow())).cookie()), null).status(),
                "olga's own account does not see the console");
    }
}
