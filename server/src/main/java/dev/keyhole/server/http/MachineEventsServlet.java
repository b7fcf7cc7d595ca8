package dev.keyhole.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keyhole.server.config.LimitsConfig;
import dev.keyhole.server.virtualbox.MachineChange;
import dev.keyhole.server.virtualbox.VirtualMachines;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import dev.keyhole.server.access.Caller;
import dev.keyhole.server.access.SessionHolder;
import dev.keyhole.server.accounts.Role;
import dev.keyhole.server.audit.AuditFeed;
import dev.keyhole.server.audit.AuditRecord;
import dev.keyhole.server.auth.TokenHash;
import dev.keyhole.server.watch.ConsoleReading;
import dev.keyhole.server.watch.ConsoleReadings;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /api/events}: the VMs' changes as a stream of server-sent events, one stream per open page:
 * {@code event: machine} (data: a {@link MachineView}), {@code event: removed} (data: {@code {"target":…}}),
 * {@code event: host} (data: {@code {"name":…,"state":…,"message":…}}), and to admins {@code event: audit} (data: an
 * audit event as {@code GET /api/admin/audit} shows it), {@code event: console} (data: {@code {"target":…,"screen":…}},
 * what Keyhole read on a console's screen, as {@code GET /api/targets} shows it). A comment line every 15 s keeps the
 * connection from idling out. After a reconnect a page re-reads {@code GET /api/machines}.
 *
 * <p>Changes arrive on a VirtualBox host's event thread, which must not block, so sending only queues: each
 * stream has a bounded queue that the Servlet non-blocking API drains as fast as its page reads. A page that
 * falls further behind than the queue holds has its stream closed; its {@code EventSource} reconnects and the
 * page re-reads the VMs, which costs less than keeping an unbounded backlog for it.
 *
 * <p>The keep-alive comments are sent from Keyhole's timer thread (given by the composition root), which they
 * only queue on, like the changes.
 */
final class MachineEventsServlet extends HttpServlet implements SessionHolder {

    /** At most this many events wait for one page; a page further behind has its stream closed. */
    static final int MAX_QUEUED_EVENTS = 256;

    /** At most this many bytes of events wait for one page; a page further behind has its stream closed. */
    static final int MAX_QUEUED_BYTES = 1024 * 1024;

    private static final long serialVersionUID = 1L;
    private static final Logger log = LoggerFactory.getLogger(MachineEventsServlet.class);
    private static final long HEARTBEAT_SECONDS = 15;
    private static final byte[] CONNECTED = ascii("retry: 2000\n: connected\n\n");
    private static final byte[] KEEP_ALIVE = ascii(": keep-alive\n\n");

    private final transient VirtualMachines machines;
    private final transient ObjectMapper json;
    private final int maxQueuedEvents;
    private final int maxQueuedBytes;
    private final transient LimitsConfig limits;
    private final transient Set<Stream> streams = ConcurrentHashMap.newKeySet();
    private final transient ScheduledExecutorService timers;
    private transient ScheduledFuture<?> heartbeat;
    private transient Runnable unsubscribe;
    private transient AuditFeed audit = AuditFeed.NONE;
    private transient Runnable unsubscribeAudit;
    private transient ConsoleReadings readings = ConsoleReadings.NONE;
    private transient Runnable unsubscribeReadings;

    /**
     * A servlet whose pages may each fall {@link #MAX_QUEUED_EVENTS} or {@link #MAX_QUEUED_BYTES} behind.
     *
     * @param limits how many streams may be open, in total and per address
     * @param timers where the keep-alive comments are sent from
     */
    MachineEventsServlet(VirtualMachines machines, ObjectMapper json, LimitsConfig limits,
            ScheduledExecutorService timers) {
        this(machines, json, limits, timers, AuditFeed.NONE);
    }

    /**
     * A servlet that also streams the audit trail's new events to admins' pages.
     *
     * @param audit the trail's events as they are written
     */
    MachineEventsServlet(VirtualMachines machines, ObjectMapper json, LimitsConfig limits,
            ScheduledExecutorService timers, AuditFeed audit) {
        this(machines, json, limits, timers, MAX_QUEUED_EVENTS, MAX_QUEUED_BYTES);
        this.audit = audit;
    }

    /**
     * A servlet that also streams what Keyhole reads on the consoles' screens.
     *
     * @param readings what Keyhole reads on the consoles' screens, as it reads it
     */
    MachineEventsServlet(VirtualMachines machines, ObjectMapper json, LimitsConfig limits,
            ScheduledExecutorService timers, AuditFeed audit, ConsoleReadings readings) {
        this(machines, json, limits, timers, audit);
        this.readings = readings;
    }

    /**
     * A servlet with its own limits, so that a page's falling behind can be shown with little data.
     *
     * @param maxQueuedEvents how many events may wait for one page
     * @param maxQueuedBytes how many bytes of events may wait for one page
     */
    MachineEventsServlet(VirtualMachines machines, ObjectMapper json, LimitsConfig limits,
            ScheduledExecutorService timers, int maxQueuedEvents, int maxQueuedBytes) {
        if (maxQueuedEvents < 1 || maxQueuedBytes < 1) {
            throw new IllegalArgumentException("The queue limits must be positive: " + maxQueuedEvents + " events, "
                    + maxQueuedBytes + " bytes");
        }
        this.machines = machines;
        this.json = json;
        this.maxQueuedEvents = maxQueuedEvents;
        this.maxQueuedBytes = maxQueuedBytes;
        this.limits = limits;
        this.timers = timers;
    }

    /** Subscribes to the VMs' changes and starts the keep-alive comments. */
    @Override
    public void init() {
        unsubscribe = machines.subscribe(this::broadcast);
        unsubscribeAudit = audit.subscribe(this::broadcastAudit);
        unsubscribeReadings = readings.subscribe(this::broadcastReading);
        heartbeat = timers.scheduleAtFixedRate(() -> streams.forEach(s -> s.send(KEEP_ALIVE)), HEARTBEAT_SECONDS,
                HEARTBEAT_SECONDS, TimeUnit.SECONDS);
    }

    /** Stops listening for changes and keep-alives, then ends every open stream. */
    @Override
    public void destroy() {
        if (unsubscribe != null) {
            unsubscribe.run();
        }
        if (unsubscribeAudit != null) {
            unsubscribeAudit.run();
        }
        if (unsubscribeReadings != null) {
            unsubscribeReadings.run();
        }
        if (heartbeat != null) {
            heartbeat.cancel(false);
        }
        streams.forEach(Stream::close);
    }

    /** @return how many pages are connected now */
    int openStreams() {
        return streams.size();
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Caller caller = FrontDoor.caller(request);
        String address = caller.address();
        synchronized (streams) {
            String refused = refusal(address);
            if (refused != null) {
                log.info("Refused an event stream to {}: {}", address, refused);
                JsonResponses.error(response, json, 429, refused);
                return;
            }
            open(request, response, caller);
        }
    }

    /** @return why one more stream from {@code address} passes a limit, or null when it does not */
    private String refusal(String address) {
        if (streams.size() >= limits.eventStreams()) {
            return "Keyhole holds " + limits.eventStreams() + " event streams already (limits.event-streams)";
        }
        if (streams.stream().filter(s -> s.remote.equals(address)).count() >= limits.eventStreamsPerAddress()) {
            return "Too many event streams from " + address + ": " + limits.eventStreamsPerAddress()
                    + " are open (limits.event-streams-per-address)";
        }
        return null;
    }

    private void open(HttpServletRequest request, HttpServletResponse response, Caller caller) throws IOException {
        response.setContentType("text/event-stream");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-store");
        response.setHeader("X-Accel-Buffering", "no");
        AsyncContext async = request.startAsync();
        async.setTimeout(0);
        Stream stream = new Stream(async, response.getOutputStream(), caller);
        async.addListener(stream);
        stream.send(CONNECTED);
        streams.add(stream);
        stream.start();
    }

    /** Queues an audit trail's new event for the admins' pages; runs on the trail's thread. */
    private void broadcastAudit(AuditRecord event) {
        byte[] bytes = null;
        for (Stream stream : streams) {
            if (stream.caller.signedIn().filter(who -> who.role() == Role.ADMIN).isPresent()) {
                if (bytes == null) {
                    try {
                        bytes = utf8(frame("audit", AuditApi.view(event, json)));
                    } catch (JsonProcessingException e) {
                        throw new IllegalStateException("cannot write an event as JSON", e);
                    }
                }
                stream.send(bytes);
            }
        }
    }

    /** Queues what Keyhole read on a console's screen for the pages whose people may see that console. */
    private void broadcastReading(ConsoleReading reading) {
        byte[] bytes;
        try {
            bytes = utf8(frame("console", new ScreenEvent(reading.target(), TargetsApi.ScreenView.of(reading))));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write an event as JSON", e);
        }
        streams.stream().filter(s -> s.caller.sees(reading.target())).forEach(s -> s.send(bytes));
    }

    /** A {@code console} event's data. */
    private record ScreenEvent(String target, TargetsApi.ScreenView screen) {
    }

    /** Turns a change into its event and queues it for every page; runs on a host's event thread. */
    private void broadcast(MachineChange change) {
        if (change instanceof MachineChange.Updated u) {
            // Each page hears of the VM with the actions its person's role may take: one text per role.
            Map<Object, byte[]> byRole = new HashMap<>();
            for (Stream stream : streams) {
                if (stream.caller.sees(u.machine().target())) {
                    stream.send(byRole.computeIfAbsent(stream.caller.signedIn().map(i -> (Object) i.role())
                            .orElse("none"), role -> utf8(machineFrame(MachineView.of(u.machine(), machines,
                                    stream.caller)))));
                }
            }
            return;
        }
        String message;
        String target = null;
        try {
            if (change instanceof MachineChange.Removed r) {
                message = frame("removed", new Removed(r.target(), r.host()));
                target = r.target();
            } else if (change instanceof MachineChange.HostChanged h) {
                message = frame("host", MachineView.HostView.of(h.status()));
            } else {
                return;
            }
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write an event as JSON", e);
        }
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        String about = target;
        // A VM the page's person may not see is, to them, no VM: its events go to the others only.
        streams.stream().filter(s -> about == null || s.caller.sees(about)).forEach(s -> s.send(bytes));
    }

    /** Every signed-in page holding a stream, each with 0: watching events is no activity. */
    @Override
    public Map<TokenHash, Long> heldSessions() {
        Map<TokenHash, Long> sessions = new HashMap<>();
        for (Stream stream : streams) {
            stream.caller.signedIn().ifPresent(identity -> sessions.put(identity.session(), 0L));
        }
        return sessions;
    }

    /** Share links' guests have no event stream: the {@link Doorway} keeps them out. */
    @Override
    public Set<TokenHash> heldLinkDevices() {
        return Set.of();
    }

    /** Closes the streams of a session that ended; the page, reconnecting, is sent to the sign-in page. */
    @Override
    public void closeSession(TokenHash session, String why) {
        for (Stream stream : streams) {
            if (stream.caller.signedIn().filter(identity -> identity.session().equals(session)).isPresent()
                    && stream.close()) {
                log.info("Closed the event stream of {}: {}", stream.caller, why);
            }
        }
    }

    /** A {@code removed} event's data, its fields in this order. */
    private record Removed(String target, String host) {
    }

    private String frame(String event, Object data) throws JsonProcessingException {
        return "event: " + event + "\ndata: " + json.writeValueAsString(data) + "\n\n";
    }

    private String machineFrame(MachineView view) {
        try {
            return frame("machine", view);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write an event as JSON", e);
        }
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * One open page: its queue of events not yet written, drained whenever the container says the connection
     * can take more. The lock guards the queue and the output stream and is held only for calls that do not
     * block (the output stream is in non-blocking mode once {@link #start()} has run).
     */
    private final class Stream implements WriteListener, AsyncListener {
        private final AsyncContext async;
        private final ServletOutputStream out;
        private final Caller caller;
        private final String remote;
        private final ReentrantLock lock = new ReentrantLock();
        private final ArrayDeque<byte[]> queue = new ArrayDeque<>();
        private long queuedBytes;
        /** Bytes written since the last flush. */
        private boolean unflushed;
        /**
         * The container owes an {@link #onWritePossible()} call: before {@link #start()} and whenever
         * {@link ServletOutputStream#isReady()} said false. Until then only the container's call may write.
         */
        private boolean writeCallbackDue = true;
        private boolean closed;

        Stream(AsyncContext async, ServletOutputStream out, Caller caller) {
            this.async = async;
            this.out = out;
            this.caller = caller;
            this.remote = caller.address();
        }

        /** Puts the output stream into non-blocking mode; the container then calls {@link #onWritePossible()}. */
        void start() {
            out.setWriteListener(this);
        }

        /**
         * Queues an event and writes what the connection takes now, without blocking. Closes the stream instead
         * when the page is already as far behind as the limits allow.
         */
        void send(byte[] event) {
            boolean behind = false;
            boolean failed = false;
            lock.lock();
            try {
                if (closed) {
                    return;
                }
                behind = queue.size() >= maxQueuedEvents || queuedBytes + event.length > maxQueuedBytes;
                if (!behind) {
                    queue.add(event);
                    queuedBytes += event.length;
                    failed = !writeCallbackDue && !drain();
                }
            } finally {
                lock.unlock();
            }
            if (behind && close()) {
                log.warn("Closed the event stream to {}: the page fell behind", remote);
            } else if (failed) {
                close();
            }
        }

        /** Called by the container when the connection can take more: writes what is queued. */
        @Override
        public void onWritePossible() {
            boolean written;
            lock.lock();
            try {
                writeCallbackDue = false;
                written = drain();
            } finally {
                lock.unlock();
            }
            if (!written) {
                close();
            }
        }

        /**
         * Writes queued events while the connection is ready and flushes once the queue is empty. When the
         * connection is not ready the container calls {@link #onWritePossible()} later. Runs under the lock.
         *
         * @return false when writing failed, and the stream must be closed
         */
        private boolean drain() {
            try {
                while (!closed && out.isReady()) {
                    byte[] next = queue.poll();
                    if (next != null) {
                        queuedBytes -= next.length;
                        out.write(next);
                        unflushed = true;
                    } else if (unflushed) {
                        unflushed = false;
                        out.flush();
                    } else {
                        return true;
                    }
                }
                writeCallbackDue = true;
                return true;
            } catch (IOException | RuntimeException e) {
                return false;
            }
        }

        /** A write failed (the page went away): the stream ends. */
        @Override
        public void onError(Throwable failure) {
            close();
        }

        /**
         * Ends the stream once: drops what is queued and completes the response. Safe from any thread.
         *
         * @return whether this call ended it (false when it had ended already)
         */
        boolean close() {
            if (!forget()) {
                return false;
            }
            try {
                async.complete();
            } catch (IllegalStateException e) {
                // the container has completed the request already
            }
            return true;
        }

        /** The response is over (completed here or by the container): forget the stream. */
        @Override
        public void onComplete(AsyncEvent event) {
            forget();
        }

        /** Not expected (the timeout is off); the stream is over either way. */
        @Override
        public void onTimeout(AsyncEvent event) {
            close();
        }

        /** The connection failed: the stream is over. */
        @Override
        public void onError(AsyncEvent event) {
            close();
        }

        @Override
        public void onStartAsync(AsyncEvent event) {
        }

        /**
         * Marks the stream closed, drops its queue and takes it out of the broadcast set.
         *
         * @return whether this call did it (false when the stream was closed already)
         */
        private boolean forget() {
            lock.lock();
            try {
                if (closed) {
                    return false;
                }
                closed = true;
                queue.clear();
                queuedBytes = 0;
            } finally {
                lock.unlock();
            }
            streams.remove(this);
            return true;
        }
    }
}
