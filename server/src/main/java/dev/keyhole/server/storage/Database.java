package dev.keyhole.server.storage;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.keyhole.server.config.DatabaseConfig;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.time.Duration;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * Keyhole's database: SQLite in the data directory, or PostgreSQL; opened once by the composition root, which
 * closes it after everything that uses it has stopped.
 *
 * <p>Opening it brings its schema up to date: Flyway applies the migrations under {@code db/migration} that it
 * lacks, the same SQL for both databases. The stores (the {@code Jdbc…Store} classes) reach it only through
 * {@link #withConnection} and {@link #inTransaction}, which lend them a connection of a small pool (HikariCP) and
 * say in a {@link StorageException} what failed. The pool keeps its own few threads, which stop as it closes.
 *
 * <p>SQLite is set up for one writer at a time beside any number of readers: the write-ahead log (readers never
 * wait for the writer), foreign keys enforced, a transaction takes the write lock when it begins (so two
 * transactions never deadlock upgrading a read to a write), and a writer that finds the lock taken waits for it up
 * to {@link #SQLITE_BUSY_TIMEOUT} instead of failing at once.
 */
public final class Database implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Database.class);

    /** Where the migrations are, on the class path. */
    private static final String MIGRATIONS = "classpath:db/migration";

    /** How long a SQLite writer waits for another to finish. */
    static final Duration SQLITE_BUSY_TIMEOUT = Duration.ofSeconds(5);
    /** Connections to SQLite: a writer at a time, the rest read. */
    private static final int SQLITE_CONNECTIONS = 4;
    /** Connections to PostgreSQL at most. */
    private static final int POSTGRESQL_CONNECTIONS = 8;
    /** Connections to PostgreSQL kept open when idle. */
    private static final int POSTGRESQL_IDLE_CONNECTIONS = 1;
    /** How long a caller waits for a connection of the pool (or for PostgreSQL to answer a new one). */
    private static final Duration CONNECTION_TIMEOUT = Duration.ofSeconds(10);

    /** The kinds of database Keyhole runs on. */
    public enum Vendor {
        /** SQLite, in a file of the data directory. */
        SQLITE,
        /** PostgreSQL, at a JDBC URL. */
        POSTGRESQL
    }

    /**
     * What a store does with a connection.
     *
     * @param <T> what it returns
     */
    @FunctionalInterface
    public interface Work<T> {
        /**
         * @param connection a connection of the pool, for this call only
         * @return the result, handed back to the caller of {@link #withConnection} or {@link #inTransaction}
         * @throws SQLException when a statement fails
         */
        T run(Connection connection) throws SQLException;
    }

    private final HikariDataSource pool;
    private final Vendor vendor;
    private final String where;

    private Database(HikariDataSource pool, Vendor vendor, String where) {
        this.pool = pool;
        this.vendor = vendor;
        this.where = where;
    }

    /**
     * Opens the database {@code config} names and brings its schema up to date.
     *
     * @param config  SQLite or PostgreSQL
     * @param dataDir the data directory, ready ({@link DataDirectory#prepare}); SQLite's file is
     *                {@link DatabaseConfig#SQLITE_FILE} in it
     * @return the open database; {@link #close} it
     * @throws StorageException when it cannot be opened or migrated
     */
    public static Database open(DatabaseConfig config, Path dataDir) {
        Database database = config.isPostgresql() ? postgresql(config)
                : sqlite(dataDir.resolve(DatabaseConfig.SQLITE_FILE));
        try {
            database.migrate();
            return database;
        } catch (RuntimeException e) {
            database.close();
            throw e;
        }
    }

    private static Database sqlite(Path file) {
        SQLiteConfig sqlite = new SQLiteConfig();
        sqlite.setJournalMode(SQLiteConfig.JournalMode.WAL);
        // With the write-ahead log, NORMAL loses no committed transaction on a crash of Keyhole, only on one of the
        // machine, and spares a disk flush per commit.
        sqlite.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
        sqlite.enforceForeignKeys(true);
        sqlite.setBusyTimeout((int) SQLITE_BUSY_TIMEOUT.toMillis());
        sqlite.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
        SQLiteDataSource source = new SQLiteDataSource(sqlite);
        source.setUrl("jdbc:sqlite:" + file);
        HikariConfig pool = poolConfig(SQLITE_CONNECTIONS, SQLITE_CONNECTIONS);
        pool.setDataSource(source);
        return new Database(start(pool, "the SQLite database " + file), Vendor.SQLITE, file.toString());
    }

    private static Database postgresql(DatabaseConfig config) {
        HikariConfig pool = poolConfig(POSTGRESQL_CONNECTIONS, POSTGRESQL_IDLE_CONNECTIONS);
        pool.setDriverClassName("org.postgresql.Driver");
        pool.setJdbcUrl(config.url());
        if (!config.username().isEmpty()) {
            pool.setUsername(config.username());
        }
        if (!config.password().isEmpty()) {
            pool.setPassword(config.password());
        }
        pool.addDataSourceProperty("ApplicationName", "keyhole");
        return new Database(start(pool, "the PostgreSQL database " + config.url()), Vendor.POSTGRESQL, config.url());
    }

    private static HikariConfig poolConfig(int connections, int idle) {
        HikariConfig pool = new HikariConfig();
        pool.setPoolName("keyhole-db");
        pool.setMaximumPoolSize(connections);
        pool.setMinimumIdle(idle);
        pool.setConnectionTimeout(CONNECTION_TIMEOUT.toMillis());
        return pool;
    }

    /** Starts the pool, which opens its first connection now: a database that cannot be reached fails here. */
    private static HikariDataSource start(HikariConfig pool, String what) {
        try {
            return new HikariDataSource(pool);
        } catch (RuntimeException e) {
            throw new StorageException("cannot open " + what + ": " + reason(e), e);
        }
    }

    private void migrate() {
        try {
            Flyway flyway = Flyway.configure(Database.class.getClassLoader())
                    .dataSource(pool)
                    .locations(MIGRATIONS)
                    .failOnMissingLocations(true)
                    .load();
            MigrateResult result = flyway.migrate();
            MigrationInfo current = flyway.info().current();
            log.info("Database: {} at {}, schema version {}{}", product(), where,
                    current == null ? "(none)" : current.getVersion(),
                    result.migrationsExecuted == 0 ? "" : " (" + result.migrationsExecuted + " migration(s) applied)");
        } catch (FlywayException e) {
            throw new StorageException("cannot bring the database at " + where + " up to date: " + e.getMessage(), e);
        }
    }

    private String product() {
        return withConnection("read the database's version", connection -> {
            DatabaseMetaData meta = connection.getMetaData();
            return meta.getDatabaseProductName() + " " + meta.getDatabaseProductVersion();
        });
    }

    /** @return SQLite or PostgreSQL */
    public Vendor vendor() {
        return vendor;
    }

    /** @return where it is, for messages: SQLite's file, or PostgreSQL's JDBC URL (which holds no password) */
    public String where() {
        return where;
    }

    /**
     * Runs statements each committed on its own (auto-commit): reads, and writes of a single statement.
     *
     * @param what what the work does, for the message of a failure ("find a user")
     * @param work what runs on the connection
     * @return what {@code work} returned
     * @throws StorageException when a statement fails or no connection can be had; a {@link RuntimeException} of
     *                          {@code work} is rethrown as it is
     */
    public <T> T withConnection(String what, Work<T> work) {
        try (Connection connection = pool.getConnection()) {
            return work.run(connection);
        } catch (SQLException e) {
            throw failed(what, e);
        }
    }

    /**
     * Runs statements in one transaction: committed when {@code work} returns, rolled back when it throws. A
     * statement that fails ends the transaction (PostgreSQL refuses any other after it): {@code work} lets its
     * {@link SQLException} out rather than going on.
     *
     * @param what what the work does, for the message of a failure ("add a user")
     * @param work what runs on the connection
     * @return what {@code work} returned
     * @throws StorageException when a statement fails or no connection can be had; a {@link RuntimeException} of
     *                          {@code work} is rethrown as it is, after the rollback
     */
    public <T> T inTransaction(String what, Work<T> work) {
        try (Connection connection = pool.getConnection()) {
            connection.setAutoCommit(false);
            try {
                T result = work.run(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                rollback(connection, e);
                throw e;
            }
        } catch (SQLException e) {
            throw failed(what, e);
        }
    }

    private static void rollback(Connection connection, Exception cause) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }

    private StorageException failed(String what, SQLException e) {
        return new StorageException("cannot " + what + " in the database at " + where + ": " + e.getMessage(), e);
    }

    /**
     * @param e what a statement threw
     * @return whether it broke a primary key or unique constraint (in either database)
     */
    public static boolean isUniqueViolation(SQLException e) {
        if (e instanceof SQLiteException sqlite) {
            return sqlite.getResultCode() == SQLiteErrorCode.SQLITE_CONSTRAINT_UNIQUE
                    || sqlite.getResultCode() == SQLiteErrorCode.SQLITE_CONSTRAINT_PRIMARYKEY;
        }
        return "23505".equals(e.getSQLState());
    }

    /**
     * @param e what a statement threw
     * @return whether it named a row that does not exist through a foreign key (in either database)
     */
    public static boolean isForeignKeyViolation(SQLException e) {
        if (e instanceof SQLiteException sqlite) {
            return sqlite.getResultCode() == SQLiteErrorCode.SQLITE_CONSTRAINT_FOREIGNKEY;
        }
        return "23503".equals(e.getSQLState());
    }

    /** The pool, for tests that read the schema itself. */
    DataSource dataSource() {
        return pool;
    }

    /** Closes every connection; SQLite folds its write-ahead log back into the database file as the last closes. */
    @Override
    public void close() {
        pool.close();
    }

    /** The message of the last {@link SQLException} among the causes (the driver's own words), else e's own. */
    private static String reason(Throwable e) {
        String reason = e.getMessage() == null ? e.toString() : e.getMessage();
        for (Throwable cause = e; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof SQLException && cause.getMessage() != null) {
                reason = cause.getMessage();
            }
        }
        return reason;
    }
}
