package dev.keyhole.server.accounts;

import dev.keyhole.server.auth.TokenHash;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A user's passkey (a WebAuthn credential), as stored: the public half of a key pair whose private half stays in
 * the user's phone, computer or security key, and is used there only after the user unlocks it (fingerprint, face,
 * PIN).
 *
 * @param credentialId   the authenticator's id of the credential, base64url; public, but logs show only its
 *                       {@link #fingerprint()}
 * @param userId         whose it is
 * @param publicKeyCose  the public key, COSE-encoded, base64url
 * @param signatureCount the authenticator's signature counter at its last use; 0 for authenticators that count
 *                       nothing (most phones' synced passkeys)
 * @param transports     how the browser reached the authenticator ({@code internal}, {@code hybrid}, {@code usb},
 *                       …), as it reported them; may be empty
 * @param backupEligible whether the authenticator may copy it elsewhere (a synced passkey)
 * @param backedUp       whether it was copied elsewhere, at its last use
 * @param nickname       what the user calls it ("Pixel 7"); never empty
 * @param createdAt      when it was registered
 * @param lastUsedAt     when it last signed in; null: never
 */
public record Passkey(String credentialId, String userId, String publicKeyCose, long signatureCount,
        List<String> transports, boolean backupEligible, boolean backedUp, String nickname, Instant createdAt,
        Instant lastUsedAt) {

    /** The longest nickname kept. */
    public static final int NICKNAME_LENGTH = 64;

    /** Checks that nothing is missing, and copies the transports. */
    public Passkey {
        Objects.requireNonNull(credentialId, "credentialId");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(publicKeyCose, "publicKeyCose");
        transports = List.copyOf(transports);
        Objects.requireNonNull(nickname, "nickname");
        Objects.requireNonNull(createdAt, "createdAt");
    }

    /**
     * The passkey's name in the API and in URLs: the SHA-256 of its credential id (base64url), which says nothing
     * a page could not learn otherwise, and is short enough for a path segment whatever the id's length.
     *
     * @return 43 base64url characters
     */
    public String handle() {
        return TokenHash.of(credentialId).value();
    }

    /** @return the passkey's short name in logs: the first characters of {@link #handle()} */
    public String fingerprint() {
        return fingerprint(credentialId);
    }

    /**
     * A nickname as a person typed it, fit to keep and show: control characters dropped, runs of white space one
     * space, at most {@value #NICKNAME_LENGTH} characters (code points, so no character is cut in half).
     *
     * @param typed what they typed; null for nothing
     * @return the nickname; empty when nothing is left
     */
    public static String cleanNickname(String typed) {
        if (typed == null) {
            return "";
        }
        String clean = typed.codePoints().filter(c -> !Character.isISOControl(c)
                && Character.getType(c) != Character.FORMAT)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString()
                .replaceAll("\\s+", " ").strip();
        return clean.codePointCount(0, clean.length()) <= NICKNAME_LENGTH ? clean
                : clean.substring(0, clean.offsetByCodePoints(0, NICKNAME_LENGTH)).strip();
    }

    /** @return a credential id's short name in logs */
    public static String fingerprint(String credentialId) {
        return TokenHash.of(credentialId).fingerprint();
    }

    /** Everything but the key, and the credential id only as its fingerprint. */
    @Override
    public String toString() {
        return "Passkey[" + fingerprint() + ", user=" + userId + ", nickname=" + nickname + ", signatureCount="
                + signatureCount + ", createdAt=" + createdAt + ", lastUsedAt=" + lastUsedAt + "]";
    }
}
