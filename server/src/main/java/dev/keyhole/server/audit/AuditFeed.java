package dev.keyhole.server.audit;

import java.util.function.Consumer;

/** The audit trail's events as they are written, for those who watch it live (the admins' pages). */
@FunctionalInterface
public interface AuditFeed {

    /** A feed that never tells anything. */
    AuditFeed NONE = listener -> () -> { };

    /**
     * @param listener told of each event once it is in the database, on the trail's own thread: it must not block
     * @return what stops the telling
     */
    Runnable subscribe(Consumer<AuditRecord> listener);
}
