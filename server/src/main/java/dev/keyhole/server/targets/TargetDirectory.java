package dev.keyhole.server.targets;

import java.util.List;
import java.util.Optional;

/** Where Keyhole looks targets up. Implementations are safe to call from any thread. */
public interface TargetDirectory {

    /** @return every target, in a stable order; empty when none are configured */
    List<Target> list();

    /**
     * @param name a target's name, as a browser sent it (may be anything)
     * @return the target of that name, or empty if there is none
     */
    Optional<Target> find(String name);
}
