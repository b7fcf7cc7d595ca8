package dev.keyhole.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keyhole.server.audit.AuditEvent;
import dev.keyhole.server.audit.AuditKind;
import dev.keyhole.server.audit.JdbcAuditStore;
import dev.keyhole.server.storage.DataDirectory;
import dev.keyhole.server.storage.Database;
import dev.keyhole.server.storage.Database.Vendor;
import dev.keyhole.server.storage.Sql;
import dev.keyhole.server.storage.TestDatabases;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code keyhole-server audit verify|export} on the database a configuration file names, SQLite and PostgreSQL:
 * verify says the trail is whole, or names the event edited or deleted; export writes one JSON object per event.
 */
@ParameterizedClass
@EnumSource(Vendor.class)
class AuditCommandTest {

    private static final Instant NOW = Instant.parse("2031-05-06T07:08:09Z");

    @RegisterExtension
    final TestDatabases databases = new TestDatabases();

    @Parameter
    Vendor vendor;

    private Path config;
    private Database database;
    private final TestClock clock = new TestClock(NOW.minus(Duration.ofDays(3)));

    @BeforeEach
    void write() throws Exception {
        TestDatabases.Fresh fresh = databases.fresh(vendor);
        config = fresh.dataDir().resolveSibling(fresh.dataDir().getFileName() + ".yaml");
        String databaseYaml = fresh.config().url().isEmpty() ? "" : "database:\n  url: " + fresh.config().url()
                + "\n  username: " + fresh.config().username() + "\n";
        Files.writeString(config, "data-dir: " + fresh.dataDir() + "\n" + databaseYaml);
        database = Database.open(fresh.config(), DataDirectory.prepare(fresh.dataDir()));
        JdbcAuditStore store = new JdbcAuditStore(database, clock, new SecureRandom());
        for (String who : List.of("alice", "bob", "carol")) {
            store.append(List.of(new JdbcAuditStore.Occurred(AuditEvent.of(AuditKind.SIGN_IN, who, "192.0.2.1")
                    .with("factor", "totp"), clock.instant())));
            clock.advance(Duration.ofDays(1));
        }
    }

    private record Ran(int status, String out) {
    }

    private Ran run(String... args) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<String> command = new java.util.ArrayList<>(List.of(args));
        command.addAll(List.of("--config", config.toString()));
        int status = new AuditCommand(new PrintStream(out, true, StandardCharsets.UTF_8),
                java.time.Clock.fixed(NOW, java.time.ZoneOffset.UTC)).run(command);
        return new Ran(status, out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void verifySaysTheTrailIsWholeOrNamesTheEventChanged() throws Exception {
        assertEquals(new Ran(0, "The audit trail is whole: 3 event(s), #1 to #3\n"), run("verify"));
        database.withConnection("tamper", c -> Sql.update(c, "UPDATE audit_events SET result = 'refused' "
                + "WHERE seq = 2"));
        Ran broken = run("verify");
        assertEquals(1, broken.status());
        assertTrue(broken.out().startsWith("The audit trail is broken at event #2 ("), broken::out);
        assertTrue(broken.out().contains("it was changed after it was written"), broken::out);
    }

    @Test
    void verifyNamesAnEventDeleted() throws Exception {
        database.withConnection("tamper", c -> Sql.update(c, "DELETE FROM audit_events WHERE seq = 2"));
        Ran broken = run("verify");
        assertEquals(1, broken.status());
        assertTrue(broken.out().startsWith("The audit trail is broken at event #2: missing"), broken::out);
    }

    @Test
    void exportWritesOneJsonObjectPerEventWithStableNames() throws Exception {
        Ran all = run("export");
        assertEquals(0, all.status());
        List<String> lines = all.out().lines().toList();
        assertEquals(3, lines.size(), all::out);
        JsonNode first = new ObjectMapper().readTree(lines.get(0));
        assertEquals(List.of("seq", "id", "occurredAt", "kind", "actor", "address", "target", "result", "detail",
                "prevHash", "hash"), iterate(first));
        assertEquals("sign-in", first.path("kind").asText());
        assertEquals("totp", first.path("detail").path("factor").asText());
        assertEquals("alice", first.path("actor").asText());

        assertEquals(2, run("export", "--since", "2d").out().lines().count(), "the last two days");
        assertEquals(1, run("export", "--since", NOW.minus(Duration.ofDays(1)).toString()).out().lines().count());
    }

    @Test
    void aWrongCommandLineIsAUsageError() {
        assertThrows(UserCommand.UsageException.class, () -> run("export", "--since", "yesterday"));
        assertThrows(UserCommand.UsageException.class, () -> run("erase"));
    }

    private static List<String> iterate(JsonNode node) {
        List<String> names = new java.util.ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
