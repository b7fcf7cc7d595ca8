package dev.keyhole.server.tunnel;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import dev.keyhole.server.access.Caller;
import dev.keyhole.server.audit.AuditEvent;
import dev.keyhole.server.audit.AuditKind;
import dev.keyhole.server.audit.AuditTrail;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.guacamole.net.GuacamoleTunnel;
import org.apache.guacamole.protocol.GuacamoleInstruction;
import org.apache.guacamole.protocol.GuacamoleStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One browser viewing one console: the relay between the browser's WebSocket and the viewer's own guacd
 * connection, which has joined the target's {@link LiveConsole}.
 *
 * <p>The edge calls {@link #receive} with each message and {@link #browserClosed} when the WebSocket ends.
 * Instructions that arrive before guacd is connected wait (checked) and are sent as soon as it is.
 *
 * <p>Threads: the browser's messages and its leaving arrive on Jetty's threads, and what they hold for guacd is
 * written on them; guacd's instructions arrive on the relay loops' threads and go on to the browser from there;
 * {@link #attach} runs on the work executor and the pace sweep on the timer. The tunnel's state is under its lock.
 */
public final class Tunnel implements LiveConsole.Viewer, Presence.Member {

    private static final Logger log = LoggerFactory.getLogger(Tunnel.class);

    /** What a person types or points with: dropped for a caller who only watches, and counted as their activity. */
    private static final Set<String> INPUT = Set.of("key", "mouse", "touch");

    /** Most bytes of input kept while guacd is still being connected. */
    private static final int MAX_EARLY_BYTES = 64 * 1024;

    /**
     * Ends what guacd sends a viewer before its first {@code sync}. guacd gives a joining user the whole screen at
     * once but no {@code sync} after it: that comes with the console's next change (a cursor's blink, up to a
     * second later), and a browser draws nothing until a {@code sync}. With this one it draws the picture as soon as
     * it has it. Timestamp 0 is one guacd never sends, and one the browser does not answer (guacamole-common-js
     * answers a timestamp that differs from its last, which starts at 0); an answer that comes all the same is not
     * passed on to guacd, which would take it for a viewer seconds behind.
     */
    private static final byte[] PICTURE_SYNC = "4.sync,1.0;".getBytes(StandardCharsets.US_ASCII);

    private final TunnelRequest request;
    private final BrowserChannel browser;
    private final InstructionFilter filter = new InstructionFilter();
    private final UUID id = UUID.randomUUID();
    private final ViewerPace pace = new ViewerPace();
    private final Consumer<Tunnel> onEnd;
    private final AuditTrail audit;
    /** Whether a key of the caller's reached the console (recorded once: the fact, never the keys). */
    private volatile boolean typed;
    /** Whether the caller may type; otherwise their input instructions never reach guacd (beside its read-only). */
    private final boolean mayType;
    /** When the caller last typed or pointed ({@link System#nanoTime}); 0: not yet. */
    private volatile long lastInput;

    private final Object lock = new Object();
    private final List<ByteBuffer> early = new ArrayList<>();
    private int earlyBytes;
    /** The tunnel's answers to pings: a client that pings and never reads costs one answer, not one per ping. */
    private final Latest pings = new Latest();
    /** The console's presence: a client that never reads is sent the latest, once. */
    private final Latest presence = new Latest();
    /** When the browser's tunnel opened, for the console's presence. */
    private volatile Instant since = Instant.now();
    private GuacdConnection guacd;
    private LiveConsole console;
    private boolean closed;
    /** The server is stopping: the browser hears that it goes away, not that the tunnel failed. */
    private volatile boolean serverStopping;

    /** @param onEnd told once, when the tunnel has ended for whatever reason */
    Tunnel(TunnelRequest request, BrowserChannel browser, Consumer<Tunnel> onEnd) {
        this(request, browser, onEnd, AuditTrail.NONE);
    }

    /**
     * @param onEnd told once, when the tunnel has ended for whatever reason
     * @param audit where the console's opening, the first key typed into it and its closing are recorded
     */
    Tunnel(TunnelRequest request, BrowserChannel browser, Consumer<Tunnel> onEnd, AuditTrail audit) {
        this.request = request;
        this.browser = browser;
        this.onEnd = onEnd;
        this.audit = audit;
        this.mayType = request.caller().mayType(request.target());
    }

    /** @return when the caller last typed or pointed into this tunnel ({@link System#nanoTime}); 0: never */
    long lastInput() {
        return lastInput;
    }

    /** @return whether the caller may type into this console (else their tunnel joins guacd read-only) */
    @Override
    public boolean mayType() {
        return mayType;
    }

    @Override
    public Caller caller() {
        return request.caller();
    }

    @Override
    public Instant since() {
        return since;
    }

    /** Sends the console's presence; one at a time, and only the latest of those that wait. */
    @Override
    public void tell(String instruction) {
        presence.send(instruction);
    }

    /** @return what the browser asked for, and who it is */
    TunnelRequest request() {
        return request;
    }

    /**
     * Takes one WebSocket message from the browser: every instruction in it is checked before any is sent on.
     * A malformed or forbidden instruction closes this tunnel with a reason.
     *
     * @param message the message's text
     */
    public void receive(String message) {
        List<InstructionFilter.Checked> checked;
        try {
            checked = filter.accept(message);
        } catch (TunnelException e) {
            log.info("Closing tunnel {} of {} to {}: {}", shortId(), request.caller(), request.shownTarget(),
                    e.getMessage());
            close(e.status(), e.getMessage());
            return;
        }
        // All of a message's instructions go to guacd in one write, in order: one system call, not one each.
        StringBuilder toGuacd = new StringBuilder();
        boolean typedNow = false;
        for (InstructionFilter.Checked instruction : checked) {
            if (instruction instanceof InstructionFilter.Forward forward) {
                String opcode = forward.instruction().getOpcode();
                if (INPUT.contains(opcode)) {
                    if (!mayType) {
                        continue;
                    }
                    lastInput = System.nanoTime();
                    typedNow |= opcode.equals("key");
                }
                if (opcode.equals("sync")) {
                    long answered = timestamp(forward.instruction().getArgs().get(0));
                    if (answered == 0) {
                        // The answer to Keyhole's own PICTURE_SYNC: guacd never sent it.
                        continue;
                    }
                    pace.syncAnswered(answered);
                }
                if (opcode.equals("disconnect")) {
                    // The browser leaves: guacd hears the goodbye as the tunnel ends, nothing more is relayed.
                    forward(toGuacd);
                    close(GuacamoleStatus.SUCCESS, "Disconnected");
                    return;
                }
                toGuacd.append(forward.instruction());
            } else if (instruction instanceof InstructionFilter.Ping ping) {
                pings.send(ping.reply().toString());
            }
        }
        forward(toGuacd);
        if (typedNow && !typed) {
            typed = true;
            audit.record(event(AuditKind.TYPED));
        }
        if (typedNow) {
            LiveConsole joined;
            synchronized (lock) {
                joined = console;
            }
            if (joined != null) {
                joined.presence().typed(this);
            }
        }
    }

    private void forward(StringBuilder instructions) {
        if (!instructions.isEmpty()) {
            forward(ByteBuffer.wrap(instructions.toString().getBytes(StandardCharsets.UTF_8)));
        }
    }

    /**
     * Instructions of Keyhole's own for the browser, of which only the latest matters: one is on its way at a time,
     * and of those sent meanwhile only the last waits for it.
     */
    private final class Latest implements BrowserChannel.SendCallback {
        /** Whether one is on its way; {@code next} waits for it. Both under the tunnel's lock. */
        private boolean inFlight;
        private String next;

        void send(String instruction) {
            synchronized (lock) {
                if (closed) {
                    return;
                }
                if (inFlight) {
                    next = instruction;
                    return;
                }
                inFlight = true;
            }
            browser.send(ByteBuffer.wrap(instruction.getBytes(StandardCharsets.UTF_8)), this);
        }

        @Override
        public void sent() {
            String waiting;
            synchronized (lock) {
                waiting = closed ? null : next;
                next = null;
                inFlight = waiting != null;
            }
            if (waiting != null) {
                browser.send(ByteBuffer.wrap(waiting.getBytes(StandardCharsets.UTF_8)), this);
            }
        }

        @Override
        public void failed(Throwable cause) {
            browserClosed();
        }
    }

    /**
     * @param now   {@link System#nanoTime}
     * @param limit how far behind its console a viewer may be
     * @return why this viewer is further behind than {@code limit}; null while it is not, or not yet relaying
     */
    String behind(long now, Duration limit) {
        synchronized (lock) {
            if (guacd == null || closed) {
                return null;
            }
        }
        return pace.behind(now, limit);
    }

    /** A timestamp the browser sent in {@code sync}: one beyond a {@code long} answers every frame sent. */
    private static long timestamp(String digits) {
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException e) {
            return digits.startsWith("-") ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
    }

    @Override
    public void consoleEnded(TunnelStatus status, String message) {
        end(status, message);
    }

    /** The browser has gone (its WebSocket closed or failed): let go of guacd. */
    public void browserClosed() {
        end(null, null);
    }

    /**
     * Closes the tunnel because the server is stopping: the browser's WebSocket closes with {@code 1001} and
     * {@code message}, and the page comes back when the server does.
     */
    void serverStopping(String message) {
        serverStopping = true;
        end(TunnelStatus.of(GuacamoleStatus.SERVER_BUSY), message);
    }

    /**
     * Closes the tunnel with a status and a message for the browser.
     *
     * @param status  the Guacamole status the browser receives
     * @param message why, in words for the person at the browser
     */
    public void close(GuacamoleStatus status, String message) {
        end(TunnelStatus.of(status), message);
    }

    private void forward(ByteBuffer bytes) {
        GuacdConnection connection;
        synchronized (lock) {
            if (closed) {
                return;
            }
            connection = guacd;
            if (connection == null) {
                earlyBytes += bytes.remaining();
                if (earlyBytes > MAX_EARLY_BYTES) {
                    connection = null;
                } else {
                    early.add(bytes);
                    return;
                }
            }
        }
        if (connection == null) {
            close(GuacamoleStatus.CLIENT_OVERRUN, "Too much input before the console was connected");
            return;
        }
        try {
            connection.write(bytes);
        } catch (TunnelException e) {
            close(e.status(), e.getMessage());
        }
    }

    /**
     * Connects this tunnel to its joined guacd connection and starts relaying.
     *
     * @return {@code false} if the browser had gone meanwhile (the caller then releases both)
     */
    boolean attach(LiveConsole console, GuacdConnection connection) {
        List<ByteBuffer> waiting;
        synchronized (lock) {
            if (closed) {
                return false;
            }
            this.console = console;
            this.guacd = connection;
            waiting = List.copyOf(early);
            early.clear();
            // Under the lock: a closing that comes at once (end() takes the lock) is recorded after the opening.
            since = Instant.now();
            audit.record(event(AuditKind.CONSOLE_OPENED).with("mode", mayType ? "type" : "watch")
                    .with("by", request.caller().guest() == null ? "account" : "link"));
        }
        // The tunnel's id comes first: guacamole-common-js treats the tunnel as open when it arrives.
        browser.send(utf8(new GuacamoleInstruction(GuacamoleTunnel.INTERNAL_DATA_OPCODE, id.toString())),
                BrowserChannel.SendCallback.NONE);
        for (ByteBuffer bytes : waiting) {
            try {
                connection.write(bytes);
            } catch (TunnelException e) {
                close(e.status(), e.getMessage());
                return true;
            }
        }
        console.presence().join(this);
        connection.startReading(new Relay(), true);
        log.info("Viewer {} joined console {} (tunnel {}, {} viewer(s))", request.caller(), request.shownTarget(),
                shortId(), console.viewers());
        return true;
    }

    /**
     * Sends guacd's instructions on to the browser, one frame per read, reading again once it is sent; notes the
     * {@code sync}s in them, which the browser must answer to keep up.
     */
    private final class Relay implements InstructionStream.Reader {

        /** Whether guacd has sent this viewer a {@code sync} yet; only on the relay's thread. */
        private boolean guacdSynced;

        @Override
        public void instructions(ByteBuffer instructions, InstructionBoundaries.Ends ends, Runnable resume) {
            long now = System.nanoTime();
            byte[] bytes = instructions.array();
            int start = instructions.arrayOffset() + instructions.position();
            for (int i = 0; i < ends.count(); i++) {
                int end = instructions.arrayOffset() + ends.get(i);
                if (InstructionBoundaries.startsWith(bytes, start, end, InstructionBoundaries.SYNC)) {
                    guacdSynced = true;
                    long timestamp = ViewerPace.syncTimestamp(bytes, start, end);
                    if (timestamp >= 0) {
                        pace.syncSent(timestamp, now);
                    }
                } else if (InstructionBoundaries.startsWith(bytes, start, end, InstructionBoundaries.ERROR)) {
                    // guacd ends this viewer: the browser hears a sentence it can act on, not guacd's log text.
                    GuacdErrors.Told error = GuacdErrors.read(bytes, start, end);
                    log.info("guacd ends viewer {} of console {} (tunnel {}): \"{}\"", request.caller(),
                            request.shownTarget(), shortId(), error.guacdText());
                    end(TunnelStatus.of(error.status()), error.message());
                    return;
                }
                start = end;
            }
            pace.frameHandedOver(now);
            ByteBuffer frame = instructions;
            if (!guacdSynced) {
                // The picture so far, drawn now rather than at the console's next change (PICTURE_SYNC).
                frame = ByteBuffer.allocate(instructions.remaining() + PICTURE_SYNC.length)
                        .put(instructions.duplicate()).put(PICTURE_SYNC).flip();
            }
            browser.send(frame, new BrowserChannel.SendCallback() {
                @Override
                public void sent() {
                    pace.frameWritten();
                    resume.run();
                }

                @Override
                public void failed(Throwable cause) {
                    browserClosed();
                }
            });
        }

        /**
         * The viewer's guacd connection ended: the browser hears its first cause. When Keyhole closed it, the
         * tunnel had ended already, and the browser heard why then.
         */
        @Override
        public void ended(GuacdEnding ending) {
            if (!ending.byKeyhole()) {
                log.info("guacd connection of viewer {} of console {} (tunnel {}) ended: {}", request.caller(),
                        request.shownTarget(), shortId(), ending.reason());
            }
            close(ending.status(), ending.reason());
        }
    }

    private void end(TunnelStatus status, String message) {
        GuacdConnection connection;
        LiveConsole joined;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            connection = guacd;
            joined = console;
            early.clear();
        }
        if (status != null) {
            browser.close(serverStopping ? status.goingAway() : status, message);
        }
        if (connection != null) {
            connection.disconnect();
        }
        if (joined != null) {
            joined.leave(this);
            log.info("Viewer {} left console {} (tunnel {})", request.caller(), request.shownTarget(), shortId());
            audit.record(event(AuditKind.CONSOLE_CLOSED).with("seconds", Duration.between(since, Instant.now())
                    .toSeconds()).with("why", status == null ? "the browser left"
                            : message == null ? "closed" : Printable.of(message, 120)));
        }
        onEnd.accept(this);
    }

    /** @return an event of this tunnel's: by its caller, about its console */
    private AuditEvent event(AuditKind kind) {
        return AuditEvent.by(kind, request.caller()).on(request.target()).with("tunnel", shortId());
    }

    private String shortId() {
        return id.toString().substring(0, 8);
    }

    private static ByteBuffer utf8(GuacamoleInstruction instruction) {
        return ByteBuffer.wrap(instruction.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** @return the tunnel's id, as its browser received it when the tunnel opened (it opens nothing by itself) */
    String id() {
        return id.toString();
    }

    /** @return whether it relays a console now: joined to it in guacd, and not closed */
    boolean relaying() {
        synchronized (lock) {
            return guacd != null && !closed;
        }
    }
}
