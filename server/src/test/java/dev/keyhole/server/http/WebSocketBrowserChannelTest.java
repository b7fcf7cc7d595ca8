package dev.keyhole.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keyhole.server.tunnel.TunnelStatus;
import java.nio.charset.StandardCharsets;
import org.apache.guacamole.protocol.GuacamoleStatus;
import org.junit.jupiter.api.Test;

class WebSocketBrowserChannelTest {

    @Test
    void theCloseReasonStartsWithTheGuacamoleStatusCode() {
        assertEquals("519 guacd is not reachable at 127.0.0.1:4822",
                WebSocketBrowserChannel.reason(TunnelStatus.of(GuacamoleStatus.UPSTREAM_NOT_FOUND),
                        "guacd is not reachable at 127.0.0.1:4822"));
    }

    @Test
    void aLongReasonIsCutToWhatACloseFrameCarries() {
        String reason = WebSocketBrowserChannel.reason(TunnelStatus.of(GuacamoleStatus.SERVER_ERROR), "é".repeat(200));
        assertTrue(reason.getBytes(StandardCharsets.UTF_8).length <= 123, reason);
        assertTrue(reason.startsWith("512 éé"), reason);
    }

    @Test
    void keyholesOwnCodesLeadTheReasonAsGuacamolesDo() {
        assertEquals("128 Keyboard switched to initramfs (de-de-qwertz)", WebSocketBrowserChannel.reason(
                TunnelStatus.KEYBOARD_SWITCHED, "Keyboard switched to initramfs (de-de-qwertz)"));
    }
}
