package dev.keyhole.server.virtualbox;

import dev.keyhole.server.config.VirtualBoxHostConfig;
import dev.keyhole.server.targets.Protocol;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.w3c.dom.Element;

/**
 * A {@link VirtualBoxHost} over the VirtualBox web service (SOAP, see {@link WebServiceCalls}).
 *
 * <p>An event loop logs on (checking that the API is 7.x), registers a passive event listener on
 * {@code IVirtualBox.eventSource} and loops on {@code getEvent} with a one-second timeout, acknowledging each event
 * with {@code eventProcessed}. That loop is also the websession's keep-alive: the web service drops a websession
 * after 300 s without calls, and the loop calls every second. When a call fails because the service went away or
 * forgot the websession (it restarted), the host is reported unreachable and the loop logs on again, with a
 * growing pause, until it succeeds; the watcher then re-reads everything. {@link #close()} logs off.
 *
 * <p>Threads: the loop owns none. Each of its turns (a logon, or one {@code getEvent} and its dispatch: a second
 * or so) is a task on the composition root's {@code work} executor, and queues the next turn when it is done;
 * a pause before a retry waits on the {@code timers}, not on a thread. The watcher is told on the turn's
 * thread. Other calls ({@link #machines()}, the actions) run on the caller's thread.
 *
 * <p>Operations that need a console ({@code lockMachine} with the websession's one {@code ISession}) are
 * serialised. Credentials and managed object references are never logged.
 */
public final class WebServiceVirtualBoxHost implements VirtualBoxHost {

    private static final Logger log = LoggerFactory.getLogger(WebServiceVirtualBoxHost.class);

    /** The events Keyhole listens to on the host's global event source. */
    static final List<String> EVENTS = List.of("OnMachineStateChanged", "OnMachineRegistered",
            "OnMachineDataChanged", "OnSessionStateChanged", "OnGuestPropertyChanged", "OnVRDEServerChanged",
            "OnVRDEServerInfoChanged", "OnGuestAdditionsStatusChanged");

    /** Event types that are {@code IMachineEvent}s (they carry a machine id). */
    private static final Set<String> MACHINE_EVENTS = Set.of("OnMachineStateChanged", "OnMachineRegistered",
            "OnMachineDataChanged", "OnSessionStateChanged", "OnGuestPropertyChanged");

    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration EVENT_WAIT = Duration.ofSeconds(1);
    private static final Duration PROGRESS_WAIT = Duration.ofSeconds(90);
    private static final Duration FIRST_RETRY_PAUSE = Duration.ofMillis(250);
    private static final Duration MAX_RETRY_PAUSE = Duration.ofSeconds(5);

    private final VirtualBoxHostConfig config;
    private final WebServiceCalls calls;
    private final ReentrantLock sessionLock = new ReentrantLock();
    private final Object monitor = new Object();

    private final Executor work;
    private final ScheduledExecutorService timers;

    private volatile Websession websession;
    private volatile HostStatus status;
    /** Set under {@code monitor}, like {@code watching} and {@code pending}; read by the turns without it. */
    private volatile boolean closed;
    private boolean watching;
    /** The pause before the next turn, while the loop waits to retry. */
    private ScheduledFuture<?> pending;
    /** Done when the loop has stopped after {@link #close()}, or never started. */
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();
    /** The next pause after a failure, and the last problem logged: only the turn running touches them. */
    private Duration retryPause = FIRST_RETRY_PAUSE;
    private String lastProblem;

    /** The references of one logon. */
    private record Websession(String vbox, String eventSource, String listener) {
    }

    /**
     * @param config the host's configuration (URL, credentials)
     * @param work   where the event loop's turns run (each blocks for a web service call)
     * @param timers where the loop waits before it retries
     */
    public WebServiceVirtualBoxHost(VirtualBoxHostConfig config, Executor work, ScheduledExecutorService timers) {
        this.config = config;
        this.work = work;
        this.timers = timers;
        this.calls = new WebServiceCalls(new SoapClient(config.url(), CALL_TIMEOUT));
        this.status = new HostStatus(config.name(), HostStatus.State.CONNECTING, "");
    }

    @Override
    public String name() {
        return config.name();
    }

