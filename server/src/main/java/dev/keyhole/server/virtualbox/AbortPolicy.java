package dev.keyhole.server.virtualbox;

import dev.keyhole.server.audit.Actor;
import dev.keyhole.server.audit.AuditEvent;
import dev.keyhole.server.audit.AuditKind;
import dev.keyhole.server.audit.AuditTrail;
import dev.keyhole.server.config.VirtualBoxHostConfig;
import dev.keyhole.server.config.VirtualBoxHostConfig.OnAbort;
import dev.keyhole.server.virtualbox.AbortListener.RestartsExhausted;
import dev.keyhole.server.virtualbox.AbortListener.VmAborted;
import dev.keyhole.server.virtualbox.AbortListener.VmRestartFailed;
import dev.keyhole.server.virtualbox.AbortListener.VmRestarted;
import dev.keyhole.server.virtualbox.AbortListener.VmStopped;
import dev.keyhole.server.virtualbox.VirtualMachines.Action;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What Keyhole does when a VM aborts: each host's {@code on-abort} ({@code restart}, {@code notify} or
 * {@code nothing}, per VM in {@code on-abort-vms}), watching the same changes the targets page shows.
 *
 * <h2>What VirtualBox lets Keyhole tell apart</h2>
 * VirtualBox's state event ({@code OnMachineStateChanged}) carries the new state and nothing else: not the state
 * before, not who asked. The recorded sequences of {@code AbortPolicyTest} show what each case looks like. So:
 * <ul>
 * <li>{@link MachineState#ABORTED} (and {@link MachineState#ABORTED_SAVED}, an abort while resuming a saved state)
 * is told apart for certain: VBoxSVC sets it only when a VM's process ended without powering the VM down (it
 * crashed, was killed, the host ran out of memory). Nobody asks for it. That is what {@code on-abort} acts on.</li>
 * <li>A power off (Running, Stopping, PoweredOff) looks the same whether the guest shut itself down (from inside,
 * or answering the power button), someone on the host ran {@code VBoxManage controlvm poweroff} or used the GUI, or
 * Keyhole powered it off; a saved state (Saving, Saved) the same whoever saved it. Keyhole knows its own requests
 * (power off, power button, reset: {@link VirtualBoxTargetDirectory#perform}) and ignores the VM's going off
 * within {@link #REQUEST_WINDOW} after one; it cannot tell the guest's own power off from the host's. Both are
 * someone's decision, so a stop is <em>never restarted</em>: with {@code restart} or {@code notify} it is told
 * ({@link AbortListener.VmStopped}), with {@code nothing} not.</li>
 * <li>A reset or a reboot inside the guest changes no state at all; a start from the GUI looks like a headless one.
 * A guru meditation ({@link MachineState#STUCK}) is no abort: the VM's process still runs.</li>
 * </ul>
 * An abort counts when Keyhole saw the VM in another state before: a VM already aborted when Keyhole starts (or
 * first lists its host) is left alone, as nobody knows how long it has been so; one that aborted while its host
 * was unreachable counts when Keyhole lists the host again.
 *
 * <h2>Restarting</h2>
 * With {@code restart}, Keyhole starts an aborted VM headless (the host's {@link VirtualBoxHost#startHeadless})
 * after a pause from {@link #BACKOFF}: the n-th start attempt within the last hour waits the n-th pause (10 s,
 * 30 s, then 90 s for every further one), so a VM that keeps crashing is started less and less often. A start that
 * fails is tried again after the next pause, up to as many attempts as there are pauses; then Keyhole gives up.
 * Over any hour (sliding) a VM gets at most {@code max-restarts-per-hour} attempts; an abort beyond that is told
 * ({@link AbortListener.RestartsExhausted}) and left off. A pending attempt is dropped when the VM runs again
 * meanwhile (someone started it) or is gone. Every attempt and its result is in the audit trail, as a
 * {@link AuditKind#VM_ACTION} by {@code keyhole} ({@code action=start}, {@code reason=on-abort}, {@code attempt};
 * a failure with VirtualBox's error text).
 *
 * <p>What it remembers (each VM's last state, its attempts of the last hour) lives in this Keyhole's memory: a
 * restart of Keyhole forgets it, and two Keyholes watching one host would each restart its VMs.
 *
 * <p>Threads: changes arrive on the hosts' event threads and are decided at once (nothing blocks there); the
 * pauses wait on {@code timers}, and each start attempt, which waits for VirtualBox's result, runs on
 * {@code work}. The listener is told after each decision, outside the lock, in the order of the decisions.
 */
public final class AbortPolicy implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AbortPolicy.class);

    /** The pauses before the first, second and every further start attempt within an hour. */
    public static final List<Duration> BACKOFF = List.of(Duration.ofSeconds(10), Duration.ofSeconds(30),
            Duration.ofSeconds(90));

    /** The window {@code max-restarts-per-hour} counts start attempts in. */
    static final Duration HOUR = Duration.ofHours(1);

    /**
     * How long after Keyhole was asked to power a VM off, press its power button or reset it the VM's going off
     * counts as asked for. A guest may take minutes to shut down after the power button (or ignore it: an
     * initramfs waiting for a passphrase does), so this is generous; an abort after it counts again.
     */
    static final Duration REQUEST_WINDOW = Duration.ofMinutes(10);

    /** How much of VirtualBox's error text the audit trail keeps. */
    private static final int AUDIT_ERROR_LENGTH = 200;

    private final VirtualBoxTargetDirectory machines;
    private final AuditTrail audit;
    private final AbortListener listener;
    private final Clock clock;
    private final ScheduledExecutorService timers;
    private final Executor work;
    private final List<Duration> backoff;

    /** Guards {@code vms}, every {@link Vm}'s fields and {@code closed}. */
    private final Object lock = new Object();
    /** Per target name (unique over every host, and stable while Keyhole runs). */
    private final Map<String, Vm> vms = new HashMap<>();
    private final List<Runnable> subscriptions = new ArrayList<>();
    private boolean closed;
    /** What the listener is to hear, in the order it was decided (guarded by {@code lock}). */
    private final Deque<Runnable> toTell = new ArrayDeque<>();
    /** Held by the one thread telling the listener, so that it hears one thing at a time, in order. */
    private final ReentrantLock telling = new ReentrantLock();

    /** What Keyhole remembers of one VM. */
    private static final class Vm {
        /** The state last seen; null until the VM is first seen. */
        MachineState state;
        /** The last state seen that was not a transient one (starting, stopping, saving…). */
        MachineState steady;
        /** Keyhole's last request that may turn the VM off, until the VM is seen off or the request is old. */
        Request request;
        /** The start attempts of the last hour, oldest first. */
        final Deque<Instant> attempts = new ArrayDeque<>();
        /** The start attempts since the VM last aborted. */
        int attemptsSinceAbort;
        /** The next start attempt, while Keyhole waits to make it. */
        ScheduledFuture<?> pending;
        /** Whether a start attempt waits for VirtualBox's result: what the VM does meanwhile is its doing. */
        boolean starting;
    }

    /** An action someone asked Keyhole to take that may turn a VM off. */
    private record Request(Action action, Instant at) {
    }

    /**
     * @param machines the VirtualBox hosts' VMs: their changes, the hosts' configurations and start calls
     * @param audit    where every start attempt and its result is recorded
     * @param listener told what happened
     * @param clock    the time events carry, and the hour and windows are counted in
     * @param timers   where the pauses before start attempts wait
     * @param work     where start attempts run (each waits for VirtualBox's result, up to a minute and a half)
     * @param backoff  the pause before the first, second, … start attempt within an hour (the last repeats), and
     *                 as many attempts per abort as it has pauses; {@link #BACKOFF} in Keyhole
     */
    public AbortPolicy(VirtualBoxTargetDirectory machines, AuditTrail audit, AbortListener listener, Clock clock,
            ScheduledExecutorService timers, Executor work, List<Duration> backoff) {
        if (backoff.isEmpty()) {
            throw new IllegalArgumentException("at least one pause before a start attempt");
        }
        this.machines = machines;
        this.audit = audit;
        this.listener = listener;
        this.clock = clock;
        this.timers = timers;
        this.work = work;
        this.backoff = List.copyOf(backoff);
    }

    /** Starts watching the VMs' changes and Keyhole's own actions on them; call before the hosts are watched. */
    public void start() {
        synchronized (lock) {
            subscriptions.add(machines.subscribe(this::changed));
            subscriptions.add(machines.onAction(this::asked));
        }
    }

    /** Stops watching and drops every pending start attempt (one under way finishes). */
    @Override
    public void close() {
        List<Runnable> cancel;
        synchronized (lock) {
            closed = true;
            vms.values().forEach(vm -> cancelPending(vm));
            cancel = List.copyOf(subscriptions);
            subscriptions.clear();
        }
        cancel.forEach(Runnable::run);
    }

    // --- what happens to the VMs ----------------------------------------------------------------------------------

    private void asked(MachineTarget t, Action action) {
        if (action == Action.POWER_OFF || action == Action.POWER_BUTTON || action == Action.RESET) {
            synchronized (lock) {
                vms.computeIfAbsent(t.target(), k -> new Vm()).request = new Request(action, clock.instant());
            }
        }
    }

    private void changed(MachineChange change) {
        List<Runnable> tell = new ArrayList<>();
        synchronized (lock) {
            if (closed) {
                return;
            }
            if (change instanceof MachineChange.Updated updated) {
                updated(updated.machine(), tell);
            } else if (change instanceof MachineChange.Removed removed) {
                Vm vm = vms.remove(removed.target());
                if (vm != null) {
                    cancelPending(vm);
                }
            } else if (change instanceof MachineChange.HostChanged host
                    && host.status().state() == HostStatus.State.REACHABLE) {
                warnOfUnknownVms(host.status().host());
            }
            toTell.addAll(tell);
        }
        tellInOrder();
    }

    /** Called with {@code lock} held. */
    private void updated(MachineTarget t, List<Runnable> tell) {
        Vm vm = vms.computeIfAbsent(t.target(), k -> new Vm());
        MachineState before = vm.state;
        MachineState steadyBefore = vm.steady;
        MachineState now = t.machine().state();
        vm.state = now;
        if (now.kind() != MachineState.Kind.TRANSIENT) {
            vm.steady = now;
        }
        if (before == null || before == now || vm.starting) {
            // First seen (nobody knows what happened before), nothing new, or Keyhole's own start under way.
            return;
        }
        if (now.kind() == MachineState.Kind.ONLINE && vm.pending != null) {
            log.info("VirtualBox host {}: VM \"{}\" runs again before Keyhole restarted it", t.host(),
                    t.machine().name());
            cancelPending(vm);
            return;
        }
        if (now.kind() != MachineState.Kind.OFF) {
            return;
        }
        Instant at = clock.instant();
        Request request = vm.request;
        vm.request = null; // the first time the VM is off after a request uses it up
        if (request != null && !at.isAfter(request.at().plus(REQUEST_WINDOW))
                && (request.action() == Action.POWER_OFF || !isAborted(now))) {
            // Asked for: a power off, the guest's answer to the power button, a reset turned into a power off, or
            // the VM's process ending while Keyhole powered it off.
            log.debug("VirtualBox host {}: VM \"{}\" is {} after Keyhole's {}", t.host(), t.machine().name(),
                    now.label(), request.action().id());
            return;
        }
        if (isAborted(now) && !isAborted(before)) {
            aborted(t, vm, at, tell);
        } else if ((now == MachineState.POWERED_OFF || now == MachineState.SAVED) && steadyBefore != null
                && steadyBefore.kind() == MachineState.Kind.ONLINE) {
            OnAbort what = onAbort(t);
            log.info("VirtualBox host {}: VM \"{}\" is {}, and Keyhole had not asked (the guest, or someone on the "
                    + "host); on-abort {}: not restarted", t.host(), t.machine().name(), now.label(), what.id());
            if (what != OnAbort.NOTHING) {
                VmStopped event = new VmStopped(t.target(), t.host(), now, at);
                tell.add(() -> listener.vmStopped(event));
            }
        }
    }

    /** A VM aborted: tell, and restart it if its policy says so. Called with {@code lock} held. */
    private void aborted(MachineTarget t, Vm vm, Instant at, List<Runnable> tell) {
        OnAbort what = onAbort(t);
        log.warn("VirtualBox host {}: VM \"{}\" is {}: its process ended without powering it down; on-abort {}",
                t.host(), t.machine().name(), t.machine().state().label(), what.id());
        if (what == OnAbort.NOTHING) {
            return;
        }
        if (what == OnAbort.NOTIFY) {
            VmAborted event = new VmAborted(t.target(), t.host(), t.machine().state(), at, false);
            tell.add(() -> listener.vmAborted(event));
            return;
        }
        vm.attemptsSinceAbort = 0;
        int max = machines.config(t.host()).maxRestartsPerHour();
        if (recentAttempts(vm, at) >= max) {
            VmAborted event = new VmAborted(t.target(), t.host(), t.machine().state(), at, false);
            tell.add(() -> listener.vmAborted(event));
            exhausted(t, max, at, tell);
            return;
        }
        VmAborted event = new VmAborted(t.target(), t.host(), t.machine().state(), at, true);
        tell.add(() -> listener.vmAborted(event));
        schedule(t, vm, at);
    }

    /** Called with {@code lock} held. */
    private void exhausted(MachineTarget t, int max, Instant at, List<Runnable> tell) {
        log.warn("VirtualBox host {}: VM \"{}\" had its {} start attempts of the hour (max-restarts-per-hour): Keyhole "
                + "leaves it off", t.host(), t.machine().name(), max);
        RestartsExhausted event = new RestartsExhausted(t.target(), t.host(), max, at);
        tell.add(() -> listener.restartsExhausted(event));
    }

    /**
     * Queues the VM's next start attempt (in place of one queued already) after the pause its attempts of the last
     * hour call for. Called with {@code lock} held.
     */
    private void schedule(MachineTarget t, Vm vm, Instant at) {
        cancelPending(vm);
        if (closed) {
            return;
        }
        Duration pause = backoff.get(Math.min(recentAttempts(vm, at), backoff.size() - 1));
        log.info("VirtualBox host {}: starting VM \"{}\" in {}", t.host(), t.machine().name(),
                pause.toMillisPart() == 0 ? pause.toSeconds() + " s" : pause.toMillis() + " ms");
        String target = t.target();
        try {
            vm.pending = timers.schedule(() -> {
                try {
                    work.execute(() -> attempt(target));
                } catch (RejectedExecutionException e) {
                    // Keyhole is stopping: no more attempts.
                }
            }, pause.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // Keyhole is stopping: no more attempts.
        }
    }

    /** One start attempt: checks the VM still needs it, starts it headless, records and tells the result. */
    private void attempt(String target) {
        List<Runnable> tell = new ArrayList<>();
        MachineTarget t;
        int attempt;
        synchronized (lock) {
            Vm vm = vms.get(target);
            if (closed || vm == null) {
                return;
            }
            vm.pending = null;
            Optional<MachineTarget> current = machines.machine(target);
            if (current.isEmpty()) {
                return;
            }
            t = current.get();
            if (t.machine().state().kind() != MachineState.Kind.OFF) {
                log.info("VirtualBox host {}: VM \"{}\" is {} now: not starting it", t.host(), t.machine().name(),
                        t.machine().state().label());
                return;
            }
            Instant at = clock.instant();
            int max = machines.config(t.host()).maxRestartsPerHour();
            if (recentAttempts(vm, at) >= max) {
                exhausted(t, max, at, tell);
                attempt = 0;
            } else {
                vm.attempts.addLast(at);
                attempt = ++vm.attemptsSinceAbort;
                vm.starting = true;
            }
            toTell.addAll(tell);
            tell.clear();
        }
        if (attempt == 0) {
            tellInOrder();
            return;
        }
        log.info("VirtualBox host {}: starting aborted VM \"{}\" headless (attempt {})", t.host(), t.machine().name(),
                attempt);
        AuditEvent asked = Actor.KEYHOLE.did(AuditKind.VM_ACTION).on(target).with("action", Action.START.id())
                .with("reason", "on-abort").with("attempt", attempt);
        String error = null;
        try {
            machines.host(t.host()).startHeadless(t.machine().id());
        } catch (VirtualBoxException e) {
            error = messageOf(e);
        } catch (RuntimeException e) {
            log.error("VirtualBox host {}: starting VM \"{}\" failed unexpectedly", t.host(), t.machine().name(), e);
            error = messageOf(e);
        }
        audit.record(error == null ? asked
                : asked.result("failed").with("error", oneLine(error, AUDIT_ERROR_LENGTH)));
        synchronized (lock) {
            Vm vm = vms.get(target);
            Instant at = clock.instant();
            if (vm == null) {
                // Removed while it started: say what happened; nothing follows.
                VmRestarted event = new VmRestarted(target, t.host(), attempt, at);
                tell.add(error == null ? () -> listener.vmRestarted(event) : failed(t, error, attempt, true, at));
            } else {
                vm.starting = false;
                if (error == null) {
                    log.info("VirtualBox host {}: VM \"{}\" runs again", t.host(), t.machine().name());
                    VmRestarted event = new VmRestarted(target, t.host(), attempt, at);
                    tell.add(() -> listener.vmRestarted(event));
                    if (isAborted(vm.state)) {
                        // It aborted again while Keyhole waited for the start's result.
                        machines.machine(target).ifPresent(again -> aborted(again, vm, at, tell));
                    }
                } else {
                    int max = machines.config(t.host()).maxRestartsPerHour();
                    boolean limited = recentAttempts(vm, at) >= max;
                    boolean last = attempt >= backoff.size();
                    log.warn("VirtualBox host {}: starting VM \"{}\" failed (attempt {}): {}", t.host(),
                            t.machine().name(), attempt, error);
                    tell.add(failed(t, error, attempt, last || limited, at));
                    if (!last && limited) {
                        exhausted(t, max, at, tell);
                    } else if (!last) {
                        schedule(t, vm, at);
                    }
                }
            }
            toTell.addAll(tell);
        }
        tellInOrder();
    }

    /**
     * Tells the listener what was decided, oldest first, on whichever thread gets there: decisions are queued under
     * {@code lock}, in their order, and told one at a time. A listener that fails is logged, and the rest is told.
     */
    private void tellInOrder() {
        while (true) {
            telling.lock();
            try {
                while (true) {
                    Runnable next;
                    synchronized (lock) {
                        next = toTell.poll();
                    }
                    if (next == null) {
                        break;
                    }
                    try {
                        next.run();
                    } catch (RuntimeException e) {
                        log.warn("the listener of aborted VMs failed", e);
                    }
                }
            } finally {
                telling.unlock();
            }
            synchronized (lock) {
                // Queued by another thread after this one's last look, while that one waited to tell it.
                if (toTell.isEmpty()) {
                    return;
                }
            }
        }
    }

    private Runnable failed(MachineTarget t, String error, int attempt, boolean gaveUp, Instant at) {
        VmRestartFailed event = new VmRestartFailed(t.target(), t.host(), error, attempt, gaveUp, at);
        return () -> listener.vmRestartFailed(event);
    }

    // --- helpers -----------------------------------------------------------------------------------------------

    /** @return what the VM's host says to do when this VM aborts */
    private OnAbort onAbort(MachineTarget t) {
        return machines.config(t.host()).onAbortFor(t.machine().name(), t.machine().id(), t.target());
    }

    /** @return how many start attempts the VM had in the hour before {@code at}, forgetting older ones */
    private static int recentAttempts(Vm vm, Instant at) {
        while (!vm.attempts.isEmpty() && !vm.attempts.peekFirst().isAfter(at.minus(HOUR))) {
            vm.attempts.removeFirst();
        }
        return vm.attempts.size();
    }

    private static boolean isAborted(MachineState state) {
        return state == MachineState.ABORTED || state == MachineState.ABORTED_SAVED;
    }

    private static void cancelPending(Vm vm) {
        if (vm.pending != null) {
            vm.pending.cancel(false);
            vm.pending = null;
        }
    }

    /** A name in {@code on-abort-vms} that no VM of the host answers to is most likely a typing mistake. */
    private void warnOfUnknownVms(String host) {
        VirtualBoxHostConfig config = machines.config(host);
        List<MachineTarget> ofHost = machines.machines().stream().filter(m -> m.host().equals(host)).toList();
        for (String name : config.onAbortVms().keySet()) {
            boolean known = ofHost.stream().anyMatch(m -> name.equals(m.machine().name())
                    || name.equals(m.machine().id()) || name.equals(m.target()));
            if (!known) {
                log.warn("VirtualBox host {}: on-abort-vms names \"{}\", but the host has no VM of that name, UUID or "
                        + "target name", host, name);
            }
        }
    }

    private static String messageOf(RuntimeException e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message.strip();
    }

    /** @return the text on one line of printable characters, cut after {@code max} characters */
    static String oneLine(String text, int max) {
        String line = text.replaceAll("\\s+", " ").replaceAll("\\p{Cntrl}", "?").strip();
        return line.length() > max ? line.substring(0, max) + "…" : line;
    }
}
