package dev.keyhole.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keyhole.e2e.fixtures.Browser;
import dev.keyhole.e2e.fixtures.E2ePaths;
import dev.keyhole.e2e.fixtures.Fixtures;
import dev.keyhole.e2e.fixtures.InjectKeyhole;
import dev.keyhole.e2e.fixtures.KeyholeE2E;
import dev.keyhole.e2e.fixtures.KeyholeSetup;
import dev.keyhole.e2e.fixtures.LockedTarget;
import dev.keyhole.e2e.fixtures.LockedConsole;
import dev.keyhole.e2e.fixtures.RunningKeyhole;
import dev.keyhole.e2e.fixtures.SignedIn;
import dev.keyhole.e2e.fixtures.Waits;
import dev.keyhole.e2e.pages.ConsolePage;
import dev.keyhole.server.accounts.Role;
import dev.keyhole.server.accounts.User;
import dev.keyhole.server.config.KeyholeConfig;
import dev.keyhole.server.targets.ConsoleSpec;
import dev.keyhole.server.targets.KeyboardStage;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * What a role may do, checked by the server whatever the client sends, and a session's end reaching the consoles
 * it holds: a viewer's raw WebSocket types nothing into the console (its tunnel joins guacd read-only and drops
 * its input), a viewer switches no stage and an operator does not power a VM off; signing out everywhere, or an
 * admin disabling the user, closes their open tunnels within a second with the reason.
 */
