package dev.keyhole.server.config;

import java.time.Duration;

/**
 * How long the audit trail keeps its events.
 *
 * @param keep how long an event is kept; older ones are deleted (and the deletion recorded) once a day
 */
public record AuditConfig(Duration keep) {

    /** The default: 400 days, a year and a bit, for a yearly review. */
    public static final AuditConfig DEFAULT = new AuditConfig(Duration.ofDays(400));

    /** Refuses a time that is not positive. */
    public AuditConfig {
        if (keep == null || keep.isNegative() || keep.isZero()) {
            throw new IllegalArgumentException("the audit trail keeps its events for a positive time");
        }
    }
}
