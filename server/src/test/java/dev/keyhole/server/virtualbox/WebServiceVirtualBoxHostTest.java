package dev.keyhole.server.virtualbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.keyhole.server.config.VirtualBoxHostConfig;
import dev.keyhole.server.targets.Protocol;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The mapping from the web service's answers for what no machine here can show for real (no VM can run without
 * VirtualBox's kernel driver): a running VM's active VRDE port and Guest Additions hint, reset, power button,
 * an API version that is not 7.x. The answers are canned, in the exact shape {@code vboxwebsrv} 7.2 sends.
 */
class WebServiceVirtualBoxHostTest {

    private static final String UUID = "8f3c1c9e-2b7a-4c61-9d0e-6a1f0b2c3d4e";
    private static final Pattern OPERATION = Pattern.compile("<v:(\\w+) ");
    private static final Pattern LOCK_TYPE = Pattern.compile("<lockType>(\\w+)</lockType>");

    private HttpServer server;
    private final ExecutorService pool = Executors.newCachedThreadPool();
    /** The threads the composition root would give the host: its event loop runs on them. */
    private final ExecutorService work = Executors.newCachedThreadPool();
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
    private final Map<String, String> answers = new ConcurrentHashMap<>();
    private final List<String> calls = new CopyOnWriteArrayList<>();
    private final Map<String, String> bodies = new ConcurrentHashMap<>();
    private final CountDownLatch never = new CountDownLatch(1);
    private WebServiceVirtualBoxHost host;

