package dev.keyhole.server.auth;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;

/**
 * Makes and reads the bearer tokens of sessions, setup links and share links: 256 bits from the injected
 * {@link SecureRandom}, written in base64url without padding (43 characters, safe in a cookie, a URL fragment and a
 * JSON string). A token is given to its holder once; Keyhole keeps only its {@link TokenHash}, and logs only its
 * {@linkplain TokenHash#fingerprint() fingerprint}. Thread-safe.
 */
public final class Tokens {

    /** How many random bytes a token carries: 32, i.e. 256 bits. */
    public static final int BYTES = 32;

    /** How many characters a token has: 43, base64url without padding of {@value #BYTES} bytes. */
    public static final int LENGTH = 43;

    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    private final SecureRandom random;

    /**
     * A generator drawing from one random source.
     *
     * @param random where every token's bits come from; never null
     */
    public Tokens(SecureRandom random) {
        this.random = Objects.requireNonNull(random, "random");
    }

    /** @return a new token, never returned before (with overwhelming probability: 2<sup>256</sup> values) */
    public Token next() {
        byte[] bytes = new byte[BYTES];
        random.nextBytes(bytes);
        return new Token(ENCODER.encodeToString(bytes));
    }

    /**
     * Reads a token a client presented (a cookie, a link), so that a malformed one is refused before any look-up.
     *
     * @param presented what the client sent; may be null
     * @return the token, when {@code presented} is exactly the canonical base64url form of {@value #BYTES} bytes;
     *     empty otherwise (null, wrong length, other characters, padding, non-zero spare bits)
     */
    public static Optional<Token> parse(CharSequence presented) {
        if (presented == null || presented.length() != LENGTH) {
            return Optional.empty();
        }
        String text = presented.toString();
        byte[] bytes;
        try {
            bytes = DECODER.decode(text);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        // Two spellings of one token would be two sessions to one hash check; only the canonical one is a token.
        if (bytes.length != BYTES || !ENCODER.encodeToString(bytes).equals(text)) {
            return Optional.empty();
        }
        return Optional.of(new Token(text));
    }

    /** @return the generator's class, never a token */
    @Override
    public String toString() {
        return "Tokens[" + BYTES * 8 + " bits, base64url]";
    }
}
