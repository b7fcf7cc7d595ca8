package dev.keyhole.server.links;

import dev.keyhole.server.auth.TokenHash;
import dev.keyhole.server.storage.Database;
import dev.keyhole.server.storage.Sql;
import java.security.SecureRandom;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/** The {@link ShareLinkStore} in Keyhole's database: the {@code share_links} and {@code link_devices} tables. */
public final class JdbcShareLinkStore implements ShareLinkStore {

    private static final String COLUMNS = "id, token_hash, target, mode, expires_at, max_devices, stages, note, "
            + "created_by, created_at, revoked_at";
    private static final String DEVICE_COLUMNS = "token_hash, link_id, created_at, last_seen_at, address, user_agent, "
            + "user_id";
    private static final int ID_BYTES = 12;

    private final Database database;
    private final Clock clock;
    private final SecureRandom random;

    /**
     * @param database where the links are
     * @param clock    what "now" is
     * @param random   where ids come from
     */
    public JdbcShareLinkStore(Database database, Clock clock, SecureRandom random) {
        this.database = database;
        this.clock = clock;
        this.random = random;
    }

    @Override
    public Optional<ShareLink> create(TokenHash tokenHash, String target, ShareLink.Terms terms, String createdBy) {
        long now = clock.millis();
        byte[] bytes = new byte[ID_BYTES];
        random.nextBytes(bytes);
        ShareLink link = new ShareLink(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes), tokenHash, target,
                terms.mode(), Instant.ofEpochMilli(now + terms.lifetime().toMillis()), terms.maxDevices(),
                terms.stages(), terms.note(), createdBy, Instant.ofEpochMilli(now), null);
        return database.withConnection("keep a share link", connection -> {
            try {
                Sql.update(connection, "INSERT INTO share_links (" + COLUMNS + ") "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", link.id(), tokenHash.value(), target,
                        link.mode().id(), link.expiresAt().toEpochMilli(), link.maxDevices(), link.stages(),
                        link.note(), createdBy, now, null);
                return Optional.of(link);
            } catch (SQLException e) {
                if (Database.isForeignKeyViolation(e)) {
                    return Optional.empty();
                }
                throw e;
            }
        });
    }

    @Override
    public Optional<ShareLink> byTokenHash(TokenHash tokenHash) {
        return database.withConnection("find a share link", connection -> Sql.first(connection,
                "SELECT " + COLUMNS + " FROM share_links WHERE token_hash = ?", JdbcShareLinkStore::link,
                tokenHash.value()));
    }

    @Override
    public Optional<ShareLink> byId(String id) {
        return database.withConnection("find a share link", connection -> Sql.first(connection,
                "SELECT " + COLUMNS + " FROM share_links WHERE id = ?", JdbcShareLinkStore::link, id));
    }

    @Override
    public List<ShareLink> ofTarget(String target) {
        return database.withConnection("list a console's share links", connection -> Sql.query(connection,
                "SELECT " + COLUMNS + " FROM share_links WHERE target = ? ORDER BY created_at DESC, id",
                JdbcShareLinkStore::link, target));
    }

    @Override
    public List<ShareLink> list() {
        return database.withConnection("list the share links", connection -> Sql.query(connection,
                "SELECT " + COLUMNS + " FROM share_links ORDER BY created_at DESC, id", JdbcShareLinkStore::link));
    }

    @Override
    public boolean revoke(String id, String by) {
        long now = clock.millis();
        return database.withConnection("revoke a share link", connection -> Sql.update(connection,
                "UPDATE share_links SET revoked_at = ?, revoked_by = ? WHERE id = ? AND revoked_at IS NULL",
                now, by, id) == 1);
    }

    @Override
    public Optional<LinkDevice> addDevice(String linkId, TokenHash deviceTokenHash, String address,
            String userAgent, String userId) {
        long now = clock.millis();
        return database.inTransaction("count a device in", connection -> {
            // Takes the link's row lock first (PostgreSQL; SQLite's transaction holds the write lock already), so
            // that devices are counted in one at a time.
            if (Sql.update(connection, "UPDATE share_links SET max_devices = max_devices WHERE id = ? "
                    + "AND revoked_at IS NULL AND expires_at > ?", linkId, now) != 1) {
                return Optional.empty();
            }
            int devices = Sql.first(connection, "SELECT COUNT(*) AS devices FROM link_devices WHERE link_id = ?",
                    rows -> rows.getInt("devices"), linkId).orElse(0);
            int max = Sql.first(connection, "SELECT max_devices FROM share_links WHERE id = ?",
                    rows -> rows.getInt("max_devices"), linkId).orElse(0);
            if (devices >= max) {
                return Optional.empty();
            }
            Sql.update(connection, "INSERT INTO link_devices (" + DEVICE_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?)",
                    deviceTokenHash.value(), linkId, now, now, address == null ? "" : address,
                    userAgent == null ? "" : userAgent, userId);
            return Optional.of(new LinkDevice(deviceTokenHash, linkId, Instant.ofEpochMilli(now),
                    Instant.ofEpochMilli(now), address, userAgent, userId));
        });
    }

    @Override
    public Optional<LinkDevice> device(TokenHash deviceTokenHash) {
        return database.withConnection("find a link's device", connection -> Sql.first(connection,
                "SELECT " + DEVICE_COLUMNS + " FROM link_devices WHERE token_hash = ?", JdbcShareLinkStore::device,
                deviceTokenHash.value()));
    }

    @Override
    public List<LinkDevice> devices(String linkId) {
        return database.withConnection("list a link's devices", connection -> Sql.query(connection,
                "SELECT " + DEVICE_COLUMNS + " FROM link_devices WHERE link_id = ? ORDER BY created_at, token_hash",
                JdbcShareLinkStore::device, linkId));
    }

    @Override
    public void touchDevice(TokenHash deviceTokenHash) {
        long now = clock.millis();
        database.withConnection("mark a link's device as seen", connection -> Sql.update(connection,
                "UPDATE link_devices SET last_seen_at = ? WHERE token_hash = ?", now, deviceTokenHash.value()));
    }

    private static ShareLink link(ResultSet rows) throws SQLException {
        Long revoked = Sql.nullableLong(rows, "revoked_at");
        return new ShareLink(rows.getString("id"), new TokenHash(rows.getString("token_hash")),
                rows.getString("target"), ShareLink.Mode.of(rows.getString("mode")),
                Instant.ofEpochMilli(rows.getLong("expires_at")), rows.getInt("max_devices"), rows.getBoolean("stages"),
                rows.getString("note"),
                rows.getString("created_by"), Instant.ofEpochMilli(rows.getLong("created_at")),
                revoked == null ? null : Instant.ofEpochMilli(revoked));
    }

    private static LinkDevice device(ResultSet rows) throws SQLException {
        return new LinkDevice(new TokenHash(rows.getString("token_hash")), rows.getString("link_id"),
                Instant.ofEpochMilli(rows.getLong("created_at")), Instant.ofEpochMilli(rows.getLong("last_seen_at")),
                rows.getString("address"), rows.getString("user_agent"), rows.getString("user_id"));
    }
}
