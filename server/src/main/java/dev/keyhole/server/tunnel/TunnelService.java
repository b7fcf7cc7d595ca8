package dev.keyhole.server.tunnel;

import dev.keyhole.server.config.GuacdConfig;
import dev.keyhole.server.config.LimitsConfig;
import dev.keyhole.server.targets.KeyboardStages;
import dev.keyhole.server.targets.KeyboardState;
import dev.keyhole.server.targets.Protocol;
import dev.keyhole.server.targets.Target;
import dev.keyhole.server.targets.TargetDirectory;
import java.time.Duration;
import java.time.Instant;
import dev.keyhole.server.access.Caller;
import dev.keyhole.server.access.Identity;
import dev.keyhole.server.access.SessionHolder;
import dev.keyhole.server.audit.AuditTrail;
import dev.keyhole.server.auth.TokenHash;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import java.util.function.Predicate;
import org.apache.guacamole.protocol.GuacamoleClientInformation;
import org.apache.guacamole.protocol.GuacamoleConfiguration;
import org.apache.guacamole.protocol.GuacamoleProtocolVersion;
import org.apache.guacamole.protocol.GuacamoleStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens tunnels: looks the target up, joins (or opens) its live console in guacd, and hands the connection to
 * the {@link Tunnel}.
 *
 * <p>Threads, all given by the composition root: looking a target up and connecting to guacd (whose handshake
 * blocks, a bounded time per step) run on {@code work}; everything after the handshake runs on the relay loops
 * {@code relay}, shared by all tunnels; keep-alives, lingering consoles and the viewer-pace sweep run on
 * {@code timers}. An idle tunnel holds no thread.
 */
