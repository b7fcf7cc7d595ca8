package dev.keyhole.server.tunnel;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Runs a property of a fuzz test over generated cases, and makes the text and the cuts those cases are made of.
 *
 * <p>Every case has its own random, seeded from the property's seed and the case's number, so a run generates the
 * same cases every time, and a failure names the case and its own seed: the property given
 * {@code new SplittableRandom(thatSeed)} makes that case again, alone.
 */
final class FuzzCases {

    /** The seed of every fuzz test: {@code 0x6B6579686F6C65}, "keyhole" in ASCII. */
    static final long SEED = 0x6B6579686F6C65L;

    /** One property, checked on one case made from {@code random}. */
    interface Property {
        void check(SplittableRandom random) throws Exception;
    }

    /** Characters that parsers of lengths in code points get wrong: the longest UTF-8, surrogates, NUL, U+FFFF. */
    private static final int[] EDGE_CODE_POINTS = {
        0x0000, 0x0001, 0x007F, 0x0080, 0x00E9, 0x07FF, 0x0800, 0x0301, 0x20AC, 0xFEFF, 0xFFFD, 0xFFFF,
        0x10000, 0x1F600, 0x1F1E9, 0x10FFFF,
    };

    /** The lone halves of a surrogate pair, which Java strings may hold and UTF-8 cannot. */
    private static final char[] LONE_SURROGATES = {'\uD800', '\uD83D', '\uDBFF', '\uDC00', '\uDE00', '\uDFFF'};

    private FuzzCases() {
    }

    /**
     * Checks {@code property} on {@code cases} cases.
     *
     * @throws AssertionError for the first case that fails (an assertion or any exception), naming it and its seed
     */
    static void check(long seed, int cases, Property property) {
        SplittableRandom seeds = new SplittableRandom(seed);
        for (int i = 0; i < cases; i++) {
            long caseSeed = seeds.nextLong();
            try {
                property.check(new SplittableRandom(caseSeed));
            } catch (Throwable e) {
                throw new AssertionError("case " + i + " of " + cases + " (its own seed " + caseSeed + "L) failed: "
                        + e, e);
            }
        }
    }

    /**
     * @return a code point that is valid in UTF-8: mostly printable ASCII, else two-, three- and four-byte
     *         characters, combining marks and the edges of each range
     */
    static int codePoint(SplittableRandom random) {
        int kind = random.nextInt(10);
        if (kind < 5) {
            return random.nextInt(0x20, 0x7F);
        }
        return switch (kind) {
            case 5 -> EDGE_CODE_POINTS[random.nextInt(EDGE_CODE_POINTS.length)];
            case 6 -> random.nextInt(0x80, 0x800);
            case 7 -> random.nextBoolean() ? random.nextInt(0x800, 0xD800) : random.nextInt(0xE000, 0x10000);
            case 8 -> random.nextInt(0x10000, 0x110000);
            default -> random.nextInt(0x0300, 0x0370);
        };
    }

    /** Appends {@code count} code points of {@link #codePoint}, and a protocol character now and then. */
    static StringBuilder appendText(StringBuilder text, SplittableRandom random, int count) {
        for (int i = 0; i < count; i++) {
            if (random.nextInt(16) == 0) {
                text.append(";,.0".charAt(random.nextInt(4)));
            } else {
                text.appendCodePoint(codePoint(random));
            }
        }
        return text;
    }

    /** @return a lone surrogate: one Java character, one code point as {@code String#codePointCount} counts it */
    static char loneSurrogate(SplittableRandom random) {
        return LONE_SURROGATES[random.nextInt(LONE_SURROGATES.length)];
    }

    /**
     * @return a length for an element, 0 to {@code max}: below 10 mostly, below 300 for one in six, beyond that for
     *         one in thirty-three, up to {@code max} for one in two hundred
     */
    static int length(SplittableRandom random, int max) {
        int kind = random.nextInt(1000);
        int bound = kind < 800 ? 10 : kind < 970 ? 300 : kind < 995 ? 3000 : max + 1;
        return random.nextInt(Math.min(bound, max + 1));
    }

    /**
     * @return where to cut {@code length} characters or bytes into pieces: sorted, from 0 to {@code length}, with
     *         empty pieces now and then; one piece, pieces of one or of a few (when there are not too many), or a
     *         few pieces at random places
     */
    static int[] cuts(SplittableRandom random, int length) {
        int kind = random.nextInt(20);
        if (kind < 2 || length == 0) {
            return new int[] {0, length};
        }
        if (kind == 2 && length <= 1024 || kind == 3 && length <= 8192) {
            int most = kind == 2 ? 1 : 16;
            int[] cuts = new int[length + 1];
            int count = 1;
            for (int at = 0; at < length; ) {
                at = Math.min(length, at + 1 + random.nextInt(most));
                cuts[count++] = at;
            }
            return Arrays.copyOf(cuts, count);
        }
        int pieces = 1 + random.nextInt(Math.min(length, 12));
        int[] cuts = new int[pieces + 1];
        for (int i = 1; i < pieces; i++) {
            cuts[i] = random.nextInt(length + 1);
        }
        cuts[pieces] = length;
        Arrays.sort(cuts);
        return cuts;
    }

    /** @return {@code text} for a failure message: escaped, and cut after {@code max} characters */
    static String shown(CharSequence text, int max) {
        StringBuilder shown = new StringBuilder();
        for (int i = 0; i < text.length() && shown.length() < max; i++) {
            char c = text.charAt(i);
            if (c >= 0x20 && c < 0x7F && c != '\\') {
                shown.append(c);
            } else {
                shown.append(String.format("\\u%04X", (int) c));
            }
        }
        return shown.length() < max ? shown.toString() : shown + "… (" + text.length() + " characters)";
    }
}
