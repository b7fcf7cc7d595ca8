package dev.keyhole.server.auth;

import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.text.Normalizer;
import java.util.Arrays;
import java.util.Objects;

/**
 * Hashes and checks passwords with Argon2id, by default with OWASP's parameters
 * ({@link Argon2Parameters#OWASP}: 19 MiB of memory, 2 iterations, 1 lane), a 16-byte salt from the injected
 * {@link SecureRandom} and a 32-byte hash, stored as one PHC string
 * ({@code $argon2id$v=19$m=19456,t=2,p=1$SALT$HASH}) that carries its own parameters, so that hashes made with older
 * parameters still verify and {@link #needsRehash} can tell which to replace at the next sign-in.
 *
 * <p>A password is normalized to Unicode NFKC before hashing (as NIST SP 800-63B advises), so the same password
 * typed on a phone and on a desktop, whose keyboards may compose accents differently, is the same password.
 *
 * <p><b>Unknown names cost the same as wrong passwords.</b> A sign-in for a name that has no account calls
 * {@link #verifyUnknown}, which runs {@link #verify} itself against a hash that matches no password, made with the
 * current parameters: one Argon2id computation of the same cost and one comparison, so neither the answer nor its
 * time tells an unknown name from a known one. (A known user whose hash still has older, cheaper parameters costs
 * less until their next sign-in rehashes it.)
 *
 * <p>Thread-safe; each call allocates the parameters' memory (19 MiB by default) while it runs.
 */
public final class PasswordHasher {

    /** Salt length in bytes (128 bits, the PHC's recommendation). */
    static final int SALT_BYTES = 16;

    /** Hash length in bytes. */
    static final int HASH_BYTES = 32;

    /** The Argon2id computation, apart so that a test can count how often each path runs it. */
    @FunctionalInterface
    interface Argon2id {
        /** @return {@code length} bytes of Argon2id (version 19) of {@code password} and {@code salt} */
        byte[] derive(Argon2Parameters parameters, byte[] password, byte[] salt, int length);
    }

    /** Bouncy Castle's Argon2id: a generator per computation, since one holds the memory of its last run. */
    static final Argon2id BOUNCY_CASTLE = (parameters, password, salt, length) -> {
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(new org.bouncycastle.crypto.params.Argon2Parameters.Builder(
                org.bouncycastle.crypto.params.Argon2Parameters.ARGON2_id)
                .withVersion(org.bouncycastle.crypto.params.Argon2Parameters.ARGON2_VERSION_13)
                .withMemoryAsKB(parameters.memoryKib())
                .withIterations(parameters.iterations())
                .withParallelism(parameters.parallelism())
                .withSalt(salt)
                .build());
        byte[] out = new byte[length];
        generator.generateBytes(password, out);
        return out;
    };

    private final Argon2Parameters parameters;
    private final SecureRandom random;
    private final Argon2id argon2;
    private final String unknownUserHash;

    /**
     * A hasher with OWASP's parameters.
     *
     * @param random where salts come from; never null
     */
    public PasswordHasher(SecureRandom random) {
        this(Argon2Parameters.OWASP, random);
    }

    /**
     * A hasher with other parameters, for tests or a server that can afford more.
     *
     * @param parameters what new hashes cost; never null
     * @param random where salts come from; never null
     */
    public PasswordHasher(Argon2Parameters parameters, SecureRandom random) {
        this(parameters, random, BOUNCY_CASTLE);
    }

    PasswordHasher(Argon2Parameters parameters, SecureRandom random, Argon2id argon2) {
        this.parameters = Objects.requireNonNull(parameters, "parameters");
        this.random = Objects.requireNonNull(random, "random");
        this.argon2 = Objects.requireNonNull(argon2, "argon2");
        // A well-formed hash of the current parameters whose hash bytes are random: no password is known to match
        // it, and verifying against it is exactly the work of verifying against a real one.
        this.unknownUserHash = new PhcString(parameters, randomBytes(SALT_BYTES), randomBytes(HASH_BYTES)).format();
    }

    /** @return what new hashes cost */
    public Argon2Parameters parameters() {
        return parameters;
    }

    /**
     * Hashes a new password with a fresh salt.
     *
     * @param password the password; never null (its length is the caller's policy; empty is hashed as empty)
     * @return the PHC string to store
     */
    public String hash(CharSequence password) {
        byte[] salt = randomBytes(SALT_BYTES);
        byte[] bytes = utf8(password);
        try {
            return new PhcString(parameters, salt, argon2.derive(parameters, bytes, salt, HASH_BYTES)).format();
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    /**
     * Checks a password against a stored hash, with the parameters and salt the hash carries, comparing the result
     * in constant time.
     *
     * @param password the password to check; never null
     * @param stored a PHC string {@link #hash} made (with these or earlier parameters)
     * @return whether the password is the one the hash was made of
     * @throws IllegalArgumentException when {@code stored} is not an Argon2id PHC string: a corrupt row, not a
     *     wrong password
     */
    public boolean verify(CharSequence password, String stored) {
        PhcString expected = PhcString.parse(stored);
        byte[] bytes = utf8(password);
        try {
            byte[] actual = argon2.derive(expected.parameters(), bytes, expected.salt(), expected.hash().length);
            return MessageDigest.isEqual(actual, expected.hash());
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    /**
     * Does the work of {@link #verify} for a sign-in whose name has no account (or a disabled one), so that it
     * takes as long as a wrong password: one Argon2id computation with the current parameters.
     *
     * @param password the password that was typed; never null
     * @return false, always, so that a caller can write
     *     {@code user == null ? hasher.verifyUnknown(password) : hasher.verify(password, user.passwordHash())}
     */
    public boolean verifyUnknown(CharSequence password) {
        // No password matches this hash; what counts is the work, so the answer is discarded.
        verify(password, unknownUserHash);
        return false;
    }

    /**
     * Tells whether a stored hash was made with other parameters (or salt or hash lengths) than new ones are, so
     * that the caller replaces it with {@link #hash} of the password it has just verified.
     *
     * @param stored a PHC string
     * @return true when it should be replaced
     * @throws IllegalArgumentException when {@code stored} is not an Argon2id PHC string
     */
    public boolean needsRehash(String stored) {
        PhcString phc = PhcString.parse(stored);
        return !phc.parameters().equals(parameters) || phc.salt().length != SALT_BYTES
                || phc.hash().length != HASH_BYTES;
    }

    /** @return the algorithm and parameters */
    @Override
    public String toString() {
        return "PasswordHasher[argon2id " + parameters + "]";
    }

    private byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        random.nextBytes(bytes);
        return bytes;
    }

    /** The password's NFKC normalization in UTF-8, in an array the caller clears after use. */
    private static byte[] utf8(CharSequence password) {
        Objects.requireNonNull(password, "password");
        String normalized = Normalizer.normalize(password, Normalizer.Form.NFKC);
        ByteBuffer encoded = StandardCharsets.UTF_8.encode(CharBuffer.wrap(normalized));
        byte[] bytes = new byte[encoded.remaining()];
        encoded.get(bytes);
        if (encoded.hasArray()) {
            Arrays.fill(encoded.array(), (byte) 0);
        }
        return bytes;
    }
}
