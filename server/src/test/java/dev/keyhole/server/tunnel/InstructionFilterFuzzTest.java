package dev.keyhole.server.tunnel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keyhole.server.access.TestCallers;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.guacamole.protocol.GuacamoleInstruction;
import org.apache.guacamole.protocol.GuacamoleParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Fuzzes what the browser sends: {@link InstructionFilter#accept} and {@link Tunnel#receive} on generated
 * messages, 1,050,000 inputs for the filter ({@code …_CASES} below) and 5,000 more through a tunnel, all
 * from the seed {@code 0x6B6579686F6C65L} ({@link FuzzCases#SEED}, "keyhole" in ASCII), so every run sees the same
 * inputs.
 *
 * <p>The inputs: well-formed instructions of every allowed opcode and the tunnel's ping, cut into messages
 * anywhere (also inside an element, a length or a surrogate pair, so that a message ends mid-instruction);
 * the same mutated (lengths wrong, beyond the element, negative, padded, beyond an {@code int}; a {@code ;},
 * {@code ,} or {@code .} missing; elements missing or extra; arguments of the wrong shape; forbidden opcodes);
 * well-framed elements of any Unicode (pairs, lone surrogates, U+0000, U+FFFF, combining marks, four-byte
 * characters); elements, instructions and messages at and beyond each of the filter's limits; and garbage.
 *
 * <p>Each input is checked against a reference: a slow, whole-text reading of the protocol as the filter documents
 * it (lengths in code points, its limits, its allowed instructions), which says for each message what the filter
 * must give or that it must refuse, and with which status. The properties: no exception but
 * {@link TunnelException} leaves {@code accept}; a refusal has the status {@code TunnelProtocolTest} expects from
 * the running server (768 for anything malformed, 771 for a forbidden opcode) or 781 for an instruction beyond
 * 4,096 characters, and every later message is refused too; what is accepted is what the reference accepts, only
 * allowed instructions with arguments of their shape, and it re-encodes to text that guacamole-common's parser and
 * a fresh filter read back to the same elements. A tunnel closes with the filter's status and message.
 */
class InstructionFilterFuzzTest {

    private static final int MALFORMED = 768;
    private static final int FORBIDDEN = 771;
    private static final int OVERRUN = 781;

    private static final String MALFORMED_PREFIX = "Malformed instruction from the browser: ";

    /** A decimal integer of at most 19 digits, perhaps negative. */
    private static final Predicate<String> INTEGER =
            text -> isDigits(text.startsWith("-") ? text.substring(1) : text, 19);
    private static final Predicate<String> BIT = text -> text.equals("0") || text.equals("1");
    /** A decimal number: at most 10 digits, perhaps negative, perhaps with a fraction of at most 10 digits. */
    private static final Predicate<String> NUMBER = text -> {
        int point = text.indexOf('.');
        String whole = point < 0 ? text : text.substring(0, point);
        return isDigits(whole.startsWith("-") ? whole.substring(1) : whole, 10)
                && (point < 0 || isDigits(text.substring(point + 1), 10));
    };
    /** Printable ASCII, at most as long as the longest element. */
    private static final Predicate<String> TEXT = text -> text.length() <= InstructionFilter.MAX_ELEMENT_LENGTH
            && text.chars().allMatch(c -> c >= 0x20 && c < 0x7F);

    /** What a console session may send, as guacamole-common-js sends it: opcode, then each argument's shape. */
    private static final Map<String, List<Predicate<String>>> ALLOWED = Map.of(
            "key", List.of(INTEGER, BIT),
            "mouse", List.of(INTEGER, INTEGER, INTEGER, INTEGER),
            "touch", List.of(NUMBER, NUMBER, NUMBER, NUMBER, NUMBER, NUMBER, NUMBER),
            "size", List.of(INTEGER, INTEGER, INTEGER),
            "sync", List.of(INTEGER, INTEGER),
            "nop", List.of(),
            "ack", List.of(INTEGER, TEXT, INTEGER),
            "disconnect", List.of());

    /** How many arguments each allowed opcode needs at least; at most one per shape above. */
    private static final Map<String, Integer> LEAST_ARGUMENTS = Map.of("key", 2, "mouse", 3, "touch", 7, "size", 2,
            "sync", 1, "nop", 0, "ack", 3, "disconnect", 0);

    /** The allowed opcodes in a fixed order (a {@code Map.of}'s order changes from run to run). */
    private static final List<String> OPCODES = List.of("key", "mouse", "touch", "size", "sync", "nop", "ack",
            "disconnect");

    /** Opcodes that guacamole-common-js or guacd know and a console session must not send, and near misses. */
    private static final List<String> FORBIDDEN_OPCODES = List.of("select", "connect", "clipboard", "put", "blob",
            "end", "file", "pipe", "argv", "audio", "video", "img", "name", "args", "ready", "error", "log", "nest",
            "keyy", "Key", "ke", "sync ", " nop", "ack\u0000", "m\u00F6use", "ping", "\uD83D\uDE00", "\uDE00",
            "\u0301", "\uFFFF");

    /** What mutations put into an instruction's text. */
    private static final List<String> TOKENS = List.of(";", ",", ".", "0", "9", "-", "+", " ", "1.", "0.,", "0.;",
            "99999", "00000", "000000", "256", "257", "2147483648", "4294967298", "99999999999999999999", "\u0000",
            "\uFFFF", "\u0301", "\uD83D\uDE00", "\uD83D", "\uDE00", "x", "5.mouse,", "3.nop;", "6.select,");

    // Inputs of each kind; 1,050,000 in all.
    private static final int VALID_CASES = 200_000;
    private static final int MUTATED_CASES = 400_000;
    private static final int UNICODE_CASES = 150_000;
    private static final int LIMIT_CASES = 100_000;
    private static final int GARBAGE_CASES = 200_000;
    /** Inputs through a whole tunnel, on top of those. */
    private static final int TUNNEL_CASES = 5_000;

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void wellFormedSessionsPassWhateverTheMessagesTheyAreCutInto() {
        FuzzCases.check(FuzzCases.SEED, VALID_CASES, random -> {
            List<String> messages = cut(random, session(random, 1 + random.nextInt(8), false));
            Outcome outcome = checkFilter(messages);
            assertEquals(-1, outcome.failAt(), "a well-formed session is refused");
        });
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void mutatedSessionsAreRefusedWithTheRightStatusAndNothingForbiddenPasses() {
        FuzzCases.check(FuzzCases.SEED, MUTATED_CASES, random -> {
            checkFilter(cut(random, mutatedSession(random)));
        });
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void lengthsCountCodePointsOfAnyUnicode() {
        FuzzCases.check(FuzzCases.SEED, UNICODE_CASES, random -> {
            StringBuilder text = new StringBuilder();
            for (int i = 1 + random.nextInt(3); i > 0; i--) {
                List<String> elements = new ArrayList<>();
                elements.add(random.nextInt(3) == 0 ? unicode(random, 1 + random.nextInt(6))
                        : OPCODES.get(random.nextInt(OPCODES.size())));
                for (int arg = random.nextInt(5); arg > 0; arg--) {
                    elements.add(unicode(random, FuzzCases.length(random, InstructionFilter.MAX_ELEMENT_LENGTH)));
                }
                encode(text, elements);
            }
            if (random.nextBoolean()) {
                encode(text, validInstruction(random));
            }
            checkFilter(cut(random, text));
        });
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void elementsInstructionsAndMessagesAtAndBeyondEveryLimit() {
        FuzzCases.check(FuzzCases.SEED, LIMIT_CASES, random -> {
            int kind = random.nextInt(32);
            StringBuilder text = kind < 10 ? longElement(random) : kind < 20 ? manyElements(random)
                    : kind < 31 ? longInstruction(random)
                    // Long messages; now and then one near the 64 KiB a WebSocket message may have.
                    : session(random, random.nextInt(16) == 0 ? 1500 + random.nextInt(1500) : 20 + random.nextInt(200),
                            random.nextInt(4) == 0);
            checkFilter(cut(random, text));
        });
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void garbageIsRefusedAsMalformedOrForbidden() {
        FuzzCases.check(FuzzCases.SEED, GARBAGE_CASES, random -> {
            List<String> messages = new ArrayList<>();
            for (int i = 1 + random.nextInt(4); i > 0; i--) {
                messages.add(garbage(random).toString());
            }
            checkFilter(messages);
        });
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aTunnelClosesWithTheFiltersStatusAndMessage() {
        FuzzCases.check(FuzzCases.SEED, TUNNEL_CASES, random -> {
            checkTunnel(cut(random, mutatedSession(random)));
        });
    }

    /** A session of up to six instructions, forbidden ones among them, mutated up to twice. */
    private static StringBuilder mutatedSession(SplittableRandom random) {
        StringBuilder text = session(random, 1 + random.nextInt(6), true);
        for (int i = random.nextInt(3); i > 0; i--) {
            mutateText(random, text);
        }
        return text;
    }

    // The properties.

    /**
     * Feeds {@code messages} to a fresh filter, one by one, and checks what each gives against the reference.
     *
     * @return the reference's outcome, for properties of their own
     */
    private static Outcome checkFilter(List<String> messages) throws Exception {
        String text = String.join("", messages);
        Outcome expected = reference(text);
        try {
            InstructionFilter filter = new InstructionFilter();
            int from = 0;
            int step = 0;
            for (String message : messages) {
                int to = from + message.length();
                boolean refusedHere = expected.failAt() >= 0 && expected.failAt() < to;
                List<InstructionFilter.Checked> checked;
                try {
                    checked = filter.accept(message);
                } catch (TunnelException e) {
                    assertTrue(refusedHere, "refused, though the reference accepts: " + e.getMessage());
                    assertRefusal(expected, e);
                    break;
                } catch (RuntimeException e) {
                    throw new AssertionError("accept threw " + e, e);
                }
                assertFalse(refusedHere, "not refused; the reference refuses at character " + expected.failAt()
                        + " with " + expected.status());
                for (InstructionFilter.Checked one : checked) {
                    assertTrue(step < expected.accepted().size(), "more instructions than the reference accepts");
                    Accepted reference = expected.accepted().get(step++);
                    assertTrue(reference.end() >= from && reference.end() < to, "an instruction given too early");
                    assertAccepted(reference.elements(), one);
                }
                from = to;
            }
            if (expected.failAt() < 0) {
                assertEquals(expected.accepted().size(), step, "instructions the reference accepts are missing");
            } else {
                TunnelException again = assertThrows(TunnelException.class,
                        () -> filter.accept("3.nop;"), "a later message is accepted after a refusal");
                assertEquals(expected.status(), again.status().getGuacamoleStatusCode());
            }
            return expected;
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\n    messages: " + shown(messages), e);
        }
    }

    /** A refusal has the status the reference says, and a message that names no argument. */
    private static void assertRefusal(Outcome expected, TunnelException e) {
        int code = e.status().getGuacamoleStatusCode();
        assertEquals(expected.status(), code, () -> "the refusal's status, for \"" + e.getMessage() + "\"");
        if (code == FORBIDDEN) {
            assertTrue(e.getMessage().startsWith("Instruction \"") && e.getMessage().endsWith("\" is not allowed"),
                    e.getMessage());
            assertTrue(e.getMessage().chars().allMatch(c -> c >= 0x20 && c < 0x7F || c == '…'),
                    "the opcode is shown in printable ASCII: " + FuzzCases.shown(e.getMessage(), 100));
        } else {
            assertTrue(e.getMessage().startsWith(MALFORMED_PREFIX), e.getMessage());
        }
    }

    /**
     * What the filter gave for one instruction is that instruction, of the kind its opcode calls for, and reads
     * back the same when encoded again.
     */
    private static void assertAccepted(List<String> elements, InstructionFilter.Checked checked) throws Exception {
        String opcode = elements.get(0);
        assertTrue(allowed(elements), "a forbidden instruction was let through");
        if (opcode.equals("size")) {
            assertInstanceOf(InstructionFilter.Drop.class, checked);
            return;
        }
        GuacamoleInstruction instruction = opcode.isEmpty()
                ? assertInstanceOf(InstructionFilter.Ping.class, checked).reply()
                : assertInstanceOf(InstructionFilter.Forward.class, checked).instruction();
        assertEquals(elements, elements(instruction));

        String encoded = instruction.toString();
        GuacamoleParser parser = new GuacamoleParser();
        char[] chars = encoded.toCharArray();
        int parsed = 0;
        while (parsed < chars.length) {
            parsed += parser.append(chars, parsed, chars.length - parsed);
        }
        assertTrue(parser.hasNext(), "guacamole-common reads no instruction in " + encoded);
        assertEquals(elements, elements(parser.next()), "guacamole-common reads it back");
        assertFalse(parser.hasNext());

        List<InstructionFilter.Checked> again = new InstructionFilter().accept(encoded);
        assertEquals(1, again.size());
        assertEquals(checked.getClass(), again.get(0).getClass(), "a fresh filter reads it back");
        assertEquals(elements, elements(again.get(0) instanceof InstructionFilter.Ping ping ? ping.reply()
                : ((InstructionFilter.Forward) again.get(0)).instruction()), "a fresh filter reads it back");
    }

    /**
     * Feeds {@code messages} to a tunnel not yet connected to guacd: it closes once, for the first of a refusal
     * (with the reference's status and the filter's message), a {@code disconnect}, or too much input waiting for
     * guacd.
     */
    private static void checkTunnel(List<String> messages) {
        String text = String.join("", messages);
        Outcome expected = reference(text);
        RecordingBrowser browser = new RecordingBrowser();
        Tunnel tunnel = new Tunnel(new TunnelRequest("test", TestCallers.operator("127.0.0.1")), browser, t -> { });
        InstructionFilter filter = new InstructionFilter();
        String expectedClose = null;
        // What the tunnel holds for guacd, not connected yet: beyond 64 KiB (Tunnel's MAX_EARLY_BYTES) it closes.
        int early = 0;
        int from = 0;
        int step = 0;
        for (String message : messages) {
            if (browser.reason != null) {
                // The WebSocket is closed: nothing more arrives.
                break;
            }
            tunnel.receive(message);
            int to = from + message.length();
            if (expectedClose == null) {
                if (expected.failAt() >= 0 && expected.failAt() < to) {
                    TunnelException refusal = assertThrows(TunnelException.class,
                            () -> filter.accept(text.substring(0, to)));
                    expectedClose = expected.status() + " " + refusal.getMessage();
                } else {
                    for (; step < expected.accepted().size() && expected.accepted().get(step).end() < to; step++) {
                        List<String> elements = expected.accepted().get(step).elements();
                        if (elements.get(0).equals("disconnect")) {
                            expectedClose = early > 64 * 1024 ? OVERRUN + " " : "0 Disconnected";
                            break;
                        }
                        if (!elements.get(0).isEmpty() && !elements.get(0).equals("size")) {
                            early += encodedBytes(elements);
                        }
                    }
                    if (expectedClose == null && early > 64 * 1024) {
                        expectedClose = OVERRUN + " ";
                    }
                }
            }
            from = to;
        }
        String shown = "\n    messages: " + shown(messages);
        assertTrue(browser.closes <= 1, "the tunnel closed " + browser.closes + " times" + shown);
        if (expectedClose == null) {
            assertNull(browser.reason, "the tunnel closed" + shown);
        } else if (expectedClose.endsWith(" ")) {
            assertNotNull(browser.reason, "the tunnel is still open" + shown);
            assertTrue(browser.reason.startsWith(expectedClose), browser.reason + shown);
        } else {
            assertEquals(expectedClose, browser.reason, "the tunnel's close reason" + shown);
        }
    }

    private static int encodedBytes(List<String> elements) {
        return new GuacamoleInstruction(elements.get(0), elements.subList(1, elements.size())).toString()
                .getBytes(StandardCharsets.UTF_8).length;
    }

    /** A browser that takes every frame at once and keeps how its tunnel was closed. */
    private static final class RecordingBrowser implements BrowserChannel {

        int closes;
        String reason;

        @Override
        public void send(ByteBuffer utf8, SendCallback callback) {
            callback.sent();
        }

        @Override
        public void close(TunnelStatus status, String message) {
            closes++;
            reason = status.code() + " " + message;
        }
    }

    // The reference: the protocol as InstructionFilter documents it, read from the whole text at once.

    /** An instruction the reference accepts: its elements, and the index of its {@code ;} in the whole text. */
    record Accepted(List<String> elements, int end) {
    }

    /**
     * What the filter must do with a text: accept these instructions, then refuse at character {@code failAt} with
     * {@code status}; {@code failAt} is -1 if it refuses nothing.
     */
    record Outcome(List<Accepted> accepted, int failAt, int status) {
    }

    private static Outcome reference(String text) {
        List<Accepted> accepted = new ArrayList<>();
        int start = 0;
        while (start < text.length()) {
            Outcome one = referenceInstruction(text, start);
            // The instruction's character beyond the longest is refused before anything else is looked at.
            int beyond = start + InstructionFilter.MAX_INSTRUCTION_LENGTH;
            int stop = one.failAt() >= 0 ? one.failAt() : one.accepted().isEmpty() ? text.length()
                    : one.accepted().get(0).end();
            if (stop >= beyond && beyond < text.length()) {
                return new Outcome(accepted, beyond, OVERRUN);
            }
            if (one.failAt() >= 0) {
                return new Outcome(accepted, one.failAt(), one.status());
            }
            if (one.accepted().isEmpty()) {
                break;
            }
            accepted.add(one.accepted().get(0));
            start = one.accepted().get(0).end() + 1;
        }
        return new Outcome(accepted, -1, 0);
    }

    /** @return the one instruction from {@code start}: accepted, refused, or neither when the text ends first */
    private static Outcome referenceInstruction(String text, int start) {
        List<String> elements = new ArrayList<>();
        int i = start;
        while (true) {
            int length = 0;
            int digits = 0;
            while (true) {
                if (i == text.length()) {
                    return new Outcome(List.of(), -1, 0);
                }
                char c = text.charAt(i);
                if (c >= '0' && c <= '9') {
                    length = length * 10 + (c - '0');
                    if (length > InstructionFilter.MAX_ELEMENT_LENGTH
                            || ++digits > InstructionFilter.MAX_LENGTH_DIGITS) {
                        return new Outcome(List.of(), i, MALFORMED);
                    }
                    i++;
                } else if (c == '.' && digits > 0) {
                    i++;
                    break;
                } else {
                    return new Outcome(List.of(), i, MALFORMED);
                }
            }
            // A code point is at most two characters: whether the text has `length` of them, counted in as many
            // characters as they can take, not to the text's end.
            if (text.codePointCount(i, Math.min(text.length(), i + 2 * length)) < length) {
                return new Outcome(List.of(), -1, 0);
            }
            int end = text.offsetByCodePoints(i, length);
            if (end == text.length()) {
                // The terminator is still to come.
                return new Outcome(List.of(), -1, 0);
            }
            char terminator = text.charAt(end);
            if (terminator != ',' && terminator != ';') {
                return new Outcome(List.of(), end, MALFORMED);
            }
            elements.add(text.substring(i, end));
            if (elements.size() == 1 && !elements.get(0).isEmpty() && !ALLOWED.containsKey(elements.get(0))) {
                return new Outcome(List.of(), end, FORBIDDEN);
            }
            if (terminator == ';') {
                return allowed(elements) ? new Outcome(List.of(new Accepted(elements, end)), -1, 0)
                        : new Outcome(List.of(), end, MALFORMED);
            }
            if (elements.size() == InstructionFilter.MAX_ELEMENTS) {
                return new Outcome(List.of(), end, MALFORMED);
            }
            i = end + 1;
        }
    }

    /** @return whether {@code elements} are an instruction a console session may send */
    private static boolean allowed(List<String> elements) {
        String opcode = elements.get(0);
        List<String> args = elements.subList(1, elements.size());
        if (opcode.isEmpty()) {
            return args.size() == 2 && args.get(0).equals("ping") && INTEGER.test(args.get(1));
        }
        List<Predicate<String>> shapes = ALLOWED.get(opcode);
        if (shapes == null || args.size() < LEAST_ARGUMENTS.get(opcode) || args.size() > shapes.size()) {
            return false;
        }
        for (int i = 0; i < args.size(); i++) {
            if (!shapes.get(i).test(args.get(i))) {
                return false;
            }
        }
        return true;
    }

    /** One to {@code most} decimal digits, nothing else. */
    private static boolean isDigits(String text, int most) {
        return !text.isEmpty() && text.length() <= most && text.chars().allMatch(c -> c >= '0' && c <= '9');
    }

    private static List<String> elements(GuacamoleInstruction instruction) {
        List<String> elements = new ArrayList<>();
        elements.add(instruction.getOpcode());
        elements.addAll(instruction.getArgs());
        return elements;
    }

    // The generators.

    /**
     * @param instructions how many
     * @param mutated      whether some of them are made wrong as they are encoded (a length, an element, an
     *                     argument, the opcode)
     * @return instructions a console session sends, encoded
     */
    private static StringBuilder session(SplittableRandom random, int instructions, boolean mutated) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < instructions; i++) {
            List<String> elements = validInstruction(random);
            if (mutated && random.nextInt(3) == 0) {
                mutateElements(random, elements);
            }
            int wrongLength = mutated && random.nextInt(4) == 0 ? random.nextInt(elements.size()) : -1;
            for (int e = 0; e < elements.size(); e++) {
                if (e > 0) {
                    text.append(',');
                }
                String value = elements.get(e);
                text.append(e == wrongLength ? wrongLength(random, value) : String.valueOf(codePoints(value)))
                        .append('.').append(value);
            }
            text.append(';');
        }
        return text;
    }

    /** @return an instruction of an allowed opcode (or the ping), with arguments of the shapes it takes */
    private static List<String> validInstruction(SplittableRandom random) {
        List<String> elements = new ArrayList<>();
        int which = random.nextInt(OPCODES.size() + 1);
        if (which == OPCODES.size()) {
            elements.add("");
            elements.add("ping");
            elements.add(integer(random));
            return elements;
        }
        String opcode = OPCODES.get(which);
        if (opcode.equals("disconnect") && random.nextInt(4) != 0) {
            // A disconnect ends what a tunnel reads: fewer of them, so that more of each session is read.
            opcode = "nop";
        }
        elements.add(opcode);
        int least = LEAST_ARGUMENTS.get(opcode);
        int args = least + random.nextInt(ALLOWED.get(opcode).size() - least + 1);
        for (int i = 0; i < args; i++) {
            elements.add(switch (opcode) {
                case "key" -> i == 0 ? integer(random) : random.nextBoolean() ? "1" : "0";
                case "touch" -> number(random);
                case "ack" -> i == 1 ? text(random) : integer(random);
                default -> integer(random);
            });
        }
        return elements;
    }

    private static String integer(SplittableRandom random) {
        return switch (random.nextInt(8)) {
            case 0 -> Long.toString(random.nextLong());
            case 1 -> random.nextBoolean() ? "9223372036854775807" : "-9223372036854775808";
            case 2 -> (random.nextBoolean() ? "-" : "") + "9".repeat(19);
            case 3 -> Integer.toString(random.nextInt(0x1000000));
            case 4 -> "0".repeat(1 + random.nextInt(19));
            default -> Integer.toString(random.nextInt(-2000, 2000));
        };
    }

    private static String number(SplittableRandom random) {
        StringBuilder number = new StringBuilder(random.nextBoolean() ? "-" : "");
        appendDigits(random, number, 1 + random.nextInt(10));
        if (random.nextBoolean()) {
            appendDigits(random, number.append('.'), 1 + random.nextInt(10));
        }
        return number.toString();
    }

    private static void appendDigits(SplittableRandom random, StringBuilder text, int count) {
        for (int i = 0; i < count; i++) {
            text.append((char) ('0' + random.nextInt(10)));
        }
    }

    /** @return printable ASCII, an {@code ack}'s message */
    private static String text(SplittableRandom random) {
        StringBuilder text = new StringBuilder();
        for (int i = FuzzCases.length(random, InstructionFilter.MAX_ELEMENT_LENGTH); i > 0; i--) {
            text.append((char) random.nextInt(0x20, 0x7F));
        }
        return text.toString();
    }

    /** @return {@code count} code points of any kind, and lone surrogates now and then */
    private static String unicode(SplittableRandom random, int count) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < count; i++) {
            if (random.nextInt(12) == 0) {
                text.append(FuzzCases.loneSurrogate(random));
            } else {
                FuzzCases.appendText(text, random, 1);
            }
        }
        return text.toString();
    }

    /** Makes an instruction wrong: an element more or less, an argument of the wrong shape, another opcode. */
    private static void mutateElements(SplittableRandom random, List<String> elements) {
        switch (random.nextInt(5)) {
            case 0 -> elements.add(1 + random.nextInt(elements.size()), integer(random));
            case 1 -> {
                if (elements.size() > 1) {
                    elements.remove(1 + random.nextInt(elements.size() - 1));
                }
            }
            case 2 -> elements.set(random.nextInt(elements.size()), TOKENS.get(random.nextInt(TOKENS.size())));
            case 3 -> elements.set(0, FORBIDDEN_OPCODES.get(random.nextInt(FORBIDDEN_OPCODES.size())));
            default -> {
                if (elements.size() > 1) {
                    int at = 1 + random.nextInt(elements.size() - 1);
                    elements.set(at, elements.get(at) + TOKENS.get(random.nextInt(TOKENS.size())));
                }
            }
        }
    }

    /** @return a length other than {@code value}'s own, or one that is not a small decimal number */
    private static String wrongLength(SplittableRandom random, String value) {
        int length = codePoints(value);
        return switch (random.nextInt(12)) {
            case 0 -> Integer.toString(length + 1);
            case 1 -> Integer.toString(Math.max(0, length - 1));
            case 2 -> Integer.toString(length + 2 + random.nextInt(300));
            case 3 -> "-" + length;
            case 4 -> "0".repeat(1 + random.nextInt(6)) + length;
            case 5 -> List.of("2147483648", "4294967296", "4294967298", "9223372036854775808",
                    "99999999999999999999").get(random.nextInt(5));
            case 6 -> "+" + length;
            case 7 -> " " + length;
            case 8 -> "";
            case 9 -> "0x" + length;
            case 10 -> Integer.toString(value.length());
            default -> Integer.toString(InstructionFilter.MAX_ELEMENT_LENGTH + random.nextInt(3));
        };
    }

    /** Inserts, deletes or replaces characters at a random place, or cuts the text short. */
    private static void mutateText(SplittableRandom random, StringBuilder text) {
        if (text.isEmpty()) {
            text.append(TOKENS.get(random.nextInt(TOKENS.size())));
            return;
        }
        int at = random.nextInt(text.length());
        switch (random.nextInt(6)) {
            case 0 -> text.insert(at, TOKENS.get(random.nextInt(TOKENS.size())));
            case 1 -> text.delete(at, Math.min(text.length(), at + 1 + random.nextInt(3)));
            case 2 -> text.replace(at, at + 1, TOKENS.get(random.nextInt(TOKENS.size())));
            case 3 -> text.setLength(at);
            default -> {
                // A separator missing or swapped for another.
                int separator = indexOfSeparator(text, at);
                if (separator >= 0) {
                    if (random.nextBoolean()) {
                        text.deleteCharAt(separator);
                    } else {
                        text.setCharAt(separator, ";,.".charAt(random.nextInt(3)));
                    }
                }
            }
        }
    }

    private static int indexOfSeparator(StringBuilder text, int from) {
        for (int i = from; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == ';' || c == ',' || c == '.') {
                return i;
            }
        }
        return -1;
    }

    /** An {@code ack} whose message is near the longest element: in ASCII, or in surrogate pairs, padded lengths. */
    private static StringBuilder longElement(SplittableRandom random) {
        int length = InstructionFilter.MAX_ELEMENT_LENGTH - 2 + random.nextInt(4);
        String value = random.nextBoolean() ? "x".repeat(length) : random.nextBoolean() ? "\uD83D\uDE00".repeat(length)
                : unicode(random, length);
        String declared = String.valueOf(length);
        if (random.nextBoolean()) {
            int padding = random.nextInt(InstructionFilter.MAX_LENGTH_DIGITS - declared.length() + 2);
            declared = "0".repeat(padding) + declared;
        }
        return new StringBuilder("3.ack,1.1,").append(declared).append('.').append(value).append(",1.0;");
    }

    /** An instruction with about the most elements allowed, of an opcode that takes fewer or the same. */
    private static StringBuilder manyElements(SplittableRandom random) {
        int elements = InstructionFilter.MAX_ELEMENTS - 2 + random.nextInt(4);
        StringBuilder text = new StringBuilder(random.nextBoolean() ? "5.touch" : "3.ack");
        for (int i = 1; i < elements; i++) {
            text.append(",1.").append((char) ('0' + random.nextInt(10)));
        }
        return text.append(random.nextInt(4) == 0 ? "" : ";");
    }

    /**
     * An instruction near the longest: elements of surrogate pairs (two characters, one code point) with padded
     * lengths, filled to within a few characters of {@link InstructionFilter#MAX_INSTRUCTION_LENGTH}, then more
     * instructions behind it.
     */
    private static StringBuilder longInstruction(SplittableRandom random) {
        int total = InstructionFilter.MAX_INSTRUCTION_LENGTH - 3 + random.nextInt(7);
        StringBuilder text = new StringBuilder("3.ack");
        String full = ",00256." + "\uD83D\uDE00".repeat(InstructionFilter.MAX_ELEMENT_LENGTH);
        while (text.length() + full.length() + ",00000.;".length() <= total) {
            text.append(full);
        }
        // The last element fills what is left: ",LLLLL." then pairs and one ASCII character if the count is odd.
        int fill = total - text.length() - ",00000.;".length();
        int pairs = fill / 2;
        int ascii = fill % 2;
        text.append(',').append(String.format("%05d", pairs + ascii)).append('.')
                .append("\uD83D\uDE00".repeat(pairs)).append("x".repeat(ascii)).append(';');
        assertEquals(total, text.length());
        return text.append(session(random, random.nextInt(3), false));
    }

    /** @return characters of the protocol and of Unicode's edges, mostly */
    private static StringBuilder garbage(SplittableRandom random) {
        StringBuilder text = new StringBuilder();
        int kind = random.nextInt(10);
        int length = kind == 0 ? 0 : random.nextInt(kind < 8 ? 40 : 600);
        for (int i = 0; i < length; i++) {
            int what = random.nextInt(20);
            if (kind == 1) {
                text.append(";,.".charAt(random.nextInt(3)));
            } else if (what < 6) {
                text.append((char) ('0' + random.nextInt(10)));
            } else if (what < 12) {
                text.append(";,.".charAt(random.nextInt(3)));
            } else if (what < 14) {
                text.append(OPCODES.get(random.nextInt(OPCODES.size())));
            } else if (what < 16) {
                text.append(FuzzCases.loneSurrogate(random));
            } else {
                FuzzCases.appendText(text, random, 1);
            }
        }
        return text;
    }

    /** Appends {@code elements} as one instruction, with the right lengths. */
    private static void encode(StringBuilder text, List<String> elements) {
        for (int e = 0; e < elements.size(); e++) {
            if (e > 0) {
                text.append(',');
            }
            text.append(codePoints(elements.get(e))).append('.').append(elements.get(e));
        }
        text.append(';');
    }

    /** @return the length of an element as Guacamole counts it: code points, a lone surrogate one */
    private static int codePoints(String value) {
        return value.codePointCount(0, value.length());
    }

    /** @return {@code text} cut into messages */
    private static List<String> cut(SplittableRandom random, CharSequence text) {
        int[] cuts = FuzzCases.cuts(random, text.length());
        List<String> messages = new ArrayList<>(cuts.length - 1);
        for (int i = 1; i < cuts.length; i++) {
            messages.add(text.subSequence(cuts[i - 1], cuts[i]).toString());
        }
        return messages;
    }

    private static String shown(List<String> messages) {
        StringBuilder shown = new StringBuilder();
        for (String message : messages) {
            shown.append(shown.isEmpty() ? "" : " | ").append('"').append(FuzzCases.shown(message, 300)).append('"');
            if (shown.length() > 3000) {
                return shown + " … (" + messages.size() + " messages)";
            }
        }
        return shown.toString();
    }
}
