/**
 * Who may sign in and how a browser stays signed in, as Keyhole keeps them: {@link dev.keyhole.server.accounts.User}s
 * with their {@link dev.keyhole.server.accounts.Role}, and their {@link dev.keyhole.server.accounts.Session}s.
 *
 * <p>Each is kept through a role interface, {@link dev.keyhole.server.accounts.UserStore} and
 * {@link dev.keyhole.server.accounts.SessionStore}, implemented on Keyhole's database by
 * {@link dev.keyhole.server.accounts.JdbcUserStore} and {@link dev.keyhole.server.accounts.JdbcSessionStore}, the
 * same SQL on SQLite and PostgreSQL. What proves who someone is lives in {@code auth}: a session is stored by its
 * token's {@link dev.keyhole.server.auth.TokenHash}, never by the token; a user's password by the hash
 * {@code auth}'s hasher made, stored as given and never shown by {@code toString}. Times come from the
 * {@link java.time.Clock} and ids from the {@link java.security.SecureRandom} each store is given.
 *
 * <p>{@link dev.keyhole.server.accounts.Accounts} signs people in and keeps them signed in;
 * {@link dev.keyhole.server.accounts.Passkeys} runs the passkey (WebAuthn) ceremonies on Yubico's library, with the
 * users' passkeys in a {@link dev.keyhole.server.accounts.PasskeyStore} and the ceremonies under way in
 * {@link dev.keyhole.server.accounts.PasskeyCeremonies}, both on the database.
 */
package dev.keyhole.server.accounts;
