/**
 * Where Keyhole keeps what must outlive a restart, and what several Keyhole nodes share: the data directory
 * ({@link dev.keyhole.server.storage.DataDirectory}) and the database
 * ({@link dev.keyhole.server.storage.Database}), SQLite in that directory or PostgreSQL.
 *
 * <p>The database's schema is the Flyway migrations under {@code db/migration} on the class path, one SQL for
 * both databases. The stores of the other capabilities (their {@code Jdbc…Store} classes) reach the database only
 * through {@link dev.keyhole.server.storage.Database#withConnection} and
 * {@link dev.keyhole.server.storage.Database#inTransaction}; nothing here knows what they store, nor Jetty or the
 * servlet API.
 */
package dev.keyhole.server.storage;
