package dev.keyhole.server.accounts;

import dev.keyhole.server.auth.TokenHash;
import dev.keyhole.server.storage.Database;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The {@link SessionStore} in Keyhole's database: the {@code sessions} table. */
public final class JdbcSessionStore implements SessionStore {

    private static final String COLUMNS = "token_hash, user_id, csrf_token_hash, created_at, last_seen_at, "
            + "absolute_expires_at, address, user_agent, second_factor";

    private final Database database;
    private final Clock clock;

    /**
     * @param database where the sessions are
     * @param clock    what "now" is: when a session begins, is used, and expires
     */
    public JdbcSessionStore(Database database, Clock clock) {
        this.database = database;
        this.clock = clock;
    }

    @Override
    public Optional<Session> begin(NewSession session) {
        Instant now = now();
        Session begun = new Session(session.tokenHash(), session.userId(), session.csrfTokenHash(), now, now,
                now.plus(session.lifetime()), session.address(), session.userAgent(), session.secondFactor());
        return database.withConnection("begin a session", connection -> {
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO sessions (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                insert.setString(1, begun.tokenHash().value());
                insert.setString(2, begun.userId());
                insert.setString(3, begun.csrfTokenHash().value());
                insert.setLong(4, begun.createdAt().toEpochMilli());
                insert.setLong(5, begun.lastSeenAt().toEpochMilli());
                insert.setLong(6, begun.absoluteExpiry().toEpochMilli());
                insert.setString(7, begun.address());
                insert.setString(8, begun.userAgent());
                insert.setString(9, begun.secondFactor() == null ? null : begun.secondFactor().id());
                insert.executeUpdate();
                return Optional.of(begun);
            } catch (SQLException e) {
                if (Database.isForeignKeyViolation(e)) {
                    return Optional.empty();
                }
                throw e;
            }
        });
    }

    @Override
    public Optional<Session> find(TokenHash tokenHash) {
        List<Session> found = select("find a session", "WHERE token_hash = ?", tokenHash.value());
        return found.stream().findFirst();
    }

    @Override
    public boolean touch(TokenHash tokenHash, Duration idleTimeout) {
        long now = clock.millis();
        return database.withConnection("mark a session as used", connection -> {
            try (PreparedStatement update = connection.prepareStatement("UPDATE sessions SET last_seen_at = ? "
                    + "WHERE token_hash = ? AND absolute_expires_at > ? AND last_seen_at > ?")) {
                update.setLong(1, now);
                update.setString(2, tokenHash.value());
                update.setLong(3, now);
                update.setLong(4, now - idleTimeout.toMillis());
                return update.executeUpdate() == 1;
            }
        });
    }

    @Override
    public boolean proveSecondFactor(TokenHash tokenHash, TokenHash newTokenHash, TokenHash newCsrfTokenHash,
            SecondFactor factor, Duration idleTimeout) {
        long now = clock.millis();
        return database.withConnection("record a session's second factor", connection -> {
            try (PreparedStatement update = connection.prepareStatement("UPDATE sessions SET token_hash = ?, "
                    + "csrf_token_hash = ?, second_factor = ?, last_seen_at = ? "
                    + "WHERE token_hash = ? AND absolute_expires_at > ? AND last_seen_at > ?")) {
                update.setString(1, newTokenHash.value());
                update.setString(2, newCsrfTokenHash.value());
                update.setString(3, factor.id());
                update.setLong(4, now);
                update.setString(5, tokenHash.value());
                update.setLong(6, now);
                update.setLong(7, now - idleTimeout.toMillis());
                return update.executeUpdate() == 1;
            }
        });
    }

    @Override
    public boolean end(TokenHash tokenHash) {
        return delete("end a session", "token_hash = ?", tokenHash.value()) == 1;
    }

    @Override
    public int endAll(String userId) {
        return delete("end a user's sessions", "user_id = ?", userId);
    }

    @Override
    public List<Session> ofUser(String userId) {
        return select("list a user's sessions", "WHERE user_id = ? ORDER BY created_at, token_hash", userId);
    }

    @Override
    public List<Session> list() {
        return select("list the sessions", "ORDER BY created_at, token_hash");
    }

    private int delete(String what, String condition, String value) {
        return database.withConnection(what, connection -> {
            try (PreparedStatement delete = connection.prepareStatement("DELETE FROM sessions WHERE " + condition)) {
                delete.setString(1, value);
                return delete.executeUpdate();
            }
        });
    }

    private List<Session> select(String what, String rest, String... parameters) {
        return database.withConnection(what, connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT " + COLUMNS + " FROM sessions "
                    + rest)) {
                for (int i = 0; i < parameters.length; i++) {
                    select.setString(i + 1, parameters[i]);
                }
                try (ResultSet rows = select.executeQuery()) {
                    List<Session> sessions = new ArrayList<>();
                    while (rows.next()) {
                        sessions.add(new Session(new TokenHash(rows.getString("token_hash")),
                                rows.getString("user_id"), new TokenHash(rows.getString("csrf_token_hash")),
                                Instant.ofEpochMilli(rows.getLong("created_at")),
                                Instant.ofEpochMilli(rows.getLong("last_seen_at")),
                                Instant.ofEpochMilli(rows.getLong("absolute_expires_at")),
                                rows.getString("address"), rows.getString("user_agent"),
                                SecondFactor.of(rows.getString("second_factor"))));
                    }
                    return sessions;
                }
            }
        });
    }

    private Instant now() {
        return Instant.ofEpochMilli(clock.millis());
    }
}
