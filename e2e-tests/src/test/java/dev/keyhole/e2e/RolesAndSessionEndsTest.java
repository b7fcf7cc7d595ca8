package dev.keyhole.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keyhole.e2e.fixtures.KeyholeE2E;
import dev.keyhole.e2e.fixtures.LockedConsole;
import dev.keyhole.e2e.fixtures.RunningKeyhole;
import dev.keyhole.e2e.fixtures.SignedIn;
import dev.keyhole.e2e.fixtures.Waits;
import dev.keyhole.server.accounts.Role;
import dev.keyhole.server.accounts.User;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

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
