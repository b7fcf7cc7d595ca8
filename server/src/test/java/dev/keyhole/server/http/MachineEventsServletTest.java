package dev.keyhole.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keyhole.server.audit.AuditFeed;
import dev.keyhole.server.watch.ConsoleReading;
import dev.keyhole.server.watch.ConsoleReadings;
import dev.keyhole.server.watch.ConsoleState;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import dev.keyhole.server.accounts.Role;
import dev.keyhole.server.config.HttpConfig;
import dev.keyhole.server.config.TlsConfig;
import dev.keyhole.server.config.LimitsConfig;
import dev.keyhole.server.virtualbox.HostStatus;
import dev.keyhole.server.virtualbox.MachineChange;
import dev.keyhole.server.virtualbox.MachineTarget;
import dev.keyhole.server.virtualbox.VirtualMachines;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code GET /api/events} on a real Jetty with just this servlet, fed by a {@link VirtualMachines} whose changes
 * the test pushes on its own thread, the way a host's event thread would.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class MachineEventsServletTest {

    /** How long any one awaited thing may take before the test fails saying what it waited for. */
    private static final Duration WAIT = Duration.ofSeconds(30);

    private final PushedMachines machines = new PushedMachines();
    /** What Keyhole reads on the consoles' screens, as the test tells it. */
    private final List<Consumer<ConsoleReading>> readingListeners = new CopyOnWriteArrayList<>();
    private final ConsoleReadings readings = new ConsoleReadings() {
        @Override
        public Optional<ConsoleReading> reading(String target) {
            return Optional.empty();
        }

        @Override
        public Runnable subscribe(Consumer<ConsoleReading> listener) {
            readingListeners.add(listener);
            return () -> readingListeners.remove(listener);
        }
    };
    /** One permit each time the servlet has set up a stream (its {@code doGet} has returned). */
    private final Semaphore streamsOpened = new Semaphore(0);
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
    private MachineEventsServlet servlet;
    private Server server;
    private int port;

    @BeforeEach
    void startServer() throws Exception {
        servlet = new MachineEventsServlet(machines, new ObjectMapper(), LimitsConfig.DEFAULT, timers, AuditFeed.NONE,
                readings);
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        // Longer than any test: a stalled connection must be ended by the servlet, not by Jetty's idle timeout.
        connector.setIdleTimeout(Duration.ofMinutes(10).toMillis());
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/");
        ServletHolder events = new ServletHolder("events", servlet);
        events.setAsyncSupported(true);
        context.addServlet(events, "/api/events");
        FilterHolder opened = new FilterHolder((Filter) (request, response, chain) -> {
            chain.doFilter(request, response);
            streamsOpened.release();
        });
        opened.setAsyncSupported(true);
        context.addFilter(opened, "/api/events", EnumSet.of(DispatcherType.REQUEST));
        FrontDoor door = new FrontDoor(new HttpConfig("127.0.0.1", 0, List.of()), TlsConfig.OFF, connector,
                TestSessions.byCookie(Map.of("web-only", TestSessions.signedIn("wendy", Role.OPERATOR, "web-*"))),
                TestSessions.NO_GUESTS);
        door.setHandler(context);
        server.setHandler(door);
        server.start();
        port = connector.getLocalPort();
    }

    @AfterEach
    void stopServer() throws Exception {
        server.stop();
        timers.shutdownNow();
    }

    @Test
    void aStalledPageIsDroppedWithoutHoldingUpTheHostOrTheOtherPages() throws Exception {
        try (Socket stalled = new Socket()) {
            stalled.setReceiveBufferSize(4096);
            stalled.connect(new InetSocketAddress("127.0.0.1", port));
            stalled.getOutputStream().write(("GET /api/events HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            stalled.getOutputStream().flush();
            EventReader page = EventReader.open(port);
            awaitStreamsOpened(2);
            assertEquals("retry: 2000\n: connected\n\n", page.next());

            // 16 MiB: many times what the stalled socket's buffers, Jetty's buffer and the queue hold together.
            int count = 512;
            String filler = "x".repeat(32 * 1024);
            for (int i = 0; i < count; i++) {
                machines.push(new MachineChange.HostChanged(
                        new HostStatus("lab", HostStatus.State.UNREACHABLE, i + " " + filler)));
                assertEquals("event: host\ndata: {\"name\":\"lab\",\"state\":\"unreachable\",\"message\":\"" + i + " "
                        + filler + "\"}\n\n", page.next(), "event " + i + " at the reading page");
            }

            String received = readToEnd(stalled);
            int delivered = received.split("event: host\n", -1).length - 1;
            assertTrue(delivered < count, "the stalled page got every event, so it never fell behind: " + delivered);
            assertEquals(1, servlet.openStreams(), "open streams once the stalled one ended");
            page.close();
        }
    }

    @Test
    void anEventIsWrittenAsAServerSentEvent() throws Exception {
        EventReader page = EventReader.open(port);
        awaitStreamsOpened(1);
        assertEquals("text/event-stream;charset=utf-8", page.header("Content-Type").toLowerCase());
        assertEquals("no-store", page.header("Cache-Control"));
        assertEquals("no", page.header("X-Accel-Buffering"));
        assertEquals("retry: 2000\n: connected\n\n", page.next());

        machines.push(new MachineChange.HostChanged(
                new HostStatus("lab", HostStatus.State.UNREACHABLE, "connection refused")));
        assertEquals("event: host\ndata: {\"name\":\"lab\",\"state\":\"unreachable\",\"message\":\"connection refused\"}"
                + "\n\n", page.next());
        page.close();
    }

    @Test
    void aPageHearsOnlyOfTheVmsItsPersonMaySee() throws Exception {
        EventReader everything = EventReader.open(port, null);
        EventReader webOnly = EventReader.open(port, "web-only");
        awaitStreamsOpened(2);
        assertEquals("retry: 2000\n: connected\n\n", everything.next());
        assertEquals("retry: 2000\n: connected\n\n", webOnly.next());

        machines.push(new MachineChange.Removed("db-1", "lab"));
        machines.push(new MachineChange.Removed("web-1", "lab"));

        assertEquals("event: removed\ndata: {\"target\":\"db-1\",\"host\":\"lab\"}\n\n", everything.next(),
                "the admin hears of db-1");
        assertTrue(everything.next().contains("\"target\":\"web-1\""));
        assertTrue(webOnly.next().contains("\"target\":\"web-1\""), "the first the web-only page hears of is web-1");
        everything.close();
        webOnly.close();
    }

    @Test
    void whatAConsoleScreenReadsReachesOnlyThoseWhoMaySeeTheConsole() throws Exception {
        EventReader everything = EventReader.open(port, null);
        EventReader webOnly = EventReader.open(port, "web-only");
        awaitStreamsOpened(2);
        assertEquals("retry: 2000\n: connected\n\n", everything.next());
        assertEquals("retry: 2000\n: connected\n\n", webOnly.next());

        Instant since = Instant.parse("2026-12-03T03:12:00Z");
        for (String target : List.of("db-1", "web-1")) {
            ConsoleReading reading = new ConsoleReading(target, ConsoleState.WAITING_FOR_PASSPHRASE, since, since,
                    true, null);
            readingListeners.forEach(l -> l.accept(reading));
        }

        assertEquals("event: console\ndata: {\"target\":\"db-1\",\"screen\":{\"state\":\"waiting-for-passphrase\","
                + "\"words\":\"Waiting for its passphrase\",\"since\":\"2026-12-03T03:12:00Z\",\"watching\":true,"
                + "\"problem\":null}}\n\n", everything.next(), "the admin hears of db-1's screen");
        assertTrue(everything.next().contains("\"target\":\"web-1\""));
        assertTrue(webOnly.next().contains("\"target\":\"web-1\""),
                "the first the web-only page hears of is web-1's screen, never db-1's");
        everything.close();
        webOnly.close();
    }

    @Test
    void stoppingTheServerUnsubscribesAndEndsTheStreams() throws Exception {
        EventReader page = EventReader.open(port);
        awaitStreamsOpened(1);
        assertEquals("retry: 2000\n: connected\n\n", page.next());
        assertEquals(1, machines.listeners.size(), "subscriptions while running");

        server.stop();

        assertEquals(0, machines.listeners.size(), "subscriptions after the servlet was destroyed");
        page.awaitEnd();
    }

    private void awaitStreamsOpened(int count) throws InterruptedException {
        if (!streamsOpened.tryAcquire(count, WAIT.toSeconds(), TimeUnit.SECONDS)) {
            fail("waited " + WAIT.toSeconds() + "s for " + count + " event streams to open; saw: "
                    + servlet.openStreams());
        }
    }

    /** Reads what the server sends until it closes the connection; fails if it does not within {@link #WAIT}. */
    private static String readToEnd(Socket socket) throws IOException {
        socket.setSoTimeout((int) WAIT.toMillis());
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[64 * 1024];
        try {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                received.write(buffer, 0, n);
            }
        } catch (SocketTimeoutException e) {
            fail("waited " + WAIT.toSeconds() + "s for the server to close the stalled stream; saw "
                    + received.size() + " bytes and no end");
        }
        return received.toString(StandardCharsets.UTF_8);
    }

    /** A page's {@code EventSource}: reads {@code GET /api/events} on its own thread, frame by frame. */
    private static final class EventReader {
        private final HttpResponse<InputStream> response;
        private final BlockingQueue<String> frames = new LinkedBlockingQueue<>();
        private final CountDownLatch ended = new CountDownLatch(1);

        private EventReader(HttpResponse<InputStream> response) {
            this.response = response;
            Thread reader = new Thread(this::read, "event-reader");
            reader.setDaemon(true);
            reader.start();
        }

        static EventReader open(int port) throws IOException, InterruptedException {
            return open(port, null);
        }

        /** @param session the session cookie's value; null: none (the test sessions' admin) */
        static EventReader open(int port, String session) throws IOException, InterruptedException {
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                    + "/api/events")).timeout(WAIT);
            if (session != null) {
                request.header("Cookie", Cookies.SESSION + "=" + session);
            }
            HttpResponse<InputStream> response = client.send(request.build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            assertEquals(200, response.statusCode(), "status of GET /api/events");
            return new EventReader(response);
        }

        /** Splits the body after each blank line, keeping every character of each frame. */
        private void read() {
            try (Reader in = new InputStreamReader(response.body(), StandardCharsets.UTF_8)) {
                StringBuilder frame = new StringBuilder();
                char[] buffer = new char[8192];
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    for (int i = 0; i < n; i++) {
                        frame.append(buffer[i]);
                        int length = frame.length();
                        if (buffer[i] == '\n' && length >= 2 && frame.charAt(length - 2) == '\n') {
                            frames.add(frame.toString());
                            frame.setLength(0);
                        }
                    }
                }
            } catch (IOException e) {
                // the connection ended; the test sees the missing frames or waits on ended
            } finally {
                ended.countDown();
            }
        }

        String header(String name) {
            return response.headers().firstValue(name).orElse(null);
        }

        /** @return the next frame, e.g. {@code "event: host\ndata: {…}\n\n"} */
        String next() throws InterruptedException {
            String frame = frames.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
            if (frame == null) {
                fail("waited " + WAIT.toSeconds() + "s for an event; saw: "
                        + (ended.getCount() == 0 ? "the stream end" : "nothing"));
            }
            return frame;
        }

        void awaitEnd() throws InterruptedException {
            assertTrue(ended.await(WAIT.toSeconds(), TimeUnit.SECONDS),
                    "waited " + WAIT.toSeconds() + "s for the server to end the event stream");
        }

        void close() throws IOException {
            response.body().close();
        }
    }

    /** No VMs; {@link #push} hands a change to the subscribers on the caller's thread, as a host does. */
    private static final class PushedMachines implements VirtualMachines {
        final List<Consumer<MachineChange>> listeners = new CopyOnWriteArrayList<>();

        void push(MachineChange change) {
            listeners.forEach(l -> l.accept(change));
        }

        @Override
        public Runnable subscribe(Consumer<MachineChange> listener) {
            listeners.add(listener);
            return () -> listeners.remove(listener);
        }

        @Override
        public List<MachineTarget> machines() {
            return NONE.machines();
        }

        @Override
        public Optional<MachineTarget> machine(String target) {
            return NONE.machine(target);
        }

        @Override
        public List<HostStatus> hosts() {
            return NONE.hosts();
        }

        @Override
        public void perform(dev.keyhole.server.access.Caller caller, String target, Action action) {
            NONE.perform(caller, target, action);
        }

        @Override
        public byte[] screenshot(String target, int maxWidth) {
            return NONE.screenshot(target, maxWidth);
        }
    }
}
