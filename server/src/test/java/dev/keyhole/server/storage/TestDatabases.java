package dev.keyhole.server.storage;

import dev.keyhole.server.config.DatabaseConfig;
import dev.keyhole.server.storage.Database.Vendor;
import dev.keyhole.testsupport.PostgresCluster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Empty databases for storage tests, of either kind, each opened (and migrated) as Keyhole opens its own:
 * SQLite in a data directory of its own under the module's build directory
 * ({@code target/storage-tests/<Class>/<test>-<n>/}, kept for the leak scan), or a new database on a real
 * PostgreSQL server ({@link PostgresCluster}) that starts the first time one is asked for and stops when the
 * test run ends. Every database a test opens is closed after it.
 *
 * <p>Register it on a test class: {@code @RegisterExtension final TestDatabases databases = new TestDatabases();}.
 */
public final class TestDatabases implements BeforeEachCallback, AfterEachCallback {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(TestDatabases.class);
    /** Numbers the databases made in this run, so no two share a name. */
    private static final AtomicInteger made = new AtomicInteger();

    private final List<Database> opened = new ArrayList<>();
    private ExtensionContext context;

    @Override
    public void beforeEach(ExtensionContext test) {
        context = test;
    }

    @Override
    public void afterEach(ExtensionContext test) {
        try {
            for (Database database : opened) {
                database.close();
            }
        } finally {
            opened.clear();
            context = null;
        }
    }

    /**
     * @param vendor SQLite or PostgreSQL
     * @return a new, empty database of that kind with Keyhole's schema, closed after the test
     */
    public Database open(Vendor vendor) {
        Fresh fresh = fresh(vendor);
        Database database = Database.open(fresh.config(), DataDirectory.prepare(fresh.dataDir()));
        opened.add(database);
        return database;
    }

    /**
     * A configuration of a new, empty database and a data directory, for a test that opens it itself.
     *
     * @param config  the database
     * @param dataDir a new data directory (SQLite's file would be there)
     */
    public record Fresh(DatabaseConfig config, Path dataDir) {
    }

    /**
     * @param vendor SQLite or PostgreSQL
     * @return a new data directory and, for PostgreSQL, a new empty database; nothing is opened
     */
    public Fresh fresh(Vendor vendor) {
        if (context == null) {
            throw new IllegalStateException("TestDatabases gives databases only while a test runs");
        }
        int n = made.incrementAndGet();
        Path dataDir = dataDir(n);
        return switch (vendor) {
            case SQLITE -> new Fresh(DatabaseConfig.SQLITE, dataDir);
            case POSTGRESQL -> new Fresh(DatabaseConfig.postgresql(
                    postgres().createDatabase("keyhole_test_" + n), PostgresCluster.USER, ""), dataDir);
        };
    }

    /** @return the run's PostgreSQL server, started on first use and stopped when the run ends */
    public PostgresCluster postgres() {
        return context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent(PostgresCluster.class, key -> PostgresCluster.start(), PostgresCluster.class);
    }

    /** A data directory that does not exist yet (Keyhole makes it), its parent made and what a run left deleted. */
    private Path dataDir(int n) {
        String test = context.getRequiredTestMethod().getName();
        Path dir = target().resolve("storage-tests").resolve(context.getRequiredTestClass().getSimpleName())
                .resolve(test + "-" + n);
        try {
            if (Files.exists(dir)) {
                try (Stream<Path> left = Files.walk(dir)) {
                    for (Path path : left.sorted(Comparator.reverseOrder()).toList()) {
                        Files.delete(path);
                    }
                }
            }
            Files.createDirectories(dir.getParent());
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare " + dir, e);
        }
    }

    /** The module's build directory: Maven passes it as {@code keyhole.test.target}. */
    static Path target() {
        String configured = System.getProperty("keyhole.test.target");
        return (configured != null ? Path.of(configured) : Path.of("target")).toAbsolutePath().normalize();
    }
}
