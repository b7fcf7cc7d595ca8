package dev.keyhole.server.tunnel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.apache.guacamole.GuacamoleServerException;
import org.apache.guacamole.protocol.GuacamoleInstruction;
import org.apache.guacamole.protocol.GuacamoleStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Fuzzes what guacd sends: {@link InstructionBoundaries} as {@link InstructionStream} and {@link GuacdHandshake}
 * call it, on 1,000,000 generated streams ({@code …_CASES} below), and {@link InstructionDecoder},
 * {@link ViewerPace#syncTimestamp} and {@link GuacdErrors#read} on what it cuts and on 300,000 arbitrary byte ranges
 * more; all from the seed {@code 0x6B6579686F6C65L} ({@link FuzzCases#SEED}, "keyhole" in ASCII), so every run sees
 * the same inputs.
 *
 * <p>A stream is read the way {@link InstructionStream} reads it (see {@link StreamModel}): arriving in arbitrary
 * reads into one buffer that grows and shrinks as the stream's does, scanned from where the last scan stopped, and
 * compacted after each delivery, with or without {@link InstructionBoundaries.Ends}; and the way the handshake reads
 * it, one {@link InstructionBoundaries#scanOne} instruction at a time ({@link HandshakeModel}).
 *
 * <p>The properties: for valid streams (any opcodes and elements, 0 to 20,000 characters of any Unicode, four-byte
 * characters among them) every instruction end is found, nothing else is, whatever the reads, and each instruction
 * decodes to its elements; for streams made malformed (lengths wrong, too long, not numbers; terminators missing)
 * the ends before the fault are found and no other (none inside an element), and the read that brings the fault
 * fails with {@link InstructionBoundaries.MalformedInstructionException}, neither later nor with anything else; both
 * checked against a plain reference decoder ({@link #reference}). For arbitrary bytes (invalid UTF-8 too) only that
 * exception is thrown, what is found does not depend on the reads, and reading what was cut (decoding it, an
 * {@code error}'s status, a {@code sync}'s timestamp) throws nothing unexpected. A scan that never ends fails its
 * test by the timeout.
 */
class InstructionBoundariesFuzzTest {

    // Streams of each kind; 1,000,000 in all.
    private static final int VALID_CASES = 450_000;
    private static final int MALFORMED_CASES = 300_000;
    private static final int BYTES_CASES = 250_000;
    /** Arbitrary byte ranges given to {@link ViewerPace#syncTimestamp} and {@link GuacdErrors#read}, on top. */
    private static final int RANGE_CASES = 300_000;

    /** The longest element generated, in characters. */
    private static final int LONGEST_ELEMENT = 20_000;

    /** Opcodes guacd sends, and what a browser's stream would not have. */
    private static final List<String> OPCODES = List.of("sync", "img", "blob", "end", "cursor", "size", "nop",
            "error", "name", "args", "ready", "rect", "cfill", "copy", "mouse", "audio", "ack", "dispose", "key",
            "required", "msg", "");

    /** ASCII as base64 image data has it, with the protocol's own characters among it; long values are cut from it. */
    private static final String ASCII_POOL = asciiPool();
    /** Code points of every width, {@link FuzzCases#appendText}'s; long values of any Unicode are cut from it. */
    private static final int[] UNICODE_POOL = unicodePool();

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void everyEndOfAValidStreamIsFoundHoweverItArrives() {
        FuzzCases.check(FuzzCases.SEED, VALID_CASES, random -> {
            List<List<String>> instructions = new ArrayList<>();
            List<Integer> ends = new ArrayList<>();
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            for (int i = 1 + random.nextInt(4); i > 0; i--) {
                List<String> elements = instruction(random);
                instructions.add(elements);
                bytes.writeBytes(encoded(elements).getBytes(StandardCharsets.UTF_8));
                ends.add(bytes.size());
            }
            byte[] stream = bytes.toByteArray();
            Expected expected = new Expected(ends, -1);
            if (random.nextInt(8) == 0) {
                // The reference, which the malformed streams are checked against, reads what was made as it was made.
                assertEquals(expected, reference(stream), "the reference reads the stream as it was made");
            }
            List<GuacamoleInstruction> decoded = checkStream(random, stream, expected);
            for (int i = 0; i < instructions.size(); i++) {
                List<String> elements = instructions.get(i);
                assertEquals(elements.get(0), decoded.get(i).getOpcode());
                assertEquals(elements.subList(1, elements.size()), decoded.get(i).getArgs());
            }
            checkSyncsAndErrors(stream, ends, instructions);
        });
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aMalformedStreamFailsWhereItBreaksAndNowhereElse() {
        FuzzCases.check(FuzzCases.SEED, MALFORMED_CASES, random -> {
            StringBuilder text = new StringBuilder();
            for (int i = 1 + random.nextInt(4); i > 0; i--) {
                encode(text, instruction(random));
            }
            for (int i = 1 + random.nextInt(2); i > 0; i--) {
                mutate(random, text);
            }
            byte[] stream = text.toString().getBytes(StandardCharsets.UTF_8);
            checkStream(random, stream, reference(stream));
        });
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void arbitraryBytesFailOnlyAsMalformedAndReadTheSameHoweverTheyArrive() {
        FuzzCases.check(FuzzCases.SEED, BYTES_CASES, random -> {
            byte[] stream = arbitraryBytes(random);
            // Read a byte at a time, the scanner says exactly where the stream stops being protocol, if it does.
            Expected bytewise = bytewise(stream);
            for (int i = 0; i < bytewise.ends().size(); i++) {
                int end = bytewise.ends().get(i);
                assertTrue(end > (i == 0 ? 0 : bytewise.ends().get(i - 1)) && stream[end - 1] == ';',
                        "an end that is not after a ';' or not after the one before: " + bytewise);
            }
            checkStream(random, stream, bytewise);
        });
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void syncTimestampsAndErrorsReadAnyBytesWithoutThrowing() {
        FuzzCases.check(FuzzCases.SEED, RANGE_CASES, random -> {
            byte[] bytes = arbitraryBytes(random);
            if (random.nextBoolean()) {
                byte[] prefix = random.nextBoolean() ? InstructionBoundaries.SYNC : InstructionBoundaries.ERROR;
                byte[] prefixed = Arrays.copyOf(prefix, prefix.length + bytes.length);
                System.arraycopy(bytes, 0, prefixed, prefix.length, bytes.length);
                bytes = prefixed;
            }
            // Mostly the whole of it, as the relay hands over an instruction it found; else any range.
            int from = random.nextInt(4) == 0 ? random.nextInt(bytes.length + 1) : 0;
            int to = random.nextInt(4) == 0 ? from + random.nextInt(bytes.length - from + 1) : bytes.length;
            try {
                assertTrue(ViewerPace.syncTimestamp(bytes, from, to) >= -1);
                GuacdErrors.Told told = GuacdErrors.read(bytes, from, to);
                assertNotNull(told.status());
                assertNotNull(told.message());
                assertNotNull(told.guacdText());
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError(e + " for bytes [" + from + ", " + to + ") of " + shown(bytes), e);
            }
        });
    }

    // The properties.

    /**
     * Reads {@code stream} as the instruction stream does (with ends mostly, without for one in four), in reads cut
     * at random, and as the handshake does: each finds the ends {@code expected} has and fails in the read that
     * brings its fault.
     *
     * @return the instructions the handshake read, decoded; null for each it could not decode
     */
    private static List<GuacamoleInstruction> checkStream(SplittableRandom random, byte[] stream, Expected expected)
            throws Exception {
        int[] cuts = FuzzCases.cuts(random, stream.length);
        boolean withEnds = random.nextInt(4) != 0;
        try {
            StreamModel model = new StreamModel(withEnds);
            model.read(stream, cuts);
            assertEquals(expected.errorAt() >= 0, model.failedFrom >= 0, "whether the stream fails");
            if (expected.errorAt() >= 0) {
                assertTrue(expected.errorAt() >= model.failedFrom && expected.errorAt() < model.failedTo,
                        "the read of bytes [" + model.failedFrom + ", " + model.failedTo + ") fails, the fault is at"
                                + " byte " + expected.errorAt());
            }
            // What a scan that fails has found is never delivered: the stream ends.
            int delivered = expected.errorAt() >= 0 ? model.failedFrom : stream.length;
            List<Integer> ends = expected.ends().stream().filter(end -> end <= delivered).toList();
            if (withEnds) {
                assertEquals(ends, model.delivered, "the ends delivered");
            } else {
                assertTrue(ends.containsAll(model.delivered), "a delivery ends where no instruction does");
                assertEquals(ends.isEmpty() ? -1 : ends.get(ends.size() - 1),
                        model.delivered.isEmpty() ? -1 : model.delivered.get(model.delivered.size() - 1),
                        "the last end delivered");
            }
            return checkHandshake(stream, expected, cuts);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\n    reads cut at " + Arrays.toString(cuts)
                    + (withEnds ? ", with ends" : ", without ends") + "\n    stream: " + shown(stream), e);
        }
    }

    /**
     * Reads {@code stream} one instruction at a time as the handshake does, each decoded: the instructions are
     * those {@code expected} ends, until the fault; decoding fails, if at all, only as guacd's malformed
     * instruction.
     *
     * @return the instructions read, decoded; null for each that could not be
     */
    private static List<GuacamoleInstruction> checkHandshake(byte[] stream, Expected expected, int[] cuts)
            throws Exception {
        HandshakeModel handshake = new HandshakeModel(stream, cuts);
        List<Integer> ends = new ArrayList<>();
        List<GuacamoleInstruction> decoded = new ArrayList<>();
        boolean failed = false;
        while (true) {
            String text;
            try {
                text = handshake.readInstruction();
            } catch (InstructionBoundaries.MalformedInstructionException e) {
                failed = true;
                break;
            }
            if (text == null) {
                break;
            }
            ends.add(handshake.consumed);
            try {
                decoded.add(InstructionDecoder.decode(text));
            } catch (GuacamoleServerException e) {
                // What Keyhole cannot read ends the handshake; reading on checks the scanner further.
                decoded.add(null);
            } catch (RuntimeException e) {
                throw new AssertionError("decoding " + FuzzCases.shown(text, 200) + " threw " + e, e);
            }
        }
        List<Integer> before = expected.ends().stream()
                .filter(end -> expected.errorAt() < 0 || end <= expected.errorAt()).toList();
        assertEquals(before, ends, "the instructions the handshake reads");
        assertEquals(expected.errorAt() >= 0, failed, "whether the handshake fails");
        return decoded;
    }

    /** The relay's look into a valid stream's instructions: a {@code sync}'s timestamp, an {@code error}'s status. */
    private static void checkSyncsAndErrors(byte[] stream, List<Integer> ends, List<List<String>> instructions) {
        int start = 0;
        for (int i = 0; i < ends.size(); i++) {
            int end = ends.get(i);
            List<String> elements = instructions.get(i);
            boolean sync = elements.get(0).equals("sync") && elements.size() > 1;
            assertEquals(sync, InstructionBoundaries.startsWith(stream, start, end, InstructionBoundaries.SYNC));
            if (sync) {
                String timestamp = elements.get(1);
                long expected = timestamp.length() >= 1 && timestamp.length() <= 18
                        && timestamp.chars().allMatch(c -> c >= '0' && c <= '9') ? Long.parseLong(timestamp) : -1;
                assertEquals(expected, ViewerPace.syncTimestamp(stream, start, end), "the timestamp of " + elements);
            }
            boolean error = elements.get(0).equals("error") && elements.size() > 1;
            assertEquals(error, InstructionBoundaries.startsWith(stream, start, end, InstructionBoundaries.ERROR));
            if (error) {
                GuacdErrors.Told told = GuacdErrors.read(stream, start, end);
                assertEquals(Printable.of(elements.get(1), 200), told.guacdText());
                assertEquals(errorStatus(elements), told.status());
            }
            start = end;
        }
    }

    private static GuacamoleStatus errorStatus(List<String> elements) {
        if (elements.size() < 3) {
            return GuacamoleStatus.SERVER_ERROR;
        }
        try {
            GuacamoleStatus status = GuacamoleStatus.fromGuacamoleStatusCode(Integer.parseInt(elements.get(2)));
            return status == null ? GuacamoleStatus.SERVER_ERROR : status;
        } catch (NumberFormatException e) {
            return GuacamoleStatus.SERVER_ERROR;
        }
    }

    // How Keyhole reads guacd.

    /**
     * What {@link InstructionStream} does with what guacd sends, read by read, without the socket: the handshake's
     * read-ahead first, in a buffer of {@link InstructionStream#INITIAL_BUFFER}; each read into the free end of the
     * buffer (at most that much), grown when a read fills it and shrunk when guacd sends little again
     * ({@code fitBuffer}), doubled when full before a read; a scan of what came since the last scan, with the
     * scanner's state carried over; a delivery of everything up to the last end found; then what follows it moved
     * to the front, and the ends cleared.
     */
    private static final class StreamModel {

        private final boolean withEnds;
        private final InstructionBoundaries boundaries = new InstructionBoundaries();
        private final InstructionBoundaries.Ends ends = new InstructionBoundaries.Ends();
        private byte[] buffer = new byte[InstructionStream.INITIAL_BUFFER];
        private int filled;
        private int scanned;
        /** Where {@code buffer[0]} is in the stream. */
        private int consumed;

        /** The ends delivered, in the stream. */
        final List<Integer> delivered = new ArrayList<>();
        /** The bytes of the stream the failing scan had, {@code [failedFrom, failedTo)}; -1 if none failed. */
        int failedFrom = -1;
        int failedTo = -1;

        StreamModel(boolean withEnds) {
            this.withEnds = withEnds;
        }

        /** @param cuts the stream in the pieces guacd's writes arrive in; the first is the handshake's read-ahead */
        void read(byte[] stream, int[] cuts) {
            Arrivals arrivals = new Arrivals(stream, cuts);
            filled = arrivals.read(buffer, 0);
            while (true) {
                // scanAndDeliver
                int end;
                try {
                    end = boundaries.scan(buffer, scanned, filled, withEnds ? ends : null);
                } catch (InstructionBoundaries.MalformedInstructionException e) {
                    failedFrom = consumed + scanned;
                    failedTo = consumed + filled;
                    return;
                }
                scanned = filled;
                if (end > 0) {
                    deliver(end);
                    continue;
                }
                if (filled == buffer.length) {
                    assertTrue(buffer.length < InstructionStream.MAX_BUFFER, "no stream here is that long");
                    buffer = Arrays.copyOf(buffer, buffer.length * 2);
                }
                if (arrivals.over()) {
                    return;
                }
                int count = arrivals.read(buffer, filled);
                filled += count;
                fitBuffer(count);
            }
        }

        /** The reader gets {@code buffer[0, end)} and resumes at once. */
        private void deliver(int end) {
            if (withEnds) {
                assertTrue(ends.count() > 0, "a delivery without ends");
                assertEquals(end, ends.get(ends.count() - 1), "the last end is where the delivery ends");
                for (int i = 0; i < ends.count(); i++) {
                    delivered.add(consumed + ends.get(i));
                }
            } else {
                assertEquals(0, ends.count(), "ends kept for a reader that does not ask for them");
                delivered.add(consumed + end);
            }
            // resume
            System.arraycopy(buffer, end, buffer, 0, filled - end);
            filled -= end;
            scanned -= end;
            consumed += end;
            ends.clear();
        }

        private void fitBuffer(int lastRead) {
            if (filled == buffer.length && buffer.length < InstructionStream.STREAMING_BUFFER) {
                buffer = Arrays.copyOf(buffer, buffer.length * 2);
            } else if (lastRead < InstructionStream.INITIAL_BUFFER / 4
                    && buffer.length > InstructionStream.INITIAL_BUFFER
                    && filled < InstructionStream.INITIAL_BUFFER / 2) {
                buffer = Arrays.copyOf(buffer, InstructionStream.INITIAL_BUFFER);
            }
        }
    }

    /**
     * What {@link GuacdHandshake} does to read one instruction: a new scanner for each, {@code scanOne} from the
     * buffer's start and then over each read, the instruction taken from the front, the rest moved there.
     */
    private static final class HandshakeModel {

        private final Arrivals arrivals;
        private byte[] buffer = new byte[InstructionStream.INITIAL_BUFFER];
        private int filled;
        /** Where {@code buffer[0]} is in the stream. */
        int consumed;

        HandshakeModel(byte[] stream, int[] cuts) {
            this.arrivals = new Arrivals(stream, cuts);
        }

        /** @return the next instruction's text, decoded as the handshake decodes it; null at the stream's end */
        String readInstruction() throws InstructionBoundaries.MalformedInstructionException {
            InstructionBoundaries single = new InstructionBoundaries();
            int end;
            int from = 0;
            while (true) {
                end = single.scanOne(buffer, from, filled);
                from = filled;
                if (end > 0) {
                    break;
                }
                if (filled == buffer.length) {
                    buffer = Arrays.copyOf(buffer, buffer.length * 2);
                }
                if (arrivals.over()) {
                    return null;
                }
                filled += arrivals.read(buffer, filled);
            }
            String text = new String(buffer, 0, end, StandardCharsets.UTF_8);
            System.arraycopy(buffer, end, buffer, 0, filled - end);
            filled -= end;
            consumed += end;
            return text;
        }
    }

    /**
     * The stream as guacd's writes bring it, {@code stream[cuts[i], cuts[i + 1])} each: a read takes what has
     * arrived of the write under way, at most what the buffer has room for.
     */
    private static final class Arrivals {

        private final byte[] stream;
        private final int[] cuts;
        private int cut;
        private int arrived;

        Arrivals(byte[] stream, int[] cuts) {
            this.stream = stream;
            this.cuts = cuts;
        }

        /** @return whether the whole stream has been read */
        boolean over() {
            return arrived == stream.length;
        }

        /** @return how many bytes one read put into {@code buffer} at {@code at}; 0 only at the stream's end */
        int read(byte[] buffer, int at) {
            if (over()) {
                return 0;
            }
            while (cuts[cut] <= arrived) {
                cut++;
            }
            int count = Math.min(cuts[cut] - arrived, buffer.length - at);
            System.arraycopy(stream, arrived, buffer, at, count);
            arrived += count;
            return count;
        }
    }

    // The references.

    /** Where a stream's instructions end (the index past each {@code ;}), and where it breaks (-1: nowhere). */
    record Expected(List<Integer> ends, int errorAt) {
    }

    /**
     * Reads a valid UTF-8 stream character by character, as the protocol defines it: LENGTH counts Unicode code
     * points, and is at most {@link InstructionBoundaries#MAX_ELEMENT_LENGTH}, in at most 7 digits. The streams
     * given it are strings without lone surrogates, encoded: valid UTF-8.
     */
    static Expected reference(byte[] stream) {
        String text = new String(stream, StandardCharsets.UTF_8);
        List<Integer> ends = new ArrayList<>();
        boolean inLength = true;
        int length = 0;
        int digits = 0;
        int at = 0;
        for (int i = 0; i < text.length(); ) {
            int c = text.codePointAt(i);
            if (inLength) {
                if (c >= '0' && c <= '9') {
                    length = length * 10 + (c - '0');
                    if (++digits > 7 || length > InstructionBoundaries.MAX_ELEMENT_LENGTH) {
                        return new Expected(ends, at);
                    }
                } else if (c == '.' && digits > 0) {
                    inLength = false;
                } else {
                    return new Expected(ends, at);
                }
            } else if (length > 0) {
                length--;
            } else if (c == ';' || c == ',') {
                if (c == ';') {
                    ends.add(at + 1);
                }
                inLength = true;
                digits = 0;
            } else {
                return new Expected(ends, at);
            }
            at += utf8Length(c);
            i += Character.charCount(c);
        }
        return new Expected(ends, -1);
    }

    /** The scanner's own reading of any bytes, a byte per call: where it finds ends, and the byte it fails at. */
    private static Expected bytewise(byte[] stream) {
        InstructionBoundaries boundaries = new InstructionBoundaries();
        InstructionBoundaries.Ends ends = new InstructionBoundaries.Ends();
        List<Integer> found = new ArrayList<>();
        for (int i = 0; i < stream.length; i++) {
            try {
                int end = boundaries.scan(stream, i, i + 1, ends);
                assertEquals(end > 0 ? 1 : 0, ends.count());
                if (end > 0) {
                    assertEquals(i + 1, end);
                    found.add(end);
                }
            } catch (InstructionBoundaries.MalformedInstructionException e) {
                return new Expected(found, i);
            }
            ends.clear();
        }
        return new Expected(found, -1);
    }

    private static int utf8Length(int codePoint) {
        return codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
    }

    // The generators.

    /** @return an instruction as guacd might send it: an opcode and elements of any characters */
    private static List<String> instruction(SplittableRandom random) {
        List<String> elements = new ArrayList<>();
        elements.add(random.nextInt(8) == 0 ? value(random, 1 + random.nextInt(8))
                : OPCODES.get(random.nextInt(OPCODES.size())));
        // Now and then as many as guacd's args for RDP has.
        int args = random.nextInt(50) == 0 ? random.nextInt(80) : random.nextInt(6);
        for (int i = 0; i < args; i++) {
            if (i == 0 && elements.get(0).equals("sync") || i == 1 && elements.get(0).equals("error")) {
                elements.add(random.nextInt(8) == 0 ? value(random, random.nextInt(4))
                        : Long.toString(random.nextLong() >>> random.nextInt(64)));
            } else {
                elements.add(value(random, FuzzCases.length(random, LONGEST_ELEMENT)));
            }
        }
        if (elements.get(0).equals("error") && elements.size() == 3 && random.nextBoolean()) {
            GuacamoleStatus[] statuses = GuacamoleStatus.values();
            elements.set(2, Integer.toString(statuses[random.nextInt(statuses.length)].getGuacamoleStatusCode()));
        }
        return elements;
    }

    /** @return {@code length} code points: ASCII as image data has it, Unicode of every width, or both */
    private static String value(SplittableRandom random, int length) {
        int kind = random.nextInt(8);
        if (kind < 4 || length > 3000 && kind < 6) {
            int from = random.nextInt(ASCII_POOL.length() - length + 1);
            StringBuilder value = new StringBuilder(ASCII_POOL.substring(from, from + length));
            if (kind > 0 && length > 0) {
                // A few characters of more than one byte among the ASCII, where the skip over ASCII must stop.
                for (int i = random.nextInt(4); i >= 0; i--) {
                    int at = random.nextInt(value.length());
                    if (!Character.isSurrogate(value.charAt(at))) {
                        value.replace(at, at + 1, Character.toString(FuzzCases.codePoint(random)));
                    }
                }
            }
            return value.toString();
        }
        if (kind == 6) {
            // One character of many bytes, over and over: the longest elements in bytes.
            return Character.toString(random.nextBoolean() ? 0x1F600 : FuzzCases.codePoint(random)).repeat(length);
        }
        if (length <= 300) {
            return FuzzCases.appendText(new StringBuilder(), random, length).toString();
        }
        return new String(UNICODE_POOL, random.nextInt(UNICODE_POOL.length - length + 1), length);
    }

    /** Breaks a valid stream's text: a length, a terminator or a value changed, characters in or out. */
    private static void mutate(SplittableRandom random, StringBuilder text) {
        int at = random.nextInt(text.length() + 1);
        switch (random.nextInt(6)) {
            case 0 -> text.insert(at, List.of("1", "0", ";", ",", ".", "x", "\u00E9", "\uD83D\uDE00")
                    .get(random.nextInt(8)));
            case 1 -> text.delete(at, Math.min(text.length(), at + 1 + random.nextInt(3)));
            case 2 -> text.insert(at, List.of("99999999", "00000001", "4194305", "4194304", "-1", "1.", ".1;",
                    "0.;", "9999999.").get(random.nextInt(9)));
            case 3 -> text.setLength(at);
            default -> {
                // A length one more or one less than its value.
                int dot = text.indexOf(".", at);
                int digit = dot - 1;
                if (digit >= 0 && Character.isDigit(text.charAt(digit))) {
                    int value = text.charAt(digit) - '0';
                    text.setCharAt(digit, (char) ('0' + (value + (random.nextBoolean() ? 1 : 9)) % 10));
                }
            }
        }
        // Never half a surrogate pair: the stream stays valid UTF-8, which the reference reads.
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean paired = Character.isHighSurrogate(c) && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1));
            if (paired) {
                i++;
            } else if (Character.isSurrogate(c)) {
                text.setCharAt(i, 'x');
            }
        }
    }

    /**
     * @return bytes of any kind: random; the protocol's own characters among UTF-8's lead and continuation bytes;
     *         a valid stream with bytes changed or put in, which is no longer valid UTF-8 mostly; or elements of
     *         characters that are not UTF-8, counted as the scanner counts them
     */
    private static byte[] arbitraryBytes(SplittableRandom random) {
        int kind = random.nextInt(4);
        if (kind == 0) {
            byte[] bytes = new byte[random.nextInt(300)];
            random.nextBytes(bytes);
            return bytes;
        }
        if (kind == 1) {
            byte[] bytes = new byte[random.nextInt(300)];
            byte[] alphabet = "0123456789.,;;,..x\u0000".getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i < bytes.length; i++) {
                int what = random.nextInt(10);
                bytes[i] = what < 6 ? alphabet[random.nextInt(alphabet.length)]
                        : what < 8 ? (byte) random.nextInt(0x80, 0xC0) : (byte) random.nextInt(0xC0, 0x100);
            }
            return bytes;
        }
        StringBuilder text = new StringBuilder();
        for (int i = 1 + random.nextInt(4); i > 0; i--) {
            List<String> elements = instruction(random);
            elements.replaceAll(element -> element.length() > 100 ? element.substring(0, 100) : element);
            encode(text, elements);
        }
        byte[] valid = text.toString().getBytes(StandardCharsets.UTF_8);
        if (kind == 2) {
            byte[] bytes = Arrays.copyOf(valid, valid.length + 3);
            for (int i = 1 + random.nextInt(3); i > 0; i--) {
                int at = random.nextInt(valid.length);
                if (random.nextBoolean()) {
                    bytes[at] = (byte) random.nextInt(0x80, 0x100);
                } else {
                    System.arraycopy(bytes, at, bytes, at + 1, bytes.length - at - 1);
                    bytes[at] = (byte) random.nextInt(0x80, 0xC0);
                }
            }
            return Arrays.copyOf(bytes, valid.length + random.nextInt(4));
        }
        // Elements of "characters" the scanner counts (a byte that is not 10xxxxxx, then 10xxxxxx bytes), which are
        // not UTF-8: a stray continuation byte first, a lead byte without its continuation, five-byte forms.
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.writeBytes(valid);
        for (int i = 1 + random.nextInt(3); i > 0; i--) {
            int characters = random.nextInt(6);
            bytes.writeBytes((characters + ".").getBytes(StandardCharsets.US_ASCII));
            if (random.nextBoolean()) {
                bytes.write(random.nextInt(0x80, 0xC0));
            }
            for (int c = 0; c < characters; c++) {
                int lead = random.nextInt(3) == 0 ? random.nextInt(0xC0, 0x100)
                        : ",.;0123456789x".charAt(random.nextInt(14));
                bytes.write(lead);
                for (int k = random.nextInt(4); k > 0; k--) {
                    bytes.write(random.nextInt(0x80, 0xC0));
                }
            }
            bytes.write(i == 1 ? ';' : ',');
        }
        return bytes.toByteArray();
    }

    /** Appends {@code elements} as one instruction, with the right lengths. */
    private static void encode(StringBuilder text, List<String> elements) {
        text.append(encoded(elements));
    }

    private static String encoded(List<String> elements) {
        return new GuacamoleInstruction(elements.get(0), elements.subList(1, elements.size())).toString();
    }

    private static int[] unicodePool() {
        SplittableRandom random = new SplittableRandom(FuzzCases.SEED);
        return FuzzCases.appendText(new StringBuilder(), random, 2 * LONGEST_ELEMENT).codePoints().toArray();
    }

    private static String asciiPool() {
        SplittableRandom random = new SplittableRandom(FuzzCases.SEED);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=";
        StringBuilder pool = new StringBuilder();
        for (int i = 0; i < 2 * LONGEST_ELEMENT; i++) {
            pool.append(random.nextInt(64) == 0 ? ";,.".charAt(random.nextInt(3))
                    : alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return pool.toString();
    }

    /** @return {@code bytes} for a failure message: ASCII as it is, any other byte in hex; cut after 2,000 */
    private static String shown(byte[] bytes) {
        StringBuilder shown = new StringBuilder();
        for (int i = 0; i < bytes.length && shown.length() < 2000; i++) {
            int b = bytes[i] & 0xFF;
            shown.append(b >= 0x20 && b < 0x7F && b != '\\' ? String.valueOf((char) b) : String.format("\\x%02X", b));
        }
        return shown.length() < 2000 ? shown.toString() : shown + "… (" + bytes.length + " bytes)";
    }
}
