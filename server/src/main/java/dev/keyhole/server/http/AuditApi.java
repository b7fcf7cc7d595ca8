package dev.keyhole.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keyhole.server.accounts.Role;
import dev.keyhole.server.audit.AuditKind;
import dev.keyhole.server.audit.AuditRecord;
import dev.keyhole.server.audit.JdbcAuditStore;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.guacamole.GuacamoleClientException;
import org.apache.guacamole.GuacamoleException;
import org.apache.guacamole.GuacamoleSecurityException;

/**
 * The audit trail for the admins' audit view:
 * <ul>
 * <li>{@code GET /api/admin/audit?actor=&target=&kind=&from=&to=&before=&limit=}: the events that match every
 * filter given (who exactly, which console exactly, what kind, an ISO time range), newest first, a page at a time
 * ({@code limit}, 1 to 200, default 50); the answer's {@code next} is the {@code before} of the page after it
 * (null on the last), and {@code kinds} the names of every kind. Admins only ({@code 403}).</li>
 * </ul>
 * New events reach the view live over the event stream ({@code event: audit}, admins only).
 */
final class AuditApi {

    private static final int DEFAULT_PAGE = 50;
    private static final int MAX_PAGE = 200;

    private final JdbcAuditStore store;
    private final ObjectMapper json;

    AuditApi(JdbcAuditStore store, ObjectMapper json) {
        this.store = store;
        this.json = json;
    }

    /** Adds the route to {@code api}. */
    void addTo(ApiServlet api) {
        api.route("GET", "/api/admin/audit", this::page);
    }

    /** An event as the view shows it. */
    record EventView(long seq, String id, String occurredAt, String kind, String actor, String address,
            String target, String result, JsonNode detail) {
    }

    /** @return an event as the view and the event stream show it */
    static EventView view(AuditRecord event, ObjectMapper json) {
        JsonNode detail;
        try {
            detail = event.detail().isEmpty() ? json.createObjectNode() : json.readTree(event.detail());
        } catch (IOException e) {
            detail = json.getNodeFactory().textNode(event.detail());
        }
        return new EventView(event.seq(), event.id(), event.occurredAt().toString(), event.kind(), event.actor(),
                event.address(), event.target(), event.result(), detail);
    }

    private ApiServlet.Answer page(ApiServlet.Call call) throws GuacamoleException {
        if (call.caller().signedIn().filter(who -> who.role() == Role.ADMIN).isEmpty()) {
            throw new GuacamoleSecurityException("The audit trail is for admins only");
        }
        JdbcAuditStore.Filter filter = new JdbcAuditStore.Filter(text(call, "actor"), text(call, "target"),
                kind(text(call, "kind")), time(call, "from"), time(call, "to"));
        String before = text(call, "before");
        int limit = DEFAULT_PAGE;
        try {
            limit = text(call, "limit") == null ? DEFAULT_PAGE : Integer.parseInt(text(call, "limit"));
            Long beforeSeq = before == null ? null : Long.parseLong(before);
            if (limit < 1 || limit > MAX_PAGE) {
                throw new GuacamoleClientException("limit is 1 to " + MAX_PAGE);
            }
            List<AuditRecord> events = store.page(filter, beforeSeq, limit + 1);
            boolean more = events.size() > limit;
            List<AuditRecord> shown = more ? events.subList(0, limit) : events;
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("events", shown.stream().map(event -> view(event, json)).toList());
            answer.put("next", more ? shown.get(shown.size() - 1).seq() : null);
            answer.put("kinds", Arrays.stream(AuditKind.values()).map(AuditKind::id).toList());
            return ApiServlet.Json.ok(answer);
        } catch (NumberFormatException e) {
            throw new GuacamoleClientException("before and limit are whole numbers");
        }
    }

    private static String text(ApiServlet.Call call, String name) {
        String value = call.request().getParameter(name);
        return value == null || value.isBlank() ? null : value.strip();
    }

    private static AuditKind kind(String id) throws GuacamoleClientException {
        try {
            return id == null ? null : AuditKind.of(id);
        } catch (IllegalArgumentException e) {
            throw new GuacamoleClientException(e.getMessage());
        }
    }

    private static Instant time(ApiServlet.Call call, String name) throws GuacamoleClientException {
        String value = text(call, name);
        try {
            return value == null ? null : Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new GuacamoleClientException(name + " is a time like 2026-12-03T03:12:00Z");
        }
    }
}
