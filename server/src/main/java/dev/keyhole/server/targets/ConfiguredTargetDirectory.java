package dev.keyhole.server.targets;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The targets of the configuration file, fixed for the life of the server. */
public final class ConfiguredTargetDirectory implements TargetDirectory {

    private final Map<String, Target> targets = new LinkedHashMap<>();

    /** @param configured the configured targets, already checked by the configuration loader */
    public ConfiguredTargetDirectory(List<Target> configured) {
        for (Target target : configured) {
            targets.put(target.name(), target);
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
}
