package dev.keyhole.e2e.vm;

import static dev.keyhole.e2e.pages.ConsolePage.State.CONNECTED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keyhole.e2e.fixtures.Browser;
import dev.keyhole.e2e.fixtures.E2ePaths;
import dev.keyhole.e2e.fixtures.Guacd;
import dev.keyhole.e2e.fixtures.KeyholeE2E;
import dev.keyhole.e2e.pages.ConsolePage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
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

    @Test
    void thePassphraseBoxUnlocksAGermanGuestOverVnc(Guacd guacd, LockedVms vms, Browser browser) throws Exception {
        LockedVm vm = vms.get(LAYOUT);
        String passphrase = LockedVms.passphraseOf(LAYOUT);
        try (VmKeyhole keyhole = VmKeyhole.start(E2ePaths.fixtureDir(PassphraseBoxVncTest.class, "server"), guacd,
                List.of(new VmKeyhole.VmTarget("de-guest", vm, LAYOUT)))) {
            int prompt = vm.nextPrompt();
            vm.awaitPrompt(prompt, LockedVm.BOOT_TIMEOUT);
            ConsolePage page = ConsolePage.open(browser, keyhole.uri(), "de-guest")
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
}
