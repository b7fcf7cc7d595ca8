package dev.keyhole.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keyhole.e2e.fixtures.E2ePaths;
import dev.keyhole.e2e.fixtures.EvidenceExtension;
import dev.keyhole.e2e.fixtures.Fixtures;
import dev.keyhole.e2e.fixtures.InjectKeyhole;
import dev.keyhole.e2e.fixtures.KeyholeServerExtension;
import dev.keyhole.e2e.fixtures.KeyholeSetup;
import dev.keyhole.e2e.fixtures.RunningKeyhole;
import dev.keyhole.e2e.fixtures.VirtualBoxExtension;
import dev.keyhole.e2e.fixtures.VirtualBoxWebService;
import dev.keyhole.e2e.fixtures.Waits;
import dev.keyhole.testsupport.HttpSink;
import dev.keyhole.server.KeyholeServer;
import dev.keyhole.server.audit.AuditKind;
import dev.keyhole.server.audit.AuditLog;
import dev.keyhole.server.audit.AuditRecord;
import dev.keyhole.server.audit.JdbcAuditStore;
import dev.keyhole.server.config.DatabaseConfig;
import dev.keyhole.server.config.KeyholeConfig;
import dev.keyhole.server.config.NotifyConfig;
import dev.keyhole.server.config.VirtualBoxHostConfig;
import dev.keyhole.server.config.VirtualBoxHostConfig.OnAbort;
import dev.keyhole.server.storage.Database;
import dev.keyhole.server.virtualbox.AbortListener;
import dev.keyhole.server.virtualbox.AbortPolicy;
import dev.keyhole.server.virtualbox.MachineState;
import dev.keyhole.server.virtualbox.MachineTarget;
import dev.keyhole.server.virtualbox.VirtualBoxTargetDirectory;
import dev.keyhole.server.virtualbox.WebServiceVirtualBoxHost;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The on-abort policy against the real VirtualBox 7.x web service, as far as it goes here: no VM can run, so a
 * crash is left the way {@link VirtualBoxWebService#markAborted} can (the real VirtualBox then reports the VM
 * Aborted), and every restart attempt meets VirtualBox's real error, which must reach the audit trail and the
 * listener. The event sequences of a running VM are covered by {@code AbortPolicyTest}.
 */
