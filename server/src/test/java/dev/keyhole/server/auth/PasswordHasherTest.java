package dev.keyhole.server.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class PasswordHasherTest {

    /** Cheap parameters for the tests that are about behaviour, not cost. */
    private static final Argon2Parameters CHEAP = new Argon2Parameters(64, 1, 1);

    // Made with the Argon2 reference implementation (Debian's argon2 package, 0~20171227):
    // echo -n PASSWORD | argon2 SALT -id -t T -k M -p P -l 32 -e
    private static final String REFERENCE_OWASP =
            "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0MDEyMw$XRY2xxxNKnIVCnNLzQIqk1IHklRTZjwEwDlweaG1SNc";
    private static final String REFERENCE_NON_ASCII =
            "$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHRzYWx0MDEyMw$cDPAMYrqWO8OvEbf+WI39Za4dqBWvEk5oFY3RLy5FC8";
    private static final String REFERENCE_TWO_LANES_SHORT_SALT =
            "$argon2id$v=19$m=4096,t=3,p=2$OGJ5dGVzYWw$COqKygaWwfyrzXeEkBIvSTQvFfTUdOe/x45ndLSgbnw";

    private final PasswordHasher cheap = new PasswordHasher(CHEAP, new SecureRandom());

    @Test
    void newHashesArePhcStringsWithOwaspsParameters() {
        PasswordHasher hasher = new PasswordHasher(new SecureRandom());
        String hash = hasher.hash("correct horse battery staple");
        assertTrue(hash.matches("\\$argon2id\\$v=19\\$m=19456,t=2,p=1\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}"), hash);
        assertTrue(hasher.verify("correct horse battery staple", hash));
        assertFalse(hasher.verify("correct horse battery stapler", hash));
        assertEquals(Argon2Parameters.OWASP, hasher.parameters());
        assertEquals(new Argon2Parameters(19456, 2, 1), Argon2Parameters.OWASP);
    }

    @Test
    void theHashIsTheReferenceImplementationsForTheSameSalt() {
        PasswordHasher hasher = new PasswordHasher(
                TestRandom.repeating("saltsaltsalt0123".getBytes(StandardCharsets.US_ASCII)));
        assertEquals(REFERENCE_OWASP, hasher.hash("correct horse battery staple"));
    }

    @Test
    void verifiesTheReferenceImplementationsHashesWithTheParametersTheyCarry() {
        assertTrue(cheap.verify("correct horse battery staple", REFERENCE_OWASP));
        assertTrue(cheap.verify("pässwörd", REFERENCE_NON_ASCII), "UTF-8");
        assertTrue(cheap.verify("hunter2", REFERENCE_TWO_LANES_SHORT_SALT), "two lanes, an 8-byte salt");
        assertFalse(cheap.verify("Hunter2", REFERENCE_TWO_LANES_SHORT_SALT));
        assertFalse(cheap.verify("", REFERENCE_TWO_LANES_SHORT_SALT));
    }

    @Test
    void aPasswordIsTheSameHoweverItsAccentsAreComposed() {
        String composed = Normalizer.normalize("pässwörd", Normalizer.Form.NFC);
        String decomposed = Normalizer.normalize("pässwörd", Normalizer.Form.NFD);
        assertNotEquals(composed, decomposed);
        assertTrue(cheap.verify(decomposed, REFERENCE_NON_ASCII));
        assertTrue(cheap.verify(decomposed, cheap.hash(composed)));
        assertTrue(cheap.verify(new StringBuilder(composed), cheap.hash(decomposed)), "any CharSequence");
    }

    @Test
    void everyHashHasItsOwnSalt() {
        String first = cheap.hash("same");
        String second = cheap.hash("same");
        assertNotEquals(first, second);
        assertNotEquals(PhcString.parse(first).salt().length, 0);
        assertTrue(cheap.verify("same", first));
        assertTrue(cheap.verify("same", second));
    }

    @Test
    void needsRehashWhenTheParametersChange() {
        String hash = cheap.hash("secret");
        assertFalse(cheap.needsRehash(hash));

        PasswordHasher stronger = new PasswordHasher(new Argon2Parameters(128, 2, 1), new SecureRandom());
        assertTrue(stronger.needsRehash(hash));
        assertTrue(stronger.verify("secret", hash), "an old hash still verifies with its own parameters");
        String rehashed = stronger.hash("secret");
        assertFalse(stronger.needsRehash(rehashed));
        assertTrue(cheap.needsRehash(rehashed), "lower parameters count as a change too");

        assertTrue(new PasswordHasher(new Argon2Parameters(4096, 3, 2), new SecureRandom())
                .needsRehash(REFERENCE_TWO_LANES_SHORT_SALT), "same parameters, but an 8-byte salt");
    }

    @Test
    void aStoredHashThatIsNotArgon2idIsAnErrorNotAWrongPassword() {
        List<String> broken = Arrays.asList(
                null,
                "",
                "hunter2",
                REFERENCE_NON_ASCII.replace("argon2id", "argon2i"),
                REFERENCE_NON_ASCII.replace("v=19", "v=16"),
                REFERENCE_NON_ASCII.replace("m=64", "m=99999999999"),
                REFERENCE_NON_ASCII.replace("m=64", "m=1048577"),
                REFERENCE_NON_ASCII.replace("m=64", "m=4"),
                REFERENCE_NON_ASCII.replace("t=1", "t=0"),
                REFERENCE_NON_ASCII.replace("p=1", "p=0"),
                REFERENCE_NON_ASCII.substring(0, REFERENCE_NON_ASCII.lastIndexOf('$')),
                REFERENCE_NON_ASCII + "=",
                REFERENCE_NON_ASCII.replace("c2FsdHNhbHRzYWx0MDEyMw", "c2FsdA"),
                "$2b$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy");
        for (String stored : broken) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> cheap.verify("pässwörd", stored), String.valueOf(stored));
            assertTrue(e.getMessage().contains("Argon2"), e.getMessage());
            if (stored != null && !stored.isEmpty()) {
                assertFalse(e.getMessage().contains(stored), "the message does not repeat the stored text");
            }
            assertThrows(IllegalArgumentException.class, () -> cheap.needsRehash(stored));
        }
    }

    /**
     * What makes an unknown name indistinguishable from a wrong password is that both do the same work: one Argon2id
     * computation with the same parameters and output length, then one comparison of equal lengths. This test
     * checks exactly that, by counting the computations each path makes and recording their cost, which no load on
     * the machine can change. (Wall-clock time is left to the diagnostic below.)
     */
    @Test
    void anUnknownNameDoesTheSameWorkAsAWrongPassword() {
        List<String> derivations = new ArrayList<>();
        PasswordHasher.Argon2id counting = (parameters, password, salt, length) -> {
            derivations.add(parameters + " salt=" + salt.length + " length=" + length);
            return PasswordHasher.BOUNCY_CASTLE.derive(parameters, password, salt, length);
        };
        PasswordHasher hasher = new PasswordHasher(CHEAP, new SecureRandom(), counting);
        String stored = hasher.hash("the right one");
        derivations.clear();

        assertFalse(hasher.verify("a wrong one", stored));
        List<String> wrongPassword = List.copyOf(derivations);
        derivations.clear();
        assertFalse(hasher.verifyUnknown("a wrong one"));
        List<String> unknownName = List.copyOf(derivations);
        derivations.clear();
        assertTrue(hasher.verify("the right one", stored));
        List<String> rightPassword = List.copyOf(derivations);

        assertEquals(List.of("m=64,t=1,p=1 salt=16 length=32"), wrongPassword);
        assertEquals(wrongPassword, unknownName);
        assertEquals(wrongPassword, rightPassword);
        assertFalse(hasher.verifyUnknown("the right one"), "no password opens an unknown name");
        assertFalse(hasher.verifyUnknown(""));
    }

    /**
     * A diagnostic, not a benchmark: with OWASP's parameters, the medians of interleaved runs of both paths. It
     * fails only if the unknown-name path takes under a quarter of the wrong-password path's time, which happens
     * when that path skips the hash (a thousand times cheaper), never through noise on one path: runs alternate, so
     * load and garbage collection fall on both. The medians are in the test's output file.
     */
    @Test
    void bothPathsTakeComparableTime() {
        PasswordHasher hasher = new PasswordHasher(new SecureRandom());
        String stored = hasher.hash("the right one");
        hasher.verify("warm up", stored);
        hasher.verifyUnknown("warm up");
        int runs = 7;
        long[] wrong = new long[runs];
        long[] unknown = new long[runs];
        for (int i = 0; i < runs; i++) {
            long start = System.nanoTime();
            hasher.verify("a wrong one", stored);
            wrong[i] = System.nanoTime() - start;
            start = System.nanoTime();
            hasher.verifyUnknown("a wrong one");
            unknown[i] = System.nanoTime() - start;
        }
        long wrongMedian = median(wrong);
        long unknownMedian = median(unknown);
        System.out.printf("Argon2id %s: wrong password %.1f ms, unknown name %.1f ms (medians of %d)%n",
                Argon2Parameters.OWASP, wrongMedian / 1e6, unknownMedian / 1e6, runs);
        assertTrue(unknownMedian * 4 > wrongMedian,
                "unknown name " + unknownMedian + " ns against wrong password " + wrongMedian + " ns");
    }

    @Test
    void toStringShowsParametersOnly() {
        String hash = cheap.hash("secret");
        PhcString phc = PhcString.parse(hash);
        assertEquals("PasswordHasher[argon2id m=64,t=1,p=1]", cheap.toString());
        assertFalse(phc.toString().contains(hash.substring(hash.lastIndexOf('$') + 1)), phc.toString());
        assertEquals(phc, PhcString.parse(phc.format()));
        assertEquals(hash, phc.format());
    }

    private static long median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
