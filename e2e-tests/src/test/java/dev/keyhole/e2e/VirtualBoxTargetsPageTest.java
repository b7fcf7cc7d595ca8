package dev.keyhole.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keyhole.e2e.fixtures.Browser;
import dev.keyhole.e2e.fixtures.BrowserExtension;
import dev.keyhole.e2e.fixtures.E2ePaths;
import dev.keyhole.e2e.fixtures.EvidenceExtension;
import dev.keyhole.e2e.fixtures.VirtualBoxExtension;
import dev.keyhole.e2e.fixtures.VirtualBoxWebService;
import dev.keyhole.e2e.pages.MachinesSection;
import dev.keyhole.e2e.pages.TargetsPage;
import dev.keyhole.server.KeyholeServer;
import dev.keyhole.server.config.ConfigLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The targets page shows the VMs of a real VirtualBox host and follows their registration live. */
@ExtendWith({VirtualBoxExtension.class, BrowserExtension.class, EvidenceExtension.class})
class VirtualBoxTargetsPageTest {

    private static KeyholeServer keyhole;

    @BeforeAll
    static void startKeyhole(VirtualBoxWebService vbox) throws Exception {
        Path dir = E2ePaths.fixtureDir(VirtualBoxTargetsPageTest.class, "server");
        Path config = dir.resolve("keyhole.yaml");
        Files.writeString(config, """
                http:
                  bind: 127.0.0.1
                  port: 0
                virtualbox:
                  hosts:
                    - name: lab
                      url: %s
                      username: keyhole
                      console-host: 127.0.0.1
                """.formatted(vbox.url()));
        keyhole = KeyholeServer.start(ConfigLoader.load(config));
    }

    @AfterAll
    static void stopKeyhole() throws Exception {
        if (keyhole != null) {
            keyhole.close();
        }
    }

    @Test
    void aVmsRowAppearsAndGoesLiveWhenItIsRegisteredAndDeleted(VirtualBoxWebService vbox, Browser browser)
            throws IOException {
        vbox.createVm("Page Alpha");
        TargetsPage.open(browser, keyhole.uri());
        MachinesSection machines = new MachinesSection(browser.driver());
        machines.waitForRow("page-alpha", "powered-off");
        machines.waitForLiveUpdates();

        vbox.createVm("Page Beta");
        machines.waitForRow("page-beta", "powered-off");
        vbox.vboxManage("modifyvm", "Page Beta", "--vrde", "on");
        assertTrue(machines.targets().contains("page-alpha"), machines.describe());

        String result = machines.act("page-beta", "start");
        assertTrue(result.contains("terminated unexpectedly during startup"), "VirtualBox's own error: " + result);

        vbox.deleteVm("Page Beta");
        machines.waitForNoRow("page-beta");
        machines.waitForRow("page-alpha", "powered-off");
    }
}
