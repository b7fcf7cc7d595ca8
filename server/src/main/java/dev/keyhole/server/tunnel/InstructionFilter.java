package dev.keyhole.server.tunnel;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.guacamole.GuacamoleException;
import org.apache.guacamole.net.GuacamoleTunnel;
import org.apache.guacamole.protocol.GuacamoleInstruction;
import org.apache.guacamole.protocol.GuacamoleParser;
import org.apache.guacamole.protocol.GuacamoleStatus;

/**
 * Checks everything a browser sends before any of it reaches guacd.
 *
 * <p>Every WebSocket message is parsed with guacamole-common's {@link GuacamoleParser}; an instruction may span
 * messages and a message may hold several. Only the opcodes guacamole-common-js sends during a console session
 * are allowed, each with the number and kind of arguments it really has. No clipboard, file or pipe streams, no
 * handshake instructions ({@code select}, {@code connect}, …). The first instruction that breaks these rules
 * fails the whole message: nothing of it is forwarded.
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

    private static final Pattern INTEGER = Pattern.compile("-?[0-9]{1,19}");
    private static final Pattern BIT = Pattern.compile("[01]");
    private static final Pattern NUMBER = Pattern.compile("-?[0-9]{1,10}(\\.[0-9]{1,10})?");
    private static final Pattern TEXT = Pattern.compile("[\\x20-\\x7E]{0,256}");

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

    /** Longest run of text an unfinished instruction may keep waiting for its end. */
    private static final int MAX_PENDING = GuacamoleParser.INSTRUCTION_MAX_LENGTH + 64;

    private final GuacamoleParser parser = new GuacamoleParser();
    private String pending = "";

    /**
     * Parses and checks one WebSocket message.
     *
     * @param message the message's text, as the browser sent it
     * @return the complete instructions it finished, checked, in order; empty if it only started one
     * @throws TunnelException if anything in it is malformed or not allowed; the tunnel must then close
     */
    List<Checked> accept(String message) throws TunnelException {
        String text = pending.isEmpty() ? message : pending + message;
        char[] chars = text.toCharArray();
        List<Checked> checked = new ArrayList<>(2);
        int offset = 0;
        try {
            while (offset < chars.length) {
                int parsed = parser.append(chars, offset, chars.length - offset);
                offset += parsed;
                if (parser.hasNext()) {
                    // The parser reuses its element array for the next instruction: copy before going on.
                    GuacamoleInstruction parsedInstruction = parser.next();
                    checked.add(check(new GuacamoleInstruction(parsedInstruction.getOpcode(),
                            List.copyOf(parsedInstruction.getArgs()))));
                } else if (parsed == 0) {
                    break;  // the rest is part of an instruction still arriving
                }
            }
        } catch (GuacamoleException e) {
            throw new TunnelException(GuacamoleStatus.CLIENT_BAD_REQUEST,
                    "Malformed instruction from the browser: " + e.getMessage());
        }
        pending = new String(chars, offset, chars.length - offset);
        if (pending.length() > MAX_PENDING) {
            throw new TunnelException(GuacamoleStatus.CLIENT_OVERRUN,
                    "Malformed instruction from the browser: an instruction does not end");
        }
        return checked;
    }

    private static Checked check(GuacamoleInstruction instruction) throws TunnelException {
        String opcode = instruction.getOpcode();
        List<String> args = instruction.getArgs();
        if (opcode.equals(GuacamoleTunnel.INTERNAL_DATA_OPCODE)) {
            if (args.size() == 2 && args.get(0).equals("ping") && INTEGER.matcher(args.get(1)).matches()) {
                return new Ping(instruction);
            }
            throw new TunnelException(GuacamoleStatus.CLIENT_BAD_REQUEST,
                    "Malformed instruction from the browser: unknown tunnel instruction");
        }
        Rule rule = RULES.get(opcode);
        if (rule == null) {
            throw new TunnelException(GuacamoleStatus.CLIENT_FORBIDDEN,
                    "Instruction \"" + Printable.of(opcode, 24) + "\" is not allowed");
        }
        if (!rule.matches(args)) {
            throw new TunnelException(GuacamoleStatus.CLIENT_BAD_REQUEST,
                    "Malformed instruction from the browser: bad arguments for \"" + opcode + "\"");
        }
        return opcode.equals("size") ? new Drop() : new Forward(instruction);
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
