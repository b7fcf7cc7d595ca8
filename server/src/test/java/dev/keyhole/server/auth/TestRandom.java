package dev.keyhole.server.auth;

import java.security.SecureRandom;
import java.util.Random;

/** A {@link SecureRandom} whose bytes are a seed's, so that a test sees the same secrets every run. */
final class TestRandom extends SecureRandom {

    private final Random bytes;

    private TestRandom(long seed) {
        this.bytes = new Random(seed);
    }

    /** @return a random whose every byte follows from {@code seed} */
    static SecureRandom seeded(long seed) {
        return new TestRandom(seed);
    }

    @Override
    public void nextBytes(byte[] out) {
        // SecureRandom builds nextInt, nextLong and the rest on nextBytes, so they follow the seed too.
        bytes.nextBytes(out);
    }
}
