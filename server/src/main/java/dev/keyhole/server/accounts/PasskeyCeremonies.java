package dev.keyhole.server.accounts;

import dev.keyhole.server.auth.TokenHash;
import dev.keyhole.server.storage.Database;
import dev.keyhole.server.storage.Sql;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * The passkey ceremonies under way ({@code passkey_ceremonies}): the options, with their challenge, that Keyhole
 * sent a browser, until the browser answers with what its authenticator signed. Each is kept by the hash of a
 * random id that only its browser holds, for {@link Passkeys#CEREMONY_LIFETIME} at most, and spent by the first
 * answer, right or wrong: a challenge signs once.
 *
 * <p>They are rows, not one node's memory, so a ceremony begun on one node can end on another, and a restart
 * between the two steps loses nothing; and not a sealed cookie, which could be presented again until it expired.
 * Each new ceremony clears the expired ones, so the table holds only the last few minutes' worth; and since anyone
 * may begin a sign-in, there are at most {@link #MAX_PER_ADDRESS} from one address and {@link #MAX_IN_ALL} in all.
 */
public final class PasskeyCeremonies {

    /** Ceremonies under way from one address at most: far more than people press a button in five minutes. */
    public static final int MAX_PER_ADDRESS = 50;
    /** Ceremonies under way in all at most. */
    public static final int MAX_IN_ALL = 10_000;

    /** What a ceremony does. */
    public enum Kind {
        /** Registers a passkey for a session's user. */
        REGISTER,
        /** Signs in with a passkey alone (a discoverable credential: no user named beforehand). */
        SIGN_IN,
        /** Proves a session's second factor with one of its user's passkeys. */
        SECOND_FACTOR;

        /** @return as the database writes it: {@code register}, {@code sign-in}, {@code second-factor} */
        public String id() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /**
     * A ceremony taken back from the table to be finished.
     *
     * @param kind        what it does
     * @param sessionHash the session that began it; null for a sign-in
     * @param request     the options sent, in the WebAuthn library's JSON
     */
    public record Pending(Kind kind, TokenHash sessionHash, String request) {
    }

    private final Database database;
    private final Clock clock;

    /**
     * @param database where they are
     * @param clock    what "now" is
     */
    public PasskeyCeremonies(Database database, Clock clock) {
        this.database = database;
        this.clock = clock;
    }

    /**
     * Keeps a new ceremony, and forgets the expired ones.
     *
     * @param idHash      the hash of its id
     * @param kind        what it does
     * @param sessionHash the session that began it, which alone may finish it; null for a sign-in
     * @param address     where its browser asked from
     * @param request     the options sent, in the library's JSON
     * @param lifetime    how long the browser has to answer
     * @return false when too many are under way, from that address or in all: it was not kept
     */
    public boolean begin(TokenHash idHash, Kind kind, TokenHash sessionHash, String address, String request,
            Duration lifetime) {
        long now = clock.millis();
        String from = address == null ? "" : address;
        return database.inTransaction("keep a passkey ceremony", connection -> {
            Sql.update(connection, "DELETE FROM passkey_ceremonies WHERE expires_at <= ?", now);
            int fromThere = Sql.first(connection, "SELECT COUNT(*) AS n FROM passkey_ceremonies WHERE address = ?",
                    rows -> rows.getInt("n"), from).orElse(0);
            int inAll = Sql.first(connection, "SELECT COUNT(*) AS n FROM passkey_ceremonies",
                    rows -> rows.getInt("n")).orElse(0);
            if (fromThere >= MAX_PER_ADDRESS || inAll >= MAX_IN_ALL) {
                return false;
            }
            Sql.update(connection, "INSERT INTO passkey_ceremonies (id_hash, kind, session_hash, address, request, "
                    + "created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)", idHash.value(), kind.id(),
                    sessionHash == null ? null : sessionHash.value(), from, request, now, now + lifetime.toMillis());
            return true;
        });
    }

    /**
     * Takes a ceremony back to finish it: once only, whoever asks first (two answers presenting one id cannot
     * both have it).
     *
     * @param idHash the hash of the id the browser sent back
     * @param kind   what the browser says it finishes: a ceremony of another kind is not found, and is spent
     * @return the ceremony, unless it is unknown, spent, expired or of another kind
     */
    public Optional<Pending> spend(TokenHash idHash, Kind kind) {
        long now = clock.millis();
        return database.inTransaction("spend a passkey ceremony", connection -> {
            Optional<Pending> found = Sql.first(connection, "SELECT kind, session_hash, request, expires_at "
                    + "FROM passkey_ceremonies WHERE id_hash = ?", rows -> rows.getLong("expires_at") > now
                            && rows.getString("kind").equals(kind.id())
                            ? new Pending(kind, rows.getString("session_hash") == null ? null
                                    : new TokenHash(rows.getString("session_hash")), rows.getString("request"))
                            : null, idHash.value());
            boolean spent = Sql.update(connection, "DELETE FROM passkey_ceremonies WHERE id_hash = ?",
                    idHash.value()) == 1;
            return spent ? found : Optional.<Pending>empty();
        });
    }
}
