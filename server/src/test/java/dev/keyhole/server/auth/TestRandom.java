package dev.keyhole.server.auth;

import java.security.SecureRandom;
import java.util.Random;

/** A {@link SecureRandom} whose bytes a test chooses, so that it sees the same secrets every run. */
final class TestRandom extends SecureRandom {

    private final Random bytes;
    private final byte[] pattern;

    private TestRandom(long seed, byte[] pattern) {
        this.bytes = new Random(seed);
        this.pattern = pattern;
    }

    /** @return a random whose every byte follows from {@code seed} */
    static SecureRandom seeded(long seed) {
        return new TestRandom(seed, null);
    }

    /** @return a random that fills every array it is asked for with {@code pattern} from its start, repeated */
    static SecureRandom repeating(byte[] pattern) {
        return new TestRandom(0, pattern.clone());
    }

    @Override
    public void nextBytes(byte[] out) {
        // SecureRandom builds nextInt, nextLong and the rest on nextBytes, so they follow the seed too.
        if (pattern == null) {
            bytes.nextBytes(out);
        } else {
            for (int i = 0; i < out.length; i++) {
                out[i] = pattern[i % pattern.length];
            }
        }
    }
}
