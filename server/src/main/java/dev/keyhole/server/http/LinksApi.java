package dev.keyhole.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keyhole.server.access.Identity;
import dev.keyhole.server.links.LinkDevice;
import dev.keyhole.server.links.ShareLink;
import dev.keyhole.server.links.ShareLinks;
import dev.keyhole.server.targets.TargetDirectory;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.guacamole.GuacamoleClientException;
import org.apache.guacamole.GuacamoleException;
import org.apache.guacamole.GuacamoleResourceNotFoundException;
import org.apache.guacamole.GuacamoleSecurityException;

/**
 * A console's share links, for their makers and the admins:
 * <ul>
 * <li>{@code POST /api/targets/NAME/links} {@code {"mode":"watch"|"type","minutes":15,"devices":1,"note":"…"}}:
 * makes a link; answers it with its {@code token}, shown this once, for the link's fragment
 * ({@code join#TOKEN}); operators and admins only ({@code 403}), for a console they see ({@code 404});</li>
 * <li>{@code GET /api/targets/NAME/links}: the links of the console the caller may manage (their own; an admin's:
 * everyone's), live or not, with their devices; never a token;</li>
 * <li>{@code POST /api/links/ID/revoke}: revokes one ({@code 404} for a link the caller may not manage).</li>
 * </ul>
 */
final class LinksApi {

    private static final int MAX_BODY = 4096;
    /** More minutes than any link may work (the longest configurable lifetime is 30 days). */
    private static final long MAX_MINUTES = 30L * 24 * 60;

    private final ShareLinks links;
    private final TargetDirectory targets;
    private final ObjectMapper json;

    LinksApi(ShareLinks links, TargetDirectory targets, ObjectMapper json) {
        this.links = links;
        this.targets = targets;
        this.json = json;
    }

    /** Adds the routes to {@code api}. */
    void addTo(ApiServlet api) {
        api.route("POST", "/api/targets/{name}/links", this::create)
                .route("GET", "/api/targets/{name}/links", this::list)
                .route("POST", "/api/links/{id}/revoke", this::revoke);
    }

    /** A device that opened a link, as its maker sees it. */
    record DeviceView(String since, String lastSeen, String address) {
        static DeviceView of(LinkDevice device) {
            return new DeviceView(device.createdAt().toString(), device.lastSeenAt().toString(), device.address());
        }
    }

    /** A link as its maker sees it: never its token. */
    record LinkView(String id, String target, String mode, String note, String createdAt, String expiresAt,
            int maxDevices, boolean revoked, List<DeviceView> devices) {
        static LinkView of(ShareLink link, List<LinkDevice> devices) {
            return new LinkView(link.id(), link.target(), link.mode().id(), link.note(), link.createdAt().toString(),
                    link.expiresAt().toString(), link.maxDevices(), link.revokedAt() != null,
                    devices.stream().map(DeviceView::of).toList());
        }
    }

    /** What making a link answers: the link, and its token this once. */
    record CreatedView(String token, LinkView link) {
    }

    private ApiServlet.Answer create(ApiServlet.Call call) throws GuacamoleException, IOException {
        Identity owner = visibleTarget(call);
        JsonNode body = JsonResponses.readObject(call.request(), json, MAX_BODY,
                "{\"mode\":\"watch\",\"minutes\":15,\"devices\":1,\"note\":\"…\"}");
        ShareLink.Mode mode;
        try {
            mode = ShareLink.Mode.of(body.path("mode").asText("watch"));
        } catch (IllegalArgumentException e) {
            throw new GuacamoleClientException("A link's mode is watch or type");
        }
        long minutes = body.path("minutes").asLong(ShareLinks.DEFAULT_LIFETIME.toMinutes());
        int devices = body.path("devices").asInt(1);
        if (minutes < 1 || minutes > MAX_MINUTES) {
            minutes = MAX_MINUTES + 1; // refused below with the limits, without overflowing a Duration
        }
        try {
            ShareLinks.Created created = links.create(owner, call.parameter("name"), mode,
                    Duration.ofMinutes(minutes), devices, body.path("note").asText(""));
            return ApiServlet.Json.ok(new CreatedView(created.token().value(),
                    LinkView.of(created.link(), List.of())));
        } catch (SecurityException e) {
            throw new GuacamoleSecurityException(e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new GuacamoleClientException(e.getMessage());
        }
    }

    private ApiServlet.Answer list(ApiServlet.Call call) throws GuacamoleException {
        Identity who = visibleTarget(call);
        return ApiServlet.Json.ok(Map.of("links", links.of(who, call.parameter("name")).stream()
                .map(link -> LinkView.of(link, links.devices(link))).toList()));
    }

    private ApiServlet.Answer revoke(ApiServlet.Call call) throws GuacamoleException {
        Identity who = call.caller().signedIn().orElseThrow(() -> new GuacamoleSecurityException("Sign in first"));
        if (!links.revoke(who, call.parameter("id"))) {
            throw new GuacamoleResourceNotFoundException("No such live link of yours");
        }
        return ApiServlet.Json.ok(Map.of("ok", true));
    }

    /** @return the caller, when the route's console exists and they may see it; else 404 */
    private Identity visibleTarget(ApiServlet.Call call) throws GuacamoleException {
        String name = call.parameter("name");
        Identity who = call.caller().signedIn().orElseThrow(() -> new GuacamoleSecurityException("Sign in first"));
        if (!who.sees(name) || targets.find(name).isEmpty()) {
            throw new GuacamoleResourceNotFoundException("No such console");
        }
        return who;
    }
}
