package dev.keyhole.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keyhole.e2e.fixtures.EvidenceExtension;
import dev.keyhole.e2e.fixtures.HostEvents;
import dev.keyhole.e2e.fixtures.VirtualBoxExtension;
import dev.keyhole.e2e.fixtures.VirtualBoxWebService;
import dev.keyhole.server.KeyholeServer;
import dev.keyhole.server.config.VirtualBoxHostConfig;
import dev.keyhole.server.virtualbox.HostStatus;
import dev.keyhole.server.virtualbox.VirtualBoxException;
import dev.keyhole.server.virtualbox.WebServiceVirtualBoxHost;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A web service with the {@code default} auth library (the host's own users) refuses wrong credentials. */
@ExtendWith({VirtualBoxExtension.class, EvidenceExtension.class})
@VirtualBoxExtension.AuthLibrary("default")
class VirtualBoxLogonTest {

    @Test
    void wrongCredentialsGiveAClearError(VirtualBoxWebService vbox) {
        KeyholeServer.Threads threads = KeyholeServer.Threads.start();
        try (WebServiceVirtualBoxHost host = new WebServiceVirtualBoxHost(VirtualBoxHostConfig.builder("lab", vbox.url())
                .username("keyhole-nobody").password("not-the-password").build(), threads.work(), threads.timers())) {
            HostEvents events = new HostEvents();
            host.watch(events);

            HostStatus status = events.awaitHost(HostStatus.State.UNREACHABLE, Duration.ofSeconds(30));

            assertTrue(status.message().contains("the VirtualBox web service refused the logon"), status.message());
            assertTrue(!status.message().contains("keyhole-nobody"), "the message (shown to browsers) has no user name");
            assertTrue(status.message().contains("wrong user name or password"), status.message());
            assertTrue(!status.message().contains("not-the-password"), "the password is never shown");
            assertEquals(HostStatus.State.UNREACHABLE, host.status().state());
            VirtualBoxException e = assertThrows(VirtualBoxException.class, host::machines);
            assertTrue(e.getMessage().contains("not connected"), e.getMessage());
        } finally {
            threads.close();
        }
    }
}
