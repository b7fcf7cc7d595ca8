package dev.keyhole.server.targets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.keyhole.server.access.Caller;
import dev.keyhole.server.access.TestCallers;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class KeyboardStagesTest {

    private static final Caller CALLER = TestCallers.operator("192.0.2.1");

    private static final List<KeyboardStage> STAGES =
            List.of(new KeyboardStage("grub", "en-us-qwerty"), new KeyboardStage("initramfs", "de-de-qwertz"));

    private final KeyboardStages stages = new KeyboardStages(new ConfiguredTargetDirectory(List.of(
            new Target("vm", "VM", ConsoleSpec.builder(Protocol.RDP, "h", 3389).keyboard(STAGES).build()))));

    @Test
    void aTargetStartsAtItsFirstStageAndSwitchesForEveryone() {
        List<String> heard = new ArrayList<>();
        stages.addListener((target, state) -> heard.add(target.name() + " " + state.stage() + " " + state.layout()));
        assertEquals(new KeyboardState("grub", "en-us-qwerty", STAGES), stages.state("vm").orElseThrow());

        assertEquals(new KeyboardState("initramfs", "de-de-qwertz", STAGES), stages.switchTo(CALLER, "vm", "initramfs"));
        assertEquals("initramfs", stages.state("vm").orElseThrow().stage());
        stages.switchTo(CALLER, "vm", "initramfs"); // already there: nobody reconnects
        assertEquals(List.of("vm initramfs de-de-qwertz"), heard);
    }

    @Test
    void unknownTargetsAndStagesAreRefused() {
        assertEquals(Optional.empty(), stages.state("nope"));
        assertThrows(NoSuchElementException.class, () -> stages.switchTo(CALLER, "nope", "grub"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> stages.switchTo(CALLER, "vm", "x"));
        assertEquals("The console has no keyboard stage with that name; its stages are grub, initramfs",
                e.getMessage());
    }
}
