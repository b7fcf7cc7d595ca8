package dev.keyhole.server.audit;

import dev.keyhole.server.access.Caller;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What a service asks the audit trail to record: what happened, who did it from where, to which console, with what
 * result, and a few facts more. Never a secret, never what was typed: the services put nothing of the kind in, and
 * the detail takes only names, numbers and flags.
 *
 * @param kind    what happened
 * @param actor   who: a user's name, {@code link FINGERPRINT} for a share link's guest, or {@code keyhole} for the
 *                server itself
 * @param address where from; may be empty
 * @param target  which console; null when none is involved
 * @param result  {@code ok}, or why not ({@code refused}, {@code failed}, …)
 * @param detail  more facts, in order (strings, numbers, booleans)
 */
public record AuditEvent(AuditKind kind, String actor, String address, String target, String result,
        Map<String, Object> detail) {

    /** The actor of what the server does by itself. */
    public static final String KEYHOLE = "keyhole";

    /** Checks that nothing is missing, and keeps a copy of the detail in its order. */
    public AuditEvent {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(actor, "actor");
        address = address == null ? "" : address;
        result = result == null ? "ok" : result;
        detail = Collections.unmodifiableMap(new LinkedHashMap<>(detail == null ? Map.of() : detail));
        for (Object value : detail.values()) {
            if (value != null && !(value instanceof String || value instanceof Number || value instanceof Boolean)) {
                throw new IllegalArgumentException("an audit event's detail takes names, numbers and flags only");
            }
        }
    }

    /** @return an event by someone from an address, about no console yet, {@code ok} */
    public static AuditEvent of(AuditKind kind, String actor, String address) {
        return new AuditEvent(kind, actor, address, null, "ok", Map.of());
    }

    /** @return an event by a caller: their user's name, or their link's fingerprint, and their address */
    public static AuditEvent by(AuditKind kind, Caller caller) {
        AuditEvent event = of(kind, actor(caller), caller.address());
        return caller.guest() == null ? event
                : event.with("link", caller.guest().linkFingerprint()).with("maker", caller.guest().maker());
    }

    /** @return who a caller is, as the trail names them */
    public static String actor(Caller caller) {
        if (caller.identity() != null) {
            return caller.identity().name();
        }
        return caller.guest() != null ? "link " + caller.guest().linkFingerprint() : caller.address();
    }

    /** @return this event about a console */
    public AuditEvent on(String console) {
        return new AuditEvent(kind, actor, address, console, result, detail);
    }

    /** @return this event with another result */
    public AuditEvent result(String other) {
        return new AuditEvent(kind, actor, address, target, other, detail);
    }

    /** @return this event with one more fact */
    public AuditEvent with(String key, Object value) {
        Map<String, Object> more = new LinkedHashMap<>(detail);
        more.put(key, value);
        return new AuditEvent(kind, actor, address, target, result, more);
    }
}