    @Override
    public HostStatus status() {
        return status;
    }

    @Override
    public void watch(Watcher watcher) {
        synchronized (monitor) {
            if (watching || closed) {
                return;
            }
            watching = true;
            next(watcher, Duration.ZERO);
        }
    }

    // --- logon and events --------------------------------------------------------------------------------------

    /**
     * Logs on and checks the API version; the caller owns the returned reference.
     *
     * @throws VirtualBoxException naming the host when the logon is refused or the API is not 7.x
     */
    String logon() {
        String vbox;
        try {
            vbox = calls.logon(config.username(), config.password());
        } catch (VirtualBoxException.Unreachable e) {
            throw e;
        } catch (VirtualBoxException e) {
            throw new VirtualBoxException("the VirtualBox web service refused the logon (wrong user name or "
                    + "password?): " + e.getMessage(), e);
        }
        String api = calls.apiVersion(vbox);
        if (!isSupportedApi(api)) {
            String version = calls.version(vbox);
            logoffQuietly(vbox);
            throw new VirtualBoxException("the VirtualBox host runs VirtualBox " + version
                    + " (API " + api + "); Keyhole supports VirtualBox 7.x only");
        }
        return vbox;
    }

    /** @param api {@code IVirtualBox.APIVersion}, e.g. {@code 7_2} */
    static boolean isSupportedApi(String api) {
        return api != null && api.matches("7_\\d+(_.*)?");
    }

    private Websession connect() {
        String vbox = logon();
        try {
            String source = calls.eventSource(vbox);
            String listener = calls.createListener(source);
            calls.registerListener(source, listener, EVENTS);
            return new Websession(vbox, source, listener);
        } catch (RuntimeException e) {
            logoffQuietly(vbox);
            throw e;
        }
    }

    /**
     * One turn of the event loop: logs on if there is no websession, else waits up to {@link #EVENT_WAIT} for an
     * event and dispatches it; then queues the next turn, at once, or after a pause when the host failed.
     */
    private void turn(Watcher watcher) {
        if (closed) {
            next(watcher, Duration.ZERO);
            return;
        }
        Duration pause = Duration.ZERO;
        try {
            Websession ws = websession;
            if (ws == null) {
                ws = connect();
                websession = ws;
                retryPause = FIRST_RETRY_PAUSE;
                lastProblem = null;
                log.info("VirtualBox host {}: logged on to {}, listening for events", config.name(), config.url());
                setStatus(watcher, new HostStatus(config.name(), HostStatus.State.REACHABLE, ""));
            }
            String event = calls.getEvent(ws.eventSource(), ws.listener(), EVENT_WAIT);
            if (event != null && !event.isEmpty()) {
                dispatch(ws, event, watcher);
            }
        } catch (VirtualBoxException e) {
            if (!closed) {
                websession = null;
                String problem = e.getMessage();
                if (!problem.equals(lastProblem)) {
                    log.warn("VirtualBox host {} ({}): {}; retrying", config.name(), config.url(), problem);
                    lastProblem = problem;
                }
                setStatus(watcher, new HostStatus(config.name(), HostStatus.State.UNREACHABLE, problem));
                pause = retryPause;
                retryPause = retryPause.multipliedBy(2).compareTo(MAX_RETRY_PAUSE) > 0 ? MAX_RETRY_PAUSE
                        : retryPause.multipliedBy(2);
            }
        } catch (RuntimeException e) {
            // A bug must not end the host's event loop: report it and keep going.
            log.error("VirtualBox host {}: unexpected failure in the event loop", config.name(), e);
            websession = null;
            pause = MAX_RETRY_PAUSE;
        }
        next(watcher, pause);
    }

    /** Queues the loop's next turn after {@code pause}, or tells {@link #close()} that the loop has stopped. */
    private void next(Watcher watcher, Duration pause) {
        synchronized (monitor) {
            pending = null;
            if (closed) {
                stopped.complete(null);
                return;
            }
            try {
                if (pause.isZero()) {
                    work.execute(() -> turn(watcher));
                } else {
                    pending = timers.schedule(() -> next(watcher, Duration.ZERO), pause.toMillis(),
                            TimeUnit.MILLISECONDS);
                }
            } catch (RejectedExecutionException e) {
                // Keyhole is stopping: its threads take no more work.
                stopped.complete(null);
            }
        }
    }

