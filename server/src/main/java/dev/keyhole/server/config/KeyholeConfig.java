package dev.keyhole.server.config;

import java.util.List;

/**
 * Everything Keyhole is configured with, read once at start-up by {@link ConfigLoader}.
 *
 * @param http    where the web server listens
 * @param guacd   where guacd listens
 * @param targets the consoles Keyhole offers, in the order of the file; may be empty
 * @param virtualboxHosts the VirtualBox hosts whose VMs Keyhole offers as targets too; may be empty
 */
public record KeyholeConfig(HttpConfig http, GuacdConfig guacd, List<TargetConfig> targets,
        List<VirtualBoxHostConfig> virtualboxHosts) {

    /** Copies {@code targets} and {@code virtualboxHosts} (null: none), so the record stays immutable. */
    public KeyholeConfig {
        targets = List.copyOf(targets);
        virtualboxHosts = virtualboxHosts == null ? List.of() : List.copyOf(virtualboxHosts);
    }

    /** A configuration without VirtualBox hosts. */
    public KeyholeConfig(HttpConfig http, GuacdConfig guacd, List<TargetConfig> targets) {
        this(http, guacd, targets, List.of());
    }
}
