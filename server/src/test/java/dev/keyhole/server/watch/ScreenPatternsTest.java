package dev.keyhole.server.watch;

import static dev.keyhole.server.watch.ConsoleState.BOOTING;
import static dev.keyhole.server.watch.ConsoleState.GRUB_MENU;
import static dev.keyhole.server.watch.ConsoleState.UNKNOWN;
import static dev.keyhole.server.watch.ConsoleState.WAITING_FOR_PASSPHRASE;
import static dev.keyhole.server.watch.ConsoleState.WRONG_PASSPHRASE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** One case per built-in pattern, as consoles print it (and as text recognition reads it), and the rules around. */
class ScreenPatternsTest {

    private final ScreenPatterns patterns = ScreenPatterns.builtIn();

    @ParameterizedTest(name = "{1}: {0}")
    @CsvSource(delimiter = '|', value = {
        // cryptsetup's own prompt (Keyhole's demo console and QEMU VM), with the cursor read as a letter
        "Enter passphrase for disk.img: J | WAITING_FOR_PASSPHRASE",
        "Enter passphrase for /dev/sda3: | WAITING_FOR_PASSPHRASE",
        // Debian's initramfs (cryptroot's askpass)
        "Please unlock disk sda3_crypt: | WAITING_FOR_PASSPHRASE",
        // systemd-cryptsetup, with its key emoji read as noise
        "@ Please enter passphrase for disk WDC (luks-0c5e): | WAITING_FOR_PASSPHRASE",
        // GRUB's cryptomount
        "Enter passphrase for hd0,gpt2 (c0ffee00deadbeef): | WAITING_FOR_PASSPHRASE",
        // refusals: cryptsetup, GRUB, systemd
        "No key available with this passphrase. | WRONG_PASSPHRASE",
        "error: Invalid passphrase. | WRONG_PASSPHRASE",
        "Failed to activate with specified passphrase. (Passphrase incorrect?) | WRONG_PASSPHRASE",
        // GRUB's menu
        "GNU GRUB  version 2.06-13+deb12u1 | GRUB_MENU",
        "Use the ^ and v keys to select which entry is highlighted. | GRUB_MENU",
        "The highlighted entry will be executed automatically in 87s. | GRUB_MENU",
        "Press enter to boot the selected OS, 'e' to edit the commands | GRUB_MENU",
        // anything else with words is a boot going on
        "[    1.234567] Run /init as init process | BOOTING",
    })
    void eachBuiltInPatternReadsAsItsState(String line, ConsoleState state) {
        assertEquals(state, patterns.classify(line));
    }

    @Test
    void aPromptUnderARefusalIsAWrongPassphrase() {
        assertEquals(WRONG_PASSPHRASE, patterns.classify("""
                Keyhole demo - disk.img is locked
                Enter passphrase for disk.img:
                No key available with this passphrase.

                Keyhole demo - disk.img is locked
                Enter passphrase for disk.img: J
                """));
    }

    @Test
    void aRefusalAboveAnEarlierPromptDoesNotCount() {
        // The refusal belongs to the first prompt, which the second replaced (e.g. the VM was reset).
        assertEquals(WAITING_FOR_PASSPHRASE, patterns.classify("""
                No key available with this passphrase.
                Please unlock disk disk.img:
                Please unlock disk disk.img:
                """));
    }

    @Test
    void textUnderThePromptMeansTheConsoleWentOn() {
        assertEquals(BOOTING, patterns.classify("""
                Enter passphrase for disk.img:
                disk.img unlocked: passphrase accepted
                """));
    }

    @Test
    void aBlankScreenOrOneWithOnlyACursorIsUnknown() {
        assertEquals(UNKNOWN, patterns.classify(""));
        assertEquals(UNKNOWN, patterns.classify("\n  _ \n|\n"));
    }

    @Test
    void casesAndExtraSpacesDoNotMatter() {
        assertEquals(WAITING_FOR_PASSPHRASE, patterns.classify("ENTER PASSPHRASE FOR disk.img:"));
        assertEquals(GRUB_MENU, patterns.classify("GNU GRUB   version 2.12"));
    }

    @Test
    void theConfigurationAddsPatterns() {
        ScreenPatterns extended = patterns.with(Map.of(WAITING_FOR_PASSPHRASE, List.of("^Unlock passphrase for .*:"),
                WRONG_PASSPHRASE, List.of("Bad passphrase")));
        assertEquals(BOOTING, patterns.classify("Unlock passphrase for root:"));
        assertEquals(WAITING_FOR_PASSPHRASE, extended.classify("Unlock passphrase for root:"));
        assertEquals(WRONG_PASSPHRASE, extended.classify("Bad passphrase, try again"));
        assertEquals(WAITING_FOR_PASSPHRASE, extended.classify("Enter passphrase for disk.img:"),
                "the built-in patterns stay");
    }

    @Test
    void aPatternThatIsNoRegularExpressionIsRefusedWithWhy() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> ScreenPatterns.check("Enter (passphrase"));
        assertTrue(refused.getMessage().startsWith("is not a regular expression: Unclosed group"),
                refused.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ScreenPatterns.check(" "));
    }
}
