package dev.keyhole.server.audit;

import dev.keyhole.server.access.Caller;

/**
 * Who does something the audit trail records, when the service doing it is not told by a request's caller alone:
 * an admin on the admin pages, the command line, Keyhole itself.
 *
 * @param name    as the trail names them (a user's name, {@link #COMMAND_LINE}'s, {@link AuditEvent#KEYHOLE})
 * @param address where from; empty when from nowhere on the network
 */
public record Actor(String name, String address) {

    /** {@code keyhole-server user …}, run on the server's machine. */
    public static final Actor COMMAND_LINE = new Actor("keyhole-server user", "");
    /** Keyhole itself (and code that runs it in a test). */
    public static final Actor KEYHOLE = new Actor(AuditEvent.KEYHOLE, "");

    /** @return a request's caller as an actor */
    public static Actor of(Caller caller) {
        return new Actor(AuditEvent.actor(caller), caller.address());
    }

    /** @return an event of this actor's */
    public AuditEvent did(AuditKind kind) {
        return AuditEvent.of(kind, name, address);
    }
}
