package dev.keyhole.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keyhole.server.keyboard.KeyboardLayouts;
import dev.keyhole.server.targets.KeyboardStage;
import dev.keyhole.server.targets.Target;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A target's keyboard layouts per boot stage ({@code keyboard:}) and its one-stage shorthand ({@code server-layout}). */
class KeyboardConfigTest {

    private static final String FILE = "keyhole.yaml";

    private static Target target(String keys) {
        return ConfigLoader.parse(FILE, """
                targets:
                  - name: vm
                    protocol: rdp
                    host: h
                    port: 3389
                """ + keys.indent(4), Map.of()).targets().get(0);
    }

    private static List<String> problems(String keys) {
        return assertThrows(ConfigException.class, () -> target(keys)).problems();
    }

    @Test
    void stagesAreReadInBootOrderAndTheFirstIsInEffect() {
        Target t = target("""
                keyboard:
                  grub: en-us-qwerty
                  initramfs: de-de-qwertz
                """);
        assertEquals(List.of(new KeyboardStage("grub", "en-us-qwerty"), new KeyboardStage("initramfs", "de-de-qwertz")),
                t.keyboard());
    }

    @Test
    void serverLayoutAloneIsOneStageNamedConsole() {
        assertEquals(List.of(new KeyboardStage("console", "fr-fr-azerty")),
                target("server-layout: fr-fr-azerty\n").keyboard());
        assertEquals(List.of(new KeyboardStage("console", "en-us-qwerty")), target("").keyboard());
    }

    @Test
    void vncTargetsHaveStagesToo() {
        Target t = ConfigLoader.parse(FILE, """
                targets:
                  - name: kvm
                    protocol: vnc
                    host: h
                    port: 5900
                    keyboard:
                      initramfs: de-de-qwertz
                """, Map.of()).targets().get(0);
        assertEquals(List.of(new KeyboardStage("initramfs", "de-de-qwertz")), t.keyboard());
    }

    @Test
    void bothServerLayoutAndKeyboardIsAnError() {
        assertEquals(List.of(FILE + ":8: targets[0].keyboard = (a mapping): give either server-layout (one "
                        + "layout) or keyboard (a layout per boot stage), not both"),
                problems("""
                        server-layout: de-de-qwertz
                        keyboard:
                          grub: en-us-qwerty
                        """));
    }

    @Test
    void anUnknownLayoutNamesTheStage() {
        List<String> problems = problems("""
                keyboard:
                  grub: en-us-qwerty
                  initramfs: german
                """);
        assertEquals(List.of(FILE + ":8: targets[0].keyboard.initramfs = german: must be one of the keyboard "
                + "layouts Keyhole has a key table for: " + String.join(", ", KeyboardLayouts.builtIn().names())),
                problems);
    }

    @Test
    void everyLayoutWithAKeyTableIsAccepted() {
        for (String layout : List.of("pl-pl-qwerty", "no-no-qwerty", "pt-pt-qwerty", "ro-ro-qwerty", "fr-ca-qwerty",
                "cs-cz-qwertz")) {
            assertEquals(List.of(new KeyboardStage("console", layout)),
                    target("server-layout: " + layout + "\n").keyboard());
            assertEquals(List.of(new KeyboardStage("grub", "en-us-qwerty"), new KeyboardStage("initramfs", layout)),
                    target("keyboard:\n  grub: en-us-qwerty\n  initramfs: " + layout + "\n").keyboard());
        }
        assertEquals(KeyboardLayouts.builtIn().names().size(), KeyboardLayouts.builtIn().names().stream()
                .filter(layout -> target("server-layout: " + layout + "\n").keyboard().get(0).layout().equals(layout)).count());
    }

    @Test
    void aLayoutWithoutKeyTableIsAnErrorAtStartUp() {
        // guacd knows failsafe, but it names no keyboard: the passphrase box could type nothing into it.
        List<String> problems = problems("server-layout: failsafe\n");
        assertEquals(1, problems.size());
        assertTrue(problems.get(0).startsWith(FILE + ":6: targets[0].server-layout = failsafe: guacd's failsafe "
                + "layout sends every character as an RDP Unicode event, which VirtualBox consoles ignore and the "
                + "passphrase box cannot type with; name the console's keyboard layout: one of cs-cz-qwertz, "),
                problems.get(0));
        assertEquals(List.of(FILE + ":7: targets[0].keyboard.initramfs = xx-yy-qwerty: must be one of the keyboard "
                + "layouts Keyhole has a key table for: " + String.join(", ", KeyboardLayouts.builtIn().names())),
                problems("""
                        keyboard:
                          initramfs: xx-yy-qwerty
                        """));
    }

    @Test
    void aBadStageNameIsAnError() {
        assertEquals(List.of(FILE + ":7: targets[0].keyboard.Boot Menu = en-us-qwerty: a stage name must be "
                        + "lower-case letters, digits and '-', starting with a letter or digit"),
                problems("""
                        keyboard:
                          Boot Menu: en-us-qwerty
                        """));
    }

    @Test
    void keyboardMustBeANonEmptyMapping() {
        assertEquals(List.of(FILE + ":6: targets[0].keyboard = de-de-qwertz: must be a mapping of boot stage to "
                + "layout, e.g. 'grub: en-us-qwerty'"), problems("keyboard: de-de-qwertz\n"));
        assertEquals(List.of(FILE + ":6: targets[0].keyboard = (empty): must name at least one boot stage and its "
                + "layout, e.g. 'initramfs: de-de-qwertz'"), problems("keyboard: {}\n"));
        assertEquals(List.of(FILE + ":7: targets[0].keyboard.grub = (a list): must be a single value"),
                problems("""
                        keyboard:
                          grub: [en-us-qwerty]
                        """));
    }
}
