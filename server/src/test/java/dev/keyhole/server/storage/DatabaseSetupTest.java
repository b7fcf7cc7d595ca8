package dev.keyhole.server.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keyhole.server.config.DatabaseConfig;
import dev.keyhole.server.storage.Database.Vendor;
import dev.keyhole.testsupport.PostgresCluster;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** How each database is set up, what closing it leaves, and what a database that cannot be opened says. */
class DatabaseSetupTest {

    @RegisterExtension
    final TestDatabases databases = new TestDatabases();

    @Test
    void sqliteWritesAheadEnforcesForeignKeysAndWaitsForTheWriteLock() {
        Database database = databases.open(Vendor.SQLITE);

        assertEquals("wal", pragma(database, "journal_mode"));
        assertEquals("1", pragma(database, "foreign_keys"));
        assertEquals(Long.toString(Database.SQLITE_BUSY_TIMEOUT.toMillis()), pragma(database, "busy_timeout"));
        assertEquals("1", pragma(database, "synchronous"), "NORMAL");
    }

    @Test
    void sqliteLetsTransactionsOfSeveralThreadsWriteOneAfterAnother() throws Exception {
        Database database = databases.open(Vendor.SQLITE);
        int writers = 4;
        CountDownLatch together = new CountDownLatch(writers);
        ExecutorService threads = Executors.newFixedThreadPool(writers);
        try {
            List<CompletableFuture<Void>> done = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int writer = w;
                done.add(CompletableFuture.runAsync(() -> {
                    together.countDown();
                    try {
                        together.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    for (int i = 0; i < 25; i++) {
                        int n = i;
                        // Reads, then writes, in one transaction: the pattern that fails with SQLITE_BUSY when a
                        // transaction takes the write lock only at its first write.
                        database.inTransaction("add a user", connection -> {
                            int before = DatabaseTest.count(connection, "users");
                            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO users "
                                    + "(id, name, role, created_at) VALUES (?, ?, 'viewer', ?)")) {
                                insert.setString(1, "w" + writer + "-" + n);
                                insert.setString(2, "w" + writer + "-" + n);
                                insert.setLong(3, before);
                                return insert.executeUpdate();
                            }
                        });
                    }
                }, threads));
            }
            CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        } finally {
            threads.shutdownNow();
        }

        assertEquals(writers * 25, DatabaseTest.count(database, "users"));
    }

    @Test
    void closingSqliteFoldsItsLogIntoTheFile() {
        TestDatabases.Fresh fresh = databases.fresh(Vendor.SQLITE);
        Path file = fresh.dataDir().resolve(DatabaseConfig.SQLITE_FILE);
        Database database = Database.open(fresh.config(), DataDirectory.prepare(fresh.dataDir()));
        DatabaseTest.count(database, "users");
        assertTrue(Files.exists(file.resolveSibling(DatabaseConfig.SQLITE_FILE + "-wal")), "open, it writes ahead");

        database.close();

        assertTrue(Files.exists(file));
        assertFalse(Files.exists(file.resolveSibling(DatabaseConfig.SQLITE_FILE + "-wal")), "the log is folded in");
        assertFalse(Files.exists(file.resolveSibling(DatabaseConfig.SQLITE_FILE + "-shm")));
    }

    @Test
    void closingPostgresqlLeavesNoConnectionOpen() throws Exception {
        TestDatabases.Fresh fresh = databases.fresh(Vendor.POSTGRESQL);
        Database database = Database.open(fresh.config(), DataDirectory.prepare(fresh.dataDir()));
        String name = fresh.config().url().substring(fresh.config().url().lastIndexOf('/') + 1);
        assertTrue(keyholeConnections(name) > 0, "open, it holds a connection (named keyhole)");

        database.close();

        assertEquals(0, keyholeConnections(name));
    }

    @Test
    void anUnreachablePostgresqlStopsTheOpeningWithTheDriversReason() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = socket.getLocalPort();
        }
        String url = "jdbc:postgresql://127.0.0.1:" + closed + "/keyhole";
        Path dataDir = DataDirectory.prepare(databases.fresh(Vendor.SQLITE).dataDir());

        StorageException e = assertThrows(StorageException.class,
                () -> Database.open(DatabaseConfig.postgresql(url, "keyhole", "not-the-password"), dataDir));

        assertTrue(e.getMessage().startsWith("cannot open the PostgreSQL database " + url + ": "), e::getMessage);
        assertTrue(e.getMessage().contains("127.0.0.1:" + closed), e::getMessage);
        assertFalse(e.getMessage().contains("not-the-password"), e::getMessage);
    }

    @Test
    void aFileThatIsNoSqliteDatabaseStopsTheOpening() throws Exception {
        TestDatabases.Fresh fresh = databases.fresh(Vendor.SQLITE);
        Path dataDir = DataDirectory.prepare(fresh.dataDir());
        Files.writeString(dataDir.resolve(DatabaseConfig.SQLITE_FILE), "this is not a database, but a file of text "
                + "long enough to have the size of a database page header ".repeat(10));

        StorageException e = assertThrows(StorageException.class, () -> Database.open(fresh.config(), dataDir));

        assertTrue(e.getMessage().contains(dataDir.resolve(DatabaseConfig.SQLITE_FILE).toString()), e::getMessage);
        assertTrue(e.getMessage().contains("not a database"), e::getMessage);
    }

    private int keyholeConnections(String database) throws Exception {
        PostgresCluster postgres = databases.postgres();
        try (Connection connection = DriverManager.getConnection(postgres.jdbcUrl("postgres"), PostgresCluster.USER,
                "");
                PreparedStatement select = connection.prepareStatement("SELECT COUNT(*) FROM pg_stat_activity "
                        + "WHERE datname = ? AND application_name = 'keyhole'")) {
            select.setString(1, database);
            try (ResultSet rows = select.executeQuery()) {
                rows.next();
                return rows.getInt(1);
            }
        }
    }

    private static String pragma(Database database, String name) {
        return database.withConnection("read " + name, connection -> {
            try (Statement statement = connection.createStatement();
                    ResultSet rows = statement.executeQuery("PRAGMA " + name)) {
                rows.next();
                return rows.getString(1);
            }
        });
    }
}
