package dev.keyhole.server.tunnel;

import dev.keyhole.server.config.LimitsConfig;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every tunnel open now, counted in total, per address and per target, against the configured limits. Thread-safe.
 */
final class OpenTunnels {

    private final LimitsConfig limits;
    private final Set<Tunnel> open = new LinkedHashSet<>();
    private final Map<String, Integer> perAddress = new HashMap<>();
    private final Map<String, Integer> perTarget = new HashMap<>();

    OpenTunnels(LimitsConfig limits) {
        this.limits = limits;
    }

    /**
     * Counts a new tunnel in, unless that would pass a limit.
     *
     * @return null when it is counted in; otherwise why not, in words for the person at the browser
     */
    synchronized String admit(Tunnel tunnel) {
        String address = tunnel.request().caller().address();
        String target = tunnel.request().target();
        if (open.size() >= limits.tunnels()) {
            return "Keyhole holds " + limits.tunnels() + " tunnels already (limits.tunnels)";
        }
        if (perAddress.getOrDefault(address, 0) >= limits.tunnelsPerAddress()) {
            return "Too many tunnels from " + address + ": " + limits.tunnelsPerAddress()
                    + " are open (limits.tunnels-per-address)";
        }
        if (perTarget.getOrDefault(target, 0) >= limits.tunnelsPerTarget()) {
            return "Too many viewers of this console: " + limits.tunnelsPerTarget()
                    + " are open (limits.tunnels-per-target)";
        }
        open.add(tunnel);
        perAddress.merge(address, 1, Integer::sum);
        perTarget.merge(target, 1, Integer::sum);
        return null;
    }

    /** Counts a tunnel out; one never counted in, or counted out already, changes nothing. */
    synchronized void remove(Tunnel tunnel) {
        if (open.remove(tunnel)) {
            perAddress.computeIfPresent(tunnel.request().caller().address(), (k, n) -> n == 1 ? null : n - 1);
            perTarget.computeIfPresent(tunnel.request().target(), (k, n) -> n == 1 ? null : n - 1);
        }
    }

    /** @return the tunnels open now */
    synchronized List<Tunnel> all() {
        return List.copyOf(open);
    }
}
