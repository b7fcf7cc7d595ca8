package dev.keyhole.server.tunnel;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.guacamole.net.GuacamoleTunnel;
import org.apache.guacamole.protocol.GuacamoleInstruction;
import org.apache.guacamole.protocol.GuacamoleStatus;

/**
 * Checks everything a browser sends before any of it reaches guacd.
 *
 * <p>Every WebSocket message goes through the filter's own incremental parser, which keeps its place between
 * messages: an instruction may span messages, split anywhere, and a message may hold several. Each character is
 * looked at once, so the work for a message is linear in its size however the browser splits its instructions.
 * Only the opcodes guacamole-common-js sends during a console session are allowed, each with the number and kind
 * of arguments it really has. No clipboard, file or pipe streams, no handshake instructions ({@code select},
 * {@code connect}, …). The first instruction that breaks these rules fails the whole message: nothing of it is
 * forwarded, and every later message is refused too.
 *
 * <p>An instruction is a list of elements {@code LENGTH.VALUE}, separated by {@code ,} and ended by {@code ;}.
 * LENGTH counts Unicode code points, as guacamole-common's {@code GuacamoleParser} does: a surrogate pair is one.
 * The parser holds every instruction to these limits, which all allowed instructions are within:
 * <ul>
 *   <li>a LENGTH is one to {@value #MAX_LENGTH_DIGITS} decimal digits, nothing else (no sign, no space), and at
 *       most {@value #MAX_ELEMENT_LENGTH}, the longest argument any allowed instruction has (an {@code ack}'s
 *       message);</li>
 *   <li>an instruction has at most {@value #MAX_ELEMENTS} elements, opcode included ({@code touch}, the longest
 *       allowed, has 8);</li>
 *   <li>an instruction is at most {@value #MAX_INSTRUCTION_LENGTH} Java characters long, from its first length
 *       digit to its {@code ;}.</li>
 * </ul>
 * An instruction that breaks these limits or is not well formed fails with {@link GuacamoleStatus#CLIENT_BAD_REQUEST}
 * ({@link GuacamoleStatus#CLIENT_OVERRUN} if it is too long), an opcode that is not allowed with
 * {@link GuacamoleStatus#CLIENT_FORBIDDEN} as soon as the opcode has been read.
 *
 * <p>Error messages name the opcode at most, never an argument: a {@code key} instruction's argument is a key the
 * user typed.
 *
 * <p>Not thread-safe: one filter belongs to one tunnel, whose messages arrive one at a time.
 */
final class InstructionFilter {

    /** What the browser asked for, once checked. */
    sealed interface Checked permits Forward, Ping, Drop {
    }

    /** An instruction to pass to guacd as it is. */
    record Forward(GuacamoleInstruction instruction) implements Checked {
    }

    /** The tunnel's own ping: answer it with {@code reply}, do not forward it. */
    record Ping(GuacamoleInstruction reply) implements Checked {
    }

    /** Allowed but not forwarded (a viewer's wish to resize: the console keeps its own size). */
    record Drop() implements Checked {
    }

    /** Most code points in one element: the longest {@code TEXT}, an {@code ack}'s message. */
    static final int MAX_ELEMENT_LENGTH = 256;

    /** Most digits in one element's length; leading zeros count, so a length cannot be padded forever. */
    static final int MAX_LENGTH_DIGITS = 5;

    /** Most elements in one instruction, opcode included. */
    static final int MAX_ELEMENTS = 16;

    /**
     * Most Java characters in one instruction. The longest allowed instruction, an {@code ack} with the longest
     * message, has some 320; elements of surrogate pairs with padded lengths could otherwise add up to 7,800.
     */
    static final int MAX_INSTRUCTION_LENGTH = 4096;

    private static final String MALFORMED = "Malformed instruction from the browser: ";

    private static final Pattern INTEGER = Pattern.compile("-?[0-9]{1,19}");
    private static final Pattern BIT = Pattern.compile("[01]");
    private static final Pattern NUMBER = Pattern.compile("-?[0-9]{1,10}(\\.[0-9]{1,10})?");
    private static final Pattern TEXT = Pattern.compile("[\\x20-\\x7E]{0," + MAX_ELEMENT_LENGTH + "}");

    /** Allowed opcodes and the shape of their arguments, position by position. */
    private static final Map<String, Rule> RULES = Map.of(
            "key", new Rule(2, INTEGER, BIT),
            "mouse", new Rule(3, INTEGER, INTEGER, INTEGER, INTEGER),
            "touch", new Rule(7, NUMBER, NUMBER, NUMBER, NUMBER, NUMBER, NUMBER, NUMBER),
            "size", new Rule(2, INTEGER, INTEGER, INTEGER),
            "sync", new Rule(1, INTEGER, INTEGER),
            "nop", new Rule(0),
            "ack", new Rule(3, INTEGER, TEXT, INTEGER),
            "disconnect", new Rule(0));

    /** Where the parser is within an instruction. */
    private enum Place {
        /** Reading an element's length, up to its {@code .}. */
        LENGTH,
        /** Reading an element's value, then the {@code ,} or {@code ;} after it. */
        VALUE
    }

    private Place place = Place.LENGTH;
    /** Digits of the current element's length read so far. */
    private int digits;
    /** The current element's length, as far as its digits have been read. */
    private int length;
    /** Code points of the current element's value still to come. */
    private int remaining;
    /** Whether the last value character was a high surrogate, whose low surrogate belongs to the same code point. */
    private boolean afterHighSurrogate;
    /** Java characters of the current instruction read so far. */
    private int instructionLength;
    private final StringBuilder value = new StringBuilder();
    private final List<String> elements = new ArrayList<>(MAX_ELEMENTS);
    /** Why the filter refused the browser's input, once it has: a stream that went wrong once stays refused. */
    private TunnelException refusal;

