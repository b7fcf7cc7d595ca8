package dev.keyhole.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keyhole.server.config.DatabaseConfig;
import dev.keyhole.server.config.HttpConfig;
import dev.keyhole.server.config.KeyholeConfig;
import dev.keyhole.server.storage.Database;
import dev.keyhole.server.storage.Database.Vendor;
import dev.keyhole.server.storage.StorageException;
import dev.keyhole.server.storage.TestDatabases;
import java.net.InetAddress;
import java.net.ServerSocket;
import dev.keyhole.server.accounts.Role;
import dev.keyhole.server.accounts.User;
import java.time.Duration;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The composition root opens the database before it listens, in the data directory it makes ready, and closes it
 * when it stops; a database it cannot open stops it from starting.
 */
class KeyholeServerStorageTest {

    @RegisterExtension
    final TestDatabases databases = new TestDatabases();

    private static KeyholeConfig config(TestDatabases.Fresh fresh) {
        return KeyholeConfig.builder().dataDir(fresh.dataDir()).database(fresh.config())
                .http(new HttpConfig("127.0.0.1", 0, List.of())).build();
    }

    @Test
    void onSqliteItMakesTheDataDirectoryAndTheDatabaseAndClosesThemCleanly() throws Exception {
        TestDatabases.Fresh fresh = databases.fresh(Vendor.SQLITE);
        Path file = fresh.dataDir().resolve(DatabaseConfig.SQLITE_FILE);

        try (KeyholeServer server = KeyholeServer.start(config(fresh))) {
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(fresh.dataDir())));
            assertTrue(Files.exists(file));
            assertEquals(200, signIn(server), "a session begun, kept in the database");
        }

        assertFalse(Files.exists(file.resolveSibling(DatabaseConfig.SQLITE_FILE + "-wal")),
                "closed, its write-ahead log folded back into the file");
        try (Database reopened = Database.open(fresh.config(), fresh.dataDir())) {
            assertEquals(6, schemaVersions(reopened));
        }
    }

    @Test
    void onPostgresqlItMigratesTheDatabaseTheUrlNames() throws Exception {
        TestDatabases.Fresh fresh = databases.fresh(Vendor.POSTGRESQL);

        try (KeyholeServer server = KeyholeServer.start(config(fresh))) {
            assertEquals(200, signIn(server), "a session begun, kept in the database");
        }

        try (Database reopened = Database.open(fresh.config(), fresh.dataDir())) {
            assertEquals(6, schemaVersions(reopened));
        }
        assertFalse(Files.exists(fresh.dataDir().resolve(DatabaseConfig.SQLITE_FILE)), "no SQLite file beside it");
    }

    @Test
    void aDatabaseItCannotOpenStopsItBeforeItListens() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = socket.getLocalPort();
        }
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        KeyholeConfig config = KeyholeConfig.builder().dataDir(databases.fresh(Vendor.SQLITE).dataDir())
                .database(DatabaseConfig.postgresql("jdbc:postgresql://127.0.0.1:" + closed + "/keyhole", "", ""))
                .http(new HttpConfig("127.0.0.1", port, List.of())).build();

        StorageException e = assertThrows(StorageException.class, () -> KeyholeServer.start(config));

        assertTrue(e.getMessage().startsWith("cannot open the PostgreSQL database"), e::getMessage);
        try (ServerSocket free = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            assertEquals(port, free.getLocalPort(), "nothing listens on the server's port");
        }
    }

    /** Adds a user and signs in with a one-time link: the user, the link and the session are rows. */
    private static int signIn(KeyholeServer server) throws Exception {
        User user = server.accounts().addUser("alice", Role.ADMIN, List.of(), "a password long enough");
        String token = server.linkTo(server.accounts().issueSignInLink(user, Duration.ofMinutes(1))).getFragment()
                .substring("link=".length());
        HttpClient client = HttpClient.newHttpClient();
        return client.send(HttpRequest.newBuilder(server.uri().resolve("/api/sign-in/link"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"token\":\"" + token + "\"}")).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static int schemaVersions(Database database) {
        return database.withConnection("count the applied migrations", connection -> {
            try (Statement statement = connection.createStatement();
                    ResultSet rows = statement.executeQuery(
                            "SELECT COUNT(*) FROM flyway_schema_history WHERE version IS NOT NULL")) {
                rows.next();
                return rows.getInt(1);
            }
        });
    }
}
