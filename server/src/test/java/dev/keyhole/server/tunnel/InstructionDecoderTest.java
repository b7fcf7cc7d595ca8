package dev.keyhole.server.tunnel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
    void anEmptyInstructionIsRefused() {
        assertThrows(GuacamoleServerException.class, () -> InstructionDecoder.decode(""));
    }
}
