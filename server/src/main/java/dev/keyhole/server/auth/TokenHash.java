package dev.keyhole.server.auth;

import java.util.Objects;

/**
 * What Keyhole stores of a {@link Token}: its SHA-256, in base64url without padding. A token has 256 random bits, so
 * a fast hash is enough: nobody can search 2<sup>256</sup> values for one whose hash a stolen database shows, and a
 * look-up by hash leaks nothing about the token through timing. It is not a secret, but it names a live credential,
 * so logs use its {@link #fingerprint()}.
 *
 * @param value 43 base64url characters; never null
 */
public record TokenHash(String value) {

    /** How many characters of the hash a {@link #fingerprint()} shows. */
    public static final int FINGERPRINT_LENGTH = 8;

    /** Refuses a null value. */
    public TokenHash {
        Objects.requireNonNull(value, "value");
    }

    /**
     * Hashes a token as a client presented it. Any text can be hashed (its hash just matches no row), but
     * {@link Tokens#parse} refuses malformed ones first.
     *
     * @param token the token's characters; never null
     * @return its hash
     */
    public static TokenHash of(CharSequence token) {
        return new TokenHash(Digests.sha256Base64Url(token));
    }

    /**
     * The short name of a token in logs and audit records: the first {@value #FINGERPRINT_LENGTH} characters of its
     * hash (48 bits), enough to tell one session or link from another, far too few to find the token by. Taken from
     * the hash, so a stored row and the token it came from show the same fingerprint.
     *
     * @return the fingerprint
     */
    public String fingerprint() {
        return value.substring(0, Math.min(FINGERPRINT_LENGTH, value.length()));
    }

    /**
     * Compares with another hash in constant time, for callers that compare in memory instead of looking up by hash.
     *
     * @param other the other hash; null matches nothing
     * @return whether both are the same hash
     */
    public boolean matches(TokenHash other) {
        return other != null && Digests.constantTimeEquals(value, other.value);
    }

    /** @return {@code TokenHash[fingerprint]} */
    @Override
    public String toString() {
        return "TokenHash[" + fingerprint() + "]";
    }
}
