package dev.keyhole.server.watch;

import dev.keyhole.server.targets.Target;
import dev.keyhole.server.targets.TargetDirectory;
import dev.keyhole.server.targets.WatchPolicy;
import dev.keyhole.server.tunnel.ConsolePicture;
import dev.keyhole.server.tunnel.ConsoleWatch;
import dev.keyhole.server.tunnel.SerialExecutor;
import dev.keyhole.server.tunnel.TunnelService;
import dev.keyhole.server.tunnel.TunnelStatus;
import dev.keyhole.server.virtualbox.Machine;
import dev.keyhole.server.virtualbox.MachineChange;
import dev.keyhole.server.virtualbox.MachineState;
import dev.keyhole.server.virtualbox.VirtualMachines;
import java.awt.image.BufferedImage;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keyhole watching its consoles: it keeps each watched console's connection open (as a viewer that is no
 * browser), reads the screen's text when the picture has been still for a second after a change (or every
 * {@link #BUSY_READ} while it keeps changing), and says what it shows ({@link ConsoleReading}) to whoever
 * subscribed: the pages' event streams, the notifications.
 *
 * <p>It never sends a key to find out: any key would stop GRUB's countdown. Only what a screen means leaves this
 * class, never its text, which is not logged either.
 *
 * <p>Which consoles: each target's {@link WatchPolicy}. {@code always} ones from the start, and again after their
 * connection ends (with a growing pause); {@code while-booting} ones (VirtualBox VMs by default) from the VM's
 * start or reset until it reads booting after a passphrase prompt was seen (unlocked), or
 * {@code while-booting-for} passed.
 *
 * <p>Threads: the pictures' changes arrive on their appliers; the checks for stillness and the retries run on
 * {@code timers}; the readings (Tesseract) run one at a time on {@code work}, so that reading many consoles never
 * takes more than one core.
 */
public final class Watching implements ConsoleReadings, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Watching.class);

    /** How long a picture must stay still after a change before it is read. */
    static final Duration STILL = Duration.ofSeconds(1);
    /** How often a picture that keeps changing (a blinking cursor, a scrolling boot) is read all the same. */
    static final Duration BUSY_READ = Duration.ofMillis(2500);
    /** The first pause before watching a console again whose connection ended; it doubles up to the next. */
    static final Duration FIRST_RETRY = Duration.ofSeconds(2);
    static final Duration LAST_RETRY = Duration.ofSeconds(60);
    /** A change of at most this many pixels is a cursor's, not new text (a 9×16 character cell is 144). */
    static final long SMALL_CHANGE = 2 * 16 * 24;
    /** How long a new connection may show no picture at all before it is opened again. */
    static final Duration NO_PICTURE = Duration.ofSeconds(10);
    /** How long a reading waits for its picture to be drawn up to date. */
    private static final Duration SNAPSHOT_WAIT = Duration.ofSeconds(10);

    private final TunnelService tunnels;
    private final TargetDirectory targets;
    private final Function<Target, WatchPolicy> policies;
    private final ScreenReader reader;
    private final ScreenPatterns patterns;
    private final Duration bootWindow;
    private final Clock clock;
    private final ScheduledExecutorService timers;
    private final Executor reading;
    private final Map<String, Watched> watched = new ConcurrentHashMap<>();
    private final Map<String, ConsoleReading> readings = new ConcurrentHashMap<>();
    private final List<Consumer<ConsoleReading>> listeners = new CopyOnWriteArrayList<>();
    /** The last kind of state each VM was seen in: a start is a change from off to running. */
    private final Map<String, MachineState.Kind> lastKinds = new ConcurrentHashMap<>();
    private volatile boolean closed;
    private Runnable unsubscribe = () -> { };

    /**
     * @param tunnels    opens the consoles' connections (its {@code pictured} must say yes to every target whose
     *                   policy is not {@code never})
     * @param targets    the consoles
     * @param policies   each target's policy
     * @param reader     reads a picture's text
     * @param patterns   what the text means
     * @param bootWindow how long a {@code while-booting} watch lasts at most
     * @param timers     where the checks and retries run (short tasks)
     * @param work       where the readings run, one at a time
     */
    public Watching(TunnelService tunnels, TargetDirectory targets, Function<Target, WatchPolicy> policies,
            ScreenReader reader, ScreenPatterns patterns, Duration bootWindow, Clock clock,
            ScheduledExecutorService timers, Executor work) {
        this.tunnels = tunnels;
        this.targets = targets;
        this.policies = policies;
        this.reader = reader;
        this.patterns = patterns;
        this.bootWindow = bootWindow;
        this.clock = clock;
        this.timers = timers;
        this.reading = new SerialExecutor(work);
    }

    /**
     * Starts watching the {@code always} consoles, and follows the VMs: a VM that starts or is reset is watched
     * while it boots (or all the time, by its policy); one that is powered off is no longer watched.
     */
    public void start(VirtualMachines machines) {
        for (Target target : targets.list()) {
            if (policies.apply(target) == WatchPolicy.ALWAYS) {
                watch(target, null);
            }
        }
        unsubscribe = machines.subscribe(this::machineChanged);
    }

    @Override
    public Runnable subscribe(Consumer<ConsoleReading> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    @Override
    public Optional<ConsoleReading> reading(String target) {
        return Optional.ofNullable(readings.get(target));
    }

    /**
     * @return the picture of a console watched now and connected; empty otherwise. Only Keyhole's own reading and
     *         its tests look at it
     */
    public Optional<ConsolePicture> picture(String target) {
        Watched current = watched.get(target);
        return current == null ? Optional.empty() : current.picture();
    }

    /**
     * The VM behind {@code target} was started or reset: its boot is watched, as its policy says.
     *
     * @param target the target's name
     */
    public void booting(String target) {
        targets.find(target).ifPresent(t -> {
            WatchPolicy policy = policies.apply(t);
            if (policy == WatchPolicy.WHILE_BOOTING) {
                watch(t, clock.instant().plus(bootWindow));
            } else if (policy == WatchPolicy.ALWAYS) {
                watch(t, null);
            }
        });
    }

    private void machineChanged(MachineChange change) {
        if (change instanceof MachineChange.Updated updated) {
            String target = updated.machine().target();
            MachineState.Kind kind = updated.machine().machine().state().kind();
            Watched current = watched.get(target);
            if (kind == MachineState.Kind.OFF) {
                if (current != null) {
                    current.stop("the VM is " + updated.machine().machine().state().label());
                }
            } else if (kind == MachineState.Kind.ONLINE && current == null
                    && updated.machine().machine().state() == MachineState.RUNNING && (wasOff(target) || always(target)
                            || !lastKinds.containsKey(target)
                                    && updated.machine().machine().guest() == Machine.GuestStatus.BOOTING)) {
                // Started, watched always, or found running with its Guest Additions not up yet (it may wait for its
                // passphrase).
                booting(target);
            }
            lastKinds.put(target, kind);
        } else if (change instanceof MachineChange.Reset reset) {
            booting(reset.target());
        } else if (change instanceof MachineChange.Removed removed) {
            Watched current = watched.get(removed.target());
            if (current != null) {
                current.stop("the VM is gone");
            }
            readings.remove(removed.target());
            lastKinds.remove(removed.target());
        }
    }

    private boolean always(String target) {
        return targets.find(target).map(policies).orElse(WatchPolicy.NEVER) == WatchPolicy.ALWAYS;
    }

    private boolean wasOff(String target) {
        MachineState.Kind last = lastKinds.get(target);
        return last == MachineState.Kind.OFF || last == MachineState.Kind.TRANSIENT;
    }

    /** Watches {@code target} until {@code until} (null: for good), or extends the watch there already is. */
    private void watch(Target target, Instant until) {
        if (closed) {
            return;
        }
        Watched fresh = new Watched(target, until);
        Watched existing = watched.putIfAbsent(target.name(), fresh);
        if (existing != null) {
            existing.extend(until);
            return;
        }
        fresh.connect();
    }

    private void publish(ConsoleReading reading) {
        readings.put(reading.target(), reading);
        for (Consumer<ConsoleReading> listener : listeners) {
            try {
                listener.accept(reading);
            } catch (RuntimeException e) {
                log.warn("A listener of console readings failed", e);
            }
        }
    }

    /** Stops every watch; their consoles' connections close unless someone views them. */
    @Override
    public void close() {
        closed = true;
        unsubscribe.run();
        watched.values().forEach(w -> w.stop("Keyhole is stopping"));
    }

    /** One console being watched. Its fields are guarded by itself. */
    private final class Watched {
        private final Target target;
        /** When a while-booting watch ends; null for one that does not. */
        private Instant until;
        private ConsoleWatch watch;
        private Runnable unsubscribePicture = () -> { };
        private ScheduledFuture<?> check;
        private ScheduledFuture<?> retry;
        private ScheduledFuture<?> expiry;
        private ScheduledFuture<?> noPicture;
        /** A blank connection was opened again once already. */
        private boolean mended;
        private long lastChange;
        /** When the first change not read yet came; 0 when everything was read. */
        private long firstUnread;
        private long readChanges = -1;
        private boolean sawPrompt;
        private Duration nextRetry = FIRST_RETRY;
        private boolean stopped;

        Watched(Target target, Instant until) {
            this.target = target;
            this.until = until;
        }

        synchronized Optional<ConsolePicture> picture() {
            return watch == null ? Optional.empty() : Optional.of(watch.picture());
        }

        synchronized void extend(Instant later) {
            if (later == null || until == null) {
                until = null;
            } else if (later.isAfter(until)) {
                until = later;
            }
            sawPrompt = false;
            scheduleExpiry();
        }

        void connect() {
            synchronized (this) {
                if (stopped) {
                    return;
                }
                scheduleExpiry();
            }
            log.info("Watching the console of {} ({})", target.name(), until == null ? "always"
                    : "while it boots, until " + until);
            tunnels.watch(target, this::ended).whenComplete((opened, failure) -> {
                if (failure != null) {
                    Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                            ? failure.getCause() : failure;
                    cannotSee(cause.getMessage());
                    return;
                }
                synchronized (this) {
                    if (stopped) {
                        opened.close();
                        return;
                    }
                    watch = opened;
                    nextRetry = FIRST_RETRY;
                    // A new connection has a new picture, counted from nothing: its first reading is a first.
                    readChanges = -1;
                    firstUnread = 0;
                    ConsolePicture picture = opened.picture();
                    unsubscribePicture = picture.onChange(this::changed);
                    noPicture = schedule(() -> mendIfBlank(opened), NO_PICTURE.toMillis());
                }
                read();
            });
        }

        /**
         * A connection that has drawn nothing at all since it opened may be stuck (an RDP server can leave a client
         * that came at the wrong moment without a picture): once per watch, and only while nobody else views the
         * console, it is opened again. A console that truly shows nothing (a VRDP console before its first key)
         * is left alone after that.
         */
        private void mendIfBlank(ConsoleWatch opened) {
            synchronized (this) {
                if (stopped || mended || watch != opened || opened.picture().drawn() > 0) {
                    return;
                }
                mended = true;
            }
            if (opened.endUnviewedConsole("The console showed no picture")) {
                log.warn("Console {} showed no picture {} s after its connection opened: opening it again",
                        target.name(), NO_PICTURE.toSeconds());
            }
        }

        /** The console's connection ended: said, and watched again after a pause. */
        private void ended(TunnelStatus status, String message) {
            synchronized (this) {
                unsubscribePicture.run();
                watch = null;
            }
            cannotSee(message);
        }

        private void cannotSee(String why) {
            Duration pause;
            synchronized (this) {
                if (stopped) {
                    return;
                }
                pause = nextRetry;
                nextRetry = nextRetry.multipliedBy(2).compareTo(LAST_RETRY) > 0 ? LAST_RETRY : nextRetry.multipliedBy(2);
                try {
                    retry = timers.schedule(this::connect, pause.toMillis(), TimeUnit.MILLISECONDS);
                } catch (RejectedExecutionException e) {
                    return;
                }
            }
            log.info("Cannot see the console of {} ({}); trying again in {} s", target.name(), why,
                    pause.toSeconds());
            Instant now = clock.instant();
            ConsoleReading last = readings.get(target.name());
            publish(new ConsoleReading(target.name(), ConsoleState.UNKNOWN,
                    last != null && last.state() == ConsoleState.UNKNOWN ? last.since() : now, now, true,
                    "Keyhole cannot see the console: " + why));
        }

        /** The picture changed: read it once it has been still for {@link #STILL}, or after {@link #BUSY_READ}. */
        private void changed() {
            synchronized (this) {
                long now = clock.millis();
                lastChange = now;
                if (firstUnread == 0) {
                    firstUnread = now;
                }
                if (check == null && !stopped) {
                    check = schedule(this::check, STILL.toMillis());
                }
            }
        }

        private void check() {
            synchronized (this) {
                check = null;
                if (stopped) {
                    return;
                }
                long now = clock.millis();
                long stillFor = now - lastChange;
                long unreadFor = now - firstUnread;
                if (stillFor < STILL.toMillis() && unreadFor < BUSY_READ.toMillis()) {
                    check = schedule(this::check, Math.min(STILL.toMillis() - stillFor,
                            BUSY_READ.toMillis() - unreadFor));
                    return;
                }
                firstUnread = 0;
            }
            read();
        }

        private ScheduledFuture<?> schedule(Runnable task, long millis) {
            try {
                return timers.schedule(task, Math.max(1, millis), TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                return null;
            }
        }

        /** Reads the picture as it is now, on the reading lane. */
        private void read() {
            ConsoleWatch current;
            synchronized (this) {
                current = watch;
            }
            if (current == null) {
                return;
            }
            ConsolePicture picture = current.picture();
            long changes = picture.changes();
            try {
                reading.execute(() -> readNow(picture, changes));
            } catch (RejectedExecutionException e) {
                // Keyhole is stopping.
            }
        }

        private void readNow(ConsolePicture picture, long changes) {
            boolean first;
            synchronized (this) {
                if (stopped || changes == readChanges) {
                    return;
                }
                first = readChanges < 0;
                readChanges = changes;
            }
            ConsolePicture.Frame frame;
            try {
                frame = picture.frame().get(SNAPSHOT_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                frame = null;
            }
            if (frame == null) {
                synchronized (this) {
                    // Nothing drawn yet (or the picture is behind): the next change is read as the first.
                    readChanges = -1;
                }
                return;
            }
            if (!first && frame.changed() != null && small(frame.changed())) {
                // A blinking cursor: nothing to read again.
                return;
            }
            BufferedImage screen = frame.image();
            ConsoleState state;
            String problem = null;
            try {
                state = patterns.classify(reader.read(screen));
            } catch (ScreenReader.ScreenReadingException e) {
                state = ConsoleState.UNKNOWN;
                problem = e.getMessage();
            }
            read(state, problem);
        }

        /** A change no larger than a character cell or two (a cursor) says nothing new. */
        private boolean small(java.awt.Rectangle changed) {
            return (long) changed.width * changed.height <= SMALL_CHANGE;
        }

        private void read(ConsoleState state, String problem) {
            Instant now = clock.instant();
            ConsoleReading last = readings.get(target.name());
            boolean unlocked;
            synchronized (this) {
                if (stopped) {
                    return;
                }
                unlocked = until != null && sawPrompt && state == ConsoleState.BOOTING;
                sawPrompt |= state.needsSomeone();
            }
            boolean same = last != null && last.state() == state && last.watching() && last.problem() == null
                    && problem == null;
            if (!same) {
                log.info("Console {} reads: {}", target.name(), problem == null ? state.words() : problem);
            }
            publish(new ConsoleReading(target.name(), state, same ? last.since() : now, now, !unlocked, problem));
            if (unlocked) {
                stop("it is unlocked and booting");
            }
        }

        private void scheduleExpiry() {
            if (expiry != null) {
                expiry.cancel(false);
                expiry = null;
            }
            if (until != null) {
                long millis = Duration.between(clock.instant(), until).toMillis();
                expiry = schedule(this::expire, millis);
            }
        }

        /** The boot window passed: the watch ends, unless the console waits for someone (then until it is unlocked). */
        private void expire() {
            ConsoleReading last = readings.get(target.name());
            if (last != null && last.state().needsSomeone()) {
                log.info("Console {} still waits for its passphrase after {} min: watched until it is unlocked",
                        target.name(), bootWindow.toMinutes());
                return;
            }
            stop("its boot has been watched for " + bootWindow.toMinutes() + " min");
        }

        /** Stops watching; the last reading stays, marked as no longer watched. */
        void stop(String why) {
            ConsoleWatch current;
            synchronized (this) {
                if (stopped) {
                    return;
                }
                stopped = true;
                current = watch;
                watch = null;
                unsubscribePicture.run();
                for (ScheduledFuture<?> task : new ScheduledFuture<?>[] {check, retry, expiry, noPicture}) {
                    if (task != null) {
                        task.cancel(false);
                    }
                }
            }
            watched.remove(target.name(), this);
            if (current != null) {
                current.close();
            }
            log.info("Stopped watching the console of {}: {}", target.name(), why);
            ConsoleReading last = readings.get(target.name());
            if (last != null && last.watching() && !closed) {
                publish(new ConsoleReading(last.target(), last.state(), last.since(), last.at(), false,
                        last.problem()));
            }
        }
    }
}
