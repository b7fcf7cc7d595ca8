package dev.keyhole.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keyhole.e2e.fixtures.Browser;
import dev.keyhole.e2e.fixtures.BrowserExtension;
import dev.keyhole.e2e.fixtures.E2ePaths;
import dev.keyhole.e2e.fixtures.EvidenceExtension;
import dev.keyhole.e2e.fixtures.Fixtures;
import dev.keyhole.e2e.fixtures.InjectKeyhole;
import dev.keyhole.e2e.fixtures.KeyholeServerExtension;
import dev.keyhole.e2e.fixtures.KeyholeSetup;
import dev.keyhole.e2e.fixtures.RunningKeyhole;
import dev.keyhole.e2e.fixtures.VirtualBoxExtension;
import dev.keyhole.e2e.fixtures.VirtualBoxWebService;
import dev.keyhole.e2e.fixtures.Waits;
import dev.keyhole.e2e.pages.MachinesSection;
import dev.keyhole.e2e.pages.TargetsPage;
import dev.keyhole.server.config.KeyholeConfig;
import dev.keyhole.server.config.VirtualBoxHostConfig;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The targets page shows the VMs of a real VirtualBox host and follows their registration live. */
@ExtendWith({VirtualBoxExtension.class, KeyholeServerExtension.class, BrowserExtension.class, EvidenceExtension.class})
class VirtualBoxTargetsPageTest {

    private static RunningKeyhole keyhole;

    /** The class's VirtualBox host, with a German keyboard and a port range for consoles the page turns on. */
    static final class Lab implements KeyholeSetup {
        @Override
        public void configure(KeyholeConfig.Builder config, Fixtures fixtures) {
            config.virtualBoxHost(VirtualBoxHostConfig.builder("lab", fixtures.virtualBox().url())
                    .username("keyhole").consoleHost("127.0.0.1").vrdePorts("5000-5050")
                    .serverLayout("de-de-qwertz").build());
        }
    }

    /** The same host, logged on to with a user name and password the API must never show. */
    static final class LabWithCredentials implements KeyholeSetup {
        static final String USER = "keyhole-user";
        static final String PASSWORD = "pw-" + Long.toHexString(System.nanoTime());

        @Override
        public void configure(KeyholeConfig.Builder config, Fixtures fixtures) {
            config.virtualBoxHost(VirtualBoxHostConfig.builder("lab", fixtures.virtualBox().url())
                    .username(USER).password(PASSWORD).build());
        }
    }

    @BeforeAll
    static void keepKeyhole(@InjectKeyhole(Lab.class) RunningKeyhole server) {
        keyhole = server;
    }

    @Test
    void aVmsRowAppearsAndGoesLiveWhenItIsRegisteredAndDeleted(VirtualBoxWebService vbox, Browser browser)
            throws IOException {
        vbox.createVm("Page Alpha");
        TargetsPage.open(browser, keyhole);
        MachinesSection machines = new MachinesSection(browser.driver());
        machines.waitForRow("page-alpha", "powered-off");
        machines.waitForLiveUpdates();

        vbox.createVm("Page Beta");
        machines.waitForRow("page-beta", "powered-off");
        vbox.vboxManage("modifyvm", "Page Beta", "--vrde", "on");
        assertTrue(machines.targets().contains("page-alpha"), machines.describe());

        machines.waitForRow("page-beta", "powered-off");
        String result = machines.act("page-beta", "start");
        assertTrue(result.contains("terminated unexpectedly during startup"), "VirtualBox's own error: " + result);
        // For people to look at: the VM rows with a failed start.
        Files.write(Files.createDirectories(E2ePaths.target().resolve("screenshots")).resolve("targets-vms.png"),
                browser.screenshot());

        vbox.deleteVm("Page Beta");
        machines.waitForNoRow("page-beta");
        machines.waitForRow("page-alpha", "powered-off");
    }

