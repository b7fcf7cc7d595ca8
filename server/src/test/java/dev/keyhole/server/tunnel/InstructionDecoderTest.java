package dev.keyhole.server.tunnel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.guacamole.GuacamoleServerException;
import org.apache.guacamole.protocol.GuacamoleInstruction;
import org.junit.jupiter.api.Test;

class InstructionDecoderTest {

    @Test
    void decodesInstructionsOfAnyNumberOfElements() throws Exception {
        StringBuilder args = new StringBuilder("4.args,13.VERSION_1_3_0");
        for (int i = 0; i < 120; i++) {
            args.append(",4.a").append(String.format("%03d", i));
        }
        GuacamoleInstruction instruction = InstructionDecoder.decode(args.append(';').toString());
        assertEquals("args", instruction.getOpcode());
        assertEquals(121, instruction.getArgs().size());
        assertEquals("a119", instruction.getArgs().get(120));
    }

    @Test
    void lengthsCountCharacters() throws Exception {
        GuacamoleInstruction instruction = InstructionDecoder.decode("5.error,3.ö€😀,3.519;");
        assertEquals(List.of("ö€😀", "519"), instruction.getArgs());
    }

    @Test
    void bytesThatAreNotUtf8AreRefusedAsMalformed() throws Exception {
        // InstructionBoundaries counts "2.\x80ab" as an element of two characters (0x80 continues one, so it starts
        // none); Java's decoder makes 0x80 a character of its own, U+FFFD, and the element "\uFFFDa" leaves "b,1" where
        // the next length should be.
        byte[] bytes = "2.?ab,1.x;".getBytes(StandardCharsets.US_ASCII);
        bytes[2] = (byte) 0x80;
        assertEquals(bytes.length, new InstructionBoundaries().scan(bytes, 0, bytes.length));
        GuacamoleServerException e = assertThrows(GuacamoleServerException.class,
                () -> InstructionDecoder.decode(new String(bytes, StandardCharsets.UTF_8)));
        assertEquals("guacd sent a malformed instruction", e.getMessage());
        assertThrows(GuacamoleServerException.class, () -> InstructionDecoder.decode("1.a,5.b;"));
    }

    @Test
    void anEmptyInstructionIsRefused() {
        assertThrows(GuacamoleServerException.class, () -> InstructionDecoder.decode(""));
    }
}
