package dev.keyhole.server.subscriptions;

import dev.keyhole.server.storage.Database;
import dev.keyhole.server.storage.Sql;
import java.security.SecureRandom;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/** The {@link SubscriptionStore} in Keyhole's database: the {@code subscriptions} table. */
public final class JdbcSubscriptionStore implements SubscriptionStore {

    private static final String COLUMNS = "id, user_id, channel, address, targets, kinds, created_at";
    private static final int ID_BYTES = 12;

    private final Database database;
    private final Clock clock;
    private final SecureRandom random;

    /**
     * @param database where the subscriptions are
     * @param clock    what "now" is, for the time one is added
     * @param random   where ids come from
     */
    public JdbcSubscriptionStore(Database database, Clock clock, SecureRandom random) {
        this.database = database;
        this.clock = clock;
        this.random = random;
    }

    @Override
    public Optional<Subscription> add(String userId, SubscriptionRequest request) {
        byte[] bytes = new byte[ID_BYTES];
        random.nextBytes(bytes);
        Subscription added = new Subscription(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes), userId,
                request.channel(), request.address(), request.targets(), request.kinds(),
                Instant.ofEpochMilli(clock.millis()));
        return database.withConnection("keep a subscription", connection -> {
            try {
                Sql.update(connection, "INSERT INTO subscriptions (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?)",
                        added.id(), userId, added.channel(), added.address(), String.join(",", added.targets()),
                        String.join(",", added.kinds()), added.createdAt().toEpochMilli());
                return Optional.of(added);
            } catch (SQLException e) {
                if (Database.isForeignKeyViolation(e)) {
                    return Optional.empty();
                }
                throw e;
            }
        });
    }

    @Override
    public Optional<Subscription> byId(String id) {
        return database.withConnection("find a subscription", connection -> Sql.first(connection,
                "SELECT " + COLUMNS + " FROM subscriptions WHERE id = ?", JdbcSubscriptionStore::subscription, id));
    }

    @Override
    public List<Subscription> ofUser(String userId) {
        return database.withConnection("list a user's subscriptions", connection -> Sql.query(connection,
                "SELECT " + COLUMNS + " FROM subscriptions WHERE user_id = ? ORDER BY created_at, id",
                JdbcSubscriptionStore::subscription, userId));
    }

    @Override
    public List<Subscription> list() {
        return database.withConnection("list the subscriptions", connection -> Sql.query(connection,
                "SELECT " + COLUMNS + " FROM subscriptions ORDER BY created_at, id",
                JdbcSubscriptionStore::subscription));
    }

    @Override
    public boolean remove(String id, String userId) {
        return database.withConnection("remove a subscription", connection -> Sql.update(connection,
                "DELETE FROM subscriptions WHERE id = ? AND user_id = ?", id, userId) == 1);
    }

    private static Subscription subscription(ResultSet rows) throws SQLException {
        return new Subscription(rows.getString("id"), rows.getString("user_id"), rows.getString("channel"),
                rows.getString("address"), list(rows.getString("targets")), list(rows.getString("kinds")),
                Instant.ofEpochMilli(rows.getLong("created_at")));
    }

    private static List<String> list(String text) {
        return text.isEmpty() ? List.of() : Arrays.asList(text.split(","));
    }
}
