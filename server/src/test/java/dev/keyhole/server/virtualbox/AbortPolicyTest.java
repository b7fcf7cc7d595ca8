package dev.keyhole.server.virtualbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keyhole.server.TestClock;
import dev.keyhole.server.access.Caller;
import dev.keyhole.server.audit.AuditEvent;
import dev.keyhole.server.audit.AuditKind;
import dev.keyhole.server.config.VirtualBoxHostConfig;
import dev.keyhole.server.config.VirtualBoxHostConfig.OnAbort;
import dev.keyhole.server.virtualbox.AbortListener.Event;
import dev.keyhole.server.virtualbox.AbortListener.RestartsExhausted;
import dev.keyhole.server.virtualbox.AbortListener.VmAborted;
import dev.keyhole.server.virtualbox.AbortListener.VmRestartFailed;
import dev.keyhole.server.virtualbox.AbortListener.VmRestarted;
import dev.keyhole.server.virtualbox.AbortListener.VmStopped;
import dev.keyhole.server.virtualbox.VirtualMachines.Action;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The on-abort policy against VirtualBox 7.2's event sequences ({@code src/test/resources/virtualbox/events/}, each
 * file saying whether it was recorded here or read off VirtualBox's source): the events go through a
 * {@link ReplayHost} and the real {@link VirtualBoxTargetDirectory}, as a host's events do in Keyhole; time is a
 * {@link TestClock} that only the test moves, and the pauses wait on {@link ClockedTimers}, so nothing sleeps.
 */
class AbortPolicyTest {

    private static final String WEB = "11111111-aaaa-4bbb-8ccc-000000000001";
    private static final String BUILD = "22222222-aaaa-4bbb-8ccc-000000000002";
    private static final Instant START = Instant.parse("2026-12-03T10:00:00Z");
    private static final VirtualBoxHostConfig LAB = VirtualBoxHostConfig.builder("lab",
            URI.create("http://vbox.example.org/")).build();
    private static final Caller OPERATOR = Caller.anonymous("192.0.2.7");
    /** What a start that works does, from whatever state: every start has these events (gui-start.events). */
    private static final RecordedEvents STARTS = RecordedEvents.load("gui-start.events");
    /** A start that fails as it really does on this machine, the VM staying aborted. */
    private static final RecordedEvents FAILS = RecordedEvents.load("failed-start-aborted.events");

    private final TestClock clock = new TestClock(START);
    private final ClockedTimers timers = new ClockedTimers(clock);
    private final List<AuditEvent> audited = new ArrayList<>();
    private final List<Event> told = new ArrayList<>();
    /** Whether the listener throws after hearing of an abort, as a broken one would. */
    private boolean listenerFails;
    private final AbortListener listener = new AbortListener() {
        @Override
        public void vmAborted(VmAborted event) {
            told.add(event);
            if (listenerFails) {
                throw new IllegalStateException("a broken listener");
            }
        }

        @Override
        public void vmStopped(VmStopped event) {
            told.add(event);
        }

        @Override
        public void vmRestarted(VmRestarted event) {
            told.add(event);
        }

        @Override
        public void vmRestartFailed(VmRestartFailed event) {
            told.add(event);
        }

        @Override
        public void restartsExhausted(RestartsExhausted event) {
            told.add(event);
        }
    };
    private ReplayHost host;
    private VirtualBoxTargetDirectory directory;
    private AbortPolicy policy;

    /** Keyhole with one host "lab" whose VMs "Web 1" (target web-1) and "Build box" run, under this configuration. */
    private void keyhole(VirtualBoxHostConfig config) {
        keyhole(config, MachineState.RUNNING);
    }

    /** The same, with "Web 1" in {@code web} when Keyhole first lists the host. */
    private void keyhole(VirtualBoxHostConfig config, MachineState web) {
        host = new ReplayHost("lab");
        host.add(WEB, "Web 1", web);
        host.add(BUILD, "Build box", MachineState.RUNNING);
        directory = new VirtualBoxTargetDirectory(Map.of(host, config), Set.of());
        policy = new AbortPolicy(directory, audited::add, listener, clock, timers, Runnable::run, AbortPolicy.BACKOFF);
        policy.start();
        directory.start();
    }

    private void keyhole(OnAbort onAbort) {
        keyhole(LAB.toBuilder().onAbort(onAbort).build());
    }

    @AfterEach
    void stop() {
        if (policy != null) {
            policy.close();
        }
    }

    private void replay(String file) {
        host.replay(WEB, RecordedEvents.load(file));
    }

    private MachineState webState() {
        return directory.machine("web-1").orElseThrow().machine().state();
    }

    private List<AuditEvent> restartsAudited() {
        return audited.stream().filter(e -> e.kind() == AuditKind.VM_ACTION).toList();
    }

