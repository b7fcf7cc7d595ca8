package dev.keyhole.e2e.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keyhole.e2e.fixtures.Browser;
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
 * Keyhole reads a real VM's console over VNC (QEMU, a Linux initramfs at its LUKS prompt) with nobody viewing it,
 * through a wrong passphrase, the right one, the boot going on, and the VM's next boot at its prompt again.
 */
@KeyholeE2E
class WatchingVmTest {

    private static final String TARGET = "watched-vm";
    private static final String LAYOUT = "en-us-qwerty";
    /** A test string: this VM reports what it reads. */
    private static final String PASSPHRASE = "watch-me-unlock-42";
    /** How soon after the screen shows something Keyhole must have read it. */
    private static final Duration READ_WITHIN = Duration.ofSeconds(5);

    /** The VM, booted for the class; it reboots once unlocked. */
    static LockedVm vm(Fixtures fixtures) {
        return fixtures.ofTheClass("vm", LockedVm.class, dir -> LockedVm.bootRebootingOnUnlock(LAYOUT, dir, PASSPHRASE));
    }

    /** Keyhole watching the VM's console (the default for a configured target). */
    static final class Watched implements KeyholeSetup {
        @Override
        public void configure(KeyholeConfig.Builder config, Fixtures fixtures) {
            config.target(VmKeyhole.target(TARGET, vm(fixtures), LAYOUT));
        }
    }

    @Test
    void theVmReadsWaitingWrongBootingAndWaitingAgainAfterItsReboot(
            @InjectKeyhole(Watched.class) RunningKeyhole keyhole, Fixtures fixtures, Browser browser) {
        LockedVm vm = vm(fixtures);
        vm.awaitPrompt(1, LockedVm.BOOT_TIMEOUT);
        keyhole.awaitScreen(TARGET, ConsoleState.WAITING_FOR_PASSPHRASE, READ_WITHIN);

        VmKeyhole.type(browser, keyhole, TARGET, "not-the-passphrase");
        assertTrue(!vm.awaitAttempt(1, Duration.ofSeconds(60)).unlocked(), "the wrong passphrase unlocked");
        vm.awaitPrompt(2, Duration.ofSeconds(30));
        keyhole.awaitScreen(TARGET, ConsoleState.WRONG_PASSPHRASE, READ_WITHIN);

        VmKeyhole.type(browser, keyhole, TARGET, PASSPHRASE);
        assertTrue(vm.awaitAttempt(2, Duration.ofSeconds(60)).unlocked(), "the passphrase did not unlock");
        keyhole.awaitScreen(TARGET, ConsoleState.BOOTING, READ_WITHIN);

        // Its next boot stops at the prompt again, and Keyhole, still watching, sees it.
        vm.awaitBoot(2, LockedVm.BOOT_TIMEOUT);
        vm.awaitPrompt(1, LockedVm.BOOT_TIMEOUT);
        keyhole.awaitScreen(TARGET, ConsoleState.WAITING_FOR_PASSPHRASE, READ_WITHIN);
        assertEquals(2, vm.boots());
    }
}
