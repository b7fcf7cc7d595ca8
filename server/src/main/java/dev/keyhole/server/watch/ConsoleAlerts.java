package dev.keyhole.server.watch;

import dev.keyhole.server.audit.AuditFeed;
import dev.keyhole.server.audit.AuditKind;
import dev.keyhole.server.audit.AuditRecord;
import dev.keyhole.server.notify.Notice;
import dev.keyhole.server.notify.NoticeKind;
import dev.keyhole.server.notify.Notifier;
import dev.keyhole.server.notify.Recipient;
import dev.keyhole.server.targets.Target;
import dev.keyhole.server.targets.TargetDirectory;
import dev.keyhole.server.virtualbox.AbortListener;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Tells the on-call people when a console needs someone, from what {@link Watching} reads: a first notice when a
 * console begins to wait for its passphrase, one when a wrong passphrase was typed, a reminder every
 * {@code notify.remind-after} while it still waits, and a last one when it is unlocked ("web-1 unlocked by alice at
 * 03:15", the name from the audit trail's last passphrase typed into it) or no longer watched.
 *
 * <p>Each notice carries the console page's URL, which needs a sign-in, and never anything secret. Who is told:
 * every configured channel's own recipients, and the users whose subscriptions cover the console and whom their
 * account lets see it at that moment ({@code recipients}). Sending never blocks ({@link Notifier}); the
 * {@link Notifier} records every delivery in the audit trail.
 *
 * <p>It also tells of the VirtualBox VMs that stop without being asked to and of Keyhole's restarts of them
 * ({@link AbortListener}); a restarted VM is then watched as it boots, and its prompt told of as any other's.
 *
 * <p>Threads: readings, audit events and the VMs' events arrive on whatever thread told them; reminders run on {@code timers}. The
 * state of each console is guarded by this object.
 */
public final class ConsoleAlerts implements AbortListener, AutoCloseable {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm 'UTC'").withZone(ZoneOffset.UTC);

    private final ConsoleReadings readings;
    private final AuditFeed audit;
    private final TargetDirectory targets;
    private final Notifier notifier;
    private final BiFunction<String, NoticeKind, List<Recipient>> recipients;
    private final Function<String, URI> consoleUrl;
    private final Duration remindAfter;
    private final Clock clock;
    private final ScheduledExecutorService timers;
    private final SecureRandom random;
    /** The consoles that need someone now, by target name. */
    private final Map<String, Alert> alerts = new ConcurrentHashMap<>();
    /** Who last typed into each console, and when (from the audit trail). */
    private final Map<String, Typed> typed = new ConcurrentHashMap<>();
    private Runnable unsubscribe = () -> { };

    /** A console that needs someone: since when, in which state, and its next reminder (null: none). */
    private record Alert(ConsoleState state, Instant since, ScheduledFuture<?> reminder) {
    }

    /** Someone typed into a console (the passphrase box, or keys). */
    private record Typed(String who, Instant at) {
    }

    /**
     * @param recipients who to tell of a notice about a console: the configured channels' recipients and the
     *                   subscribers who may see it now
     * @param consoleUrl the console page of a target, at the URL people open Keyhole at
     * @param remindAfter how long after the first notice (and each reminder) a console that still waits is told of
     *                   again
     */
    public ConsoleAlerts(ConsoleReadings readings, AuditFeed audit, TargetDirectory targets, Notifier notifier,
            BiFunction<String, NoticeKind, List<Recipient>> recipients, Function<String, URI> consoleUrl,
            Duration remindAfter, Clock clock, ScheduledExecutorService timers, SecureRandom random) {
        this.readings = readings;
        this.audit = audit;
        this.targets = targets;
        this.notifier = notifier;
        this.recipients = recipients;
        this.consoleUrl = consoleUrl;
        this.remindAfter = remindAfter;
        this.clock = clock;
        this.timers = timers;
        this.random = random;
    }

    /** Starts listening to the readings and the audit trail. */
    public void start() {
        Runnable fromAudit = audit.subscribe(this::audited);
        Runnable fromReadings = readings.subscribe(this::read);
        unsubscribe = () -> {
            fromReadings.run();
            fromAudit.run();
        };
    }

    private void audited(AuditRecord event) {
        if (event.target() != null && (event.kind().equals(AuditKind.PASSPHRASE_BOX_USED.id())
                || event.kind().equals(AuditKind.TYPED.id()))) {
            typed.put(event.target(), new Typed(event.actor(), event.occurredAt()));
        }
    }

    private void read(ConsoleReading reading) {
        String target = reading.target();
        NoticeKind send = null;
        Alert ended = null;
        synchronized (this) {
            Alert alert = alerts.get(target);
            if (reading.state().needsSomeone() && reading.watching()) {
                if (alert == null) {
                    alerts.put(target, new Alert(reading.state(), reading.since(), remindLater(target)));
                    send = reading.state() == ConsoleState.WRONG_PASSPHRASE ? NoticeKind.WRONG_PASSPHRASE
                            : NoticeKind.WAITING_FOR_PASSPHRASE;
                } else if (alert.state() != reading.state()) {
                    alerts.put(target, new Alert(reading.state(), alert.since(), alert.reminder()));
                    if (reading.state() == ConsoleState.WRONG_PASSPHRASE) {
                        send = NoticeKind.WRONG_PASSPHRASE;
                    }
                }
            } else if (alert != null && (reading.state() == ConsoleState.BOOTING || !reading.watching())) {
                alerts.remove(target);
                cancel(alert);
                ended = alert;
                send = NoticeKind.RESOLVED;
            }
        }
        if (send == NoticeKind.RESOLVED) {
            tell(resolved(reading, ended));
        } else if (send != null) {
            tell(needsSomeone(send, reading));
        }
    }

    private ScheduledFuture<?> remindLater(String target) {
        try {
            return timers.schedule(() -> remind(target), remindAfter.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            return null; // Keyhole is stopping.
        }
    }

    private static void cancel(Alert alert) {
        if (alert.reminder() != null) {
            alert.reminder().cancel(false);
        }
    }

    private void remind(String target) {
        Alert alert;
        synchronized (this) {
            alert = alerts.get(target);
            if (alert == null) {
                return;
            }
            alerts.put(target, new Alert(alert.state(), alert.since(), remindLater(target)));
        }
        Instant now = clock.instant();
        long minutes = Duration.between(alert.since(), now).toMinutes();
        tell(notice(NoticeKind.REMINDER, target, "%s still waits for its disk passphrase".formatted(target),
                "%s has been waiting for its disk passphrase since %s (%d min)%s.".formatted(title(target),
                        TIME.format(alert.since()), minutes, alert.state() == ConsoleState.WRONG_PASSPHRASE
                                ? "; the last passphrase typed was wrong" : ""),
                alert.since()));
    }

    @Override
    public void vmAborted(AbortListener.VmAborted event) {
        tell(vmNotice(NoticeKind.VM_ABORTED, event.target(), "%s stopped unexpectedly".formatted(event.target()),
                "%s on %s stopped without being asked to (VirtualBox: %s) at %s; %s".formatted(title(event.target()),
                        event.host(), event.state().label(), TIME.format(event.at()), event.restarting()
                                ? "Keyhole starts it again." : "nobody starts it again (on-abort: notify)."),
                event.at()));
    }

    @Override
    public void vmStopped(AbortListener.VmStopped event) {
        tell(vmNotice(NoticeKind.VM_ABORTED, event.target(), "%s is %s".formatted(event.target(),
                event.state().label()), "%s on %s is %s since %s, and Keyhole did not ask for it (the guest or "
                        + "someone on the host did).".formatted(title(event.target()), event.host(),
                        event.state().label(), TIME.format(event.at())), event.at()));
    }

    @Override
    public void vmRestarted(AbortListener.VmRestarted event) {
        tell(vmNotice(NoticeKind.VM_RESTARTED, event.target(), "%s started again".formatted(event.target()),
                "Keyhole started %s on %s again at %s (attempt %d); it watches the boot and tells you when it waits "
                        + "for its passphrase.".formatted(title(event.target()), event.host(),
                        TIME.format(event.at()), event.attempt()), event.at()));
    }

    @Override
    public void vmRestartFailed(AbortListener.VmRestartFailed event) {
        tell(vmNotice(NoticeKind.VM_RESTART_FAILED, event.target(), "%s could not be started again"
                .formatted(event.target()), "Keyhole could not start %s on %s again (attempt %d): %s%s".formatted(
                        title(event.target()), event.host(), event.attempt(), event.error(), event.gaveUp()
                                ? " It stops trying: someone must look at the host." : " It tries again."),
                event.at()));
    }

    @Override
    public void restartsExhausted(AbortListener.RestartsExhausted event) {
        tell(vmNotice(NoticeKind.VM_RESTART_FAILED, event.target(), "%s keeps stopping".formatted(event.target()),
                "%s on %s was started %d times within an hour (max-restarts-per-hour): Keyhole stops restarting "
                        + "it; someone must look at the host.".formatted(title(event.target()), event.host(),
                        event.maxPerHour()), event.at()));
    }

    private Notice vmNotice(NoticeKind kind, String target, String title, String text, Instant at) {
        return notice(kind, target, title, text, at);
    }

    private Notice needsSomeone(NoticeKind kind, ConsoleReading reading) {
        String target = reading.target();
        if (kind == NoticeKind.WRONG_PASSPHRASE) {
            Typed who = typed.get(target);
            String by = who != null && !who.at().isBefore(reading.since().minus(Duration.ofMinutes(1)))
                    ? " by " + who.who() : "";
            return notice(kind, target, "A wrong passphrase was typed into %s".formatted(target),
                    "A wrong passphrase was typed into %s%s; it asks again, since %s.".formatted(title(target), by,
                            TIME.format(reading.since())), reading.since());
        }
        return notice(kind, target, "%s waits for its disk passphrase".formatted(target),
                "%s has been waiting for its disk passphrase since %s.".formatted(title(target),
                        TIME.format(reading.since())), reading.since());
    }

    private Notice resolved(ConsoleReading reading, Alert alert) {
        String target = reading.target();
        Typed who = typed.get(target);
        Instant at = reading.state() == ConsoleState.BOOTING ? reading.since() : reading.at();
        if (reading.state() == ConsoleState.BOOTING) {
            String by = who != null && !who.at().isBefore(alert.since()) ? " by " + who.who() : "";
            return notice(NoticeKind.RESOLVED, target, "%s unlocked%s at %s".formatted(target, by, TIME.format(at)),
                    "%s was unlocked%s at %s; it had waited since %s.".formatted(title(target), by, TIME.format(at),
                            TIME.format(alert.since())), alert.since());
        }
        String why = reading.problem() != null ? reading.problem() : "Keyhole no longer watches it";
        return notice(NoticeKind.RESOLVED, target, "%s no longer waits for its passphrase".formatted(target),
                "%s no longer shows its passphrase prompt (%s); it had waited since %s.".formatted(title(target),
                        why, TIME.format(alert.since())), alert.since());
    }

    private Notice notice(NoticeKind kind, String target, String title, String text, Instant since) {
        URI url = consoleUrl.apply(target);
        String targetTitle = targets.find(target).map(Target::title).orElse(target);
        return Notice.of(kind, target, targetTitle, title, text + "\nOpen its console (sign-in required): " + url,
                url, since, clock, random);
    }

    private String title(String target) {
        return targets.find(target).map(Target::title).filter(t -> !t.equals(target))
                .map(t -> t + " (" + target + ")").orElse(target);
    }

    private void tell(Notice notice) {
        notifier.send(notice, recipients.apply(notice.target(), notice.kind()));
    }

    /** Stops listening; reminders not yet due are cancelled. */
    @Override
    public void close() {
        unsubscribe.run();
        synchronized (this) {
            alerts.values().forEach(ConsoleAlerts::cancel);
            alerts.clear();
        }
    }
}