public final class TunnelService implements SessionHolder, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TunnelService.class);

    private final TargetDirectory targets;
    private final KeyboardStages keyboards;
    private final GuacdConfig guacd;
    private final Duration timeout;
    private final Executor work;
    private final ScheduledExecutorService timers;
    private final RelayLoops relay;
    private final AuditTrail audit;
    private final ScheduledFuture<?> paceSweep;
    private final LiveConsoles consoles;
    private final AtomicBoolean versionLogged = new AtomicBoolean();
    /** The Guacamole protocol version guacd negotiated when a console last connected; null before the first. */
    private volatile GuacamoleProtocolVersion guacdProtocol;
    private final OpenTunnels open;
    /** Why new tunnels are turned away (the server is stopping); null while they are welcome. */
    private volatile String stopping;
    private final Duration viewerLag;
    /** Which consoles' pictures are kept, from their connection's start, for Keyhole to read. */
    private final Predicate<Target> pictured;

    /**
     * @param targets   where targets are looked up
     * @param keyboards the keyboard stage of each target: a console connects with its current stage's layout, and
     *                  a switch reconnects everyone viewing it (over RDP, guacd only takes a layout when connecting)
     * @param guacd     where guacd listens
     * @param limits    how many tunnels may be open, and how far a viewer may fall behind
     * @param timeout   how long each step of connecting to guacd may take
     * @param linger    how long a console's connection stays open after its last viewer left
     * @param work      where connecting to guacd runs (it blocks, at most {@code timeout} per step)
     * @param timers    where keep-alives, lingering consoles and the viewer-pace sweep run (short tasks)
     * @param relay     the relay loops every guacd connection joins
     * @param audit     where consoles opened, typed into and closed are recorded
     */
    public TunnelService(TargetDirectory targets, KeyboardStages keyboards, GuacdConfig guacd, LimitsConfig limits,
            Duration timeout, Duration linger, Executor work, ScheduledExecutorService timers,
            RelayLoops relay, AuditTrail audit) {
        this(targets, keyboards, guacd, limits, timeout, linger, work, timers, relay, audit, target -> false);
    }

    /**
     * A service that keeps the pictures of some consoles, so that Keyhole can read their screens.
     *
     * @param pictured which consoles' pictures are kept (decoded on {@code work}); the others' are discarded
     */
    public TunnelService(TargetDirectory targets, KeyboardStages keyboards, GuacdConfig guacd, LimitsConfig limits,
            Duration timeout, Duration linger, Executor work, ScheduledExecutorService timers,
            RelayLoops relay, AuditTrail audit, Predicate<Target> pictured) {
        this.pictured = pictured;
        this.audit = audit;
        this.open = new OpenTunnels(limits);
        this.viewerLag = limits.viewerLag();
        this.targets = targets;
        this.keyboards = keyboards;
        this.guacd = guacd;
        this.timeout = timeout;
        this.work = work;
        this.timers = timers;
        this.relay = relay;
        this.consoles = new LiveConsoles(target -> openConsole(target, linger));
        keyboards.addListener(this::keyboardSwitched);
        this.paceSweep = timers.scheduleWithFixedDelay(this::closeLaggingViewers, 1, 1, TimeUnit.SECONDS);
    }

    /**
     * Closes every viewer further behind its console than {@link LimitsConfig#viewerLag}: guacd paces a console to
     * its slowest user, and one viewer on a bad line must not slow it for the others. The page reconnects.
     */
    private void closeLaggingViewers() {
        long now = System.nanoTime();
        for (Tunnel tunnel : open.all()) {
            String behind = tunnel.behind(now, viewerLag);
            if (behind != null) {
                log.info("Closing the tunnel of {} to {}: too slow ({})", tunnel.request().caller(),
                        tunnel.request().shownTarget(), behind);
                tunnel.close(GuacamoleStatus.CLIENT_TIMEOUT, "Viewer too slow: " + behind);
            }
        }
    }

    /**
     * A target's keyboard stage changed: its console reconnects for everyone viewing it, so that the new layout
     * reaches guacd (RDP) and every page learns it: their tunnels close with {@link TunnelStatus#KEYBOARD_SWITCHED},
     * which the pages read as a number (the sentence is only shown), and reopen.
     */
    private void keyboardSwitched(Target target, KeyboardState state) {
        log.info("Keyboard of {} switched to stage {} ({}): reconnecting its console", target.name(), state.stage(),
                state.layout());
        consoles.end(target.name(), TunnelStatus.KEYBOARD_SWITCHED,
                "Keyboard switched to " + state.stage() + " (" + state.layout() + ")");
    }

    /**
     * Opens a tunnel for a browser. Returns at once; the tunnel connects in the background and tells the browser
     * through {@code browser} how that went.
     *
     * @param request what the browser asked for
     * @param browser the browser's end
     * @return the tunnel, to which the edge passes the browser's messages
     */
    public Tunnel open(TunnelRequest request, BrowserChannel browser) {
        Tunnel tunnel = new Tunnel(request, browser, open::remove, audit);
        String stoppingNow = stopping;
        if (stoppingNow != null) {
            tunnel.serverStopping(stoppingNow);
            return tunnel;
        }
        String refused = open.admit(tunnel);
        if (refused != null) {
            log.info("Refused a tunnel of {} to {}: {}", request.caller(), request.shownTarget(), refused);
            tunnel.close(GuacamoleStatus.CLIENT_TOO_MANY, refused);
            return tunnel;
        }
        stoppingNow = stopping;
        if (stoppingNow != null) {
            // The server began to stop while this tunnel was counted in, perhaps after the open ones were closed.
            tunnel.serverStopping(stoppingNow);
            return tunnel;
        }
        try {
            connect(tunnel, request);
        } catch (RejectedExecutionException e) {
            tunnel.close(GuacamoleStatus.SERVER_BUSY, "Keyhole is shutting down");
        }
        return tunnel;
    }

    /**
     * Connects a tunnel in steps that hold no thread while they wait: the target is looked up and the viewer's own
     * guacd connection opened on {@code work} (both may block, for a bounded time); joining a console that is
     * being opened, and waiting for a VNC console's first frame, wait on the console's futures.
     *
     * @throws RejectedExecutionException if {@code work} takes no more tasks (the server is stopping)
     */
    private void connect(Tunnel tunnel, TunnelRequest request) {
        CompletableFuture.supplyAsync(() -> find(request), work)
                .thenCompose(target -> consoles.join(target, tunnel)
                        .thenCompose(console -> viewable(target, console))
                        .thenAcceptAsync(console -> joinGuacd(tunnel, target, console), work))
                .whenComplete((attached, failure) -> {
                    if (failure != null) {
                        failed(tunnel, request, failure);
                    }
                });
    }

    private Target find(TunnelRequest request) {
        // The name stays out of the reason: a page shows the reason, and anyone can write a name into a link.
        // A console the caller may not see is, to them, one that does not exist.
        return targets.find(request.target()).filter(t -> request.caller().sees(t.name()))
                .orElseThrow(() -> new CompletionException(new TunnelException(
                GuacamoleStatus.RESOURCE_NOT_FOUND, "No such console")));
    }

    /** @return the console once a viewer may join it in guacd */
    private CompletableFuture<LiveConsole> viewable(Target target, LiveConsole console) {
        if (target.protocol() != Protocol.VNC) {
            // Over RDP a viewer joins at once: joining while guacd receives the first frame can lose that frame for
            // the viewer, and a console that only redraws what changes would never send it again.
            return CompletableFuture.completedFuture(console);
        }
        // guacd 1.3 loses a VNC connection that a user joins before it has connected to the console.
        return console.connectedWithin(timeout).thenApply(connected -> console);
    }

    /** Opens the viewer's own guacd connection, joined to the console's, and starts the relay. Blocks. */
    private void joinGuacd(Tunnel tunnel, Target target, LiveConsole console) {
        GuacdConnection connection;
        try {
            GuacamoleConfiguration parameters = parameters(target);
            connection = GuacdConnection.open(relay, guacd, console.connectionId(),
                    tunnel.mayType() ? parameters : GuacdParameters.watching(parameters),
                    information(target), timeout);
        } catch (TunnelException e) {
            console.leave(tunnel);
            throw new CompletionException(e);
        }
        if (!tunnel.attach(console, connection)) {
            connection.disconnect();
            console.leave(tunnel);
        }
    }

    /** Closes a tunnel that could not be connected, with the reason. */
    private static void failed(Tunnel tunnel, TunnelRequest request, Throwable failure) {
        Throwable cause = failure;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof TunnelException e) {
            log.info("Tunnel of {} to {} failed: {}", request.caller(), request.shownTarget(), e.getMessage());
            tunnel.close(e.status(), e.getMessage());
        } else if (cause instanceof RejectedExecutionException) {
            tunnel.close(GuacamoleStatus.SERVER_BUSY, "Keyhole is shutting down");
        } else {
            log.error("Tunnel of {} to {} failed", request.caller(), request.shownTarget(), cause);
            tunnel.close(GuacamoleStatus.SERVER_ERROR, "Keyhole failed to connect the console; see its log");
        }
    }

    /** Opens a target's console connection on {@code work}: the handshake blocks. */
    private CompletableFuture<LiveConsole> openConsole(Target target, Duration linger) {
        return CompletableFuture.supplyAsync(() -> {
            GuacdConnection owner;
            boolean keepPicture = pictured.test(target);
            try {
                owner = GuacdConnection.open(relay, guacd, target.protocol().guacdName(), parameters(target),
                        information(target), timeout);
            } catch (TunnelException e) {
                throw new CompletionException(e);
            }
            guacdProtocol = owner.protocolVersion();
            logVersionOnce(guacdProtocol);
            log.info("Opened the console connection of {} ({} through guacd at {}, keyboard stage {})",
                    target.name(), target.protocol().guacdName(), guacd.address(), keyboards.state(target).stage());
            return new LiveConsole(target, owner, timers, linger, consoles::ended,
                    keepPicture ? new ConsolePicture(target.name(), work) : null);
        }, work);
    }

    /**
     * Watches a console without a browser: joins its live console (opening it if nobody views it), which stays
     * open while watched, and gives its picture.
     *
     * @param target a console whose picture is kept (see the constructor's {@code pictured})
     * @param ended  told, on whatever thread, when the console's connection ended (the VM is off, guacd went
     *               away…) with the status and reason a viewer would see; watch again to go on
     * @return the watch once the console is open; failed with a {@link TunnelException} if it cannot be opened
     */
    public CompletableFuture<ConsoleWatch> watch(Target target, BiConsumer<TunnelStatus, String> ended) {
        if (!pictured.test(target)) {
            return CompletableFuture.failedFuture(new IllegalArgumentException(
                    "Keyhole keeps no picture of " + target.name()));
        }
        ConsoleWatch watch = new ConsoleWatch(ended);
        return consoles.join(target, watch).thenApply(console -> {
            if (console.picture() == null) {
                // Opened before its picture was wanted (its watch setting changed): the next connection keeps one.
                console.leave(watch);
                throw new CompletionException(new TunnelException(GuacamoleStatus.UPSTREAM_UNAVAILABLE,
                        "The console was opened without its picture"));
            }
            watch.joined(console);
            return watch;
        });
    }

    private void logVersionOnce(GuacamoleProtocolVersion version) {
        if (!versionLogged.compareAndSet(false, true)) {
            return;
        }
        if (version == null || !version.atLeast(GuacamoleProtocolVersion.VERSION_1_5_0)) {
            log.warn("guacd at {} speaks protocol {}, older than VERSION_1_5_0: older guacd releases have known "
                    + "security flaws; run guacd 1.5.5 or later in production", guacd.address(),
                    version == null ? "older than VERSION_1_1_0" : version);
        } else {
            log.info("guacd at {} speaks protocol {}", guacd.address(), version);
        }
    }

    /**
     * The Guacamole protocol version guacd negotiated when a console last connected through it, e.g.
     * {@code VERSION_1_3_0}: over RDP, which keys guacd presses depends on its release, and this is all the
     * handshake tells of it.
     *
     * @return the version; null before the first console connected, or when the handshake gave none
     */
    public String guacdProtocolVersion() {
        GuacamoleProtocolVersion version = guacdProtocol;
        return version == null ? null : version.toString();
    }

    /** guacd's parameters for the target, with the layout of its current keyboard stage. */
    private GuacamoleConfiguration parameters(Target target) {
        return GuacdParameters.configuration(target.console(), keyboards.state(target).layout());
    }

    private static GuacamoleClientInformation information(Target target) {
        return GuacdParameters.clientInformation(target.console());
    }

    @Override
    public Map<TokenHash, Long> heldSessions() {
        Map<TokenHash, Long> sessions = new HashMap<>();
        for (Tunnel tunnel : open.all()) {
            Identity identity = tunnel.request().caller().identity();
            if (identity != null) {
                sessions.merge(identity.session(), tunnel.lastInput(), Math::max);
            }
        }
        return sessions;
    }

    @Override
    public Set<TokenHash> heldLinkDevices() {
        Set<TokenHash> devices = new HashSet<>();
        for (Tunnel tunnel : open.all()) {
            tunnel.request().caller().viaLink().ifPresent(guest -> devices.add(guest.device()));
        }
        return devices;
    }

    /**
     * Closes the tunnels of a session or a link's device with {@code 0x0301} and the reason: the page asks its
     * person to sign in again, or a guest's says that the link ended.
     */
    @Override
    public void closeSession(TokenHash session, String why) {
        for (Tunnel tunnel : open.all()) {
            Caller caller = tunnel.request().caller();
            boolean ended = caller.signedIn().filter(identity -> identity.session().equals(session)).isPresent()
                    || caller.viaLink().filter(guest -> guest.device().equals(session)).isPresent();
            if (ended) {
                log.info("Closing the tunnel of {} to {}: {}", tunnel.request().caller(),
                        tunnel.request().shownTarget(), why);
                tunnel.close(GuacamoleStatus.CLIENT_UNAUTHORIZED, why);
            }
        }
    }

    /**
     * Turns new tunnels away and closes every open one, telling each browser that the server goes away and why;
     * the pages come back by themselves when it returns. Call it before the web server stops, so the browsers
     * hear it.
     *
     * @param why e.g. "Keyhole is restarting"
     */
    public void stopTunnels(String why) {
        stopping = why;
        List<Tunnel> closing = open.all();
        if (!closing.isEmpty()) {
            log.info("Closing {} tunnel(s): {}", closing.size(), why);
        }
        closing.forEach(tunnel -> tunnel.serverStopping(why));
    }

    /** Closes every console connection and stops the viewer-pace sweep; the threads are the caller's to stop. */
    @Override
    public void close() {
        paceSweep.cancel(false);
        consoles.closeAll();
    }

    /**
     * A console someone has open now, as the admin pages show it: who, which console, since when, watching or
     * typing; nothing of guacd (no connection id, host or port).
     *
     * @param id      the tunnel's id, which {@link #closeTunnel} takes
     * @param target  the console's target name
     * @param caller  who holds it: a signed-in person, a share link's guest, or both
     * @param since   when it joined the console
     * @param mayType whether its person may type into it (else they watch)
     */
    public record OpenConsole(String id, String target, Caller caller, Instant since, boolean mayType) {
    }

    /** @return every tunnel relaying a console now, oldest first (those still connecting are left out) */
    public List<OpenConsole> openConsoles() {
        return open.all().stream().filter(Tunnel::relaying)
                .map(tunnel -> new OpenConsole(tunnel.id(), tunnel.request().shownTarget(), tunnel.caller(),
                        tunnel.since(), tunnel.mayType()))
                .sorted(Comparator.comparing(OpenConsole::since)).toList();
    }

    /**
     * Closes one tunnel (an admin kicks a viewer): its browser hears {@code 0x0301} and {@code why}, and does not
     * reconnect by itself; its session, if any, goes on, so its page offers to reconnect.
     *
     * @param id  the tunnel's id ({@link OpenConsole#id})
     * @param why what its page says, e.g. "An admin closed your view of this console"
     * @return whether such a tunnel was open
     */
    public boolean closeTunnel(String id, String why) {
        for (Tunnel tunnel : open.all()) {
            if (tunnel.id().equals(id)) {
                log.info("Closing the tunnel of {} to {}: {}", tunnel.request().caller(),
                        tunnel.request().shownTarget(), why);
                tunnel.close(GuacamoleStatus.CLIENT_UNAUTHORIZED, why);
                return true;
            }
        }
        return false;
    }
}
