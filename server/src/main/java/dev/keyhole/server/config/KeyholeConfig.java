package dev.keyhole.server.config;

import java.util.List;

/**
 * Everything Keyhole is configured with, read once at start-up by {@link ConfigLoader}.
 *
 * @param http    where the web server listens
 * @param guacd   where guacd listens
 * @param targets the consoles Keyhole offers, in the order of the file; may be empty
 */
public record KeyholeConfig(HttpConfig http, GuacdConfig guacd, List<TargetConfig> targets) {

    /** Copies {@code targets}, so the record stays immutable. */
    public KeyholeConfig {
        targets = List.copyOf(targets);
    }
}
