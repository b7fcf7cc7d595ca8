package dev.keyhole.server.auth;

import java.util.Arrays;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An Argon2id hash in the PHC string format, as the reference implementation writes it:
 * {@code $argon2id$v=19$m=19456,t=2,p=1$SALT$HASH}, salt and hash in base64 without padding. Only Argon2id version
 * 19 (0x13) is read: it is the only kind Keyhole writes.
 *
 * @param parameters the cost it was computed with
 * @param salt the salt's bytes
 * @param hash the derived bytes
 */
record PhcString(Argon2Parameters parameters, byte[] salt, byte[] hash) {

    private static final Pattern FORMAT = Pattern.compile(
            "\\$argon2id\\$v=19\\$m=([0-9]{1,10}),t=([0-9]{1,10}),p=([0-9]{1,3})\\$([A-Za-z0-9+/]{11,})\\$([A-Za-z0-9+/]{22,})");
    private static final Base64.Encoder ENCODER = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getDecoder();

    /** Copies both arrays, so that the record is a value. */
    PhcString {
        salt = salt.clone();
        hash = hash.clone();
    }

    /**
     * Reads a stored hash.
     *
     * @param encoded the stored text
     * @return its parts
     * @throws IllegalArgumentException when it is not an Argon2id v=19 PHC string with at least 8 bytes of salt and
     *     16 of hash; the message does not repeat the text
     */
    static PhcString parse(String encoded) {
        Matcher m = encoded == null ? null : FORMAT.matcher(encoded);
        if (m == null || !m.matches()) {
            throw new IllegalArgumentException("not an Argon2id password hash"
                    + " (expected $argon2id$v=19$m=KIB,t=PASSES,p=LANES$SALT$HASH)");
        }
        try {
            Argon2Parameters parameters = new Argon2Parameters(
                    Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)));
            return new PhcString(parameters, DECODER.decode(m.group(4)), DECODER.decode(m.group(5)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("an Argon2id password hash with a parameter out of range", e);
        }
    }

    /** @return the PHC string */
    String format() {
        return "$argon2id$v=19$" + parameters + "$" + ENCODER.encodeToString(salt) + "$" + ENCODER.encodeToString(hash);
    }

    @Override
    public byte[] salt() {
        return salt.clone();
    }

    @Override
    public byte[] hash() {
        return hash.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PhcString other && parameters.equals(other.parameters)
                && Arrays.equals(salt, other.salt) && Arrays.equals(hash, other.hash);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * parameters.hashCode() + Arrays.hashCode(salt)) + Arrays.hashCode(hash);
    }

    /** @return the parameters only: a password hash is not a secret, but it is what an attacker would crack */
    @Override
    public String toString() {
        return "PhcString[argon2id " + parameters + ", salt and hash hidden]";
    }
}
