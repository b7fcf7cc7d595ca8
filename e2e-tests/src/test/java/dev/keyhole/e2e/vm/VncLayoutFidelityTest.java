package dev.keyhole.e2e.vm;

import static dev.keyhole.e2e.pages.ConsolePage.State.CONNECTED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
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
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Layout fidelity over VNC, with real parts: the browser plans the keys with the layout table, guacd sends
 * them to QEMU's VNC server (key map of the guest's layout, adding no modifiers), and a Linux guest with
 * that console keymap reads them at a LUKS prompt. Every character each layout types arrives byte for byte,
 * and unlocks the disk whose passphrase it is (sent by the page's own keys.js at QEMU's pace: hundreds of
 * keys); a passphrase typed into the console page's passphrase box arrives exactly; a target configured
 * with the wrong layout garbles the text.
 */
@KeyholeE2E
@LockedVmLayouts({"en-us-qwerty", "de-de-qwertz", "fr-fr-azerty"})
class VncLayoutFidelityTest {

    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(90);
    private static final String WRONG_TARGET = "de-guest-declared-us";

    private static RunningKeyhole keyhole;

    /** A target per guest, with its own layout, and the German guest declared as US. */
    static final class LayoutGuests implements KeyholeSetup {
        @Override
        public void configure(KeyholeConfig.Builder config, Fixtures fixtures) {
            LockedVms vms = LockedVmsExtension.pool(fixtures.context());
            for (String layout : List.of("en-us-qwerty", "de-de-qwertz", "fr-fr-azerty")) {
                config.target(VmKeyhole.target(layout, vms.get(layout), layout));
            }
            config.target(VmKeyhole.target(WRONG_TARGET, vms.get("de-de-qwertz"), "en-us-qwerty"));
        }
    }

    @BeforeAll
    static void keepKeyhole(@InjectKeyhole(LayoutGuests.class) RunningKeyhole server) {
        keyhole = server;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"en-us-qwerty", "de-de-qwertz", "fr-fr-azerty"})
    void everyCharacterOfTheLayoutArrivesExactly(String layout, LockedVms vms, Browser browser) {
        LockedVm vm = vms.get(layout);
        String text = LockedVms.passphraseOf(layout);
        assertTrue(text.codePointCount(0, text.length()) >= 95, "the table gives " + layout + " too few characters: " + text);
        String lost = LockedVms.QEMU_CANNOT_TYPE.getOrDefault(layout, "");
        assertTrue(lost.codePoints().allMatch(cp -> LayoutTable.levels(layout).containsKey(Character.toString(cp))),
                "the characters left out for QEMU's sake are all in the " + layout + " table: " + lost);

        LockedVm.Attempt attempt = typeAtNextPrompt(vm, browser, layout, text);

        assertEquals(hex(text), HexFormat.of().formatHex(attempt.read()),
                "the " + layout + " guest read other bytes than were typed; it read: " + attempt.text());
        assertTrue(attempt.unlocked(), "the typed text is the disk's passphrase, yet cryptsetup said " + attempt.status());
    }

    /** Passphrases of a usual length with the characters that need Shift or AltGr on each layout. */
    static Stream<Arguments> passphrases() {
        return Stream.of(
                Arguments.of("en-us-qwerty", "Aa1!zy@#$%^&*()_+-=[]{};:'\",.<>/?\\|`~ Z"),
                Arguments.of("de-de-qwertz", "zyöäüß-/@€\"()=?ZY|{}[]\\~µ²³°§ÄÖÜ'#+*<>"),
                Arguments.of("fr-fr-azerty", "azqwm!é&\"(-è_çà)=@€1?AZ|#{[`\\^]}ù%µ£¤§"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("passphrases")
    void aPassphraseTypedIntoTheBoxArrivesExactly(String layout, String text, LockedVms vms, Browser browser) {
        LockedVm vm = vms.get(layout);
        int prompt = vm.nextPrompt();
        vm.awaitPrompt(prompt, LockedVm.BOOT_TIMEOUT);

        LockedVm.Attempt attempt = browser.inFreshTab(() -> {
            ConsolePage.open(browser, keyhole, layout).waitForState(CONNECTED).sendPassphraseThroughBox(text);
            return vm.awaitAttempt(prompt, ANSWER_TIMEOUT);
        });
        assertEquals(hex(text), HexFormat.of().formatHex(attempt.read()),
                "the " + layout + " guest read other bytes than the box was given; it read: " + attempt.text());
    }

    @Test
    void aWrongLayoutSettingGarblesTheText(LockedVms vms, Browser browser) {
        // The German guest's target declares a US keyboard: the box types for a US keyboard.
        String text = "zyZY@/()";
        LockedVm vm = vms.get("de-de-qwertz");
        int prompt = vm.nextPrompt();
        vm.awaitPrompt(prompt, LockedVm.BOOT_TIMEOUT);
        LockedVm.Attempt attempt = browser.inFreshTab(() -> {
            ConsolePage.open(browser, keyhole, WRONG_TARGET).waitForState(CONNECTED).sendPassphraseThroughBox(text);
            return vm.awaitAttempt(prompt, ANSWER_TIMEOUT);
        });

        // QEMU finds each key symbol on the German keyboard, but the modifiers are the US ones: "@" is held
        // with Shift (Shift + the German @ key, Q, types "Q") and "/" with none (the German / key, 7, types "7").
        assertNotEquals(text, attempt.text(), "a wrong layout setting went unnoticed");
        assertEquals("zyZYQ7()", attempt.text(), "the German guest read other garble than expected");
        assertFalse(attempt.unlocked());
    }

    private static LockedVm.Attempt typeAtNextPrompt(LockedVm vm, Browser browser, String target, String text) {
        int prompt = vm.nextPrompt();
        vm.awaitPrompt(prompt, LockedVm.BOOT_TIMEOUT);
        return browser.inFreshTab(() -> {
            Map<String, Object> sent = VmKeyhole.type(browser, keyhole, target, text);
            assertNull(sent.get("error"), "the page could not send the keys: " + sent);
            return vm.awaitAttempt(prompt, ANSWER_TIMEOUT);
        });
    }

    private static String hex(String text) {
        return HexFormat.of().formatHex(text.getBytes(StandardCharsets.UTF_8));
    }
}
