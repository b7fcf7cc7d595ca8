package dev.keyhole.server.accounts;

import dev.keyhole.server.storage.Database;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/** The {@link UserStore} in Keyhole's database: the {@code users} table. */
public final class JdbcUserStore implements UserStore {

    private static final String COLUMNS = "id, name, role, target_patterns, password_hash, disabled, created_at";
    /** Random bytes in a user id: as many as a UUID's, never guessed, never repeated. */
    private static final int ID_BYTES = 16;

    private final Database database;
    private final Clock clock;
    private final SecureRandom random;

    /**
     * @param database where the users are
     * @param clock    what "now" is, for the time a user is added
     * @param random   where new ids come from
     */
    public JdbcUserStore(Database database, Clock clock, SecureRandom random) {
        this.database = database;
        this.clock = clock;
        this.random = random;
    }

    @Override
    public User add(NewUser user) {
        User added = new User(newId(), user.name(), user.role(), user.targetPatterns(), user.passwordHash(), false,
                Instant.ofEpochMilli(clock.millis()));
        return database.withConnection("add the user " + user.name(), connection -> {
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO users (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                insert.setString(1, added.id());
                insert.setString(2, added.name());
                insert.setString(3, added.role().id());
                insert.setString(4, String.join(",", added.targetPatterns()));
                insert.setString(5, added.hasPassword() ? added.passwordHash() : null);
                insert.setBoolean(6, added.disabled());
                insert.setLong(7, added.createdAt().toEpochMilli());
                insert.executeUpdate();
                return added;
            } catch (SQLException e) {
                if (Database.isUniqueViolation(e)) {
                    throw new UserExistsException(user.name());
                }
                throw e;
            }
        });
    }

    @Override
    public Optional<User> byId(String id) {
        return database.withConnection("find a user", connection -> one(connection, "id", id));
    }

    @Override
    public Optional<User> byName(String name) {
        return database.withConnection("find the user " + name, connection -> one(connection, "name", name));
    }

    @Override
    public List<User> list() {
        return database.withConnection("list the users", connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT " + COLUMNS + " FROM users ORDER BY name");
                    ResultSet rows = select.executeQuery()) {
                List<User> users = new ArrayList<>();
                while (rows.next()) {
                    users.add(user(rows));
                }
                return users;
            }
        });
    }

    @Override
    public int count() {
        return database.withConnection("count the users", connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT COUNT(*) FROM users");
                    ResultSet rows = select.executeQuery()) {
                rows.next();
                return rows.getInt(1);
            }
        });
    }

    @Override
    public boolean setDisabled(String id, boolean disabled) {
        return update("disable or enable a user", "disabled", id, statement -> statement.setBoolean(1, disabled));
    }

    @Override
    public boolean setRole(String id, Role role) {
        return update("change a user's role", "role", id, statement -> statement.setString(1, role.id()));
    }

    @Override
    public boolean setTargetPatterns(String id, List<String> patterns) {
        List<String> checked = User.checkPatterns(patterns);
        return update("change a user's consoles", "target_patterns", id,
                statement -> statement.setString(1, String.join(",", checked)));
    }

    @Override
    public boolean setPasswordHash(String id, String passwordHash) {
        return update("change a user's password", "password_hash", id, statement -> statement.setString(1,
                passwordHash == null || passwordHash.isEmpty() ? null : passwordHash));
    }

    @Override
    public boolean remove(String id) {
        return database.withConnection("remove a user", connection -> {
            try (PreparedStatement delete = connection.prepareStatement("DELETE FROM users WHERE id = ?")) {
                delete.setString(1, id);
                return delete.executeUpdate() == 1;
            }
        });
    }

    /** Sets the first parameter of an update. */
    private interface Value {
        void set(PreparedStatement statement) throws SQLException;
    }

    private boolean update(String what, String column, String id, Value value) {
        return database.withConnection(what, connection -> {
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE users SET " + column + " = ? WHERE id = ?")) {
                value.set(update);
                update.setString(2, id);
                return update.executeUpdate() == 1;
            }
        });
    }

    private static Optional<User> one(Connection connection, String column, String value) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT " + COLUMNS + " FROM users WHERE " + column + " = ?")) {
            select.setString(1, value);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? Optional.of(user(rows)) : Optional.empty();
            }
        }
    }

    private static User user(ResultSet row) throws SQLException {
        String patterns = row.getString("target_patterns");
        return new User(row.getString("id"), row.getString("name"), Role.of(row.getString("role")),
                patterns.isEmpty() ? List.of() : Arrays.asList(patterns.split(",")), row.getString("password_hash"),
                row.getBoolean("disabled"), Instant.ofEpochMilli(row.getLong("created_at")));
    }

    private String newId() {
        byte[] bytes = new byte[ID_BYTES];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
