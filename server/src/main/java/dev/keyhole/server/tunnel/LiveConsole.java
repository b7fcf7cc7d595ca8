package dev.keyhole.server.tunnel;

import dev.keyhole.server.targets.Target;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.guacamole.protocol.GuacamoleInstruction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one live guacd connection of a target, owned by Keyhole itself; every viewer joins it.
 *
 * <p>guacd ends a shared connection when its owner leaves, and a VRDP server takes one client at a time, so no
 * browser can be the owner: Keyhole opens the connection, answers guacd's {@code sync}s (so guacd sees an owner
 * that keeps up and does not slow the display down) and sends a {@code nop} every few seconds (guacd drops a
 * user that says nothing for 15 s). The picture the owner receives is discarded, or kept as a {@link ConsolePicture}
 * when Keyhole reads that console's screen.
 *
 * <p>The connection lives while anyone views it, plus a short linger, so that reloading a page does not open a new
 * connection to the console. When it ends, every viewer still joined is told, so that no browser stays on a
 * connection guacd has given up (guacd does not always close a user who joined while the connection was failing).
 *
 * <p>Threads: guacd's instructions and the connection's end arrive on the relay loops' threads; the keep-alive,
 * the linger and an end guacd asked for run on the timer; {@link #join}, {@link #leave} and {@link #end} may be
 * called from any thread.
 */
final class LiveConsole implements InstructionStream.Reader {

    private static final Logger log = LoggerFactory.getLogger(LiveConsole.class);
    private static final Duration KEEP_ALIVE = Duration.ofSeconds(5);
    private static final GuacamoleInstruction KEEP_ALIVE_NOP = new GuacamoleInstruction("nop");

    private final Target target;
    private final GuacdConnection owner;
    private final ScheduledExecutorService scheduler;
    private final Duration linger;
    private final Consumer<LiveConsole> onEnding;
    private final ScheduledFuture<?> keepAlive;

    /** Someone viewing the console through their own joined guacd connection. */
    interface Viewer {

        /**
         * The console's connection has ended: the viewer's own connection is useless now.
         *
         * @param status  why, for the browser; never null
         * @param message why, in words for the person at the browser; never null
         */
        void consoleEnded(TunnelStatus status, String message);
    }

    private final Set<Viewer> viewers = new LinkedHashSet<>();
    private final Presence presence;
    /** What the console shows, kept for Keyhole's own reading of it; null when nobody reads it. */
    private final ConsolePicture picture;
    /** The answers to one read's {@code sync}s are {@code answers[0, answered)}; only on the reading thread. */
    private byte[] answers = new byte[256];
    private int answered;
    /** Done at guacd's first {@code sync} (the console is connected and drawn) or when the connection ends. */
    private final CompletableFuture<Void> connected = new CompletableFuture<>();
    private ScheduledFuture<?> lingering;
    /** Set once the connection is known to be going: nobody may join any more. */
    private boolean ending;
    private boolean ended;
    /** Why {@link #end} ended the connection; null when it ended by itself. */
    private TunnelStatus endStatus;
    private String endMessage;

    /**
     * Takes over an owner connection that has just received {@code ready}.
     *
     * @param onEnding told when the connection starts to end or has ended, for whatever reason (maybe more than
     *                 once): a new viewer must then get a new connection
     */
    LiveConsole(Target target, GuacdConnection owner, ScheduledExecutorService scheduler, Duration linger,
            Consumer<LiveConsole> onEnding) {
        this(target, owner, scheduler, linger, onEnding, null);
    }

    /**
     * @param picture kept from what the owner connection receives from its start on; null: the picture is
     *                discarded
     */
    LiveConsole(Target target, GuacdConnection owner, ScheduledExecutorService scheduler, Duration linger,
            Consumer<LiveConsole> onEnding, ConsolePicture picture) {
        this.picture = picture;
        this.target = target;
        this.owner = owner;
        this.scheduler = scheduler;
        this.linger = linger;
        this.onEnding = onEnding;
        this.presence = new Presence(scheduler);
        this.keepAlive = scheduler.scheduleAtFixedRate(this::sendKeepAlive, KEEP_ALIVE.toMillis(),
                KEEP_ALIVE.toMillis(), TimeUnit.MILLISECONDS);
        this.lingering = scheduler.schedule(this::endIfUnused, linger.toMillis(), TimeUnit.MILLISECONDS);
        owner.startReading(this, true);
    }

    /** @return the target this console shows */
    Target target() {
        return target;
    }

    /** @return the guacd connection id viewers join with ({@code select $…}); never sent to a browser */
    String connectionId() {
        return owner.connectionId();
    }

    /**
     * Counts a new viewer in.
     *
     * @return {@code false} if the connection is ending or has ended: open a new one
     */
    synchronized boolean join(Viewer viewer) {
        if (ending || ended) {
            return false;
        }
        viewers.add(viewer);
        if (lingering != null) {
            lingering.cancel(false);
            lingering = null;
        }
        return true;
    }

    /**
     * Says when guacd has connected the console (its first frame ended), or the connection ended, or
     * {@code timeout} passed (then it is logged). VNC viewers join only then: guacd 1.3 can lose a VNC connection
     * that a user joins before it has connected to the console.
     *
     * @return done at the first of the three; done on the reading thread or the timer, so whoever goes on from it
     *         to something that blocks hands that to another executor
     */
    CompletableFuture<Void> connectedWithin(Duration timeout) {
        if (connected.isDone()) {
            return connected;
        }
        CompletableFuture<Void> waited = new CompletableFuture<>();
        ScheduledFuture<?> late = scheduler.schedule(() -> {
            if (waited.complete(null)) {
                log.info("Console {} shows no frame after {} s; letting the viewer join anyway", target.name(),
                        timeout.toSeconds());
            }
        }, timeout.toMillis(), TimeUnit.MILLISECONDS);
        connected.whenComplete((done, failure) -> {
            late.cancel(false);
            waited.complete(null);
        });
        return waited;
    }

    /** Counts a viewer out; the last one out starts the linger, after which the connection closes. */
    void leave(Viewer viewer) {
        synchronized (this) {
            if (viewers.remove(viewer) && viewers.isEmpty() && !ended) {
                lingering = scheduler.schedule(this::endIfUnused, linger.toMillis(), TimeUnit.MILLISECONDS);
            }
        }
        if (viewer instanceof Presence.Member member) {
            presence.leave(member);
        }
    }

    /** @return the console's picture, or null when it is not kept */
    ConsolePicture picture() {
        return picture;
    }

    /** @return who is in the console, which its viewers are told */
    Presence presence() {
        return presence;
    }

    /** @return how many viewers are in */
    synchronized int viewers() {
        return viewers.size();
    }

    private void endIfUnused() {
        synchronized (this) {
            if (!viewers.isEmpty() || ended) {
                return;
            }
            // A viewer coming now gets a new connection, not this one as it closes.
            ending = true;
        }
        onEnding.accept(this);
        log.info("Closing the console connection of {}: nobody has viewed it for {} s", target.name(),
                linger.toSeconds());
        owner.disconnect();
    }

    /** Closes the connection now, whoever views it (server shutdown). */
    void close() {
        owner.disconnect();
    }

    /**
     * Ends the connection now for everyone viewing it, telling them why (e.g. its keyboard layout changed: their
     * pages reconnect to a new connection).
     *
     * @param status  the status every viewer's browser receives
     * @param message why, in words for the people at the browsers
     */
    void end(TunnelStatus status, String message) {
        List<Viewer> told;
        synchronized (this) {
            ending = true;
            endStatus = status;
            endMessage = message;
            told = List.copyOf(viewers);
        }
        onEnding.accept(this);
        // The viewers hear why first: closing the owner makes guacd drop their joined connections at once, and
        // that would otherwise reach some browsers first, without the reason.
        told.forEach(viewer -> viewer.consoleEnded(status, message));
        owner.disconnect();
    }

    /** {@link #end} off the reading thread, which is in the middle of the owner's stream. */
    private void endAsync(TunnelStatus status, String message) {
        synchronized (this) {
            ending = true;
        }
        onEnding.accept(this);
        try {
            scheduler.execute(() -> end(status, message));
        } catch (RejectedExecutionException e) {
            owner.close();
        }
    }

    private void sendKeepAlive() {
        try {
            owner.write(KEEP_ALIVE_NOP);
        } catch (TunnelException e) {
            // The connection has ended with this cause; ended() reports it.
        }
    }

    /**
     * Answers guacd's {@code sync}s and notices its {@code error}. Only the start of each instruction is looked at,
     * where the connection's own scan found it; the picture's instructions are handed to the picture, if kept.
     */
    @Override
    public void instructions(ByteBuffer instructions, InstructionBoundaries.Ends ends, Runnable resume) {
        byte[] bytes = instructions.array();
        int base = instructions.arrayOffset();
        int start = base + instructions.position();
        if (picture != null) {
            try {
                picture.take(bytes, base, start, ends);
            } catch (RuntimeException e) {
                // Keyhole's reading of the screen must never cost the console its viewers.
                log.error("Console {}: keeping its picture failed", target.name(), e);
            }
        }
        answered = 0;
        for (int i = 0; i < ends.count(); i++) {
            int end = base + ends.get(i);
            if (InstructionBoundaries.startsWith(bytes, start, end, InstructionBoundaries.SYNC)) {
                connected.complete(null);
                // Answered with the same timestamp: this owner is never behind.
                answer(bytes, start, end);
            } else if (InstructionBoundaries.startsWith(bytes, start, end, InstructionBoundaries.ERROR)) {
                GuacdErrors.Told error = GuacdErrors.read(bytes, start, end);
                log.warn("Console {}: guacd reports \"{}\" ({}): ending it for its viewers", target.name(),
                        error.guacdText(), error.status());
                // guacd is giving this connection up: everyone viewing it hears why now, not when guacd lets go.
                endAsync(TunnelStatus.of(error.status()), error.message());
            }
            start = end;
        }
        if (answered > 0) {
            // All of a read's answers in one write: a replay at full speed holds hundreds of syncs per read, and a
            // write (one system call, one TCP segment) each cost more than the rest of the owner's work.
            try {
                owner.write(ByteBuffer.wrap(answers, 0, answered));
            } catch (TunnelException e) {
                // The connection has ended with this cause; ended() reports it.
            }
        }
        resume.run();
    }

    /** Adds a copy of {@code bytes[from, to)} to this read's answers. Only on the reading thread. */
    private void answer(byte[] bytes, int from, int to) {
        int length = to - from;
        if (answered + length > answers.length) {
            answers = Arrays.copyOf(answers, Math.max(answered + length, answers.length * 2));
        }
        System.arraycopy(bytes, from, answers, answered, length);
        answered += length;
    }

    /**
     * The owner connection ended: every viewer still joined is told why, the reason {@link #end} gave, or else
     * the connection's own first cause.
     */
    @Override
    public void ended(GuacdEnding why) {
        List<Viewer> left;
        TunnelStatus status;
        String message;
        synchronized (this) {
            ended = true;
            if (lingering != null) {
                lingering.cancel(false);
            }
            left = List.copyOf(viewers);
            // Also a viewer that joined as the connection broke, with no guacd connection of its own yet, hears why.
            status = endStatus != null ? endStatus : TunnelStatus.of(why.status());
            message = endMessage != null ? endMessage : "Lost the console connection: " + why.reason();
        }
        keepAlive.cancel(false);
        if (why.byKeyhole()) {
            log.info("The console connection of {} has ended", target.name());
        } else {
            log.warn("The console connection of {} ended: {}", target.name(), why.reason());
        }
        connected.complete(null);
        onEnding.accept(this);
        left.forEach(viewer -> viewer.consoleEnded(status, message));
    }
}
