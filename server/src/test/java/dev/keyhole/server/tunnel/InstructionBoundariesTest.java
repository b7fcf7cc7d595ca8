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
    void recordsTheEndOfEveryInstruction() throws Exception {
        byte[] bytes = utf8("4.sync,3.123;3.img,1.0;4.blob,1");
        InstructionBoundaries.Ends ends = new InstructionBoundaries.Ends();
        assertEquals(23, new InstructionBoundaries().scan(bytes, 0, bytes.length, ends));
        assertEquals(2, ends.count());
        assertEquals(13, ends.get(0));
        assertEquals(23, ends.get(1));
    }

    @Test
    void recordsEndsOfInstructionsSplitAnywhereEvenInsideACharacter() throws Exception {
        // Every split point, also between the bytes of "ö", "€" and "😀", and inside "4.sync,".
        String stream = "4.name,3.ö€😀;4.sync,3.123;5.error,2.€x,3.519;";
        byte[] bytes = utf8(stream);
        int[] expected = {utf8("4.name,3.ö€😀;").length, utf8("4.name,3.ö€😀;4.sync,3.123;").length, bytes.length};
        for (int split = 1; split < bytes.length; split++) {
            InstructionBoundaries boundaries = new InstructionBoundaries();
            InstructionBoundaries.Ends ends = new InstructionBoundaries.Ends();
            boundaries.scan(bytes, 0, split, ends);
            boundaries.scan(bytes, split, bytes.length, ends);
            assertEquals(expected.length, ends.count(), "split at byte " + split);
            for (int i = 0; i < expected.length; i++) {
                assertEquals(expected[i], ends.get(i), "end " + i + ", split at byte " + split);
            }
        }
    }

    @Test
    void endsGrowBeyondTheirFirstArrayAndClear() throws Exception {
        byte[] bytes = utf8("3.nop;".repeat(10_000));
        InstructionBoundaries.Ends ends = new InstructionBoundaries.Ends();
        assertEquals(bytes.length, new InstructionBoundaries().scan(bytes, 0, bytes.length, ends));
        assertEquals(10_000, ends.count());
        assertEquals(bytes.length, ends.get(9_999));
        ends.clear();
        assertEquals(0, ends.count());
    }

    @Test
    void longAsciiValuesAndMultiByteCharactersMix() throws Exception {
        // Values of every length around the sixteen-byte steps of the ASCII skip, with a character of more than
        // one byte at each position.
        StringBuilder stream = new StringBuilder();
        int instructions = 0;
        for (int length = 0; length < 40; length++) {
            for (int at = -1; at < length; at++) {
                StringBuilder value = new StringBuilder("a".repeat(length));
                if (at >= 0) {
                    value.setCharAt(at, 'é');
                }
                stream.append("4.blob,").append(length).append('.').append(value).append(';');
                instructions++;
            }
        }
        byte[] bytes = utf8(stream.toString());
        InstructionBoundaries.Ends ends = new InstructionBoundaries.Ends();
        assertEquals(bytes.length, new InstructionBoundaries().scan(bytes, 0, bytes.length, ends));
        assertEquals(instructions, ends.count());
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
