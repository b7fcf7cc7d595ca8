package dev.keyhole.server.targets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.keyhole.server.config.Protocol;
import dev.keyhole.server.config.TargetConfig;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A configured target's logon reaches guacd's connection parameters, and nowhere it could be shown. */
class ConfiguredTargetDirectoryTest {

    private static TargetConfig target(Protocol protocol, String username, String password) {
        return new TargetConfig("t", "T", protocol, "h", 3389, 1024, 768, 96,
                protocol == Protocol.RDP ? Optional.of("any") : Optional.empty(), false, "de-de-qwertz", true,
                List.of(), username, password);
    }

    @Test
    void anRdpLogonBecomesGuacdsUsernameAndPassword() {
        Target t = ConfiguredTargetDirectory.toTarget(target(Protocol.RDP, "operator", "s3cret"));
        assertEquals("operator", t.parameters().get("username"));
        assertEquals("s3cret", t.parameters().get("password"));
        assertEquals("de-de-qwertz", t.parameters().get("server-layout"));
        assertFalse(t.toString().contains("s3cret"), "toString never shows the password: " + t);
    }

    @Test
    void aVncPasswordBecomesGuacdsPassword() {
        Target t = ConfiguredTargetDirectory.toTarget(target(Protocol.VNC, "", "vnc-pass"));
        assertEquals("vnc-pass", t.parameters().get("password"));
        assertNull(t.parameters().get("username"));
    }

    @Test
    void withoutALogonGuacdGetsNeither() {
        Target t = ConfiguredTargetDirectory.toTarget(target(Protocol.RDP, "", ""));
        assertNull(t.parameters().get("username"));
        assertNull(t.parameters().get("password"));
    }
}
