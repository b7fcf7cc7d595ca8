package dev.keyhole.server.auth;

import java.util.Objects;

/**
 * A bearer token as its holder has it: whoever presents it is let in, so it is handed out once and never stored,
 * logged or put anywhere but where its holder asked for it. Keyhole stores its {@link #hash()} instead.
 *
 * <p>{@link #toString()} shows the {@linkplain TokenHash#fingerprint() fingerprint}, never the value.
 *
 * @param value the token's 43 base64url characters, as {@link Tokens#next()} made it or {@link Tokens#parse}
 *     read it; never null
 */
public record Token(String value) {

    /** Refuses a null value. */
    public Token {
        Objects.requireNonNull(value, "value");
    }

    /** @return what the database keeps of this token */
    public TokenHash hash() {
        return TokenHash.of(value);
    }

    /** @return this token's short name for logs, the same as its hash's */
    public String fingerprint() {
        return hash().fingerprint();
    }

    /** @return {@code Token[fingerprint, value hidden]} */
    @Override
    public String toString() {
        return "Token[" + fingerprint() + ", value hidden]";
    }
}