    private void dispatch(Websession ws, String event, Watcher watcher) {
        String type;
        String machineId = null;
        Boolean registered = null;
        try {
            type = calls.eventType(event);
            if (MACHINE_EVENTS.contains(type)) {
                machineId = calls.eventMachineId(event);
                if ("OnGuestPropertyChanged".equals(type)) {
                    // A running guest updates many properties every few seconds; only the Guest Additions' own
                    // (their run level, the boot hint) matter here.
                    String property = SoapClient.returnval(calls.soapCall("IGuestPropertyChangedEvent_getName", event));
                    if (property == null || !property.startsWith("/VirtualBox/GuestAdd/")) {
                        machineId = null;
                    }
                }
                if ("OnMachineRegistered".equals(type)) {
                    registered = Boolean.parseBoolean(SoapClient.returnval(
                            calls.soapCall("IMachineRegisteredEvent_getRegistered", event)));
                }
            }
        } finally {
            calls.eventProcessed(ws.eventSource(), ws.listener(), event);
            releaseQuietly(event);
        }
        log.debug("VirtualBox host {}: event {} for {}", config.name(), type, machineId);
        if (machineId == null) {
            return;
        }
        if (registered != null) {
            watcher.machineRegistered(machineId, registered);
        } else {
            watcher.machineChanged(machineId);
        }
    }

    private void setStatus(Watcher watcher, HostStatus next) {
        HostStatus previous = status;
        status = next;
        if (!next.equals(previous)) {
            watcher.hostChanged(next);
        }
    }

    /** The current websession's IVirtualBox reference, logging on first when the event thread has not yet. */
    private String vbox() {
        Websession ws = websession;
        if (ws != null) {
            return ws.vbox();
        }
        HostStatus s = status;
        throw new VirtualBoxException("the VirtualBox host " + config.name() + " is not connected"
                + (s.message().isEmpty() ? "" : ": " + s.message()));
    }

    // --- reading machines --------------------------------------------------------------------------------------

    @Override
    public List<Machine> machines() {
        String vbox = vbox();
        List<Machine> out = new ArrayList<>();
        for (String ref : calls.machines(vbox)) {
            try {
                out.add(read(ref));
            } catch (VirtualBoxException.InvalidObject e) {
                throw e;
            } catch (VirtualBoxException e) {
                // Unregistered while we read it: leave it out, the event tells the rest.
                log.debug("VirtualBox host {}: a machine vanished while being read", config.name());
            }
        }
        return out;
    }

    @Override
    public Optional<Machine> machine(String id) {
        String ref;
        try {
            ref = calls.findMachine(vbox(), id);
        } catch (VirtualBoxException.Unreachable | VirtualBoxException.InvalidObject e) {
            throw e;
        } catch (VirtualBoxException e) {
            return Optional.empty(); // VBOX_E_OBJECT_NOT_FOUND
        }
        return Optional.of(read(ref));
    }

    private Machine read(String ref) {
        String id = calls.machineId(ref);
        String name = calls.machineName(ref);
        String stateName = calls.machineState(ref);
        MachineState state = MachineState.fromApi(stateName);
        String vrdeRef = calls.vrdeServer(ref); // shared with other callers: not released (see releaseQuietly)
        boolean enabled = calls.vrdeEnabled(vrdeRef);
        String ports = nullToEmpty(calls.vrdeProperty(vrdeRef, "TCP/Ports"));
        String address = nullToEmpty(calls.vrdeProperty(vrdeRef, "TCP/Address"));
        String extPack = nullToEmpty(calls.vrdeExtPack(vrdeRef));
        OptionalInt activePort = OptionalInt.empty();
        Machine.GuestStatus guest = Machine.GuestStatus.NOT_RUNNING;
        if (state.kind() == MachineState.Kind.ONLINE) {
            RunningInfo info = readRunning(ref);
            activePort = info.activePort();
            guest = info.guest();
        }
        return new Machine(id, name, state, stateName, new Machine.Vrde(enabled, ports, address,
                protocolOf(extPack), activePort), guest);
    }

