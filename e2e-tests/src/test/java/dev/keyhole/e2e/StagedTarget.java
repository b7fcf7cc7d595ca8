package dev.keyhole.e2e;

import dev.keyhole.e2e.fixtures.Fixtures;
import dev.keyhole.e2e.fixtures.KeyholeSetup;
import dev.keyhole.e2e.fixtures.LockedTarget;
import dev.keyhole.server.config.KeyholeConfig;
import dev.keyhole.server.targets.KeyboardStage;
import java.util.List;

/**
 * A Keyhole whose target {@value #TARGET} is the class's locked console with two keyboard stages:
 * {@code grub: en-us-qwerty} (in effect at start; the locked console types as US) and
 * {@code initramfs: de-de-qwertz}.
 */
final class StagedTarget implements KeyholeSetup {

    static final String TARGET = "staged";

    @Override
    public void configure(KeyholeConfig.Builder keyhole, Fixtures fixtures) {
        keyhole.target(LockedTarget.target(TARGET, "Locked VM (two boot stages)", fixtures.lockedConsole(),
                List.of(new KeyboardStage("grub", "en-us-qwerty"), new KeyboardStage("initramfs", "de-de-qwertz"))));
    }
}
