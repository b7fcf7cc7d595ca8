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
 * The key bar's two special keys against a real guest, a Linux kernel at a LUKS prompt (test mode: it reports on
 * its serial port what it reads, and says KEYMAP each time it boots). Wake (a lone Shift) adds nothing to what
 * the prompt reads. Ctrl-Alt-Del asks first: cancelled, it sends nothing (the guest goes on reading the same
 * boot's prompt, and reads exactly what is typed after); confirmed, the guest's kernel gets Ctrl+Alt+Delete and
 * reboots (an init that never asked for Ctrl-Alt-Del for itself leaves the kernel to restart the machine), and
 * QEMU boots it again to a fresh prompt.
 */
@KeyholeE2E
@LockedVmLayouts({"en-us-qwerty"})
class KeyBarVmTest {

    private static final String LAYOUT = "en-us-qwerty";
    private static final String TARGET = "us-guest";
    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(90);

    /** The US guest, declared US. */
    static final class UsGuest implements KeyholeSetup {
        @Override
        public void configure(KeyholeConfig.Builder config, Fixtures fixtures) {
            config.target(VmKeyhole.target(TARGET, LockedVmsExtension.pool(fixtures.context()).get(LAYOUT), LAYOUT));
        }
    }

    @Test
    void wakeTypesNothingAndCtrlAltDelRestartsOnlyWhenConfirmed(@InjectKeyhole(UsGuest.class) RunningKeyhole keyhole,
            LockedVms vms, Browser browser) throws Exception {
        LockedVm vm = vms.get(LAYOUT);
        int prompt = vm.nextPrompt();
        vm.awaitPrompt(prompt, LockedVm.BOOT_TIMEOUT);
        int boots = vm.boots();
        ConsolePage page = ConsolePage.open(browser, keyhole, TARGET)
                .waitForState(CONNECTED).waitForKeyboardStage("initramfs");

        // Wake: Shift pressed and released; the prompt reads only what is typed after it.
        page.tapKey("wake");
        assertReads(vm, page, prompt, "wake-typed-nothing");

        // Ctrl-Alt-Del, cancelled: nothing is sent; the same boot reads the next line exactly.
        page.tapKey("ctrl-alt-del").waitForRestartQuestion();
        page.answerRestartQuestion(false);
        assertTrue(page.passphraseMessage().contains("not sent"), () -> "the page says: " + page.passphraseMessage());
        assertReads(vm, page, prompt + 1, "cancel-sent-nothing");
        assertEquals(boots, vm.boots(), "the guest did not restart");

        // Confirmed: the guest's kernel gets Ctrl+Alt+Delete and the machine restarts to a fresh prompt.
        page.tapKey("ctrl-alt-del").waitForRestartQuestion();
        page.answerRestartQuestion(true);
        vm.awaitBoot(boots + 1, LockedVm.BOOT_TIMEOUT);
        vm.awaitPrompt(1, LockedVm.BOOT_TIMEOUT);
        assertTrue(page.passphraseMessage().contains("Ctrl-Alt-Del sent"),
                () -> "the page says: " + page.passphraseMessage());
    }

    /** Sends {@code text} with Enter through the passphrase box; the guest reads exactly it at prompt {@code n}. */
    private static void assertReads(LockedVm vm, ConsolePage page, int n, String text) {
        vm.awaitPrompt(n, ANSWER_TIMEOUT);
        page.pastePassphraseInBox(text, true).waitForPassphraseSent();
        LockedVm.Attempt attempt = vm.awaitAttempt(n, ANSWER_TIMEOUT);
        assertEquals(HexFormat.of().formatHex(text.getBytes(StandardCharsets.UTF_8)),
                HexFormat.of().formatHex(attempt.read()), "the guest read: " + attempt.text());
    }
}
