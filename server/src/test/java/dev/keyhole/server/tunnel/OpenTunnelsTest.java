package dev.keyhole.server.tunnel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keyhole.server.access.Caller;
import dev.keyhole.server.access.TestCallers;
import dev.keyhole.server.config.LimitsConfig;
import java.nio.ByteBuffer;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class OpenTunnelsTest {

    private final OpenTunnels open = new OpenTunnels(new LimitsConfig(4, 2, 3, 1, 1, Duration.ofSeconds(10)));

    @Test
    void countsPerAddressPerTargetAndInTotal() {
        assertNull(open.admit(tunnel("192.0.2.1", "a")));
        assertNull(open.admit(tunnel("192.0.2.1", "b")));
        assertTrue(open.admit(tunnel("192.0.2.1", "c")).contains("limits.tunnels-per-address"));
        assertNull(open.admit(tunnel("192.0.2.2", "a")));
        assertNull(open.admit(tunnel("192.0.2.3", "a")));
        assertTrue(open.admit(tunnel("192.0.2.4", "b")).contains("(limits.tunnels)"), "4 in total");
        assertEquals(4, open.all().size());
    }

    @Test
    void aTunnelThatEndedMakesRoom() {
        Tunnel first = tunnel("192.0.2.1", "a");
        assertNull(open.admit(first));
        assertNull(open.admit(tunnel("192.0.2.2", "a")));
        assertNull(open.admit(tunnel("192.0.2.3", "a")));
        assertTrue(open.admit(tunnel("192.0.2.4", "a")).contains("limits.tunnels-per-target"));
        open.remove(first);
        open.remove(first);
        assertNull(open.admit(tunnel("192.0.2.4", "a")));
        assertTrue(open.admit(tunnel("192.0.2.5", "a")).contains("limits.tunnels-per-target"),
                "removing twice freed one place only");
    }

    private static Tunnel tunnel(String address, String target) {
        return new Tunnel(new TunnelRequest(target, TestCallers.operator(address)), new BrowserChannel() {
            @Override
            public void send(ByteBuffer utf8, SendCallback callback) {
                callback.sent();
            }

            @Override
            public void close(TunnelStatus status, String message) {
            }
        }, tunnel -> { });
    }
}
