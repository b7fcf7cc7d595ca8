package dev.keyhole.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keyhole.server.access.Identity;
import dev.keyhole.server.subscriptions.SubscribableChannel;
import dev.keyhole.server.subscriptions.Subscription;
import dev.keyhole.server.subscriptions.SubscriptionRequest;
import dev.keyhole.server.subscriptions.Subscriptions;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.guacamole.GuacamoleClientException;
import org.apache.guacamole.GuacamoleException;
import org.apache.guacamole.GuacamoleResourceNotFoundException;
import org.apache.guacamole.GuacamoleSecurityException;

/**
 * The signed-in user's own subscriptions to notices (notifications.html), for every role: a viewer watches consoles,
 * and may be told when one waits. A share link's guest never reaches them (they are on the signed-in door).
 * <ul>
 * <li>{@code GET /api/me/subscriptions}: the user's subscriptions, oldest first, each with whether its channel is
 * still configured ({@code available}); the channels they may subscribe to (email and ntfy: {@code name},
 * {@code type}, {@code description}; none when none is configured), the kinds of notice and the most subscriptions
 * one may have;</li>
 * <li>{@code POST /api/me/subscriptions} {@code {"channel","address","targets":[…],"kinds":[…]}} (no targets, or
 * {@code ["*"]}: every console the user may see; no kinds, or {@code ["all"]}: every kind): adds one; {@code 400}
 * with a sentence saying what to change;</li>
 * <li>{@code POST /api/me/subscriptions/ID/remove}: removes one of theirs; {@code 404} for any other.</li>
 * </ul>
 */
final class SubscriptionsApi {

    private static final int MAX_BODY = 8192;

    private final Subscriptions subscriptions;
    private final ObjectMapper json;

    /**
     * @param subscriptions the users' subscriptions
     * @param json          the API's JSON mapper
     */
    SubscriptionsApi(Subscriptions subscriptions, ObjectMapper json) {
        this.subscriptions = subscriptions;
        this.json = json;
    }

    /** Adds the routes to {@code api}. */
    void addTo(ApiServlet api) {
        api.route("GET", "/api/me/subscriptions", this::list)
                .route("POST", "/api/me/subscriptions", this::add)
                .route("POST", "/api/me/subscriptions/{id}/remove", this::remove);
    }

    /** A channel one may subscribe to. */
    record ChannelView(String name, String type, String description) {
        static ChannelView of(SubscribableChannel channel) {
            return new ChannelView(channel.name(), channel.type(), channel.description());
        }
    }

    /**
     * A subscription as its user sees it.
     *
     * @param type      its channel's type; empty when the channel is no longer configured
     * @param targets   its console patterns; empty: every console the user may see
     * @param kinds     its kinds of notice; empty: every kind
     * @param available whether its channel is configured (else it tells no one)
     */
    record SubscriptionView(String id, String channel, String type, String address, List<String> targets,
            List<String> kinds, String createdAt, boolean available) {
    }

    private SubscriptionView view(Subscription subscription) {
        var channel = subscriptions.channel(subscription.channel());
        return new SubscriptionView(subscription.id(), subscription.channel(),
                channel.map(SubscribableChannel::type).orElse(""), subscription.address(), subscription.targets(),
                subscription.kinds(), subscription.createdAt().toString(), channel.isPresent());
    }

    private ApiServlet.Answer list(ApiServlet.Call call) throws GuacamoleException {
        Identity who = signedIn(call);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("subscriptions", subscriptions.of(who).stream().map(this::view).toList());
        answer.put("channels", subscriptions.channels().stream().map(ChannelView::of).toList());
        answer.put("kinds", Subscription.NOTICE_KINDS);
        answer.put("maxSubscriptions", Subscriptions.MAX_PER_USER);
        return ApiServlet.Json.ok(answer);
    }

    private ApiServlet.Answer add(ApiServlet.Call call) throws GuacamoleException, IOException {
        signedIn(call);
        JsonNode body = JsonResponses.readObject(call.request(), json, MAX_BODY,
                "{\"channel\":\"team-mail\",\"address\":\"alice@example.org\",\"targets\":[\"web-*\"]}");
        SubscriptionRequest request = new SubscriptionRequest(body.path("channel").asText(""),
                body.path("address").asText(""), texts(body.path("targets"), "targets"),
                texts(body.path("kinds"), "kinds"));
        try {
            return ApiServlet.Json.ok(Map.of("subscription", view(subscriptions.add(call.caller(), request))));
        } catch (IllegalArgumentException e) {
            throw new GuacamoleClientException(e.getMessage());
        } catch (SecurityException e) {
            throw new GuacamoleSecurityException(e.getMessage());
        }
    }

    private ApiServlet.Answer remove(ApiServlet.Call call) throws GuacamoleException {
        signedIn(call);
        if (!subscriptions.remove(call.caller(), call.parameter("id"))) {
            throw new GuacamoleResourceNotFoundException("You have no such subscription (it may have been removed)");
        }
        return ApiServlet.Json.ok(Map.of("ok", true));
    }

    private static Identity signedIn(ApiServlet.Call call) throws GuacamoleSecurityException {
        return call.caller().signedIn().orElseThrow(() -> new GuacamoleSecurityException("Sign in first"));
    }

    /**
     * @return a list's texts, or a lone text as a list of one; none when missing
     * @throws GuacamoleClientException for anything else: a list that is not all texts is refused, not read in part
     */
    private static List<String> texts(JsonNode node, String what) throws GuacamoleClientException {
        if (node.isMissingNode() || node.isNull()) {
            return List.of();
        }
        if (node.isTextual()) {
            return List.of(node.asText());
        }
        if (!node.isArray()) {
            throw new GuacamoleClientException("The " + what + " are a list of texts");
        }
        List<String> texts = new ArrayList<>();
        for (JsonNode item : node) {
            if (!item.isTextual()) {
                throw new GuacamoleClientException("The " + what + " are a list of texts");
            }
            texts.add(item.asText());
        }
        return texts;
    }
}