    @Test
    void aVmsConsoleIsTurnedOnFromThePageInTheHostsPortRange(VirtualBoxWebService vbox, Browser browser) {
        vbox.createVm("Console Zeta");
        vbox.vboxManage("modifyvm", "Console Zeta", "--vrde", "off");
        TargetsPage.open(browser, keyhole);
        MachinesSection machines = new MachinesSection(browser.driver());
        machines.waitForRow("console-zeta", "powered-off");
        machines.waitForLiveUpdates();

        String result = machines.act("console-zeta", "enable-console");

        assertEquals("Done.", result);
        machines.waitForVrde("console-zeta", "vnc");
        String info = vbox.vboxManage("showvminfo", "Console Zeta", "--machinereadable");
        assertTrue(info.contains("vrde=\"on\""), info);
        assertTrue(info.contains("vrdeports=\"5000-5050\""), info);
        assertTrue(info.contains("vrdeaddress=\"127.0.0.1\""), info);
    }

    @Test
    void aVncVmTypesWithItsHostsKeyboardLayout(VirtualBoxWebService vbox) throws Exception {
        vbox.createVm("Keys Eta");
        vbox.vboxManage("modifyvm", "Keys Eta", "--vrde", "on", "--vrde-extpack", "VNC");
        HttpClient http = HttpClient.newHttpClient();
        JsonNode[] target = {null};
        Waits.until("GET /api/targets to list keys-eta as a VNC console", Duration.ofSeconds(30),
                () -> String.valueOf(target[0]), () -> {
                    target[0] = targetNamed(http, "keys-eta");
                    return target[0] != null && target[0].path("protocol").asText().equals("vnc");
                });
        assertEquals("de-de-qwertz", target[0].path("keyboard").path("layout").asText(),
                "the passphrase box types for the host's German keyboard: " + target[0]);
    }

    /** The target of that name in {@code GET /api/targets}, or null (also when the request fails). */
    private static JsonNode targetNamed(HttpClient http, String name) {
        try {
            String body = http.send(HttpRequest.newBuilder(keyhole.uri().resolve("/api/targets"))
                    .headers(keyhole.signedIn().headerArray()).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            for (JsonNode t : new ObjectMapper().readTree(body).path("targets")) {
                if (t.path("name").asText().equals(name)) {
                    return t;
                }
            }
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return null;
    }

    @Test
    void aHostWhoseWebServiceIsKilledIsShownUnreachableUntilItIsBack(VirtualBoxWebService vbox, Browser browser) {
        vbox.createVm("Outage Gamma");
        TargetsPage.open(browser, keyhole);
        MachinesSection machines = new MachinesSection(browser.driver());
        machines.waitForRow("outage-gamma", "powered-off");
        machines.waitForLiveUpdates();

        vbox.killService();
        try {
            String notice = machines.waitForHostNotice("lab", "unreachable");
            assertTrue(notice.contains("VirtualBox host lab is unreachable"), notice);
            assertFalse(notice.contains(Integer.toString(vbox.url().getPort())),
                    "the page never shows the web service's URL: " + notice);
        } finally {
            vbox.startService();
        }
        machines.waitForHostReachable("lab");
        vbox.createVm("Outage Delta");
        machines.waitForRow("outage-delta", "powered-off");
    }

    @Test
    void theApiNeverShowsTheWebServiceOrItsCredentials(VirtualBoxWebService vbox,
            @InjectKeyhole(LabWithCredentials.class) RunningKeyhole server) throws Exception {
        vbox.createVm("Api Epsilon");
        String password = LabWithCredentials.PASSWORD;
        HttpClient http = HttpClient.newHttpClient();
        String[] machines = {""};
        // The host logs on in the background: wait for its first list.
        Waits.until("GET /api/machines to list api-epsilon", Duration.ofSeconds(30), () -> machines[0], () -> {
            try {
                machines[0] = http.send(HttpRequest.newBuilder(server.uri().resolve("/api/machines"))
                        .headers(server.signedIn().headerArray()).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
            } catch (IOException e) {
                machines[0] = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return machines[0].contains("api-epsilon");
        });
        String targets = http.send(HttpRequest.newBuilder(server.uri().resolve("/api/targets"))
                .headers(server.signedIn().headerArray()).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertTrue(machines[0].contains("\"target\":\"api-epsilon\""), machines[0]);
        assertTrue(targets.contains("\"name\":\"api-epsilon\""), targets);
        for (String body : new String[] {machines[0], targets}) {
            assertFalse(body.contains(Integer.toString(vbox.url().getPort())), "no web service port: " + body);
            assertFalse(body.contains(password), "no password");
            assertFalse(body.contains(LabWithCredentials.USER), "no user name: " + body);
            assertFalse(body.contains("127.0.0.1"), "no address: " + body);
        }
    }
}
