package dev.keyhole.server.targets;

import dev.keyhole.server.config.Protocol;
import dev.keyhole.server.config.TargetConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The targets of the configuration file, fixed for the life of the server. */
public final class ConfiguredTargetDirectory implements TargetDirectory {

    private final Map<String, Target> targets = new LinkedHashMap<>();

    /** @param configs the configured targets, already checked by the configuration loader */
    public ConfiguredTargetDirectory(List<TargetConfig> configs) {
        for (TargetConfig config : configs) {
            targets.put(config.name(), toTarget(config));
        }
    }

    @Override
    public List<Target> list() {
        return List.copyOf(targets.values());
    }

    @Override
    public Optional<Target> find(String name) {
        return Optional.ofNullable(targets.get(name));
    }

    /** Turns a configured target into guacd's parameter names (see guacd's RDP and VNC parameter reference). */
    static Target toTarget(TargetConfig config) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("hostname", config.host());
        p.put("port", Integer.toString(config.port()));
        // A console keeps its own size: Keyhole never resizes it, the browser scales the picture instead.
        p.put("width", Integer.toString(config.width()));
        p.put("height", Integer.toString(config.height()));
        p.put("dpi", Integer.toString(config.dpi()));
        if (config.protocol() == Protocol.RDP) {
            p.put("security", config.security().orElse("any"));
            p.put("ignore-cert", Boolean.toString(config.ignoreCert()));
            p.put("server-layout", config.serverLayout());
            p.put("disable-audio", Boolean.toString(config.disableAudio()));
            // Keyhole relays no clipboard or files; guacd should not offer them either.
            p.put("disable-copy", "true");
            p.put("disable-paste", "true");
            p.put("resize-method", "");
            if (!config.username().isEmpty()) {
                p.put("username", config.username());
            }
        } else {
            p.put("disable-audio", Boolean.toString(config.disableAudio()));
            p.put("disable-copy", "true");
            p.put("disable-paste", "true");
        }
        if (!config.password().isEmpty()) {
            p.put("password", config.password());
        }
        return new Target(config.name(), config.title(), config.protocol(), p, config.keyboard());
    }
}
