package dev.keyhole.server.accounts;

import dev.keyhole.server.storage.Database;
import dev.keyhole.server.storage.Sql;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** The {@link PasskeyStore} in Keyhole's database: the {@code webauthn_credentials} table. */
public final class JdbcPasskeyStore implements PasskeyStore {

    private static final String COLUMNS = "credential_id, user_id, public_key_cose, signature_count, transports, "
            + "backup_eligible, backed_up, nickname, created_at, last_used_at";

    private final Database database;

    /** @param database where they are */
    public JdbcPasskeyStore(Database database) {
        this.database = database;
    }

    @Override
    public boolean add(Passkey passkey) {
        return database.withConnection("keep a passkey", connection -> {
            try {
                Sql.update(connection, "INSERT INTO webauthn_credentials (" + COLUMNS + ") "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", passkey.credentialId(), passkey.userId(),
                        passkey.publicKeyCose(), passkey.signatureCount(), String.join(",", passkey.transports()),
                        passkey.backupEligible(), passkey.backedUp(), passkey.nickname(),
                        passkey.createdAt().toEpochMilli(),
                        passkey.lastUsedAt() == null ? null : passkey.lastUsedAt().toEpochMilli());
                return true;
            } catch (SQLException e) {
                if (Database.isUniqueViolation(e) || Database.isForeignKeyViolation(e)) {
                    return false;
                }
                throw e;
            }
        });
    }

    @Override
    public Optional<Passkey> byCredentialId(String credentialId) {
        return database.withConnection("find a passkey", connection -> Sql.first(connection,
                "SELECT " + COLUMNS + " FROM webauthn_credentials WHERE credential_id = ?", JdbcPasskeyStore::passkey,
                credentialId));
    }

    @Override
    public List<Passkey> ofUser(String userId) {
        return database.withConnection("list a user's passkeys", connection -> Sql.query(connection,
                "SELECT " + COLUMNS + " FROM webauthn_credentials WHERE user_id = ? ORDER BY created_at, "
                        + "credential_id", JdbcPasskeyStore::passkey, userId));
    }

    @Override
    public boolean hasAny(String userId) {
        return database.withConnection("look for a user's passkeys", connection -> Sql.first(connection,
                "SELECT COUNT(*) AS n FROM webauthn_credentials WHERE user_id = ?", rows -> rows.getInt("n"),
                userId)).orElse(0) > 0;
    }

    @Override
    public boolean recordUse(String credentialId, long signatureCount, boolean backedUp, Instant at) {
        return database.withConnection("record a passkey's use", connection -> Sql.update(connection,
                "UPDATE webauthn_credentials SET signature_count = ?, backed_up = ?, last_used_at = ? "
                        + "WHERE credential_id = ? AND (signature_count < ? OR (signature_count = 0 AND ? = 0))",
                signatureCount, backedUp, at.toEpochMilli(), credentialId, signatureCount, signatureCount) == 1);
    }

    @Override
    public boolean remove(String userId, String credentialId) {
        return database.withConnection("remove a passkey", connection -> Sql.update(connection,
                "DELETE FROM webauthn_credentials WHERE user_id = ? AND credential_id = ?", userId,
                credentialId) == 1);
    }

    @Override
    public int removeAll(String userId) {
        return database.withConnection("remove a user's passkeys", connection -> Sql.update(connection,
                "DELETE FROM webauthn_credentials WHERE user_id = ?", userId));
    }

    private static Passkey passkey(ResultSet rows) throws SQLException {
        String transports = rows.getString("transports");
        Long lastUsed = Sql.nullableLong(rows, "last_used_at");
        return new Passkey(rows.getString("credential_id"), rows.getString("user_id"),
                rows.getString("public_key_cose"), rows.getLong("signature_count"),
                transports.isEmpty() ? List.of() : Arrays.asList(transports.split(",")),
                rows.getBoolean("backup_eligible"), rows.getBoolean("backed_up"), rows.getString("nickname"),
                Instant.ofEpochMilli(rows.getLong("created_at")),
                lastUsed == null ? null : Instant.ofEpochMilli(lastUsed));
    }
}
