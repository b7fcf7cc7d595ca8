package dev.keyhole.server.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keyhole.server.storage.Database.Vendor;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Opening the database brings its schema up to date once; its transactions commit or roll back whole; the
 * constraints of the schema hold and are recognised: the same tests on SQLite and on a real PostgreSQL.
 */
@ParameterizedClass
@EnumSource(Vendor.class)
class DatabaseTest {

    @RegisterExtension
    final TestDatabases databases = new TestDatabases();

    @Parameter
    Vendor vendor;

    @Test
    void openingAppliesTheMigrationsAndReopeningKeepsWhatWasStored() {
        TestDatabases.Fresh fresh = databases.fresh(vendor);
        try (Database first = Database.open(fresh.config(), DataDirectory.prepare(fresh.dataDir()))) {
            assertEquals(vendor, first.vendor());
            assertEquals(List.of("1", "2", "3", "4", "5", "6"), appliedVersions(first));
            insertUser(first, "u1", "alice");
        }
        try (Database again = Database.open(fresh.config(), fresh.dataDir())) {
            assertEquals(List.of("1", "2", "3", "4", "5", "6"), appliedVersions(again), "nothing is applied twice");
            assertEquals(1, count(again, "users"));
        }
    }

    @Test
    void everyTableTheAccessLayerNeedsIsThereAndEmpty() {
        Database database = databases.open(vendor);

        for (String table : SchemaParityTest.TABLES) {
            // audit_head holds the audit chain's end from the start: its one row, before the first event
            assertEquals(table.equals("audit_head") ? 1 : 0, count(database, table), table);
        }
    }

    @Test
    void aTransactionThatThrowsLeavesNothingBehind() {
        Database database = databases.open(vendor);
        IllegalStateException thrown = new IllegalStateException("the work gave up");

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> database.inTransaction("add two",
                connection -> {
                    insertUser(connection, "u1", "alice");
                    throw thrown;
                }));

