package dev.keyhole.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keyhole.e2e.fixtures.KeyholeE2E;
import dev.keyhole.e2e.fixtures.RunningKeyhole;
import dev.keyhole.e2e.fixtures.SignedIn;
import dev.keyhole.server.accounts.Role;
import dev.keyhole.server.accounts.User;
import dev.keyhole.testsupport.LeakNeedles;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A console's share links over the API, as its pages will use it: an operator makes one and sees its token once,
 * lists and revokes their own; an admin sees and revokes everyone's; a viewer makes none, a user who does not see
 * the console finds none, and a list never shows a token.
 */
@KeyholeE2E
class LinksApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String LINKS = "/api/targets/" + RunningKeyhole.TARGET + "/links";

    private static SignedIn as(RunningKeyhole keyhole, String name, Role role, String... patterns) {
        User user = keyhole.accounts().users().byName(name).orElseGet(() -> keyhole.accounts().addUser(name, role,
                List.of(patterns), RunningKeyhole.TEST_PASSWORD));
        return SignedIn.redeem(keyhole.uri(), keyhole.signInLink(user));
    }

    private static RawHttp.Answer post(RunningKeyhole keyhole, SignedIn as, String path, String body) throws Exception {
        Map<String, String> headers = new LinkedHashMap<>(as.headers());
        headers.put("Content-Type", "application/json");
        return RawHttp.send(keyhole.uri(), "POST", path, null, headers, body);
    }

    private static RawHttp.Answer get(RunningKeyhole keyhole, SignedIn as, String path) throws Exception {
        return RawHttp.send(keyhole.uri(), "GET", path, null, as.headers(), null);
    }

    @Test
    void anOperatorMakesListsAndRevokesTheirLinkAndSeesItsTokenOnce(RunningKeyhole keyhole) throws Exception {
        SignedIn olga = as(keyhole, "olga", Role.OPERATOR);
        RawHttp.Answer made = post(keyhole, olga, LINKS,
                "{\"mode\":\"type\",\"minutes\":30,\"devices\":2,\"note\":\"for Sam\"}");
        assertEquals(200, made.status(), made::toString);
        JsonNode created = JSON.readTree(made.body());
        String token = created.path("token").asText();
        LeakNeedles.add(token);
        assertEquals(43, token.length(), "256 bits in base64url");
        assertEquals("type", created.path("link").path("mode").asText());
        assertEquals(2, created.path("link").path("maxDevices").asInt());
        assertEquals("for Sam", created.path("link").path("note").asText());

        RawHttp.Answer listed = get(keyhole, olga, LINKS);
        assertEquals(200, listed.status(), listed::toString);
        assertFalse(listed.body().contains(token), "a list never shows a token");
        JsonNode links = JSON.readTree(listed.body()).path("links");
        assertEquals(1, links.size(), listed::toString);
        String id = links.path(0).path("id").asText();
        assertFalse(links.path(0).path("revoked").asBoolean());

        assertEquals(200, post(keyhole, olga, "/api/links/" + id + "/revoke", "{}").status());
        assertTrue(JSON.readTree(get(keyhole, olga, LINKS).body()).path("links").path(0).path("revoked").asBoolean());
        assertEquals(404, post(keyhole, olga, "/api/links/" + id + "/revoke", "{}").status(), "once");
    }

    @Test
    void anAdminSeesAndRevokesEveryonesLinksAnotherOperatorNone(RunningKeyhole keyhole) throws Exception {
        SignedIn otto = as(keyhole, "otto", Role.OPERATOR);
        SignedIn other = as(keyhole, "oscar", Role.OPERATOR);
        JsonNode created = JSON.readTree(post(keyhole, otto, LINKS, "{\"mode\":\"watch\"}").body());
        LeakNeedles.add(created.path("token").asText());
        String id = created.path("link").path("id").asText();
        assertEquals(15 * 60, java.time.Duration.between(java.time.Instant.parse(created.path("link")
                .path("createdAt").asText()), java.time.Instant.parse(created.path("link").path("expiresAt")
                .asText())).toSeconds(), "15 minutes unless its maker says otherwise");

        assertFalse(get(keyhole, other, LINKS).body().contains(id), "oscar does not see otto's link");
        assertEquals(404, post(keyhole, other, "/api/links/" + id + "/revoke", "{}").status());
        assertTrue(get(keyhole, keyhole.signedIn(), LINKS).body().contains(id), "the admin sees it");
        assertEquals(200, post(keyhole, keyhole.signedIn(), "/api/links/" + id + "/revoke", "{}").status());
    }

    @Test
    void aViewerSharesNothingAndAUserWhoDoesNotSeeTheConsoleFindsNoLinks(RunningKeyhole keyhole) throws Exception {
        RawHttp.Answer viewer = post(keyhole, as(keyhole, "vic", Role.VIEWER), LINKS, "{\"mode\":\"watch\"}");
        assertEquals(403, viewer.status(), viewer::toString);
        SignedIn limited = as(keyhole, "wendy", Role.OPERATOR, "web-*");
        assertEquals(404, post(keyhole, limited, LINKS, "{\"mode\":\"watch\"}").status());
        assertEquals(404, get(keyhole, limited, LINKS).status());
        assertEquals(404, get(keyhole, keyhole.signedIn(), "/api/targets/no-such/links").status());
    }

    @Test
    void aLinkBeyondTheLimitsIsRefusedWithTheReason(RunningKeyhole keyhole) throws Exception {
        SignedIn admin = keyhole.signedIn();
        RawHttp.Answer tooLong = post(keyhole, admin, LINKS, "{\"mode\":\"watch\",\"minutes\":1441}");
        assertEquals(400, tooLong.status(), tooLong::toString);
        assertTrue(tooLong.body().contains("links.max-lifetime"), tooLong::toString);
        assertEquals(400, post(keyhole, admin, LINKS, "{\"mode\":\"watch\",\"minutes\":" + Long.MAX_VALUE + "}")
                .status(), "however many minutes");
        assertEquals(400, post(keyhole, admin, LINKS, "{\"mode\":\"watch\",\"minutes\":-5}").status());
        assertEquals(400, post(keyhole, admin, LINKS, "{\"mode\":\"watch\",\"devices\":51}").status());
        assertEquals(400, post(keyhole, admin, LINKS, "{\"mode\":\"drive\"}").status());
    }
}