    /** What only a running VM's console knows. */
    record RunningInfo(OptionalInt activePort, Machine.GuestStatus guest) {
    }

    private RunningInfo readRunning(String machineRef) {
        try {
            return withConsole(machineRef, console -> {
                OptionalInt port = activePort(calls.vrdeServerInfo(console));
                String guest = calls.guest(console);
                Machine.GuestStatus g = Machine.GuestStatus.fromRunLevel(calls.additionsRunLevel(guest));
                releaseQuietly(guest);
                return new RunningInfo(port, g);
            });
        } catch (VirtualBoxException.Unreachable | VirtualBoxException.InvalidObject e) {
            throw e;
        } catch (VirtualBoxException e) {
            // Stopped between reading its state and locking it: the state event follows.
            return new RunningInfo(OptionalInt.empty(), Machine.GuestStatus.UNKNOWN);
        }
    }

    /**
     * The listening port from {@code IConsole.VRDEServerInfo} (a struct in the web service): {@code port} is -1
     * when the server failed to bind, 0 when it is off, the port when it listens.
     *
     * @param info the {@code returnval} element of {@code IConsole_getVRDEServerInfo} (null: none)
     */
    static OptionalInt activePort(Element info) {
        if (info == null) {
            return OptionalInt.empty();
        }
        String port = SoapClient.text(SoapClient.child(info, "port"));
        try {
            int p = Integer.parseInt(port == null ? "" : port.strip());
            return p > 0 && p <= 65535 ? OptionalInt.of(p) : OptionalInt.empty();
        } catch (NumberFormatException e) {
            return OptionalInt.empty();
        }
    }

    /** @param extPack {@code IVRDEServer.VRDEExtPack}: "" or Oracle's pack for VRDP, {@code VNC} for VNC */
    static Protocol protocolOf(String extPack) {
        return extPack != null && extPack.strip().equalsIgnoreCase("VNC") ? Protocol.VNC : Protocol.RDP;
    }

    // --- actions -----------------------------------------------------------------------------------------------

    @Override
    public void startHeadless(String id) {
        sessionLock.lock();
        try {
            String vbox = vbox();
            String machine = find(vbox, id);
            String session = calls.getSessionObject(vbox);
            try {
                String progress = calls.launchVMProcess(machine, session, "headless", List.of());
                awaitProgress(progress, "starting");
            } finally {
                unlockIfLocked(session);
            }
        } finally {
            sessionLock.unlock();
        }
    }

    @Override
    public void enableVrde(String id, String ports, String address) {
        sessionLock.lock();
        try {
            String vbox = vbox();
            String machine = find(vbox, id);
            String session = calls.getSessionObject(vbox);
            try {
                calls.lockMachine(machine, session, "Write");
                String mutable = calls.sessionMachine(session);
                String vrde = calls.vrdeServer(mutable);
                calls.setVrdeEnabled(vrde, true);
                calls.setVrdeProperty(vrde, "TCP/Ports", ports);
                calls.setVrdeProperty(vrde, "TCP/Address", address);
                calls.saveSettings(mutable);
                releaseQuietly(vrde);
                releaseQuietly(mutable);
            } finally {
                unlockIfLocked(session);
            }
        } finally {
            sessionLock.unlock();
        }
    }

    @Override
    public void reset(String id) {
        consoleAction(id, console -> {
            calls.reset(console);
            return null;
        });
    }

    @Override
    public void powerButton(String id) {
        consoleAction(id, console -> {
            calls.powerButton(console);
            return null;
        });
    }

    @Override
    public void powerOff(String id) {
        consoleAction(id, console -> {
            awaitProgress(calls.powerDown(console), "powering off");
            return null;
        });
    }

    @Override
    public byte[] screenshot(String id, int maxWidth) {
        return consoleAction(id, console -> {
            String display = calls.display(console);
            try {
                int[] size = calls.screenResolution(display);
                int width = Math.max(1, Math.min(maxWidth, size[0]));
                int height = Math.max(1, (int) Math.round((double) size[1] * width / Math.max(1, size[0])));
                return calls.takeScreenShotToArray(display, width, height);
            } finally {
                releaseQuietly(display);
            }
        });
    }

