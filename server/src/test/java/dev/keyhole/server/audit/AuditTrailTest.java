package dev.keyhole.server.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keyhole.server.TestClock;
import dev.keyhole.server.storage.Database;
import dev.keyhole.server.storage.Database.Vendor;
import dev.keyhole.server.storage.Sql;
import dev.keyhole.server.storage.TestDatabases;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The audit trail's chain on SQLite and on a real PostgreSQL: what is written verifies; an event edited, deleted
 * or cut off the end in the database breaks it where it was; retention keeps it whole; writers of two processes
 * append to one chain; a clean close writes everything recorded.
 */
@ParameterizedClass
@EnumSource(Vendor.class)
class AuditTrailTest {

    private static final Instant START = Instant.parse("2031-05-06T07:08:09Z");

    @RegisterExtension
    final TestDatabases databases = new TestDatabases();

    @Parameter
    Vendor vendor;

    private final TestClock clock = new TestClock(START);
    private Database database;
    private JdbcAuditStore store;

    @BeforeEach
    void open() {
        database = databases.open(vendor);
        store = new JdbcAuditStore(database, clock, new SecureRandom());
    }

    private static AuditEvent event(int n) {
        return AuditEvent.of(AuditKind.CONSOLE_OPENED, "alice", "192.0.2." + n).on("web-1").with("mode", "type")
                .with("n", n);
    }

    private List<AuditRecord> append(int from, int to) {
        List<JdbcAuditStore.Occurred> events = new ArrayList<>();
        for (int n = from; n <= to; n++) {
            events.add(new JdbcAuditStore.Occurred(event(n), clock.instant()));
        }
        return store.append(events);
    }

    private Optional<AuditChain.Break> verify() {
        AuditChain.Verifier verifier = new AuditChain.Verifier(store.retentions());
        store.forEach(null, verifier::accept);
        JdbcAuditStore.Head head = store.head();
        return verifier.finish(head.seq(), head.hash());
    }

    @Test
    void whatIsWrittenVerifiesInOrder() {
        assertEquals(Optional.empty(), verify(), "an empty trail");
        List<AuditRecord> kept = append(1, 5);
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L), kept.stream().map(AuditRecord::seq).toList());
        assertEquals(AuditChain.GENESIS, kept.get(0).prevHash());
        assertEquals(kept.get(0).hash(), kept.get(1).prevHash());
        assertEquals(Optional.empty(), verify());
        assertEquals("{\"mode\":\"type\",\"n\":3}", kept.get(2).detail());
        assertEquals(List.of(5L, 4L), store.page(JdbcAuditStore.Filter.ALL, null, 2).stream()
                .map(AuditRecord::seq).toList(), "newest first");
        assertEquals(List.of(3L, 2L), store.page(JdbcAuditStore.Filter.ALL, 4L, 2).stream()
                .map(AuditRecord::seq).toList(), "the page before #4");
    }

    @Test
    void anEventEditedInTheDatabaseBreaksTheChainThere() {
        append(1, 5);
        database.withConnection("tamper", c -> Sql.update(c,
                "UPDATE audit_events SET actor = 'mallory' WHERE seq = 3"));
        AuditChain.Break broken = verify().orElseThrow();
        assertEquals(3, broken.seq());
        assertTrue(broken.why().contains("changed"), broken::toString);
    }

    @Test
    void anEventDeletedInTheDatabaseIsMissedWhereItWas() {
        append(1, 5);
        database.withConnection("tamper", c -> Sql.update(c, "DELETE FROM audit_events WHERE seq = 2"));
        AuditChain.Break broken = verify().orElseThrow();
        assertEquals(2, broken.seq());
        assertTrue(broken.why().contains("missing"), broken::toString);
    }

    @Test
    void anEventRehashedAfterAnEditStillBreaksTheChainAtTheNextOne() {
        List<AuditRecord> kept = append(1, 5);
        AuditRecord third = kept.get(2);
        AuditRecord edited = new AuditRecord(third.seq(), third.id(), third.occurredAt(), third.kind(), "mallory",
                third.address(), third.target(), third.result(), third.detail(), third.prevHash(), "");
        String rehashed = AuditChain.hash(edited);
        database.withConnection("tamper", c -> Sql.update(c,
                "UPDATE audit_events SET actor = 'mallory', hash = ? WHERE seq = 3", rehashed));
        assertEquals(4, verify().orElseThrow().seq(), "the next event names the one it followed");
    }

    @Test
    void theNewestEventsCutOffTheEndAreMissed() {
        append(1, 5);
        database.withConnection("tamper", c -> Sql.update(c, "DELETE FROM audit_events WHERE seq >= 4"));
        AuditChain.Break broken = verify().orElseThrow();
        assertTrue(broken.why().contains("newest events are missing"), broken::toString);
    }

    @Test
    void retentionDeletesTheOldEventsAndKeepsTheChainWhole() {
        append(1, 3);
        clock.advance(Duration.ofDays(401));
        append(4, 5);
        AuditRecord retention;
        try (AuditLog trail = new AuditLog(store, clock)) {
            retention = trail.retain(Duration.ofDays(400)).orElseThrow();
        }
        assertEquals(AuditKind.RETENTION.id(), retention.kind());
        List<Long> left = new ArrayList<>();
        store.forEach(null, event -> left.add(event.seq()));
        assertEquals(List.of(4L, 5L, 6L), left, "the three old ones went; the retention event is #6");
        assertTrue(retention.detail().contains("\"deletedThrough\":3"), retention::detail);
        assertEquals(Optional.empty(), verify());

        database.withConnection("tamper", c -> Sql.update(c, "DELETE FROM audit_events WHERE seq = 4"));
        assertEquals(5, verify().orElseThrow().seq(), "deleting more of the oldest is no retention");
    }

    @Test
    void twoProcessesWritingAtOnceMakeOneChain() throws Exception {
        JdbcAuditStore other = new JdbcAuditStore(database, clock, new SecureRandom());
        CompletableFuture<Void> one = CompletableFuture.runAsync(() -> {
            for (int n = 0; n < 40; n++) {
                append(n, n);
            }
        });
        CompletableFuture<Void> two = CompletableFuture.runAsync(() -> {
            for (int n = 0; n < 40; n++) {
                other.append(List.of(new JdbcAuditStore.Occurred(event(100 + n), clock.instant())));
            }
        });
        CompletableFuture.allOf(one, two).get();
        assertEquals(80, store.head().seq());
        assertEquals(Optional.empty(), verify());
    }

    @Test
    void aCleanCloseWritesEverythingRecorded() {
        AuditLog trail = new AuditLog(store, clock);
        for (int n = 0; n < 2000; n++) {
            trail.record(event(n));
        }
        trail.close();
        assertEquals(2000, store.head().seq());
        assertEquals(Optional.empty(), verify());
    }
}
