package dev.keyhole.e2e.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.keyhole.e2e.fixtures.Fixtures;
import dev.keyhole.e2e.fixtures.InjectKeyhole;
import dev.keyhole.e2e.fixtures.KeyholeE2E;
import dev.keyhole.e2e.fixtures.KeyholeSetup;
import dev.keyhole.e2e.fixtures.RunningKeyhole;
import dev.keyhole.server.config.KeyholeConfig;
import dev.keyhole.server.watch.ConsoleState;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Keyhole reads a real GRUB menu (Debian's GRUB 2 in QEMU over VNC) as one, and watching it sends no key: GRUB's
 * countdown, which any key would stop, runs out by itself and GRUB boots its default entry.
 */
@KeyholeE2E
class GrubMenuWatchTest {

    private static final String TARGET = "grub-watched";

    /** The GRUB menu VM, started for the class. */
    static GrubMenuVm grub(Fixtures fixtures) {
        return fixtures.ofTheClass("vm", GrubMenuVm.class, GrubMenuVm::boot);
    }

    /** Keyhole watching the GRUB menu VM (the default for a configured target). */
    static final class Watched implements KeyholeSetup {
        @Override
        public void configure(KeyholeConfig.Builder config, Fixtures fixtures) {
            config.target(VmKeyhole.target(TARGET, TARGET, grub(fixtures).vncPort(), "grub", "en-us-qwerty"));
        }
    }

    @Test
    void theMenuReadsAsGrubsAndItsCountdownEndsByItself(@InjectKeyhole(Watched.class) RunningKeyhole keyhole,
            Fixtures fixtures) {
        GrubMenuVm grub = grub(fixtures);
        grub.awaitCountdown(29, Duration.ofSeconds(240));
        keyhole.awaitScreen(TARGET, ConsoleState.GRUB_MENU, Duration.ofSeconds(10));
        assertEquals("first", grub.awaitPicked(Duration.ofSeconds(60)),
                "GRUB ran its default entry when its countdown ran out: nobody pressed a key");
    }
}