    private interface ConsoleCall<T> {
        T apply(String console);
    }

    private <T> T consoleAction(String id, ConsoleCall<T> action) {
        String vbox = vbox();
        return withConsole(find(vbox, id), action);
    }

    /** Locks the VM shared with the websession's ISession, runs {@code action} on its console, unlocks. */
    private <T> T withConsole(String machineRef, ConsoleCall<T> action) {
        sessionLock.lock();
        try {
            String session = calls.getSessionObject(vbox());
            calls.lockMachine(machineRef, session, "Shared");
            try {
                String console = calls.console(session);
                if (console == null || console.isEmpty()) {
                    throw new VirtualBoxException("the VM is not running (it has no console)");
                }
                try {
                    return action.apply(console);
                } finally {
                    releaseQuietly(console);
                }
            } finally {
                unlockIfLocked(session);
            }
        } finally {
            sessionLock.unlock();
        }
    }

    private String find(String vbox, String id) {
        try {
            return calls.findMachine(vbox, id);
        } catch (VirtualBoxException.Unreachable | VirtualBoxException.InvalidObject e) {
            throw e;
        } catch (VirtualBoxException e) {
            throw new VirtualBoxException("the host " + config.name() + " has no VM " + id + ": " + e.getMessage(), e);
        }
    }

    /** Waits for a progress object; a failure becomes VirtualBox's own error text. */
    private void awaitProgress(String progress, String what) {
        try {
            calls.waitForCompletion(progress, PROGRESS_WAIT);
            if (!calls.completed(progress)) {
                throw new VirtualBoxException(what + " did not finish within " + PROGRESS_WAIT.toSeconds() + " s");
            }
            if (calls.resultCode(progress) != 0) {
                String info = calls.errorInfo(progress);
                String text = info == null || info.isEmpty() ? null : calls.errorText(info);
                throw new VirtualBoxException(text == null || text.isBlank()
                        ? what + " failed (result code " + calls.resultCode(progress) + ")" : text.strip());
            }
        } finally {
            releaseQuietly(progress);
        }
    }

    private void unlockIfLocked(String session) {
        try {
            if ("Locked".equals(calls.sessionState(session))) {
                calls.unlockMachine(session);
            }
        } catch (VirtualBoxException e) {
            log.debug("VirtualBox host {}: unlocking the session failed: {}", config.name(), e.getMessage());
        }
    }

    /**
     * Frees a managed object reference that only this call used. The web service hands out one reference per
     * object and websession, so references to shared objects (a machine, its VRDE server) are never released here:
     * another thread may be using the same one; they are bounded by the number of VMs and freed at logoff. Events,
     * progress objects and what is obtained under the session lock (console, guest, display, the session's
     * machine) are used by one caller only and released at once.
     */
    private void releaseQuietly(String ref) {
        if (ref == null || ref.isEmpty()) {
            return;
        }
        try {
            calls.release(ref);
        } catch (VirtualBoxException e) {
            // Gone already (e.g. the websession ended): nothing to free.
        }
    }

    private void logoffQuietly(String vbox) {
        try {
            calls.logoff(vbox);
        } catch (VirtualBoxException e) {
            log.debug("VirtualBox host {}: logoff failed: {}", config.name(), e.getMessage());
        }
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }

    /** Stops the event loop, waiting for the turn under way (at most a call's time), then logs off. */
    @Override
    public void close() {
        synchronized (monitor) {
            closed = true;
            if (!watching || pending != null && pending.cancel(false)) {
                stopped.complete(null);
            }
        }
        Duration wait = EVENT_WAIT.plus(CALL_TIMEOUT);
        try {
            stopped.get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            log.warn("VirtualBox host {}: its event loop's call did not end within {} s; logging off all the same",
                    config.name(), wait.toSeconds());
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Websession ws = websession;
        websession = null;
        if (ws != null) {
            try {
                calls.unregisterListener(ws.eventSource(), ws.listener());
            } catch (VirtualBoxException e) {
                // logging off frees it as well
            }
            logoffQuietly(ws.vbox());
            log.info("VirtualBox host {}: logged off", config.name());
        }
    }
}
