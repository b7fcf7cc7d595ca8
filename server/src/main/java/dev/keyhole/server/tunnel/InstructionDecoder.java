package dev.keyhole.server.tunnel;

import java.util.ArrayList;
import java.util.List;
import org.apache.guacamole.GuacamoleServerException;
import org.apache.guacamole.protocol.GuacamoleInstruction;

/**
 * Turns one complete instruction from guacd into its opcode and arguments: only where Keyhole reads what guacd
 * says (the handshake's {@code args} and {@code ready}, an {@code error}), never on the relay, which does not
 * decode.
 *
 * <p>guacamole-common's {@link org.apache.guacamole.protocol.GuacamoleParser} is not used: it refuses more than 64
 * elements, and guacd's {@code args} for RDP has more.
 */
final class InstructionDecoder {

    private InstructionDecoder() {
    }

    /**
     * @param text one complete instruction, ended by {@code ;}, already checked by {@link InstructionBoundaries}
     * @return the instruction
     * @throws GuacamoleServerException if it has no elements, or an element has no length or one its text does not
     *         have. The scanner counts a character at each byte that is not a UTF-8 continuation byte, so bytes that
     *         are not UTF-8 pass it and decode to another number of characters (each such byte is one U+FFFD).
     */
    static GuacamoleInstruction decode(String text) throws GuacamoleServerException {
        List<String> elements = new ArrayList<>();
        int i = 0;
        try {
            while (i < text.length()) {
                int dot = text.indexOf('.', i);
                if (dot < 0) {
                    throw new GuacamoleServerException("guacd sent a malformed instruction");
                }
                int length = Integer.parseInt(text, i, dot, 10);
                int end = text.offsetByCodePoints(dot + 1, length);
                elements.add(text.substring(dot + 1, end));
                i = end + 1;
            }
        } catch (NumberFormatException | IndexOutOfBoundsException e) {
            throw new GuacamoleServerException("guacd sent a malformed instruction");
        }
        if (elements.isEmpty()) {
            throw new GuacamoleServerException("guacd sent an empty instruction");
        }
        return new GuacamoleInstruction(elements.get(0), elements.subList(1, elements.size()));
    }
}