    @Test
    void aCrashIsRestartedHeadlessAfterTheFirstPauseAndAudited() {
        keyhole(OnAbort.RESTART);

        replay("crash.events");

        assertEquals(List.of(new VmAborted("web-1", "lab", MachineState.ABORTED, START, true)), told);
        assertEquals(List.of(Duration.ofSeconds(10)), timers.waiting(), "the first pause");
        host.nextStart(STARTS);
        timers.advance(Duration.ofSeconds(9));
        assertEquals(List.of(), host.started, "not before the pause is over");

        timers.advance(Duration.ofSeconds(1));

        assertEquals(List.of(WEB), host.started);
        assertEquals(MachineState.RUNNING, webState());
        assertEquals(new VmRestarted("web-1", "lab", 1, START.plusSeconds(10)), told.get(1));
        assertEquals(2, told.size());
        AuditEvent restart = restartsAudited().get(0);
        assertEquals("keyhole", restart.actor(), "Keyhole itself restarted it");
        assertEquals("web-1", restart.target());
        assertEquals("ok", restart.result());
        assertEquals(Map.of("action", "start", "reason", "on-abort", "attempt", 1), restart.detail());
        assertEquals(1, restartsAudited().size());
    }

    @Test
    void aCrashWhileResumingASavedStateIsAnAbortToo() {
        keyhole(OnAbort.RESTART);
        host.replay(WEB, RecordedEvents.load("save-state.events"));
        told.clear();

        replay("crash-while-restoring.events");

        assertEquals(List.of(new VmAborted("web-1", "lab", MachineState.ABORTED_SAVED, START, true)), told);
        host.nextStart(STARTS);
        timers.advance(Duration.ofSeconds(10));
        assertEquals(List.of(WEB), host.started);
    }

    @ParameterizedTest
    @ValueSource(strings = {"guest-power-off.events", "host-power-off.events", "save-state.events"})
    void aStopNobodyAskedKeyholeForIsToldAndNeverRestarted(String sequence) {
        keyhole(OnAbort.RESTART);

        replay(sequence);

        // The guest's own power off and one on the host have the very same events: Keyhole cannot tell whose it
        // was, and both are someone's decision.
        MachineState last = RecordedEvents.load(sequence).last();
        assertEquals(List.of(new VmStopped("web-1", "lab", last, START)), told);
        timers.advance(Duration.ofHours(2));
        assertEquals(List.of(), host.started, "a stop is never restarted");
        assertEquals(List.of(), restartsAudited());
    }

    @Test
    void keyholesOwnPowerOffIsNeitherToldNorRestarted() {
        keyhole(OnAbort.RESTART);

        directory.perform(OPERATOR, "web-1", Action.POWER_OFF);
        replay("keyhole-power-off.events");

        assertEquals(MachineState.POWERED_OFF, webState());
        assertEquals(List.of(), told);
        timers.advance(Duration.ofHours(2));
        assertEquals(List.of(), host.started);
    }

    @Test
    void theGuestsAnswerToKeyholesPowerButtonIsAskedFor() {
        keyhole(OnAbort.RESTART);

        directory.perform(OPERATOR, "web-1", Action.POWER_BUTTON);
        clock.advance(Duration.ofMinutes(2)); // the guest takes its time to shut down
        replay("guest-power-off.events");

        assertEquals(List.of(), told);
    }

    @Test
    void keyholesResetChangesNoStateAndIsNoStop() {
        keyhole(OnAbort.RESTART);

        directory.perform(OPERATOR, "web-1", Action.RESET);
        replay("keyhole-reset.events");

        assertEquals(MachineState.RUNNING, webState());
        assertEquals(List.of(), told);
    }

    @Test
    void aRequestLongAgoNoLongerCovers() {
        keyhole(OnAbort.RESTART);
        directory.perform(OPERATOR, "web-1", Action.POWER_BUTTON); // an initramfs waiting for a passphrase ignores it

        clock.advance(AbortPolicy.REQUEST_WINDOW.plusSeconds(1));
        replay("guest-power-off.events");

        assertEquals(List.of(new VmStopped("web-1", "lab", MachineState.POWERED_OFF, clock.instant())), told);
    }

    @Test
    void aCrashAfterThePowerButtonIsStillACrash() {
        keyhole(OnAbort.RESTART);

        directory.perform(OPERATOR, "web-1", Action.POWER_BUTTON);
        replay("crash.events");

        assertEquals(List.of(new VmAborted("web-1", "lab", MachineState.ABORTED, START, true)), told);
    }

    @Test
    void aCrashWhileKeyholePowersItOffIsWhatWasAskedFor() {
        keyhole(OnAbort.RESTART);

        directory.perform(OPERATOR, "web-1", Action.POWER_OFF);
        replay("crash.events");

        assertEquals(List.of(), told);
        assertEquals(List.of(), timers.waiting());
    }

