package dev.keyhole.server.accounts;

import dev.keyhole.server.auth.Totp;
import dev.keyhole.server.storage.Database;
import dev.keyhole.server.storage.Sql;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The {@link SecondFactorStore} in Keyhole's database: the {@code totp_secrets} and {@code recovery_codes} tables. */
public final class JdbcSecondFactorStore implements SecondFactorStore {

    private final Database database;
    private final Clock clock;

    /**
     * @param database where they are
     * @param clock    what "now" is
     */
    public JdbcSecondFactorStore(Database database, Clock clock) {
        this.database = database;
        this.clock = clock;
    }

    @Override
    public boolean beginTotp(String userId, String sealedSecret) {
        long now = clock.millis();
        return database.inTransaction("begin a TOTP enrolment", connection -> {
            Optional<Boolean> confirmed = Sql.first(connection,
                    "SELECT confirmed_at IS NOT NULL AS confirmed FROM totp_secrets WHERE user_id = ?",
                    rows -> rows.getBoolean("confirmed"), userId);
            if (confirmed.orElse(false)) {
                return false;
            }
            Sql.update(connection, "DELETE FROM totp_secrets WHERE user_id = ?", userId);
            try {
                Sql.update(connection, "INSERT INTO totp_secrets (user_id, secret_encrypted, created_at) "
                        + "VALUES (?, ?, ?)", userId, sealedSecret, now);
            } catch (SQLException e) {
                if (Database.isForeignKeyViolation(e)) {
                    return false;
                }
                throw e;
            }
            return true;
        });
    }

    @Override
    public Optional<TotpRecord> totp(String userId) {
        return database.withConnection("read a TOTP secret", connection -> Sql.first(connection,
                "SELECT secret_encrypted, confirmed_at, last_used_step, failures, locked_at FROM totp_secrets "
                        + "WHERE user_id = ?", JdbcSecondFactorStore::record, userId));
    }

    @Override
    public boolean acceptTotpStep(String userId, long step) {
        long now = clock.millis();
        return database.withConnection("accept a TOTP code", connection -> Sql.update(connection,
                "UPDATE totp_secrets SET last_used_step = ?, failures = 0, "
                        + "confirmed_at = COALESCE(confirmed_at, ?) "
                        + "WHERE user_id = ? AND locked_at IS NULL AND (last_used_step IS NULL OR last_used_step < ?)",
                step, now, userId, step) == 1);
    }

    @Override
    public Optional<TotpRecord> recordFailure(String userId, int lockAfter) {
        long now = clock.millis();
        return database.inTransaction("count a wrong code", connection -> {
            Sql.update(connection, "UPDATE totp_secrets SET failures = failures + 1 WHERE user_id = ?", userId);
            Sql.update(connection, "UPDATE totp_secrets SET locked_at = ? "
                    + "WHERE user_id = ? AND failures >= ? AND locked_at IS NULL", now, userId, lockAfter);
            return Sql.first(connection, "SELECT secret_encrypted, confirmed_at, last_used_step, failures, locked_at "
                    + "FROM totp_secrets WHERE user_id = ?", JdbcSecondFactorStore::record, userId);
        });
    }

    @Override
    public void replaceRecoveryCodes(String userId, List<String> hashes) {
        long now = clock.millis();
        database.inTransaction("keep new recovery codes", connection -> {
            Sql.update(connection, "DELETE FROM recovery_codes WHERE user_id = ?", userId);
            for (String hash : hashes) {
                Sql.update(connection, "INSERT INTO recovery_codes (user_id, code_hash, created_at) VALUES (?, ?, ?)",
                        userId, hash, now);
            }
            return null;
        });
    }

    @Override
    public List<String> unusedRecoveryCodes(String userId) {
        return database.withConnection("read recovery codes", connection -> Sql.query(connection,
                "SELECT code_hash FROM recovery_codes WHERE user_id = ? AND used_at IS NULL ORDER BY code_hash",
                rows -> rows.getString("code_hash"), userId));
    }

    @Override
    public boolean spendRecoveryCode(String userId, String hash) {
        long now = clock.millis();
        return database.inTransaction("spend a recovery code", connection -> {
            boolean spent = Sql.update(connection, "UPDATE recovery_codes SET used_at = ? "
                    + "WHERE user_id = ? AND code_hash = ? AND used_at IS NULL", now, userId, hash) == 1;
            if (spent) {
                Sql.update(connection, "UPDATE totp_secrets SET failures = 0 WHERE user_id = ?", userId);
            }
            return spent;
        });
    }

    @Override
    public boolean reset(String userId) {
        return database.inTransaction("reset a second factor", connection ->
                Sql.update(connection, "DELETE FROM totp_secrets WHERE user_id = ?", userId)
                        + Sql.update(connection, "DELETE FROM recovery_codes WHERE user_id = ?", userId) > 0);
    }

    private static TotpRecord record(ResultSet rows) throws SQLException {
        Long lastUsed = Sql.nullableLong(rows, "last_used_step");
        Long locked = Sql.nullableLong(rows, "locked_at");
        return new TotpRecord(rows.getString("secret_encrypted"), Sql.nullableLong(rows, "confirmed_at") != null,
                lastUsed == null ? Totp.NONE_USED : lastUsed, rows.getInt("failures"),
                locked == null ? null : Instant.ofEpochMilli(locked));
    }
}
