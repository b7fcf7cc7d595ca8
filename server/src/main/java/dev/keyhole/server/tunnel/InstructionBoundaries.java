package dev.keyhole.server.tunnel;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Finds where complete Guacamole instructions end in a UTF-8 byte stream, without decoding it.
 *
 * <p>An instruction is a list of elements {@code LENGTH.VALUE}, separated by {@code ,} and ended by {@code ;}.
 * LENGTH counts Unicode characters, not bytes, so the scanner counts UTF-8 lead bytes (every byte that is not
 * {@code 10xxxxxx}) to skip a value. The scanner keeps its state between calls, so an instruction may arrive in
 * any number of pieces.
 *
 * <p>Not thread-safe: one scanner belongs to one stream.
 */
final class InstructionBoundaries {

    /** Longest element accepted, in characters; guacd's own elements are far shorter. */
    static final int MAX_ELEMENT_LENGTH = 1 << 22;

    /** Eight bytes of a byte array as one long (byte order does not matter for the ASCII test). */
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.nativeOrder());

    private static final int LENGTH = 0;
    private static final int VALUE = 1;

    private int state = LENGTH;
    private int digits;
    private int length;

    /**
     * Scans {@code bytes[from, to)}, continuing from where the previous call stopped.
     *
     * @return the index just past the last {@code ;} ending an instruction in that range, or {@code -1} if no
     *         instruction ended there
     * @throws MalformedInstructionException if the bytes are not Guacamole instructions
     */
    int scan(byte[] bytes, int from, int to) throws MalformedInstructionException {
        return scan(bytes, from, to, false, null);
    }

    /**
     * Like {@link #scan(byte[], int, int)}, and adds the end of every instruction that ends in the range to
     * {@code ends}, in order: whoever needs to look into single instructions finds them without scanning again.
     */
    int scan(byte[] bytes, int from, int to, Ends ends) throws MalformedInstructionException {
        return scan(bytes, from, to, false, ends);
    }

    /**
     * Like {@link #scan(byte[], int, int)}, but stops at the end of the first instruction that ends in the range.
     *
     * @return the index just past that instruction's {@code ;}, or {@code -1}
     */
    int scanOne(byte[] bytes, int from, int to) throws MalformedInstructionException {
        return scan(bytes, from, to, true, null);
    }

    private int scan(byte[] bytes, int from, int to, boolean first, Ends ends) throws MalformedInstructionException {
        // The state lives in locals while scanning (the JIT keeps them in registers) and in fields between calls.
        int state = this.state;
        int digits = this.digits;
        int length = this.length;
        int lastEnd = -1;
        int i = from;
        while (i < to) {
            if (state == LENGTH) {
                byte b = bytes[i++];
                if (b >= '0' && b <= '9') {
                    length = length * 10 + (b - '0');
                    if (++digits > 7 || length > MAX_ELEMENT_LENGTH) {
                        throw new MalformedInstructionException("element longer than " + MAX_ELEMENT_LENGTH);
                    }
                } else if (b == '.' && digits > 0) {
                    state = VALUE;
                } else {
                    throw new MalformedInstructionException("expected an element length");
                }
            } else {
                // Nearly every value (base64 image data above all) is ASCII, where a character is a byte: skip a
                // run of ASCII bytes at once, and count character by character only where there is more.
                int run = Math.min(to - i, length);
                if (isAscii(bytes, i, i + run)) {
                    i += run;
                    length -= run;
                }
                // Skip `length` characters: a character starts at every byte that is not a UTF-8 continuation
                // byte; the first character start after them is the terminator.
                while (i < to) {
                    byte b = bytes[i];
                    if ((b & 0xC0) == 0x80) {
                        i++;
                    } else if (length > 0) {
                        length--;
                        i++;
                    } else {
                        break;
                    }
                }
                if (i == to) {
                    break;
                }
                byte terminator = bytes[i++];
                state = LENGTH;
                digits = 0;
                length = 0;
                if (terminator == ';') {
                    lastEnd = i;
                    if (ends != null) {
                        ends.add(i);
                    }
                    if (first) {
                        break;
                    }
                } else if (terminator != ',') {
                    throw new MalformedInstructionException("expected ',' or ';' after an element");
                }
            }
        }
        this.state = state;
        this.digits = digits;
        this.length = length;
        return lastEnd;
    }

    /** @return whether {@code bytes[from, to)} are all ASCII; looks at sixteen bytes at a time */
    static boolean isAscii(byte[] bytes, int from, int to) {
        long any = 0;
        int i = from;
        for (; i + 2 * Long.BYTES <= to; i += 2 * Long.BYTES) {
            any |= (long) LONGS.get(bytes, i) | (long) LONGS.get(bytes, i + Long.BYTES);
        }
        for (; i + Long.BYTES <= to; i += Long.BYTES) {
            any |= (long) LONGS.get(bytes, i);
        }
        for (; i < to; i++) {
            any |= bytes[i];
        }
        return (any & 0x8080808080808080L) == 0;
    }

    /** How a {@code sync} instruction starts. */
    static final byte[] SYNC = "4.sync,".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /** How an {@code error} instruction starts. */
    static final byte[] ERROR = "5.error,".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /** @return whether the instruction {@code bytes[from, to)} starts with {@code prefix} (e.g. {@link #SYNC}) */
    static boolean startsWith(byte[] bytes, int from, int to, byte[] prefix) {
        if (to - from < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (bytes[from + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * Where instructions end (the index just past each {@code ;}), in the order they were found. Not thread-safe.
     */
    static final class Ends {

        /** A streaming console's read of 256 KiB holds some 1,200 instructions; far more is a burst. */
        private static final int MAX_RETAINED_ENDS = 8192;

        private int[] ends = new int[16];
        private int count;

        void add(int end) {
            if (count == ends.length) {
                ends = Arrays.copyOf(ends, count * 2);
            }
            ends[count++] = end;
        }

        /** @return how many ends were added since the last {@link #clear} */
        int count() {
            return count;
        }

        /** @return the {@code i}-th end, {@code 0 <= i < count()} */
        int get(int i) {
            return ends[i];
        }

        /** Forgets every end, and the memory an unusual burst of tiny instructions needed. */
        void clear() {
            count = 0;
            if (ends.length > MAX_RETAINED_ENDS) {
                ends = new int[16];
            }
        }
    }

    /** The stream is not made of Guacamole instructions. */
    static final class MalformedInstructionException extends Exception {
        MalformedInstructionException(String message) {
            super(message, null, false, false);
        }
    }
}
