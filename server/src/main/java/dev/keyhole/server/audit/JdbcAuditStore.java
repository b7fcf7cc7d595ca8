package dev.keyhole.server.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keyhole.server.storage.Database;
import dev.keyhole.server.storage.Sql;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The audit trail in Keyhole's database: the {@code audit_events} table, chained by {@code seq}, with its end in
 * {@code audit_head}. Appending locks that one row first (PostgreSQL's row lock; SQLite's transaction holds the
 * database's write lock), so writers of several processes append one after another and the chain stays one.
 */
public final class JdbcAuditStore {

    private static final String COLUMNS = "seq, id, occurred_at, kind, actor, address, target, result, detail, "
            + "prev_hash, hash";
    private static final int ID_BYTES = 12;
    /** How many events a walk through the trail reads at a time. */
    private static final int CHUNK = 5000;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Database database;
    private final Clock clock;
    private final SecureRandom random;

    /**
     * @param database where the trail is
     * @param clock    what "now" is
     * @param random   where ids come from
     */
    public JdbcAuditStore(Database database, Clock clock, SecureRandom random) {
        this.database = database;
        this.clock = clock;
        this.random = random;
    }

    /**
     * The chain's end as written down.
     *
     * @param seq  the last event's place; 0 before the first
     * @param hash the last event's hash; {@link AuditChain#GENESIS} before the first
     */
    public record Head(long seq, String hash) {
    }

    /** @return the chain's end */
    public Head head() {
        return database.withConnection("read the audit trail's end", connection -> head(connection));
    }

    /**
     * An event and when it happened (not when it is written: the writer may be a moment behind).
     *
     * @param event what happened
     * @param at    when
     */
    public record Occurred(AuditEvent event, Instant at) {
    }

    /**
     * Appends events to the chain, in order, in one transaction.
     *
     * @return them as kept
     */
    public List<AuditRecord> append(List<Occurred> events) {
        if (events.isEmpty()) {
            return List.of();
        }
        return database.inTransaction("record what happened in the audit trail", connection -> {
            lockHead(connection);
            Head head = head(connection);
            List<AuditRecord> kept = new ArrayList<>();
            long seq = head.seq();
            String previous = head.hash();
            for (Occurred event : events) {
                AuditRecord record = chained(++seq, event.event(), event.at(), previous);
                insert(connection, record);
                kept.add(record);
                previous = record.hash();
            }
            Sql.update(connection, "UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1", seq, previous);
            return kept;
        });
    }

    /**
     * Deletes the events older than {@code cutoff}, and records that it did (through which event, and that event's
     * hash, where the chain now starts), in one transaction. Nothing is deleted when no event is that old.
     *
     * @param by the retention event to record, with its detail so far
     * @return the retention event as kept; empty when nothing was old enough
     */
    public Optional<AuditRecord> retain(Instant cutoff, AuditEvent by) {
        return database.inTransaction("delete old events from the audit trail", connection -> {
            lockHead(connection);
            Optional<AuditRecord> last = Sql.first(connection, "SELECT " + COLUMNS + " FROM audit_events "
                    + "WHERE occurred_at < ? ORDER BY seq DESC LIMIT 1", JdbcAuditStore::record, cutoff.toEpochMilli());
            if (last.isEmpty()) {
                return Optional.empty();
            }
            int deleted = Sql.update(connection, "DELETE FROM audit_events WHERE seq <= ?", last.get().seq());
            Head head = head(connection);
            AuditRecord record = chained(head.seq() + 1, by.with("deletedThrough", last.get().seq())
                    .with("lastHash", last.get().hash()).with("deleted", deleted)
                    .with("before", cutoff.toString()), clock.instant(), head.hash());
            insert(connection, record);
            Sql.update(connection, "UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1", record.seq(), record.hash());
            return Optional.of(record);
        });
    }

    /**
     * Walks the trail in {@code seq} order, from the oldest event at or after {@code since}, a chunk at a time.
     *
     * @param since the oldest time wanted; null: from the first event
     */
    public void forEach(Instant since, Consumer<AuditRecord> each) {
        long after = 0;
        long from = since == null ? Long.MIN_VALUE : since.toEpochMilli();
        while (true) {
            long fromSeq = after;
            List<AuditRecord> chunk = database.withConnection("read the audit trail", connection -> Sql.query(
                    connection, "SELECT " + COLUMNS + " FROM audit_events WHERE seq > ? AND occurred_at >= ? "
                            + "ORDER BY seq LIMIT " + CHUNK, JdbcAuditStore::record, fromSeq, from));
            chunk.forEach(each);
            if (chunk.size() < CHUNK) {
                return;
            }
            after = chunk.get(chunk.size() - 1).seq();
        }
    }

    /** @return the retention events, oldest first */
    public List<AuditRecord> retentions() {
        return database.withConnection("read the audit trail", connection -> Sql.query(connection, "SELECT "
                + COLUMNS + " FROM audit_events WHERE kind = ? ORDER BY seq", JdbcAuditStore::record,
                AuditKind.RETENTION.id()));
    }

    /**
     * What the audit view asks for: events that match every filter given.
     *
     * @param actor  who (exactly); null: anyone
     * @param target which console (exactly); null: any
     * @param kind   what; null: anything
     * @param from   at or after; null: since the first
     * @param to     before; null: until now
     */
    public record Filter(String actor, String target, AuditKind kind, Instant from, Instant to) {
        /** No filter: everything. */
        public static final Filter ALL = new Filter(null, null, null, null, null);
    }

    /**
     * @param filter   which events
     * @param beforeSeq only events before this place in the chain (the page after one that ended there); null:
     *                  the newest
     * @param limit    how many at most
     * @return matching events, newest first
     */
    public List<AuditRecord> page(Filter filter, Long beforeSeq, int limit) {
        StringBuilder where = new StringBuilder(" WHERE 1 = 1");
        List<Object> parameters = new ArrayList<>();
        condition(where, parameters, "actor = ?", filter.actor());
        condition(where, parameters, "target = ?", filter.target());
        condition(where, parameters, "kind = ?", filter.kind() == null ? null : filter.kind().id());
        condition(where, parameters, "occurred_at >= ?", filter.from() == null ? null : filter.from().toEpochMilli());
        condition(where, parameters, "occurred_at < ?", filter.to() == null ? null : filter.to().toEpochMilli());
        condition(where, parameters, "seq < ?", beforeSeq);
        return database.withConnection("read the audit trail", connection -> Sql.query(connection, "SELECT "
                + COLUMNS + " FROM audit_events" + where + " ORDER BY seq DESC LIMIT " + Math.max(1, limit),
                JdbcAuditStore::record, parameters.toArray()));
    }

    private static void condition(StringBuilder where, List<Object> parameters, String sql, Object value) {
        if (value != null) {
            where.append(" AND ").append(sql);
            parameters.add(value);
        }
    }

    private AuditRecord chained(long seq, AuditEvent event, Instant at, String previous) {
        byte[] bytes = new byte[ID_BYTES];
        random.nextBytes(bytes);
        AuditRecord unhashed = new AuditRecord(seq, Base64.getUrlEncoder().withoutPadding().encodeToString(bytes),
                Instant.ofEpochMilli(at.toEpochMilli()), event.kind().id(), event.actor(), event.address(),
                event.target(), event.result(), json(event.detail()), previous, "");
        return new AuditRecord(unhashed.seq(), unhashed.id(), unhashed.occurredAt(), unhashed.kind(),
                unhashed.actor(), unhashed.address(), unhashed.target(), unhashed.result(), unhashed.detail(),
                unhashed.prevHash(), AuditChain.hash(unhashed));
    }

    private static void insert(Connection connection, AuditRecord record) throws SQLException {
        Sql.update(connection, "INSERT INTO audit_events (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                record.seq(), record.id(), record.occurredAt().toEpochMilli(), record.kind(), record.actor(),
                record.address(), record.target(), record.result(), record.detail(), record.prevHash(),
                record.hash());
    }

    /** Takes the chain's end for this transaction: other writers wait until it commits. */
    private static void lockHead(Connection connection) throws SQLException {
        Sql.update(connection, "UPDATE audit_head SET seq = seq WHERE id = 1");
    }

    private static Head head(Connection connection) throws SQLException {
        return Sql.first(connection, "SELECT seq, hash FROM audit_head WHERE id = 1",
                rows -> new Head(rows.getLong("seq"), rows.getString("hash")))
                .orElseThrow(() -> new SQLException("audit_head has no row: the migrations did not run"));
    }

    private static String json(Map<String, Object> detail) {
        try {
            return JSON.writeValueAsString(new LinkedHashMap<>(detail));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("names, numbers and flags are always JSON", e);
        }
    }

    private static AuditRecord record(ResultSet rows) throws SQLException {
        return new AuditRecord(rows.getLong("seq"), rows.getString("id"),
                Instant.ofEpochMilli(rows.getLong("occurred_at")), rows.getString("kind"), rows.getString("actor"),
                rows.getString("address"), rows.getString("target"), rows.getString("result"),
                rows.getString("detail"), rows.getString("prev_hash"), rows.getString("hash"));
    }
}
