package dev.keyhole.server.tunnel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class InstructionBoundariesTest {

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void findsTheEndOfTheLastCompleteInstruction() throws Exception {
        byte[] bytes = utf8("4.sync,3.123;3.img,1.0;4.blob,1");
        assertEquals("4.sync,3.123;3.img,1.0;".length(), new InstructionBoundaries().scan(bytes, 0, bytes.length));
    }

    @Test
    void continuesAnInstructionAcrossCalls() throws Exception {
        InstructionBoundaries boundaries = new InstructionBoundaries();
        byte[] bytes = utf8("4.blob,1.0,10.abcdefghij;");
        assertEquals(-1, boundaries.scan(bytes, 0, 9));
        assertEquals(-1, boundaries.scan(bytes, 9, 15));
        assertEquals(bytes.length, boundaries.scan(bytes, 15, bytes.length));
    }

    @Test
    void lengthsCountCharactersNotBytes() throws Exception {
        // "ö€😀" is 3 characters (2 + 3 + 4 bytes); a ';' byte may not be taken as the end inside them.
        byte[] bytes = utf8("4.name,3.ö€😀;");
        InstructionBoundaries boundaries = new InstructionBoundaries();
        for (int i = 0; i < bytes.length - 1; i++) {
            assertEquals(-1, boundaries.scan(bytes, i, i + 1), "byte " + i);
        }
        assertEquals(bytes.length, boundaries.scan(bytes, bytes.length - 1, bytes.length));
    }

    @Test
    void emptyElementsAreValid() throws Exception {
        byte[] bytes = utf8("0.,4.ping;");
        assertEquals(bytes.length, new InstructionBoundaries().scan(bytes, 0, bytes.length));
    }

    @Test
    void scanOneStopsAtTheFirstEnd() throws Exception {
        byte[] bytes = utf8("3.nop;4.sync,1.1;");
        InstructionBoundaries boundaries = new InstructionBoundaries();
        assertEquals(6, boundaries.scanOne(bytes, 0, bytes.length));
        assertEquals(bytes.length, boundaries.scanOne(bytes, 6, bytes.length));
    }

    @Test
    void refusesWhatIsNotGuacamoleProtocol() {
        assertThrows(InstructionBoundaries.MalformedInstructionException.class,
                () -> new InstructionBoundaries().scan(utf8("HTTP/1.1 200 OK"), 0, 15));
        assertThrows(InstructionBoundaries.MalformedInstructionException.class,
                () -> new InstructionBoundaries().scan(utf8("3.abcd;"), 0, 7));
        assertThrows(InstructionBoundaries.MalformedInstructionException.class,
                () -> new InstructionBoundaries().scan(utf8(".abc;"), 0, 5));
        assertThrows(InstructionBoundaries.MalformedInstructionException.class,
                () -> new InstructionBoundaries().scan(utf8("99999999.x;"), 0, 11));
    }
}
