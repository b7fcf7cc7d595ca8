package dev.keyhole.e2e.vm;

import static dev.keyhole.e2e.pages.ConsolePage.State.CONNECTED;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.keyhole.e2e.fixtures.Browser;
import dev.keyhole.e2e.fixtures.Fixtures;
import dev.keyhole.e2e.fixtures.InjectKeyhole;
import dev.keyhole.e2e.fixtures.KeyholeE2E;
import dev.keyhole.e2e.fixtures.KeyholeSetup;
import dev.keyhole.e2e.fixtures.RunningKeyhole;
import dev.keyhole.e2e.pages.ConsolePage;
import dev.keyhole.server.config.KeyholeConfig;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The key bar in a real GRUB menu (Debian's GRUB 2, BIOS, in QEMU over VNC: two entries, "first" the default, and a
 * countdown). Wake, a lone Shift, is no key to GRUB: the countdown goes on and nothing is chosen. The arrows move
 * the highlight and Enter runs the entry highlighted.
 */
@KeyholeE2E
class GrubMenuKeysTest {

    private static final String TARGET = "grub-menu";
    private static final Duration BOOT_TIMEOUT = Duration.ofSeconds(240);

    /** The GRUB menu VM, started for the class. */
    static GrubMenuVm grub(Fixtures fixtures) {
        return fixtures.ofTheClass("vm", GrubMenuVm.class, GrubMenuVm::boot);
    }

    /** Keyhole showing the GRUB menu VM. */
    static final class GrubMenu implements KeyholeSetup {
        @Override
        public void configure(KeyholeConfig.Builder config, Fixtures fixtures) {
            config.target(VmKeyhole.target(TARGET, TARGET, grub(fixtures).vncPort(), "grub", "en-us-qwerty"));
        }
    }

    @Test
    void wakeChoosesNothingAndTheArrowsAndEnterDriveTheMenu(@InjectKeyhole(GrubMenu.class) RunningKeyhole keyhole,
            Fixtures fixtures, Browser browser) {
        GrubMenuVm grub = grub(fixtures);
        grub.awaitCountdown(29, BOOT_TIMEOUT);
        ConsolePage page = ConsolePage.open(browser, keyhole, TARGET)
                .waitForState(CONNECTED).waitForPicture().waitForKeyboardStage("grub");

        // Wake: GRUB sees no key. Its countdown goes on (a key would stop it) and nothing is chosen.
        int before = grub.countdown().orElseThrow();
        page.tapKey("wake");
        grub.awaitCountdown(before - 2, Duration.ofSeconds(30));
        assertEquals(Optional.empty(), grub.picked(), "Wake made GRUB run an entry");

        // Down moves the highlight from the default entry to "second", and Enter runs it.
        page.tapKey("down");
        page.tapKey("enter");
        assertEquals("second", grub.awaitPicked(Duration.ofSeconds(30)), "the entry GRUB ran");
    }
}
