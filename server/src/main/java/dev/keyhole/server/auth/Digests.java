package dev.keyhole.server.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/** SHA-256 and constant-time comparison, the two primitives the token and recovery-code hashes share. */
final class Digests {

    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    private Digests() {
    }

    /** @return the SHA-256 of {@code bytes} */
    static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            // Every Java platform must have SHA-256 (java.security.MessageDigest's own javadoc).
            throw new IllegalStateException(e);
        }
    }

    /** @return the SHA-256 of the UTF-8 bytes of {@code text}, in base64url without padding (43 characters) */
    static String sha256Base64Url(CharSequence text) {
        return BASE64URL.encodeToString(sha256(text.toString().getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * Compares two strings in time that depends on their lengths only, not on where they first differ.
     *
     * @return whether both are equal; false when either is null
     */
    static boolean constantTimeEquals(String a, String b) {
        if (a == null || b == null) {
            return false;
        }
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }
}
