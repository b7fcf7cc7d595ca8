package dev.keyhole.server.tunnel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.keyhole.server.access.Caller;
import dev.keyhole.server.access.TestCallers;
import org.junit.jupiter.api.Test;

class TunnelRequestTest {

    @Test
    void aTargetNameIsShownAsOnePrintableLine() {
        TunnelRequest forged = new TunnelRequest("x\r\n12:00:00.000 INFO \"forged\"\u001b[2J", TestCallers.operator("192.0.2.1"));
        assertEquals("x??12:00:00.000 INFO 'forged'?[2J", forged.shownTarget());
        assertEquals(64 + 1, new TunnelRequest("a".repeat(100), TestCallers.operator("192.0.2.1")).shownTarget().length(),
                "64 characters and an ellipsis");
    }
}
