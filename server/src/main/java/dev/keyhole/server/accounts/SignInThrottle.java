package dev.keyhole.server.accounts;

import dev.keyhole.server.storage.Database;
import dev.keyhole.server.storage.Sql;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/**
 * Failed sign-ins, counted per account name and per address in the database (so every node counts the same,
 * and a restart forgets nothing). After {@value #FREE_FAILURES} failures in a row a name or an address is blocked
 * for {@link #FIRST_BLOCK}, and each further failure doubles the block, up to {@link #LONGEST_BLOCK}: while blocked,
 * a sign-in is refused before its password is checked. Names are counted whether or not such a user exists, so
 * a blocked name says nothing about whether it is someone's.
 */
public final class SignInThrottle {

    /** Failures in a row that cost nothing. */
    public static final int FREE_FAILURES = 5;
    /** The block after the {@value #FREE_FAILURES}th failure (Apache Guacamole bans for as long). */
    public static final Duration FIRST_BLOCK = Duration.ofMinutes(5);
    /** The longest block. */
    public static final Duration LONGEST_BLOCK = Duration.ofHours(24);

    /** What a failure is counted against. */
    public enum Scope {
        /** The account name as typed (lower-cased, trimmed). */
        ACCOUNT,
        /** The network address the attempt came from. */
        ADDRESS;

        String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Database database;
    private final Clock clock;

    /**
     * @param database where the failures are counted
     * @param clock    what "now" is
     */
    public SignInThrottle(Database database, Clock clock) {
        this.database = database;
        this.clock = clock;
    }

    /** @return until when the name or the address is blocked, whichever is later; empty: neither is now */
    public Optional<Instant> blockedUntil(String name, String address) {
        long now = clock.millis();
        return database.withConnection("read the sign-in blocks", connection -> Sql.first(connection,
                "SELECT MAX(blocked_until) AS until FROM sign_in_failures WHERE blocked_until > ? AND "
                        + "((scope = 'account' AND subject = ?) OR (scope = 'address' AND subject = ?))",
                rows -> Sql.nullableLong(rows, "until"), now, subject(name), address).map(Instant::ofEpochMilli));
    }

    /**
     * Counts a failed sign-in against the name and the address.
     *
     * @return until when either is blocked now, if it is
     */
    public Optional<Instant> recordFailure(String name, String address) {
        long now = clock.millis();
        database.inTransaction("count a failed sign-in", connection -> {
            count(connection, Scope.ACCOUNT, subject(name), now);
            count(connection, Scope.ADDRESS, address, now);
            return null;
        });
        return blockedUntil(name, address);
    }

    /** Forgets the failures of a name and an address that signed in. */
    public void clear(String name, String address) {
        database.withConnection("forget failed sign-ins", connection -> Sql.update(connection,
                "DELETE FROM sign_in_failures WHERE (scope = 'account' AND subject = ?) OR "
                        + "(scope = 'address' AND subject = ?)", subject(name), address));
    }

    /** @return how long a block lasts after {@code failures} failures in a row; zero: none */
    static Duration block(int failures) {
        if (failures < FREE_FAILURES) {
            return Duration.ZERO;
        }
        int doublings = Math.min(failures - FREE_FAILURES, 20);
        Duration block = FIRST_BLOCK.multipliedBy(1L << doublings);
        return block.compareTo(LONGEST_BLOCK) > 0 ? LONGEST_BLOCK : block;
    }

    private static void count(java.sql.Connection connection, Scope scope, String subject, long now)
            throws java.sql.SQLException {
        int failures = Sql.first(connection, "SELECT failures FROM sign_in_failures WHERE scope = ? AND subject = ?",
                rows -> rows.getInt("failures"), scope.id(), subject).orElse(0) + 1;
        Duration block = block(failures);
        Long until = block.isZero() ? null : now + block.toMillis();
        if (failures == 1) {
            Sql.update(connection, "INSERT INTO sign_in_failures (scope, subject, failures, last_failure_at, "
                    + "blocked_until) VALUES (?, ?, ?, ?, ?)", scope.id(), subject, failures, now, until);
        } else {
            Sql.update(connection, "UPDATE sign_in_failures SET failures = ?, last_failure_at = ?, blocked_until = ? "
                    + "WHERE scope = ? AND subject = ?", failures, now, until, scope.id(), subject);
        }
    }

    /** A name as it is counted: trimmed and lower-cased, at most 128 characters (user names are shorter). */
    private static String subject(String name) {
        String subject = name == null ? "" : name.strip().toLowerCase(Locale.ROOT);
        return subject.length() > 128 ? subject.substring(0, 128) : subject;
    }
}
