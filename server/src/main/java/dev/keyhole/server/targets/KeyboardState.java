package dev.keyhole.server.targets;

import java.util.List;

/**
 * Which keyboard layout a target's console expects now: the boot stage in effect and the stages to choose from.
 *
 * @param stage  the name of the stage in effect
 * @param layout that stage's layout, as guacd names it
 * @param stages every stage of the target, in boot order
 */
public record KeyboardState(String stage, String layout, List<KeyboardStage> stages) {

    /** Copies {@code stages}. */
    public KeyboardState {
        stages = List.copyOf(stages);
    }
}