    /**
     * Parses and checks one WebSocket message.
     *
     * @param message the message's text, as the browser sent it
     * @return the complete instructions it finished, checked, in order; empty if it only started or continued one
     * @throws TunnelException if anything in it is malformed or not allowed, or an earlier message was; the
     *         tunnel must then close
     */
    List<Checked> accept(String message) throws TunnelException {
        if (refusal != null) {
            throw refusal;
        }
        try {
            return parse(message);
        } catch (TunnelException e) {
            refusal = e;
            throw e;
        } catch (RuntimeException e) {
            // The parser throws none by design; should one slip through all the same, the tunnel still closes
            // with a reason. The exception's own message might quote input, so only its class is named.
            refusal = new TunnelException(GuacamoleStatus.CLIENT_BAD_REQUEST,
                    MALFORMED + "it could not be parsed (" + e.getClass().getSimpleName() + ")");
            throw refusal;
        }
    }

    private List<Checked> parse(String message) throws TunnelException {
        List<Checked> checked = new ArrayList<>(2);
        int size = message.length();
        for (int i = 0; i < size; i++) {
            char c = message.charAt(i);
            if (++instructionLength > MAX_INSTRUCTION_LENGTH) {
                throw new TunnelException(GuacamoleStatus.CLIENT_OVERRUN,
                        MALFORMED + "an instruction is longer than " + MAX_INSTRUCTION_LENGTH + " characters");
            }
            if (place == Place.LENGTH) {
                readLength(c);
            } else if (afterHighSurrogate && Character.isLowSurrogate(c)) {
                // The second half of a code point already counted.
                value.append(c);
                afterHighSurrogate = false;
            } else if (remaining > 0) {
                value.append(c);
                remaining--;
                afterHighSurrogate = Character.isHighSurrogate(c);
            } else {
                Checked instruction = endElement(c);
                if (instruction != null) {
                    checked.add(instruction);
                }
            }
        }
        return checked;
    }

    private void readLength(char c) throws TunnelException {
        if (c >= '0' && c <= '9') {
            length = length * 10 + (c - '0');
            // Checked digit by digit, so the length can never overflow.
            if (length > MAX_ELEMENT_LENGTH) {
                throw malformed("an element is longer than " + MAX_ELEMENT_LENGTH + " characters");
            }
            if (++digits > MAX_LENGTH_DIGITS) {
                throw malformed("an element length has more than " + MAX_LENGTH_DIGITS + " digits");
            }
        } else if (c == '.' && digits > 0) {
            place = Place.VALUE;
            remaining = length;
            afterHighSurrogate = false;
            value.setLength(0);
        } else {
            throw malformed("an element length is not a decimal number");
        }
    }

    /**
     * Ends the current element at its terminator {@code c}.
     *
     * @return the checked instruction if {@code c} ended one, or {@code null}
     */
    private Checked endElement(char c) throws TunnelException {
        if (c != ',' && c != ';') {
            throw malformed("an element is not followed by ',' or ';'");
        }
        elements.add(value.toString());
        if (elements.size() == 1) {
            // Refuse a forbidden instruction before reading its arguments, however long they claim to be.
            checkOpcode(elements.get(0));
        }
        place = Place.LENGTH;
        digits = 0;
        length = 0;
        if (c == ',') {
            if (elements.size() == MAX_ELEMENTS) {
                throw malformed("an instruction has more than " + MAX_ELEMENTS + " elements");
            }
            return null;
        }
        GuacamoleInstruction instruction = new GuacamoleInstruction(elements.get(0),
                List.copyOf(elements.subList(1, elements.size())));
        elements.clear();
        instructionLength = 0;
        return check(instruction);
    }

    private static void checkOpcode(String opcode) throws TunnelException {
        if (!opcode.equals(GuacamoleTunnel.INTERNAL_DATA_OPCODE) && !RULES.containsKey(opcode)) {
            throw new TunnelException(GuacamoleStatus.CLIENT_FORBIDDEN,
                    "Instruction \"" + Printable.of(opcode, 24) + "\" is not allowed");
        }
    }

    private static Checked check(GuacamoleInstruction instruction) throws TunnelException {
        String opcode = instruction.getOpcode();
        List<String> args = instruction.getArgs();
        checkOpcode(opcode);
        if (opcode.equals(GuacamoleTunnel.INTERNAL_DATA_OPCODE)) {
            if (args.size() == 2 && args.get(0).equals("ping") && INTEGER.matcher(args.get(1)).matches()) {
                return new Ping(instruction);
            }
            throw malformed("unknown tunnel instruction");
        }
        if (!RULES.get(opcode).matches(args)) {
            throw malformed("bad arguments for \"" + opcode + "\"");
        }
        return opcode.equals("size") ? new Drop() : new Forward(instruction);
    }

    /** @param why what is wrong, naming no argument's value */
    private static TunnelException malformed(String why) {
        return new TunnelException(GuacamoleStatus.CLIENT_BAD_REQUEST, MALFORMED + why);
    }

    /** How many arguments an opcode takes (at least {@code minArgs}, at most one per pattern) and their shape. */
    private record Rule(int minArgs, Pattern... arguments) {

        boolean matches(List<String> args) {
            if (args.size() < minArgs || args.size() > arguments.length) {
                return false;
            }
            for (int i = 0; i < args.size(); i++) {
                if (!arguments[i].matcher(args.get(i)).matches()) {
                    return false;
                }
            }
            return true;
        }
    }
}