    @BeforeEach
    void fakeWebService() throws IOException {
        answers.put("IWebsessionManager_logon", "<returnval>vb-1</returnval>");
        answers.put("IVirtualBox_getAPIVersion", "<returnval>7_2</returnval>");
        answers.put("IVirtualBox_getVersion", "<returnval>7.2.22</returnval>");
        answers.put("IVirtualBox_getEventSource", "<returnval>es-1</returnval>");
        answers.put("IEventSource_createListener", "<returnval>l-1</returnval>");
        answers.put("IVirtualBox_findMachine", "<returnval>m-1</returnval>");
        answers.put("IMachine_getId", "<returnval>" + UUID + "</returnval>");
        answers.put("IMachine_getName", "<returnval>Web 1</returnval>");
        answers.put("IMachine_getState", "<returnval>Running</returnval>");
        answers.put("IMachine_getVRDEServer", "<returnval>vr-1</returnval>");
        answers.put("IVRDEServer_getEnabled", "<returnval>true</returnval>");
        answers.put("IVRDEServer_getVRDEProperty", "<returnval>5000-5010</returnval>");
        answers.put("IVRDEServer_getVRDEExtPack", "<returnval></returnval>");
        answers.put("IWebsessionManager_getSessionObject", "<returnval>s-1</returnval>");
        answers.put("ISession_getConsole", "<returnval>c-1</returnval>");
        answers.put("ISession_getState", "<returnval>Locked</returnval>");
        answers.put("IConsole_getVRDEServerInfo", "<returnval><active>true</active><port>5003</port>"
                + "<numberOfClients>0</numberOfClients><beginTime>0</beginTime><endTime>0</endTime>"
                + "<bytesSent>0</bytesSent><bytesSentTotal>0</bytesSentTotal><bytesReceived>0</bytesReceived>"
                + "<bytesReceivedTotal>0</bytesReceivedTotal><user></user><domain></domain><clientName></clientName>"
                + "<clientIP></clientIP><clientVersion>0</clientVersion><encryptionStyle>0</encryptionStyle>"
                + "</returnval>");
        answers.put("IConsole_getGuest", "<returnval>g-1</returnval>");
        answers.put("IGuest_getAdditionsRunLevel", "<returnval>None</returnval>");

        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Matcher m = OPERATION.matcher(body);
            String op = m.find() ? m.group(1) : "?";
            Matcher lock = LOCK_TYPE.matcher(body);
            calls.add(op + (lock.find() ? ":" + lock.group(1) : ""));
            bodies.put(op, body);
            if (op.equals("IEventSource_getEvent")) {
                try {
                    never.await(200, TimeUnit.MILLISECONDS); // an idle service answers after the timeout
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            String answer = answers.getOrDefault(op, "");
            byte[] out = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><SOAP-ENV:Envelope "
                    + "xmlns:SOAP-ENV=\"http://schemas.xmlsoap.org/soap/envelope/\" xmlns:vbox=\"http://www.virtualbox.org/\">"
                    + "<SOAP-ENV:Body><vbox:" + op + "Response>" + answer + "</vbox:" + op + "Response>"
                    + "</SOAP-ENV:Body></SOAP-ENV:Envelope>").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, out.length);
            exchange.getResponseBody().write(out);
            exchange.close();
        });
        // Like vboxwebsrv, answer calls in parallel (getEvent waits while other calls go on).
        server.setExecutor(pool);
        server.start();
    }

    @AfterEach
    void stop() {
        if (host != null) {
            host.close();
        }
        server.stop(0);
        pool.shutdownNow();
        work.shutdownNow();
        timers.shutdownNow();
    }

    private HostStatus connect() throws InterruptedException {
        host = new WebServiceVirtualBoxHost(VirtualBoxHostConfig.builder("lab",
                URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/")).username("u").password("p")
                .build(), work, timers);
        LinkedBlockingQueue<HostStatus> statuses = new LinkedBlockingQueue<>();
        host.watch(new VirtualBoxHost.Watcher() {
            @Override
            public void hostChanged(HostStatus status) {
                statuses.add(status);
            }

            @Override
            public void machineChanged(String machineId) {
            }

            @Override
            public void machineRegistered(String machineId, boolean registered) {
            }
        });
        HostStatus status = statuses.poll(10, TimeUnit.SECONDS);
        assertTrue(status != null, "the host reported no state within 10 s");
        return status;
    }

    @Test
    void aRunningVmShowsItsActiveVrdePortAndTheBootingHint() throws InterruptedException {
        assertEquals(HostStatus.State.REACHABLE, connect().state());

        Machine m = host.machine(UUID).orElseThrow();

        assertEquals(MachineState.RUNNING, m.state());
        assertEquals("5000-5010", m.vrde().ports());
        assertEquals(OptionalInt.of(5003), m.vrde().activePort());
        assertEquals(OptionalInt.of(5003), m.vrde().consolePort(), "the active port wins over the range");
        assertEquals(Protocol.RDP, m.vrde().protocol(), "no extension pack named: VirtualBox's own VRDP");
        assertEquals(Machine.GuestStatus.BOOTING, m.guest());
        assertTrue(calls.contains("IMachine_lockMachine:Shared"), calls.toString());
        assertTrue(calls.contains("ISession_unlockMachine"), "the console is unlocked again: " + calls);
    }

    @Test
    void guestAdditionsUpMeanBooted() throws InterruptedException {
        answers.put("IGuest_getAdditionsRunLevel", "<returnval>Userland</returnval>");
        connect();
        assertEquals(Machine.GuestStatus.BOOTED, host.machine(UUID).orElseThrow().guest());
    }

    @Test
    void aVrdeServerThatCouldNotBindHasNoActivePort() throws InterruptedException {
        answers.put("IConsole_getVRDEServerInfo", "<returnval><active>false</active><port>-1</port></returnval>");
        answers.put("IVRDEServer_getVRDEExtPack", "<returnval>VNC</returnval>");
        connect();
        Machine m = host.machine(UUID).orElseThrow();
        assertEquals(OptionalInt.empty(), m.vrde().activePort());
        assertEquals(OptionalInt.empty(), m.vrde().consolePort());
        assertEquals(Protocol.VNC, m.vrde().protocol());
    }

    @Test
    void resetAndPowerButtonUseTheConsoleOfASharedLock() throws InterruptedException {
        connect();
        calls.clear();
        host.reset(UUID);
        host.powerButton(UUID);
        List<String> console = calls.stream().filter(c -> c.startsWith("IConsole_") || c.startsWith("IMachine_lock")
                || c.equals("ISession_unlockMachine")).toList();
        assertEquals(List.of("IMachine_lockMachine:Shared", "IConsole_reset", "ISession_unlockMachine",
                "IMachine_lockMachine:Shared", "IConsole_powerButton", "ISession_unlockMachine"), console);
    }

    @Test
    void aThumbnailIsThePngOfTheFirstScreenScaledDown() throws InterruptedException {
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10};
        answers.put("IConsole_getDisplay", "<returnval>d-1</returnval>");
        answers.put("IDisplay_getScreenResolution", "<width>1024</width><height>768</height>"
                + "<bitsPerPixel>32</bitsPerPixel><xOrigin>0</xOrigin><yOrigin>0</yOrigin>"
                + "<guestMonitorStatus>Enabled</guestMonitorStatus>");
        answers.put("IDisplay_takeScreenShotToArray",
                "<returnval>" + java.util.Base64.getEncoder().encodeToString(png) + "</returnval>");
        connect();
        calls.clear();

        assertTrue(java.util.Arrays.equals(png, host.screenshot(UUID, 320)));
        assertTrue(calls.contains("IDisplay_takeScreenShotToArray"), calls.toString());
        String request = bodies.get("IDisplay_takeScreenShotToArray");
        assertTrue(request.contains("<width>320</width><height>240</height><bitmapFormat>PNG</bitmapFormat>"),
                "scaled to 320x240 as PNG: " + request);
    }

    @Test
    void closingLogsOff() throws InterruptedException {
        connect();
        host.close();
        assertTrue(calls.contains("IEventSource_unregisterListener"), calls.toString());
        assertTrue(calls.contains("IWebsessionManager_logoff"), calls.toString());
        host = null;
    }

    @Test
    void anUnknownStateIsShownAsUnknownNotAFailure() throws InterruptedException {
        answers.put("IMachine_getState", "<returnval>Hibernating</returnval>");
        connect();
        Machine m = host.machine(UUID).orElseThrow();
        assertEquals(MachineState.UNKNOWN, m.state());
        assertEquals("Hibernating", m.stateName());
        assertEquals(Machine.GuestStatus.NOT_RUNNING, m.guest());
    }

    @Test
    void anApiOtherThan7IsRefusedClearly() throws InterruptedException {
        answers.put("IVirtualBox_getAPIVersion", "<returnval>6_1</returnval>");
        answers.put("IVirtualBox_getVersion", "<returnval>6.1.50</returnval>");
        HostStatus status = connect();
        assertEquals(HostStatus.State.UNREACHABLE, status.state());
        assertTrue(status.message().contains("runs VirtualBox 6.1.50 (API 6_1); Keyhole supports VirtualBox 7.x only"),
                status.message());
        assertTrue(calls.contains("IWebsessionManager_logoff"), "it logs off again: " + calls);
    }

    @Test
    void apiVersions() {
        assertTrue(WebServiceVirtualBoxHost.isSupportedApi("7_0"));
        assertTrue(WebServiceVirtualBoxHost.isSupportedApi("7_2"));
        assertTrue(WebServiceVirtualBoxHost.isSupportedApi("7_10"));
        assertFalse(WebServiceVirtualBoxHost.isSupportedApi("6_1"));
        assertFalse(WebServiceVirtualBoxHost.isSupportedApi("8_0"));
        assertFalse(WebServiceVirtualBoxHost.isSupportedApi(null));
    }

    @Test
    void faultTextsLoseTheirPrefix() {
        assertEquals("The given session is busy (0x80bb0007)",
                SoapClient.cleanFaultText("VirtualBox error: apirc=0x80bb0007 The given session is busy (0x80bb0007)"));
        assertEquals("Invalid managed object reference \"x\"",
                SoapClient.cleanFaultText("VirtualBox error: Invalid managed object reference \"x\""));
        assertEquals("the VirtualBox web service refused the call without a reason", SoapClient.cleanFaultText(null));
    }

    @Test
    void everyStateOf72IsKnown() {
        for (String s : List.of("Null", "PoweredOff", "Saved", "Teleported", "Aborted", "AbortedSaved", "Running",
                "Paused", "Stuck", "Teleporting", "LiveSnapshotting", "Starting", "Stopping", "Saving", "Restoring",
                "TeleportingPausedVM", "TeleportingIn", "DeletingSnapshotOnline", "DeletingSnapshotPaused",
                "OnlineSnapshotting", "RestoringSnapshot", "DeletingSnapshot", "SettingUp", "Snapshotting")) {
            assertEquals(s, MachineState.fromApi(s).apiName());
        }
        assertEquals(MachineState.UNKNOWN, MachineState.fromApi(null));
    }

    @Test
    void targetNamesFromVmNames() {
        assertEquals("web-server-1", VirtualBoxTargetDirectory.slug("Web Server 1"));
        assertEquals("db", VirtualBoxTargetDirectory.slug("--DB--"));
        assertEquals("", VirtualBoxTargetDirectory.slug("ÄÖ"));
    }
}