@ExtendWith({VirtualBoxExtension.class, KeyholeServerExtension.class, EvidenceExtension.class})
class VirtualBoxOnAbortTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    /** VirtualBox's words for a VM that cannot run here. */
    private static final String NO_DRIVER = "terminated unexpectedly during startup";

    /** Where the on-call webhook of {@link RestartsServed} posts. */
    private static final HttpSink ON_CALL = HttpSink.start();

    /** A Keyhole whose host restarts one VM when it aborts (the others are only told of), with an on-call webhook. */
    static final class RestartsServed implements KeyholeSetup {
        @Override
        public void configure(KeyholeConfig.Builder config, Fixtures fixtures) {
            config.virtualBoxHost(VirtualBoxHostConfig.builder("lab", fixtures.virtualBox().url())
                    .username("keyhole").onAbortVms(Map.of("abort-served", OnAbort.RESTART)).build());
            config.notify(new NotifyConfig(Duration.ofMinutes(10), Duration.ofMinutes(5), List.of(
                    new NotifyConfig.WebhookConfig("on-call", "", ON_CALL.url("/hook"), "on-abort-test-secret"))));
        }
    }

    @AfterAll
    static void stopSink() {
        ON_CALL.close();
    }

    /** Keeps what the policy tells, and waits for it. */
    private static final class Told implements AbortListener {
        private final LinkedBlockingQueue<Event> queue = new LinkedBlockingQueue<>();

        @Override
        public void vmAborted(VmAborted event) {
            queue.add(event);
        }

        @Override
        public void vmStopped(VmStopped event) {
            queue.add(event);
        }

        @Override
        public void vmRestarted(VmRestarted event) {
            queue.add(event);
        }

        @Override
        public void vmRestartFailed(VmRestartFailed event) {
            queue.add(event);
        }

        @Override
        public void restartsExhausted(RestartsExhausted event) {
            queue.add(event);
        }

        /** @return the next event of {@code type} about {@code target}; fails naming what came instead */
        <T extends Event> T await(Class<T> type, String target) throws InterruptedException {
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            List<Event> other = new ArrayList<>();
            while (true) {
                Event e = queue.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (e == null) {
                    throw new AssertionError("waited " + TIMEOUT.toSeconds() + "s for " + type.getSimpleName()
                            + " of " + target + "; told instead: " + other);
                }
                if (type.isInstance(e) && e.target().equals(target)) {
                    return type.cast(e);
                }
                other.add(e);
            }
        }
    }

    @Test
    void eachRestartOfAnAbortedVmMeetsVirtualBoxsRealErrorWhichIsAuditedAndToldUntilKeyholeGivesUp(
            VirtualBoxWebService vbox) throws Exception {
        Path data = Files.createDirectories(E2ePaths.fixtureDir(VirtualBoxOnAbortTest.class, "policy"));
        KeyholeServer.Threads threads = KeyholeServer.Threads.start();
        Database database = Database.open(DatabaseConfig.SQLITE, data);
        AuditLog audit = new AuditLog(new JdbcAuditStore(database, Clock.systemUTC(), new SecureRandom()),
                Clock.systemUTC());
        // Only its own VM: the served Keyhole of the other test may watch the same host.
        VirtualBoxHostConfig config = VirtualBoxHostConfig.builder("lab", vbox.url()).username("keyhole")
                .onAbort(OnAbort.NOTHING).onAbortVms(Map.of("abort-direct", OnAbort.RESTART)).build();
        WebServiceVirtualBoxHost host = new WebServiceVirtualBoxHost(config, threads.work(), threads.timers());
        VirtualBoxTargetDirectory machines = new VirtualBoxTargetDirectory(Map.of(host, config), Set.of());
        Told told = new Told();
        // Short pauses: what they are is AbortPolicyTest's business; here each attempt is VirtualBox's.
        List<Duration> pauses = List.of(Duration.ofMillis(200), Duration.ofMillis(400), Duration.ofMillis(800));
        AbortPolicy policy = new AbortPolicy(machines, audit, told, Clock.systemUTC(), threads.timers(),
                threads.work(), pauses);
        try {
            policy.start();
            machines.start();
            String id = vbox.createVm("abort-direct");
            Waits.until("Keyhole to list abort-direct powered off", TIMEOUT, () -> String.valueOf(
                    machines.machine("abort-direct")), () -> state(machines, "abort-direct")
                            .filter(s -> s == MachineState.POWERED_OFF).isPresent());
            Instant before = Instant.now();

            vbox.markAborted("abort-direct");

            AbortListener.VmAborted aborted = told.await(AbortListener.VmAborted.class, "abort-direct");
            assertEquals(MachineState.ABORTED, aborted.state(), "the real VirtualBox says Aborted");
            assertTrue(aborted.restarting());
            List<AbortListener.VmRestartFailed> failures = new ArrayList<>();
            for (int attempt = 1; attempt <= pauses.size(); attempt++) {
                AbortListener.VmRestartFailed failed = told.await(AbortListener.VmRestartFailed.class,
                        "abort-direct");
                failures.add(failed);
                assertEquals(attempt, failed.attempt());
                assertTrue(failed.error().contains(NO_DRIVER) && failed.error().contains("abort-direct"),
                        "VirtualBox's own error: " + failed.error());
                assertEquals(attempt == pauses.size(), failed.gaveUp(), failed.toString());
            }
            assertEquals(MachineState.ABORTED, host.machine(id).orElseThrow().state(),
                    "a start that fails leaves the VM aborted");

            assertTrue(audit.awaitWritten(TIMEOUT), "the audit trail is written");
            List<AuditRecord> attempts = new ArrayList<>();
            audit.store().forEach(before, r -> {
                if (r.kind().equals(AuditKind.VM_ACTION.id()) && "abort-direct".equals(r.target())) {
                    attempts.add(r);
                }
            });
            assertEquals(pauses.size(), attempts.size(), "every attempt is audited: " + attempts);
            for (int i = 0; i < attempts.size(); i++) {
                AuditRecord r = attempts.get(i);
                assertEquals("keyhole", r.actor());
                assertEquals("failed", r.result());
                JsonNode detail = new ObjectMapper().readTree(r.detail());
                assertEquals("start", detail.path("action").asText(), r.detail());
                assertEquals("on-abort", detail.path("reason").asText(), r.detail());
                assertEquals(i + 1, detail.path("attempt").asInt(), r.detail());
                assertEquals(failures.get(i).error(), detail.path("error").asText(),
                        "the trail keeps VirtualBox's words");
            }
        } finally {
            policy.close();
            machines.close();
            audit.close();
            database.close();
            threads.close();
        }
    }

    @Test
    void keyholeRestartsTheVmItsConfigurationNamesAndAuditsTheAttempt(VirtualBoxWebService vbox,
            @InjectKeyhole(RestartsServed.class) RunningKeyhole keyhole) throws Exception {
        vbox.createVm("abort-served");
        HttpClient http = HttpClient.newHttpClient();
        awaitState(http, keyhole, "abort-served", "powered-off");
        LinkedBlockingQueue<AuditRecord> recorded = new LinkedBlockingQueue<>();
        Runnable unsubscribe = keyhole.audit().subscribe(recorded::add);
        try {
            vbox.markAborted("abort-served");

            awaitState(http, keyhole, "abort-served", "aborted");
            // The first attempt comes after AbortPolicy.BACKOFF's first pause.
            AuditRecord attempt = awaitRecord(recorded, r -> r.kind().equals(AuditKind.VM_ACTION.id())
                    && "abort-served".equals(r.target()), "the first restart attempt of abort-served audited");
            assertEquals("keyhole", attempt.actor());
            assertEquals("failed", attempt.result());
            assertTrue(attempt.detail().contains(NO_DRIVER), attempt.detail());
            assertTrue(attempt.detail().contains("\"attempt\":1"), attempt.detail());
            assertFalse(attempt.detail().contains(Integer.toString(vbox.url().getPort())),
                    "no web service address in the trail: " + attempt.detail());

            // The on-call people heard of the abort, and of the restart that failed with VirtualBox's own words.
            Waits.until("the webhook to hear of the abort and the failed restart", TIMEOUT,
                    () -> ON_CALL.requests().stream().map(HttpSink.Request::text).toList().toString(),
                    () -> ON_CALL.requests().stream().anyMatch(r -> r.text().contains("\"kind\":\"vm-aborted\""))
                            && ON_CALL.requests().stream().anyMatch(r -> r.text().contains("\"kind\":"
                                    + "\"vm-restart-failed\"") && r.text().contains(NO_DRIVER)));
        } finally {
            unsubscribe.run();
        }
    }

    private static Optional<MachineState> state(VirtualBoxTargetDirectory machines, String target) {
        return machines.machine(target).map(MachineTarget::machine).map(m -> m.state());
    }

    /** Waits until {@code GET /api/machines} shows the VM in {@code state} (a browser's name for it). */
    private static void awaitState(HttpClient http, RunningKeyhole keyhole, String target, String state) {
        String[] seen = {""};
        Waits.until("GET /api/machines to show " + target + " " + state, TIMEOUT, () -> seen[0], () -> {
            try {
                String body = http.send(HttpRequest.newBuilder(keyhole.uri().resolve("/api/machines"))
                        .headers(keyhole.signedIn().headerArray()).build(), HttpResponse.BodyHandlers.ofString())
                        .body();
                for (JsonNode m : new ObjectMapper().readTree(body).path("machines")) {
                    if (m.path("target").asText().equals(target)) {
                        seen[0] = m.toString();
                        return m.path("state").asText().equals(state);
                    }
                }
                seen[0] = body;
            } catch (IOException e) {
                seen[0] = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return false;
        });
    }

    private static AuditRecord awaitRecord(LinkedBlockingQueue<AuditRecord> recorded, Predicate<AuditRecord> match,
            String what) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        List<String> other = new ArrayList<>();
        while (true) {
            AuditRecord r = recorded.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (r == null) {
                throw new AssertionError("waited " + TIMEOUT.toSeconds() + "s for " + what + "; recorded instead: "
                        + other);
            }
            if (match.test(r)) {
                return r;
            }
            other.add(r.kind() + " " + r.target() + " " + r.result());
        }
    }
}
