package dev.keyhole.server.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The ten single-use codes that stand in for a lost authenticator app. Each is 16 characters in four groups of four
 * ({@code 7KQD-M3XA-PZ9H-V2CE}) from a 32-character alphabet without the look-alikes 0/O and 1/I: 80 random bits
 * from the injected {@link SecureRandom}, readable aloud and typed without doubt from paper on a phone.
 *
 * <p><b>Stored as salted SHA-256, not Argon2id.</b> A slow hash exists to protect secrets people choose, which are
 * few enough to search. A recovery code is not chosen: it is one of 2<sup>80</sup> equally likely values. Each
 * stored hash is {@code SALT.HASH}, base64url of a 16-byte salt of its own and of SHA-256(salt ‖ code), so a guess
 * at a stolen database tests one code of one user, never all of them at once: finding any single code takes about
 * 2<sup>79</sup> SHA-256 computations, some 190,000 years at 10<sup>11</sup> a second. A fast hash lets a typed
 * code be checked against all ten of a user's in microseconds, where ten Argon2id computations would cost a
 * sign-in a third of a second and 190 MiB. Online guessing is the throttle's business (a second factor locks after
 * a few failures).
 *
 * <p>Thread-safe.
 */
public final class RecoveryCodes {

    /** How many codes a user gets at a time. */
    public static final int COUNT = 10;

    /** Groups per code. */
    public static final int GROUPS = 4;

    /** Characters per group. */
    public static final int GROUP_LENGTH = 4;

    /** The characters codes use: 2–9 and A–Z without I and O, 32 in all, 5 bits each. */
    public static final String ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";

    /** Salt bytes per stored hash. */
    static final int SALT_BYTES = 16;

    private static final int LENGTH = GROUPS * GROUP_LENGTH;
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    private final SecureRandom random;

    /**
     * Recovery codes drawn from one random source.
     *
     * @param random where codes and salts come from; never null
     */
    public RecoveryCodes(SecureRandom random) {
        this.random = Objects.requireNonNull(random, "random");
    }

    /**
     * A new set of codes, which replaces the user's old set whole.
     *
     * @return the {@value #COUNT} codes to show the user once, and their hashes to store
     */
    public Issued issue() {
        Set<String> codes = new LinkedHashSet<>();
        while (codes.size() < COUNT) {
            StringBuilder code = new StringBuilder(LENGTH + GROUPS - 1);
            for (int i = 0; i < LENGTH; i++) {
                if (i > 0 && i % GROUP_LENGTH == 0) {
                    code.append('-');
                }
                code.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
            }
            codes.add(code.toString());
        }
        List<String> hashes = new ArrayList<>(COUNT);
        for (String code : codes) {
            byte[] salt = new byte[SALT_BYTES];
            random.nextBytes(salt);
            hashes.add(ENCODER.encodeToString(salt) + "." + ENCODER.encodeToString(hash(salt, normalize(code))));
        }
        return new Issued(List.copyOf(codes), List.copyOf(hashes));
    }

    /**
     * Checks a code a user typed against their unused codes' hashes, and spends it.
     *
     * <p>The typed code is hashed with every stored hash's salt and compared in constant time, all of them whatever
     * matches, so the time tells nothing about which one did.
     *
     * @param typed what the user typed: case, spaces and hyphens do not matter; null or anything but
     *     {@value #LENGTH} characters of {@link #ALPHABET} is refused
     * @param unusedHashes the hashes of the user's codes not used yet, as {@link Issued#hashes()} gave them; never
     *     null
     * @return the hash that matched and the hashes that are left, the one to store in place of
     *     {@code unusedHashes} before letting the user in (a code is spent only once that is stored); empty when
     *     no unused code matches
     * @throws IllegalArgumentException when a stored hash is not {@code SALT.HASH} as {@link #issue()} writes it: a
     *     corrupt row, not a wrong code
     */
    public Optional<Redeemed> redeem(CharSequence typed, List<String> unusedHashes) {
        Objects.requireNonNull(unusedHashes, "unusedHashes");
        String code = typed == null ? null : normalize(typed);
        if (code == null || code.length() != LENGTH) {
            return Optional.empty();
        }
        for (int i = 0; i < LENGTH; i++) {
            if (ALPHABET.indexOf(code.charAt(i)) < 0) {
                return Optional.empty();
            }
        }
        int match = -1;
        for (int i = 0; i < unusedHashes.size(); i++) {
            String stored = unusedHashes.get(i);
            int dot = stored.indexOf('.');
            byte[] salt;
            byte[] expected;
            try {
                salt = DECODER.decode(stored.substring(0, Math.max(dot, 0)));
                expected = DECODER.decode(stored.substring(dot + 1));
            } catch (IllegalArgumentException e) {
                salt = null;
                expected = null;
            }
            if (dot < 0 || salt == null || salt.length != SALT_BYTES || expected.length != 32) {
                throw new IllegalArgumentException("stored recovery code hash " + (i + 1) + " of "
                        + unusedHashes.size() + " is not SALT.HASH in base64url");
            }
            if (MessageDigest.isEqual(hash(salt, code), expected) && match < 0) {
                match = i;
            }
        }
        if (match < 0) {
            return Optional.empty();
        }
        List<String> left = new ArrayList<>(unusedHashes);
        left.remove(match);
        return Optional.of(new Redeemed(unusedHashes.get(match), List.copyOf(left)));
    }

    /** @return the scheme, never a code */
    @Override
    public String toString() {
        return "RecoveryCodes[" + COUNT + " x " + GROUPS + "x" + GROUP_LENGTH + ", salted SHA-256]";
    }

    /** The code as it is hashed: upper case, without spaces or hyphens. */
    private static String normalize(CharSequence typed) {
        StringBuilder out = new StringBuilder(LENGTH);
        for (int i = 0; i < typed.length() && out.length() <= LENGTH; i++) {
            char c = typed.charAt(i);
            if (c != ' ' && c != '-') {
                out.append(c >= 'a' && c <= 'z' ? (char) (c - 'a' + 'A') : c);
            }
        }
        return out.toString();
    }

    /** SHA-256 of the salt followed by the normalized code's ASCII. */
    private static byte[] hash(byte[] salt, String normalized) {
        byte[] code = normalized.getBytes(StandardCharsets.US_ASCII);
        byte[] input = new byte[salt.length + code.length];
        System.arraycopy(salt, 0, input, 0, salt.length);
        System.arraycopy(code, 0, input, salt.length, code.length);
        return Digests.sha256(input);
    }

    /**
     * A new set of codes.
     *
     * @param codes the codes, grouped with hyphens, to show once and never store
     * @param hashes their salted hashes, {@code SALT.HASH}, in the same order, to store
     */
    public record Issued(List<String> codes, List<String> hashes) {

        /** Copies both lists. */
        public Issued {
            codes = List.copyOf(codes);
            hashes = List.copyOf(hashes);
        }

        /** @return how many codes, never the codes */
        @Override
        public String toString() {
            return "RecoveryCodes.Issued[" + codes.size() + " codes hidden]";
        }
    }

    /**
     * A code that was accepted.
     *
     * @param spentHash the hash of the code just used, for a store that marks rows rather than replacing the list
     * @param unusedHashes the hashes still unused, for a store that replaces the list
     */
    public record Redeemed(String spentHash, List<String> unusedHashes) {

        /** Copies the list. */
        public Redeemed {
            Objects.requireNonNull(spentHash, "spentHash");
            unusedHashes = List.copyOf(unusedHashes);
        }
    }
}