@KeyholeE2E
class RolesAndSessionEndsTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    /** A session's end reaches its tunnels within this (the promise). */
    private static final Duration WITHIN = Duration.ofSeconds(1);

    private static SignedIn as(RunningKeyhole keyhole, String name, Role role) {
        User user = keyhole.accounts().users().byName(name)
                .orElseGet(() -> keyhole.accounts().addUser(name, role, List.of(), RunningKeyhole.TEST_PASSWORD));
        return SignedIn.redeem(keyhole.uri(), keyhole.signInLink(user));
    }

    @Test
    void aViewersKeysNeverReachTheConsole(RunningKeyhole keyhole, LockedConsole console) throws Exception {
        RunningKeyhole.Tunnel viewer = new RunningKeyhole.Tunnel(keyhole.tunnel(RunningKeyhole.TARGET).uri(),
                as(keyhole, "vic", Role.VIEWER));
        RawTunnel.awaitConsole(keyhole.tunnel(RunningKeyhole.TARGET));
        int attemptsBefore = console.wrongAttempts();
        try (RawTunnel tunnel = RawTunnel.openUntilItReceives(viewer, 2, WAIT)) {
            for (int key : new int[] {'x', 'y', 'z', 0xff0d}) {
                tunnel.send(RawTunnel.instruction("key", Integer.toString(key), "1")
                        + RawTunnel.instruction("key", Integer.toString(key), "0"));
            }
            tunnel.send(RawTunnel.instruction("mouse", "10", "10", "1"));
            // What an operator types after the viewer's keys shows whether they arrived: the prompt counts one
            // wrong attempt for the operator's "q" and Enter, and would count another for the viewer's Enter.
            try (RawTunnel operator = RawTunnel.openUntilItReceives(keyhole.tunnel(RunningKeyhole.TARGET), 2, WAIT)) {
                for (int key : new int[] {'q', 0xff0d}) {
                    operator.send(RawTunnel.instruction("key", Integer.toString(key), "1")
                            + RawTunnel.instruction("key", Integer.toString(key), "0"));
                }
                Waits.until("the console to count the operator's Enter", WAIT,
                        () -> console.wrongAttempts() + " attempts", () -> console.wrongAttempts() > attemptsBefore);
            }
            assertEquals(attemptsBefore + 1, console.wrongAttempts(),
                    "one attempt (the operator's): the viewer's 'xyz' and Enter never arrived");
        }
    }

    /** The locked console under two more names: web-1 and db-1. */
    static final class WebAndDb implements KeyholeSetup {
        @Override
        public void configure(KeyholeConfig.Builder keyhole, Fixtures fixtures) {
            new LockedTarget().configure(keyhole, fixtures);
            for (String name : List.of("web-1", "db-1")) {
                keyhole.target(LockedTarget.target(name, "Also the locked console", fixtures.lockedConsole(),
                        List.of(new KeyboardStage(ConsoleSpec.SINGLE_STAGE, ConsoleSpec.DEFAULT_LAYOUT))));
            }
        }
    }

    @Test
    void aUserLimitedToWebConsolesFindsNoOther(@InjectKeyhole(WebAndDb.class) RunningKeyhole keyhole)
            throws Exception {
        User limited = keyhole.accounts().addUser("wendy", Role.OPERATOR, List.of("web-*"),
                RunningKeyhole.TEST_PASSWORD);
        SignedIn wendy = SignedIn.redeem(keyhole.uri(), keyhole.signInLink(limited));

        RawHttp.Answer list = RawHttp.send(keyhole.uri(), "GET", "/api/targets", null, wendy.headers(), null);
        assertEquals(200, list.status(), list::toString);
        assertTrue(list.body().contains("\"name\":\"web-1\""), list::toString);
        assertFalse(list.body().contains("db-1") || list.body().contains("\"locked\""), list::toString);

        Map<String, String> json = new LinkedHashMap<>(wendy.headers());
        json.put("Content-Type", "application/json");
        RawHttp.Answer stage = RawHttp.send(keyhole.uri(), "POST", "/api/targets/db-1/stage", null, json,
                "{\"stage\":\"console\"}");
        assertEquals(404, stage.status(), stage::toString);
        assertEquals(RawHttp.send(keyhole.uri(), "POST", "/api/targets/no-such/stage", null, json,
                "{\"stage\":\"console\"}").body(), stage.body(), "the same answer as for no console at all");

        try (RawTunnel tunnel = RawTunnel.open(new RunningKeyhole.Tunnel(keyhole.tunnel("db-1").uri(), wendy))) {
            assertEquals("516 No such console", tunnel.awaitClose(WAIT).reason());
        }
        try (RawTunnel tunnel = RawTunnel.openUntilItReceives(new RunningKeyhole.Tunnel(
                keyhole.tunnel("web-1").uri(), wendy), 2, WAIT)) {
            assertTrue(tunnel.received() > 2, "web-1 opens");
        }
    }

    @Test
    void aViewersConsolePageOffersNoTyping(RunningKeyhole keyhole, Browser browser) throws Exception {
        User vic = keyhole.accounts().users().byName("vic")
                .orElseGet(() -> keyhole.accounts().addUser("vic", Role.VIEWER, List.of(), RunningKeyhole.TEST_PASSWORD));
        browser.signIn(keyhole.signInLink(vic));
        ConsolePage page = ConsolePage.openSignedIn(browser, keyhole.uri(), RunningKeyhole.TARGET)
                .waitForState(ConsolePage.State.CONNECTED);
        WebDriver driver = browser.driver();
        new WebDriverWait(driver, WAIT).withMessage("the page to mark the viewer as watching")
                .until(d -> d.findElement(By.id("watching-pill")).isDisplayed());
        assertFalse(driver.findElement(By.id("typing")).isDisplayed(), "no passphrase box or key bar");
        assertFalse(driver.findElement(By.id("keyboard-button")).isDisplayed(), "no on-screen keyboard");
        java.nio.file.Path shot = E2ePaths.target().resolve("screenshots/console-viewer.png");
        java.nio.file.Files.createDirectories(shot.getParent());
        java.nio.file.Files.write(shot, browser.screenshot());
        assertEquals("connected", page.state(), "the viewer sees the console");
    }

    @Test
    void aViewerSwitchesNoStageAndAnOperatorPowersNoVmOff(RunningKeyhole keyhole) throws Exception {
        Map<String, String> viewer = new LinkedHashMap<>(as(keyhole, "vic", Role.VIEWER).headers());
        viewer.put("Content-Type", "application/json");
        RawHttp.Answer stage = RawHttp.send(keyhole.uri(), "POST", "/api/targets/" + RunningKeyhole.TARGET + "/stage",
                null, viewer, "{\"stage\":\"console\"}");
        assertEquals(403, stage.status(), stage::toString);
        assertTrue(stage.body().contains("only operators and admins"), stage::toString);

        Map<String, String> operator = new LinkedHashMap<>(as(keyhole, "olga", Role.OPERATOR).headers());
        operator.put("X-Keyhole-Action", "power-off");
        RawHttp.Answer off = RawHttp.send(keyhole.uri(), "POST", "/api/machines/web-1/power-off", null, operator, "");
        assertEquals(403, off.status(), off::toString);
        assertTrue(off.body().contains("is for admins"), off::toString);
    }

    @Test
    void signingOutEverywhereClosesTheOpenConsolesWithinASecond(RunningKeyhole keyhole) throws Exception {
        RawTunnel.awaitConsole(keyhole.tunnel(RunningKeyhole.TARGET));
        SignedIn desk = as(keyhole, "otto", Role.OPERATOR);
        SignedIn phone = as(keyhole, "otto", Role.OPERATOR);
        RunningKeyhole.Tunnel fromDesk = new RunningKeyhole.Tunnel(keyhole.tunnel(RunningKeyhole.TARGET).uri(), desk);
        try (RawTunnel console = RawTunnel.openUntilItReceives(fromDesk, 2, WAIT)) {
            long before = System.nanoTime();
            RawHttp.Answer out = RawHttp.send(keyhole.uri(), "POST", "/api/sign-out-everywhere", null,
                    phone.headers(), "{}");
            assertEquals(200, out.status(), out::toString);
            RawTunnel.Close close = console.awaitClose(WAIT);
            Duration took = Duration.ofNanos(System.nanoTime() - before);
            assertEquals("769 You were signed out", close.reason(), close::toString);
            assertTrue(took.compareTo(WITHIN) <= 0, "closed after " + took.toMillis() + " ms");
        }
    }

    @Test
    void disablingAUserClosesTheirConsolesWithinASecond(RunningKeyhole keyhole) throws Exception {
        RawTunnel.awaitConsole(keyhole.tunnel(RunningKeyhole.TARGET));
        SignedIn otto = as(keyhole, "dora", Role.OPERATOR);
        try (RawTunnel console = RawTunnel.openUntilItReceives(new RunningKeyhole.Tunnel(
                keyhole.tunnel(RunningKeyhole.TARGET).uri(), otto), 2, WAIT)) {
            long before = System.nanoTime();
            User dora = keyhole.accounts().users().byName("dora").orElseThrow();
            keyhole.accounts().users().setDisabled(dora.id(), true);
            RawTunnel.Close close = console.awaitClose(WAIT);
            Duration took = Duration.ofNanos(System.nanoTime() - before);
            assertEquals("769 Your account was disabled", close.reason(), close::toString);
            assertTrue(took.compareTo(WITHIN) <= 0, "closed after " + took.toMillis() + " ms");
        }
    }
}
