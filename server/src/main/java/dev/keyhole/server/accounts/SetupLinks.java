package dev.keyhole.server.accounts;

import dev.keyhole.server.auth.TokenHash;
import dev.keyhole.server.storage.Database;
import dev.keyhole.server.storage.Sql;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * One-time links kept by their token's hash ({@code setup_links}): a link that signs one user in once (the demo's,
 * or one an admin hands someone), or, naming no user, the link that creates the first admin. A link works until it
 * is spent or expires, whichever comes first.
 */
public final class SetupLinks {

    /**
     * A link that can still be spent.
     *
     * @param tokenHash its token's hash
     * @param userId    the user it signs in; null: it creates the first admin
     * @param expiresAt when it stops working
     */
    public record Link(TokenHash tokenHash, String userId, Instant expiresAt) {
        /** @return whether it creates the first admin (rather than signing someone in) */
        public boolean createsFirstAdmin() {
            return userId == null;
        }
    }

    private final Database database;
    private final Clock clock;

    /**
     * @param database where the links are
     * @param clock    what "now" is
     */
    public SetupLinks(Database database, Clock clock) {
        this.database = database;
        this.clock = clock;
    }

    /**
     * Keeps a new link.
     *
     * @param tokenHash its token's hash
     * @param userId    the user it signs in; null for the first admin's
     * @param lifetime  how long it works
     * @return it
     */
    public Link issue(TokenHash tokenHash, String userId, Duration lifetime) {
        long now = clock.millis();
        long expires = now + lifetime.toMillis();
        database.withConnection("keep a one-time link", connection -> Sql.update(connection,
                "INSERT INTO setup_links (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
                tokenHash.value(), userId, now, expires));
        return new Link(tokenHash, userId, Instant.ofEpochMilli(expires));
    }

    /** @return the link, when it can still be spent */
    public Optional<Link> find(TokenHash tokenHash) {
        long now = clock.millis();
        return database.withConnection("find a one-time link", connection -> Sql.first(connection,
                "SELECT token_hash, user_id, expires_at FROM setup_links WHERE token_hash = ? AND used_at IS NULL "
                        + "AND expires_at > ?",
                rows -> new Link(new TokenHash(rows.getString("token_hash")), rows.getString("user_id"),
                        Instant.ofEpochMilli(rows.getLong("expires_at"))), tokenHash.value(), now));
    }

    /**
     * Spends a link: once only, in one statement, so two browsers presenting it at once cannot both succeed.
     *
     * @return the link, when it could still be spent (it cannot now)
     */
    public Optional<Link> spend(TokenHash tokenHash) {
        Optional<Link> link = find(tokenHash);
        if (link.isEmpty()) {
            return link;
        }
        long now = clock.millis();
        boolean spent = database.withConnection("spend a one-time link", connection -> Sql.update(connection,
                "UPDATE setup_links SET used_at = ? WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?",
                now, tokenHash.value(), now) == 1);
        return spent ? link : Optional.empty();
    }

    /** Ends every unspent link that creates the first admin (a new one replaces them). */
    public void withdrawFirstAdminLinks() {
        long now = clock.millis();
        database.withConnection("withdraw the first admin's links", connection -> Sql.update(connection,
                "UPDATE setup_links SET expires_at = ? WHERE user_id IS NULL AND used_at IS NULL AND expires_at > ?",
                now, now));
    }
}
