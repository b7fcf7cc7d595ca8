package dev.keyhole.server.config;

import java.time.Duration;

/**
 * What share links may be.
 *
 * @param maxLifetime the longest a link may work
 */
public record LinksConfig(Duration maxLifetime) {

    /** The default: a day at most. */
    public static final LinksConfig DEFAULT = new LinksConfig(Duration.ofHours(24));

    /** Refuses a lifetime that is not positive. */
    public LinksConfig {
        if (maxLifetime == null || maxLifetime.isNegative() || maxLifetime.isZero()) {
            throw new IllegalArgumentException("a link's longest lifetime is positive");
        }
    }
}
