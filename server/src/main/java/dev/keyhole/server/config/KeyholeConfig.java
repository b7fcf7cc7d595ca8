package dev.keyhole.server.config;

import dev.keyhole.server.targets.Target;
import java.util.List;

/**
 * Everything Keyhole is configured with, read once at start-up by {@link ConfigLoader}.
 *
 * @param http    where the web server listens
 * @param guacd   where guacd listens
 * @param targets the consoles Keyhole offers, in the order of the file; may be empty
 * @param virtualboxHosts the VirtualBox hosts whose VMs Keyhole offers as targets too; may be empty
 * @param limits  how much clients may hold
 */
public record KeyholeConfig(HttpConfig http, GuacdConfig guacd, List<Target> targets,
        List<VirtualBoxHostConfig> virtualboxHosts, LimitsConfig limits) {

    /**
     * Copies {@code targets} and {@code virtualboxHosts} (null: none), so the record stays immutable; null
     * {@code limits} are the defaults.
     */
    public KeyholeConfig {
        targets = List.copyOf(targets);
        virtualboxHosts = virtualboxHosts == null ? List.of() : List.copyOf(virtualboxHosts);
        limits = limits == null ? LimitsConfig.DEFAULT : limits;
    }
}