    @Test
    void aVmThatKeepsCrashingIsStartedLessOftenThenLeftOff() {
        keyhole(OnAbort.RESTART); // max-restarts-per-hour: 3

        List<Duration> pauses = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            replay("crash.events");
            pauses.addAll(timers.waiting());
            host.nextStart(STARTS);
            timers.advance(timers.waiting().get(0));
            assertEquals(MachineState.RUNNING, webState());
        }
        assertEquals(AbortPolicy.BACKOFF, pauses, "10 s, 30 s, 90 s: each restart within the hour waits longer");
        told.clear();

        replay("crash.events");

        Instant at = clock.instant();
        assertEquals(List.of(new VmAborted("web-1", "lab", MachineState.ABORTED, at, false),
                new RestartsExhausted("web-1", "lab", 3, at)), told);
        timers.advance(Duration.ofMinutes(50));
        assertEquals(3, host.started.size(), "no more restarts");
        assertEquals(3, restartsAudited().size());
        assertEquals(MachineState.ABORTED, webState());
    }

    @Test
    void theHourSlides() {
        keyhole(LAB.toBuilder().onAbort(OnAbort.RESTART).maxRestartsPerHour(1).build());
        replay("crash.events");
        host.nextStart(STARTS);
        timers.advance(Duration.ofSeconds(10));
        clock.advance(Duration.ofMinutes(59));
        replay("crash.events");
        assertEquals(RestartsExhausted.class, told.get(told.size() - 1).getClass(), "one restart in the last hour");
        host.replay(WEB, RecordedEvents.load("gui-start.events").withInitial(MachineState.ABORTED));
        told.clear();

        clock.advance(Duration.ofMinutes(1));
        replay("crash.events");

        assertEquals(List.of(new VmAborted("web-1", "lab", MachineState.ABORTED, clock.instant(), true)), told,
                "the restart an hour ago no longer counts");
        assertEquals(List.of(Duration.ofSeconds(10)), timers.waiting(), "and the pauses start over");
    }

    @Test
    void notifyOnlyTells() {
        keyhole(OnAbort.NOTIFY);

        replay("crash.events");

        assertEquals(List.of(new VmAborted("web-1", "lab", MachineState.ABORTED, START, false)), told);
        timers.advance(Duration.ofHours(2));
        assertEquals(List.of(), host.started);
        assertEquals(List.of(), audited);
    }

    @Test
    void nothingDoesNothing() {
        keyhole(OnAbort.NOTHING);

        replay("crash.events");
        host.replay(BUILD, RecordedEvents.load("guest-power-off.events"));

        assertEquals(List.of(), told);
        timers.advance(Duration.ofHours(2));
        assertEquals(List.of(), host.started);
        assertEquals(List.of(), audited);
    }

    @Test
    void aStartThatFailsIsTriedAgainAfterLongerPausesThenGivenUp() {
        keyhole(OnAbort.RESTART);
        replay("crash.events");
        for (int i = 0; i < 3; i++) {
            host.nextStart(FAILS);
        }

        timers.advance(Duration.ofSeconds(10));
        timers.advance(Duration.ofSeconds(30));
        timers.advance(Duration.ofSeconds(90));

        String error = FAILS.error();
        assertEquals(List.of(new VmAborted("web-1", "lab", MachineState.ABORTED, START, true),
                new VmRestartFailed("web-1", "lab", error, 1, false, START.plusSeconds(10)),
                new VmRestartFailed("web-1", "lab", error, 2, false, START.plusSeconds(40)),
                new VmRestartFailed("web-1", "lab", error, 3, true, START.plusSeconds(130))), told);
        assertEquals(List.of(WEB, WEB, WEB), host.started);
        assertEquals(MachineState.ABORTED, webState(), "a failed start leaves it aborted");
        List<AuditEvent> attempts = restartsAudited();
        assertEquals(3, attempts.size());
        for (int i = 0; i < 3; i++) {
            assertEquals("failed", attempts.get(i).result());
            assertEquals(i + 1, attempts.get(i).detail().get("attempt"));
            assertEquals(error, attempts.get(i).detail().get("error"), "VirtualBox's own words");
        }
        timers.advance(Duration.ofHours(2));
        assertEquals(3, host.started.size(), "given up");
    }

    @Test
    void theHourlyLimitCutsTheTriesShort() {
        keyhole(LAB.toBuilder().onAbort(OnAbort.RESTART).maxRestartsPerHour(2).build());
        replay("crash.events");
        host.nextStart(FAILS);
        host.nextStart(FAILS);

        timers.advance(Duration.ofMinutes(5));

        Instant second = START.plusSeconds(40);
        assertEquals(List.of(new VmRestartFailed("web-1", "lab", FAILS.error(), 2, true, second),
                new RestartsExhausted("web-1", "lab", 2, second)), told.subList(2, 4));
        assertEquals(4, told.size());
        assertEquals(List.of(), timers.waiting());
    }

    @Test
    void oneVmMayHaveItsOwnPolicy() {
        keyhole(LAB.toBuilder().onAbort(OnAbort.RESTART).onAbortVms(Map.of("Build box", OnAbort.NOTHING)).build());

        host.replay(BUILD, RecordedEvents.load("crash.events"));

        assertEquals(List.of(), told, "the build box's own on-abort");
        replay("crash.events");
        assertEquals(List.of(new VmAborted("web-1", "lab", MachineState.ABORTED, START, true)), told);
    }

    @Test
    void aVmAlreadyAbortedWhenKeyholeFirstSeesItIsLeftAlone() {
        keyhole(LAB.toBuilder().onAbort(OnAbort.RESTART).build(), MachineState.ABORTED);

        replay("failed-start-aborted.events"); // someone's start fails: still aborted

        assertEquals(MachineState.ABORTED, webState());
        assertEquals(List.of(), told, "nobody knows how long it has been aborted, nor whether someone meant it");
        assertEquals(List.of(), timers.waiting());
    }

    @Test
    void aCrashWhileTheHostWasUnreachableCountsWhenItIsBack() {
        keyhole(OnAbort.RESTART);

        host.becomes(HostStatus.State.UNREACHABLE);
        host.setState(WEB, MachineState.ABORTED);
        host.becomes(HostStatus.State.REACHABLE);

        assertEquals(List.of(new VmAborted("web-1", "lab", MachineState.ABORTED, START, true)), told);
    }

    @Test
    void aVmSomeoneStartsBeforeKeyholeDoesIsLeftToThem() {
        keyhole(OnAbort.RESTART);
        replay("crash.events");

        host.replay(WEB, RecordedEvents.load("gui-start.events").withInitial(MachineState.ABORTED));
        timers.advance(Duration.ofMinutes(5));

        assertEquals(List.of(), host.started);
        assertEquals(List.of(), restartsAudited());
        assertEquals(1, told.size(), "only the abort");
    }

    @Test
    void aGuruMeditationIsNoAbortAndItsPowerOffIsAStop() {
        keyhole(OnAbort.RESTART);

        replay("guru-meditation.events");

        assertEquals(List.of(new VmStopped("web-1", "lab", MachineState.POWERED_OFF, START)), told);
        assertEquals(List.of(), timers.waiting());
    }

    @ParameterizedTest
    @ValueSource(strings = {"gui-start.events", "failed-start.events", "keyhole-reset.events"})
    void startsResetsAndFailedStartsTellNothing(String sequence) {
        RecordedEvents events = RecordedEvents.load(sequence);
        keyhole(LAB.toBuilder().onAbort(OnAbort.RESTART).build(), events.initial());

        host.replay(WEB, events);

        assertEquals(List.of(), told);
        assertEquals(List.of(), timers.waiting());
    }

    @Test
    void aVmDeletedBeforeItsRestartIsNotStarted() {
        keyhole(OnAbort.RESTART);
        replay("crash.events");

        host.remove(WEB);
        timers.advance(Duration.ofMinutes(5));

        assertEquals(List.of(), host.started);
        assertTrue(directory.machine("web-1").isEmpty());
    }

    @Test
    void aCrashWhileSomeoneElseStartsItQueuesOneRestartOnly() {
        keyhole(OnAbort.RESTART);
        replay("crash.events");

        host.replay(WEB, RecordedEvents.load("crash-while-starting.events").withInitial(MachineState.ABORTED));

        assertEquals(2, told.size(), "two aborts: " + told);
        assertEquals(List.of(Duration.ofSeconds(10)), timers.waiting(), "one restart, not two");
        host.nextStart(STARTS);
        timers.advance(Duration.ofMinutes(5));
        assertEquals(List.of(WEB), host.started);
    }

    @Test
    void aListenerThatFailsStopsNeitherTheRestartNorWhatItIsToldNext() {
        listenerFails = true;
        keyhole(OnAbort.RESTART);

        replay("crash.events");
        host.nextStart(STARTS);
        timers.advance(Duration.ofSeconds(10));

        assertEquals(List.of(WEB), host.started);
        assertEquals(VmRestarted.class, told.get(1).getClass());
    }

    @Test
    void closingDropsThePendingRestart() {
        keyhole(OnAbort.RESTART);
        replay("crash.events");

        policy.close();

        assertEquals(List.of(), timers.waiting());
    }

    @Test
    void theAuditKeepsOneLineOfTheError() {
        assertEquals("first line second line", AbortPolicy.oneLine(" first line\n  second line\n", 200));
        assertEquals("abc…", AbortPolicy.oneLine("abcdef", 3));
    }
}
