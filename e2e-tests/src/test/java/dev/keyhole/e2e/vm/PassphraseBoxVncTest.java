package dev.keyhole.e2e.vm;

import static dev.keyhole.e2e.pages.ConsolePage.State.CONNECTED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keyhole.e2e.fixtures.Browser;
import dev.keyhole.e2e.fixtures.Fixtures;
import dev.keyhole.e2e.fixtures.InjectKeyhole;
import dev.keyhole.e2e.fixtures.KeyholeE2E;
import dev.keyhole.e2e.fixtures.KeyholeSetup;
import dev.keyhole.e2e.fixtures.RunningKeyhole;
import dev.keyhole.e2e.pages.ConsolePage;
import dev.keyhole.server.config.KeyholeConfig;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * The passphrase box over VNC, the way an operator uses it: the German guest's console page, every character
 * of the German layout pasted into the box and sent; the page presses Shift and AltGr itself (QEMU adds none),
 * and the guest reads the passphrase byte for byte and unlocks.
 */
@KeyholeE2E
@LockedVmLayouts({"de-de-qwertz"})
class PassphraseBoxVncTest {

    private static final String LAYOUT = "de-de-qwertz";

    /** The German guest, declared German. */
    static final class GermanGuest implements KeyholeSetup {
        @Override
        public void configure(KeyholeConfig.Builder config, Fixtures fixtures) {
            config.target(VmKeyhole.target("de-guest", LockedVmsExtension.pool(fixtures.context()).get(LAYOUT), LAYOUT));
        }
    }

    @Test
    void thePassphraseBoxUnlocksAGermanGuestOverVnc(@InjectKeyhole(GermanGuest.class) RunningKeyhole keyhole,
            LockedVms vms, Browser browser) throws Exception {
        LockedVm vm = vms.get(LAYOUT);
        String passphrase = LockedVms.passphraseOf(LAYOUT);
        int prompt = vm.nextPrompt();
        vm.awaitPrompt(prompt, LockedVm.BOOT_TIMEOUT);
        ConsolePage page = ConsolePage.open(browser, keyhole, "de-guest")
                .waitForState(CONNECTED).waitForKeyboardStage("initramfs");
        assertEquals(LAYOUT, page.keyboardLayout());

        page.pastePassphraseInBox(passphrase, true).waitForPassphraseSent(Duration.ofSeconds(60));
        assertEquals("", page.passphraseBoxValue());

        LockedVm.Attempt attempt = vm.awaitAttempt(prompt, Duration.ofSeconds(90));
        assertEquals(HexFormat.of().formatHex(passphrase.getBytes(StandardCharsets.UTF_8)),
                HexFormat.of().formatHex(attempt.read()), "the guest read other bytes than were pasted");
        assertTrue(attempt.unlocked(), "cryptsetup said " + attempt.status());
    }
}
