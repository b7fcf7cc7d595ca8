package dev.keyhole.server.config;

import java.time.Duration;

/**
 * What share links may be.
 *
 * @param maxLifetime    the longest a link may work
 * @param requireAccount whether a link opens only for someone signed in (then its guest is known by name)
 */
public record LinksConfig(Duration maxLifetime, boolean requireAccount) {

    /** The default: a day at most, no account needed. */
    public static final LinksConfig DEFAULT = new LinksConfig(Duration.ofHours(24), false);

    /** Refuses a lifetime that is not positive. */
    public LinksConfig {
        if (maxLifetime == null || maxLifetime.isNegative() || maxLifetime.isZero()) {
            throw new IllegalArgumentException("a link's longest lifetime is positive");
        }
    }
}
