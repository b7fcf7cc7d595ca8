package dev.keyhole.server.tunnel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.guacamole.protocol.GuacamoleStatus;
import org.junit.jupiter.api.Test;

class TunnelStatusTest {

    @Test
    void guacamolesStatusesKeepTheirCodes() {
        TunnelStatus status = TunnelStatus.of(GuacamoleStatus.UPSTREAM_NOT_FOUND);
        assertEquals(0x0207, status.code());
        assertEquals(1011, status.webSocketCode());
        assertEquals("UPSTREAM_NOT_FOUND", status.toString());
    }

    @Test
    void aKeyboardSwitchIsNoErrorAndNoneOfGuacamolesCodes() {
        TunnelStatus switched = TunnelStatus.KEYBOARD_SWITCHED;
        // guacamole-common-js: Guacamole.Status#isError is code < 0 || code > 0x00FF; 0 would reach no onerror.
        assertTrue(switched.code() > 0 && switched.code() <= 0x00FF, "in the range that is no error, not 0");
        assertNull(GuacamoleStatus.fromGuacamoleStatusCode(switched.code()), "not one of Guacamole's codes");
        assertEquals(0x0080, switched.code(), "documented in the README and in the page's status.js");
        assertEquals(1012, switched.webSocketCode(), "WebSocket's Service Restart");
    }

    @Test
    void goingAwayKeepsTheCodeAndSaysTheServerLeaves() {
        TunnelStatus busy = TunnelStatus.of(GuacamoleStatus.SERVER_BUSY).goingAway();
        assertEquals(0x0201, busy.code());
        assertEquals(1001, busy.webSocketCode());
    }
}
