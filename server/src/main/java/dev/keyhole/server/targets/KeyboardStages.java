package dev.keyhole.server.targets;

import dev.keyhole.server.access.Caller;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The boot stage each target's console is at, as far as its keyboard is concerned. The stage belongs to the target,
 * not to a viewer: everyone who views a console types with the layout of its current stage. Every target starts
 * at its first stage; someone switches it when the console moves on (e.g. from GRUB to the initramfs prompt).
 *
 * <p>Safe to use from any thread. Listeners hear of a switch after it took effect, on the switching thread.
 */
public final class KeyboardStages {

    private static final Logger log = LoggerFactory.getLogger(KeyboardStages.class);

    /** Hears that a target's stage changed. */
    public interface Listener {

        /**
         * @param target the target whose stage changed
         * @param state  its new keyboard state
         */
        void switched(Target target, KeyboardState state);
    }

    private final TargetDirectory targets;
    /** Stage names by target name; a target absent here is at its first stage. */
    private final Map<String, String> current = new ConcurrentHashMap<>();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();

    /** @param targets where targets (and their stages) are looked up */
    public KeyboardStages(TargetDirectory targets) {
        this.targets = targets;
    }

    /** Adds a listener told of every switch from now on. */
    public void addListener(Listener listener) {
        listeners.add(listener);
    }

    /**
     * @param target a target
     * @return its keyboard state now
     */
    public KeyboardState state(Target target) {
        String name = current.get(target.name());
        KeyboardStage stage = target.keyboard().stream().filter(s -> s.name().equals(name)).findFirst()
                .orElse(target.keyboard().get(0));
        return new KeyboardState(stage.name(), stage.layout(), target.keyboard());
    }

    /**
     * @param targetName a target's name, as a browser sent it
     * @return its keyboard state now, or empty if there is no such target
     */
    public Optional<KeyboardState> state(String targetName) {
        return targets.find(targetName).map(this::state);
    }

    /**
     * Switches a target to one of its stages and tells the listeners, unless it is at that stage already.
     *
     * @param caller     who asks (named in the log)
     * @param targetName the target's name
     * @param stageName  one of its stages
     * @return the target's keyboard state afterwards
     * @throws NoSuchElementException   if there is no such target
     * @throws IllegalArgumentException if the target has no such stage; the message says which it has
     */
    public KeyboardState switchTo(Caller caller, String targetName, String stageName) {
        Target target = targets.find(targetName).orElseThrow(NoSuchElementException::new);
        if (target.keyboard().stream().noneMatch(s -> s.name().equals(stageName))) {
            throw new IllegalArgumentException("The console has no keyboard stage with that name; its stages are "
                    + String.join(", ", target.keyboard().stream().map(KeyboardStage::name).toList()));
        }
        String before;
        synchronized (this) {
            before = state(target).stage();
            current.put(target.name(), stageName);
        }
        KeyboardState after = state(target);
        if (!before.equals(stageName)) {
            log.info("{} switched the keyboard of {} from stage {} to {}", caller, target.name(), before, stageName);
            listeners.forEach(listener -> listener.switched(target, after));
        }
        return after;
    }
}
