package dev.keyhole.server.targets;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Several sources of targets as one (the configuration file's targets, then each VirtualBox host's VMs). A name
 * is looked up in the sources in order; the first that knows it wins.
 */
public final class CompositeTargetDirectory implements TargetDirectory {

    private final List<TargetDirectory> sources;

    /** @param sources the directories, in the order their targets are listed */
    public CompositeTargetDirectory(List<TargetDirectory> sources) {
        this.sources = List.copyOf(sources);
    }

    @Override
    public List<Target> list() {
        List<Target> all = new ArrayList<>();
        sources.forEach(s -> all.addAll(s.list()));
        return all;
    }

    @Override
    public Optional<Target> find(String name) {
        for (TargetDirectory source : sources) {
            Optional<Target> target = source.find(name);
            if (target.isPresent()) {
                return target;
            }
        }
        return Optional.empty();
    }
}