        assertSame(thrown, e, "the work's own exception comes out as it is");
        assertEquals(0, count(database, "users"));
        database.inTransaction("add two", connection -> {
            insertUser(connection, "u1", "alice");
            insertUser(connection, "u2", "bob");
            return null;
        });
        assertEquals(2, count(database, "users"));
    }

    @Test
    void aFailedStatementIsAStorageExceptionThatSaysWhatFailedAndWhere() {
        Database database = databases.open(vendor);
        insertUser(database, "u1", "alice");

        StorageException e = assertThrows(StorageException.class,
                () -> database.withConnection("add alice again", connection -> {
                    insertUser(connection, "u2", "alice");
                    return null;
                }));

        assertTrue(e.getMessage().startsWith("cannot add alice again in the database at " + database.where() + ": "),
                e::getMessage);
        assertTrue(e.getCause() instanceof SQLException sql && Database.isUniqueViolation(sql), e::toString);
    }

    @Test
    void constraintViolationsAreRecognisedAsSuch() {
        Database database = databases.open(vendor);
        insertUser(database, "u1", "alice");

        SQLException duplicateId = violation(database, "INSERT INTO users (id, name, role, created_at) "
                + "VALUES ('u1', 'bob', 'viewer', 0)");
        SQLException unknownUser = violation(database, "INSERT INTO sessions (token_hash, user_id, csrf_token_hash, "
                + "created_at, last_seen_at, absolute_expires_at) VALUES ('t', 'nobody', 'c', 0, 0, 1)");
        SQLException unknownRole = violation(database, "INSERT INTO users (id, name, role, created_at) "
                + "VALUES ('u2', 'bob', 'root', 0)");

        assertTrue(Database.isUniqueViolation(duplicateId), duplicateId::toString);
        assertFalse(Database.isForeignKeyViolation(duplicateId), duplicateId::toString);
        assertTrue(Database.isForeignKeyViolation(unknownUser), "foreign keys are enforced: " + unknownUser);
        assertFalse(Database.isUniqueViolation(unknownRole), "a CHECK holds, and is no unique violation: "
                + unknownRole);
        assertFalse(Database.isForeignKeyViolation(unknownRole), unknownRole::toString);
    }

    @Test
    void removingAUserRemovesWhatIsTheirsAndKeepsTheAuditTrail() {
        Database database = databases.open(vendor);
        insertUser(database, "u1", "alice");
        insertUser(database, "u2", "bob");
        database.withConnection("add what is theirs", connection -> {
            try (Statement statement = connection.createStatement()) {
                statement.execute("INSERT INTO sessions (token_hash, user_id, csrf_token_hash, created_at, "
                        + "last_seen_at, absolute_expires_at) VALUES ('t1', 'u1', 'c1', 0, 0, 1)");
                statement.execute("INSERT INTO webauthn_credentials (credential_id, user_id, public_key_cose, "
                        + "created_at) VALUES ('cred1', 'u1', 'key', 0)");
                statement.execute("INSERT INTO totp_secrets (user_id, secret_encrypted, created_at) "
                        + "VALUES ('u1', 'sealed', 0)");
                statement.execute("INSERT INTO recovery_codes (user_id, code_hash, created_at) VALUES ('u1', 'h1', 0)");
                statement.execute("INSERT INTO setup_links (token_hash, user_id, created_at, expires_at) "
                        + "VALUES ('s1', 'u1', 0, 1)");
                statement.execute("INSERT INTO share_links (id, token_hash, target, mode, expires_at, max_devices, "
                        + "created_by, created_at, revoked_by) VALUES ('l1', 'lt1', 'web-1', 'watch', 1, 1, 'u1', 0, "
                        + "NULL)");
                statement.execute("INSERT INTO share_links (id, token_hash, target, mode, expires_at, max_devices, "
                        + "created_by, created_at, revoked_at, revoked_by) VALUES ('l2', 'lt2', 'web-1', 'type', 1, 2, "
                        + "'u2', 0, 1, 'u1')");
                statement.execute("INSERT INTO link_devices (token_hash, link_id, created_at, last_seen_at) "
                        + "VALUES ('d1', 'l1', 0, 0)");
                statement.execute("INSERT INTO audit_events (id, occurred_at, kind, actor, result) "
                        + "VALUES ('a1', 0, 'sign-in', 'alice', 'ok')");
            }
            return null;
        });

        database.withConnection("remove alice", connection -> {
            try (Statement statement = connection.createStatement()) {
                return statement.executeUpdate("DELETE FROM users WHERE id = 'u1'");
            }
        });

        for (String table : List.of("sessions", "webauthn_credentials", "totp_secrets", "recovery_codes",
                "setup_links", "link_devices")) {
            assertEquals(0, count(database, table), table + " keeps nothing of a removed user");
        }
        assertEquals(1, count(database, "share_links"), "bob's link stays");
        String revokedBy = database.withConnection("read who revoked it", connection -> {
            try (Statement statement = connection.createStatement();
                    ResultSet rows = statement.executeQuery("SELECT revoked_by FROM share_links WHERE id = 'l2'")) {
                rows.next();
                return rows.getString(1);
            }
        });
        assertNull(revokedBy, "the link bob made and alice revoked forgets who revoked it");
        assertEquals(1, count(database, "audit_events"), "the audit trail outlives the users it names");
    }

    private static SQLException violation(Database database, String sql) {
        return database.withConnection("break a constraint", connection -> {
            try (Statement statement = connection.createStatement()) {
                statement.execute(sql);
                throw new AssertionError("the database accepted " + sql);
            } catch (SQLException e) {
                return e;
            }
        });
    }

    private static List<String> appliedVersions(Database database) {
        return database.withConnection("read the applied migrations", connection -> {
            try (Statement statement = connection.createStatement();
                    ResultSet rows = statement.executeQuery("SELECT version FROM flyway_schema_history "
                            + "WHERE success = TRUE AND version IS NOT NULL ORDER BY installed_rank")) {
                List<String> versions = new java.util.ArrayList<>();
                while (rows.next()) {
                    versions.add(rows.getString(1));
                }
                return versions;
            }
        });
    }

    static int count(Database database, String table) {
        return database.withConnection("count " + table, connection -> count(connection, table));
    }

    static int count(java.sql.Connection connection, String table) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT COUNT(*) FROM " + table)) {
            rows.next();
            return rows.getInt(1);
        }
    }

    private static void insertUser(Database database, String id, String name) {
        database.withConnection("add " + name, connection -> {
            insertUser(connection, id, name);
            return null;
        });
    }

    private static void insertUser(java.sql.Connection connection, String id, String name) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO users (id, name, role, created_at) VALUES (?, ?, 'viewer', 0)")) {
            insert.setString(1, id);
            insert.setString(2, name);
            insert.executeUpdate();
        }
    }
}
