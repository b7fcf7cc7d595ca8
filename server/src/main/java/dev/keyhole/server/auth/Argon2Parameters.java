package dev.keyhole.server.auth;

/**
 * The cost of one Argon2id computation: how much memory it fills, how many passes it makes over it and in how many
 * lanes. {@link #OWASP} is what Keyhole hashes new passwords with.
 *
 * @param memoryKib memory in KiB, at least 8 per lane
 * @param iterations passes over the memory, at least 1
 * @param parallelism lanes, at least 1
 */
public record Argon2Parameters(int memoryKib, int iterations, int parallelism) {

    /**
     * The Argon2id configuration OWASP's Password Storage Cheat Sheet recommends in its summary: m = 19456 KiB
     * (19 MiB), t = 2, p = 1. The sheet lists it among five equally strong ones that trade memory for passes (from
     * 46 MiB and one pass to 7 MiB and five).
     */
    public static final Argon2Parameters OWASP = new Argon2Parameters(19456, 2, 1);

    /** The most memory a stored hash may ask for (1 GiB), so that a corrupt row cannot exhaust the server's. */
    static final int MAX_MEMORY_KIB = 1024 * 1024;

    /** Refuses parameters Argon2 does not define, and memory beyond {@link #MAX_MEMORY_KIB}. */
    public Argon2Parameters {
        if (parallelism < 1 || parallelism > 255) {
            throw new IllegalArgumentException("Argon2 parallelism must be from 1 to 255, not " + parallelism);
        }
        if (iterations < 1) {
            throw new IllegalArgumentException("Argon2 iterations must be at least 1, not " + iterations);
        }
        if (memoryKib < 8 * parallelism || memoryKib > MAX_MEMORY_KIB) {
            throw new IllegalArgumentException("Argon2 memory must be from 8 KiB per lane (" + 8 * parallelism
                    + ") to " + MAX_MEMORY_KIB + " KiB, not " + memoryKib);
        }
    }

    /** @return the parameters as a PHC string writes them: {@code m=19456,t=2,p=1} */
    @Override
    public String toString() {
        return "m=" + memoryKib + ",t=" + iterations + ",p=" + parallelism;
    }
}
