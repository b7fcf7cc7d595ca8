package dev.keyhole.server.auth;

import java.security.MessageDigest;
import java.util.Arrays;

/**
 * The shared key of a TOTP second factor: what the user's authenticator app and Keyhole both hold. Keyhole keeps it
 * sealed by a {@link SecretBox}; it is shown to its user once, at enrolment, as base32 text and a QR code.
 *
 * <p>A value: the array is copied in and out, equality compares in constant time, and {@link #toString()} hides it.
 *
 * @param bytes the key, at least 16 bytes (RFC 4226's minimum of 128 bits; {@link Totp} makes 20)
 */
public record TotpSecret(byte[] bytes) {

    /** The fewest bytes a secret may have. */
    public static final int MIN_BYTES = 16;

    /** Copies the key, and refuses one shorter than {@link #MIN_BYTES}. */
    public TotpSecret {
        if (bytes.length < MIN_BYTES) {
            throw new IllegalArgumentException("a TOTP secret has at least " + MIN_BYTES + " bytes, not " + bytes.length);
        }
        bytes = bytes.clone();
    }

    /**
     * Reads a secret typed or pasted as base32, as authenticator apps show it.
     *
     * @param text base32, in either case, with or without padding, spaces or hyphens
     * @return the secret
     * @throws IllegalArgumentException when it is not base32 or too short; the message does not repeat the text
     */
    public static TotpSecret fromBase32(CharSequence text) {
        return new TotpSecret(Base32.decode(text));
    }

    /** @return a copy of the key */
    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    /** @return the key in base32 without padding (32 characters for 20 bytes), for the enrolment page */
    public String base32() {
        return Base32.encode(bytes);
    }

    /** @return whether {@code o} is a secret with the same key, compared in constant time */
    @Override
    public boolean equals(Object o) {
        return o instanceof TotpSecret other && MessageDigest.isEqual(bytes, other.bytes);
    }

    /** @return a hash of the key, consistent with {@link #equals} */
    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    /** @return {@code TotpSecret[hidden]} */
    @Override
    public String toString() {
        return "TotpSecret[hidden]";
    }
}
