package dev.keyhole.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keyhole.server.access.Identity;
import dev.keyhole.server.accounts.User;
import dev.keyhole.server.auth.QrCodes;
import dev.keyhole.server.links.LinkDevice;
import dev.keyhole.server.links.ShareLink;
import dev.keyhole.server.links.ShareLinks;
import dev.keyhole.server.targets.TargetDirectory;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.guacamole.GuacamoleClientException;
import org.apache.guacamole.GuacamoleException;
import org.apache.guacamole.GuacamoleResourceNotFoundException;
import org.apache.guacamole.GuacamoleSecurityException;

/**
 * A console's share links, for their makers and the admins, and opening one:
 * <ul>
 * <li>{@code POST /api/targets/NAME/links}
 * {@code {"mode":"watch"|"type","minutes":15,"devices":1,"stages":false,"note":"…"}}: makes a link; answers it
 * with its {@code token}, its {@code url} ({@code …/join.html#TOKEN}: the token in the fragment, which browsers
 * send to no server) and that URL as a QR code ({@code qrCodeSvg}), shown this once; operators and admins only
 * ({@code 403}), for a console they see ({@code 404});</li>
 * <li>{@code GET /api/targets/NAME/links}: the links of the console the caller may manage (their own; an admin's:
 * everyone's), live or not, with their devices, and the longest lifetime a link may have ({@code maxMinutes});
 * never a token;</li>
 * <li>{@code POST /api/links/ID/revoke}: revokes one ({@code 404} for a link the caller may not manage);</li>
 * <li>{@code POST /api/join} {@code {"token":"…"}}: opens a link in this browser (the join page posts the token
 * from its fragment): sets the device cookie, answers {@code {"target":NAME}}; {@code 403} with
 * {@link ShareLinks#REFUSED} for every reason a link does not open, {@code 401} when links need an account and
 * the browser is not signed in;</li>
 * <li>{@code POST /api/join/leave}: forgets the link in this browser.</li>
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
                .route("POST", "/api/links/{id}/revoke", this::revoke)
                .route("POST", "/api/join", this::join)
                .route("POST", "/api/join/leave", this::leave);
    }

    /** A device that opened a link, as its maker sees it. */
    record DeviceView(String since, String lastSeen, String address) {
        static DeviceView of(LinkDevice device) {
            return new DeviceView(device.createdAt().toString(), device.lastSeenAt().toString(), device.address());
        }
    }

    /** A link as its maker sees it: never its token. */
    record LinkView(String id, String target, String mode, boolean stages, String note, String madeBy,
            String createdAt, String expiresAt, int maxDevices, boolean revoked, boolean live,
            List<DeviceView> devices) {
        static LinkView of(ShareLink link, String madeBy, List<LinkDevice> devices, Instant now) {
            return new LinkView(link.id(), link.target(), link.mode().id(), link.stages(), link.note(), madeBy,
                    link.createdAt().toString(), link.expiresAt().toString(), link.maxDevices(),
                    link.revokedAt() != null, link.isLive(now), devices.stream().map(DeviceView::of).toList());
        }
    }

    /** What making a link answers: the link, and its token, URL and QR code this once. */
    record CreatedView(String token, String url, String qrCodeSvg, LinkView link) {
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
            ShareLinks.Created created = links.create(call.caller(), call.parameter("name"), new ShareLink.Terms(mode,
                    Duration.ofMinutes(minutes), devices, body.path("stages").asBoolean(false),
                    body.path("note").asText("")));
            String url = joinPage(call.request()) + "#" + created.token().value();
            return ApiServlet.Json.ok(new CreatedView(created.token().value(), url, QrCodes.svg(url),
                    LinkView.of(created.link(), owner.name(), List.of(), Instant.now())));
        } catch (SecurityException e) {
            throw new GuacamoleSecurityException(e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new GuacamoleClientException(e.getMessage());
        }
    }

    private ApiServlet.Answer list(ApiServlet.Call call) throws GuacamoleException {
        Identity who = visibleTarget(call);
        Instant now = Instant.now();
        return ApiServlet.Json.ok(Map.of("maxMinutes", links.maxLifetime().toMinutes(),
                "links", links.of(who, call.parameter("name")).stream()
                        .map(link -> LinkView.of(link, links.maker(link).map(User::name).orElse(""),
                                links.devices(link), now)).toList()));
    }

    private ApiServlet.Answer join(ApiServlet.Call call) throws GuacamoleException, IOException {
        String token = JsonResponses.readObject(call.request(), json, MAX_BODY, "{\"token\":\"…\"}")
                .path("token").asText("");
        Identity identity = call.caller().identity();
        if (links.requireAccount() && identity == null) {
            call.response().setHeader("WWW-Authenticate", Cookies.CHALLENGE);
            return new ApiServlet.Json(HttpServletResponse.SC_UNAUTHORIZED,
                    Map.of("error", "Sign in first: links here open only for someone signed in"));
        }
        Optional<ShareLinks.Joined> joined = links.join(token, call.caller().address(), SessionApi.userAgent(call),
                links.requireAccount() ? identity.userId() : null);
        if (joined.isEmpty()) {
            return new ApiServlet.Json(HttpServletResponse.SC_FORBIDDEN, Map.of("error", ShareLinks.REFUSED));
        }
        ShareLinks.Joined guest = joined.get();
        boolean session = FrontDoor.session(call.request()).isPresent();
        Cookies.setLink(call.response(), guest.deviceToken(),
                session ? null : ShareLinks.csrfOf(guest.deviceToken().value()),
                Duration.between(Instant.now(), guest.link().expiresAt()));
        return ApiServlet.Json.ok(Map.of("target", guest.link().target()));
    }

    private ApiServlet.Answer leave(ApiServlet.Call call) {
        Cookies.clearLink(call.response(), FrontDoor.session(call.request()).isEmpty());
        return ApiServlet.Json.ok(Map.of("ok", true));
    }

    /** @return the join page's URL under the origin the request came to (one the front door allows) */
    private static String joinPage(HttpServletRequest request) {
        return URI.create(request.getRequestURL().toString()).resolve(Doorway.JOIN_PAGE).toString();
    }

    private ApiServlet.Answer revoke(ApiServlet.Call call) throws GuacamoleException {
        Identity who = call.caller().signedIn().orElseThrow(() -> new GuacamoleSecurityException("Sign in first"));
        if (!links.revoke(call.caller(), call.parameter("id"))) {
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
