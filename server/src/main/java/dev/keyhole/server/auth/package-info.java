/**
 * Credentials: how Keyhole makes, stores and checks the secrets that let a person in, without HTTP, a database or
 * a server of its own. Storage, sign-in and enrolment use these classes; none of them changes state between calls.
 *
 * <ul>
 *   <li>{@link dev.keyhole.server.auth.PasswordHasher}: passwords as Argon2id PHC strings, checked in constant
 *       time, with the same work for an unknown name as for a wrong password;</li>
 *   <li>{@link dev.keyhole.server.auth.Totp}: RFC 6238 one-time codes, each accepted once, their secrets and the
 *       enrolment's {@code otpauth://} URI and QR code;</li>
 *   <li>{@link dev.keyhole.server.auth.RecoveryCodes}: ten single-use codes for a lost phone, stored as hashes;</li>
 *   <li>{@link dev.keyhole.server.auth.SecretBox}: AES-256-GCM for the secrets that must be read back (TOTP secrets),
 *       under a key kept in a file of the data directory and never in the database;</li>
 *   <li>{@link dev.keyhole.server.auth.Tokens}: 256-bit bearer tokens (sessions, setup and share links), stored as
 *       SHA-256 hashes and named in logs by a short fingerprint.</li>
 * </ul>
 *
 * <p>Every value here that holds a secret hides it in {@code toString}, so a secret that reaches a log line by
 * mistake shows as {@code [hidden]}. Randomness always comes from the {@link java.security.SecureRandom} and time
 * from the {@link java.time.Clock} the composition root passes in.
 */
package dev.keyhole.server.auth;
