package dev.keyhole.server.audit;

/**
 * Where services record what happened. Recording never blocks and never fails the caller: a tunnel or a request
 * goes on whatever the database does.
 */
@FunctionalInterface
public interface AuditTrail {

    /** Records nothing: for code that runs without a trail (some tests). */
    AuditTrail NONE = event -> { };

    /** Records an event. */
    void record(AuditEvent event);
}
