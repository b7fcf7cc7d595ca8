package dev.keyhole.server.tunnel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.apache.guacamole.protocol.GuacamoleStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class InstructionFilterTest {

    private final InstructionFilter filter = new InstructionFilter();

    @Test
    void passesWhatAConsoleSessionSends() throws Exception {
        List<InstructionFilter.Checked> checked = filter.accept(
                "3.key,5.65307,1.1;5.mouse,3.100,3.200,1.1;4.sync,13.1700000000000;3.nop;3.ack,1.1,2.OK,1.0;");
        assertEquals(5, checked.size());
        checked.forEach(c -> assertInstanceOf(InstructionFilter.Forward.class, c));
        assertEquals("3.key,5.65307,1.1;",
                ((InstructionFilter.Forward) checked.get(0)).instruction().toString());
    }

    @Test
    void answersTheTunnelPingItself() throws Exception {
        List<InstructionFilter.Checked> checked = filter.accept("0.,4.ping,13.1700000000000;");
        InstructionFilter.Ping ping = assertInstanceOf(InstructionFilter.Ping.class, checked.get(0));
        assertEquals("0.,4.ping,13.1700000000000;", ping.reply().toString());
    }

    @Test
    void keepsTheConsoleSize() throws Exception {
        assertInstanceOf(InstructionFilter.Drop.class, filter.accept("4.size,4.1920,4.1080;").get(0));
    }

    @Test
    void anInstructionMaySpanMessages() throws Exception {
        assertEquals(List.of(), filter.accept("3.key,5.65"));
        assertEquals(List.of(), filter.accept("307,1"));
        List<InstructionFilter.Checked> checked = filter.accept(".1;3.nop;");
        assertEquals(2, checked.size());
        assertEquals("3.key,5.65307,1.1;",
                ((InstructionFilter.Forward) checked.get(0)).instruction().toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"6.select,3.rdp;", "7.connect,0.;", "9.clipboard,1.0,10.text/plain;", "3.put,1.1,1.2,3.a/b,1.x;",
            "4.file,1.0,10.text/plain,5.x.txt;", "4.blob,1.0,4.AAAA;", "4.argv,1.0,10.text/plain,4.name;"})
    void refusesOpcodesAConsoleSessionDoesNotNeed(String instruction) {
        TunnelException e = assertThrows(TunnelException.class, () -> filter.accept(instruction));
        assertEquals(GuacamoleStatus.CLIENT_FORBIDDEN, e.status());
        assertTrue(e.getMessage().endsWith("is not allowed"), e.getMessage());
    }

    @Test
    void aForbiddenInstructionSplitAcrossMessagesIsRefusedWhenItCompletes() throws Exception {
        assertEquals(List.of(), filter.accept("6.sel"));
        assertThrows(TunnelException.class, () -> filter.accept("ect,3.rdp;"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"x.key;", "3.key,5.65307,1.1,", "3.keyy;", "3.key,3.abc,1.1;", "3.key,5.65307;",
            "5.mouse,1.1;", "0.,4.evil;", "3.nop;3.key,2.1"})
    void refusesMalformedInstructions(String message) {
        assertThrows(TunnelException.class, () -> {
            filter.accept(message);
            filter.accept("x;");
        });
    }

    @Test
    void aBadInstructionLastFailsTheWholeMessage() {
        TunnelException e = assertThrows(TunnelException.class,
                () -> filter.accept("3.key,5.65307,1.1;3.key,5.65307,1.0;6.select,3.rdp;"));
        assertEquals(GuacamoleStatus.CLIENT_FORBIDDEN, e.status());
    }

    @Test
    void messagesNeverRepeatWhatWasTyped() {
        // The argument of a key instruction is a key the user typed: it must not reach a message or a log.
        TunnelException e = assertThrows(TunnelException.class, () -> filter.accept("3.key,5.65307,1.7;"));
        assertFalse(e.getMessage().contains("65307"), e.getMessage());
        assertEquals(GuacamoleStatus.CLIENT_BAD_REQUEST, e.status());
    }

    private static final String CONSOLE_SESSION =
            "3.key,5.65307,1.1;5.mouse,3.100,3.200,1.1;4.sync,13.1700000000000;3.nop;3.ack,1.1,2.OK,1.0;"
                    + "0.,4.ping,13.1700000000000;4.size,4.1920,4.1080;"
                    + "5.touch,1.0,3.100,3.200,1.5,1.5,3.0.5,3.1.0;";

    @ParameterizedTest
    @ValueSource(strings = {"2147483648", "4294967301", "99999999999999999999", "-1", "+5", "", " 5", "5 ", "0x5",
            "257", "000005"})
    void refusesLengthsThatAreNotSmallDecimalNumbers(String length) {
        // 4294967301 is 2^32 + 5: a length kept in an int that wraps would read the next five characters.
        TunnelException e = assertThrows(TunnelException.class,
                () -> filter.accept("3.key," + length + ".65307,1.1;"));
        assertEquals(GuacamoleStatus.CLIENT_BAD_REQUEST, e.status());
        assertTrue(e.getMessage().startsWith("Malformed instruction from the browser: "), e.getMessage());
        assertFalse(e.getMessage().contains("65307"), e.getMessage());
    }

    @Test
    void refusesAHugeLengthBeforeItsValueArrives() {
        TunnelException e = assertThrows(TunnelException.class, () -> filter.accept("3.ack,1.1,2147483648"));
        assertEquals(GuacamoleStatus.CLIENT_BAD_REQUEST, e.status());
    }

    @Test
    void aLengthMayPromiseTheLongestElementButNoMore() throws Exception {
        String longest = "x".repeat(InstructionFilter.MAX_ELEMENT_LENGTH);
        assertInstanceOf(InstructionFilter.Forward.class,
                filter.accept("3.ack,1.1," + longest.length() + "." + longest + ",1.0;").get(0));
        TunnelException e = assertThrows(TunnelException.class,
                () -> filter.accept("3.ack,1.1," + (longest.length() + 1) + "." + longest + "x,1.0;"));
        assertEquals(GuacamoleStatus.CLIENT_BAD_REQUEST, e.status());
        assertTrue(e.getMessage().startsWith("Malformed instruction from the browser: "), e.getMessage());
    }

    @Test
    void refusesMoreElementsThanAllowed() {
        // An allowed opcode, so that only the number of elements is wrong; no ';' needed to refuse it.
        String tooMany = "5.touch" + ",1.0".repeat(InstructionFilter.MAX_ELEMENTS);
        TunnelException e = assertThrows(TunnelException.class, () -> filter.accept(tooMany));
        assertEquals(GuacamoleStatus.CLIENT_BAD_REQUEST, e.status());
        assertTrue(e.getMessage().contains("more than " + InstructionFilter.MAX_ELEMENTS + " elements"),
                e.getMessage());
    }

    @Test
    void theMostElementsAllowedStillReachTheArgumentCheck() {
        String most = "5.touch" + ",1.0".repeat(InstructionFilter.MAX_ELEMENTS - 1) + ";";
        TunnelException e = assertThrows(TunnelException.class, () -> filter.accept(most));
        assertTrue(e.getMessage().endsWith("bad arguments for \"touch\""), e.getMessage());
    }

    @Test
    void refusesAnInstructionLongerThanAllowed() {
        // Elements of two-character code points with leading zeros in their lengths: every element is within
        // the limits, the whole is not.
        String element = ",00256." + "\uD83D\uDE00".repeat(InstructionFilter.MAX_ELEMENT_LENGTH);
        String tooLong = "3.ack" + element.repeat(InstructionFilter.MAX_ELEMENTS - 1);
        assertTrue(tooLong.length() > InstructionFilter.MAX_INSTRUCTION_LENGTH);
        TunnelException e = assertThrows(TunnelException.class, () -> filter.accept(tooLong));
        assertEquals(GuacamoleStatus.CLIENT_OVERRUN, e.status());
        assertTrue(e.getMessage().startsWith("Malformed instruction from the browser: "), e.getMessage());
    }

    @Test
    void aForbiddenOpcodeIsRefusedBeforeItsArguments() {
        TunnelException e = assertThrows(TunnelException.class, () -> filter.accept("4.blob,1.0,"));
        assertEquals(GuacamoleStatus.CLIENT_FORBIDDEN, e.status());
    }

    @Test
    void onceRefusedEveryLaterMessageIsRefused() {
        assertThrows(TunnelException.class, () -> filter.accept("x."));
        TunnelException e = assertThrows(TunnelException.class, () -> filter.accept("3.nop;"));
        assertEquals(GuacamoleStatus.CLIENT_BAD_REQUEST, e.status());
    }

    @Test
    void oneCharacterMessagesGiveWhatTheWholeMessageGives() throws Exception {
        List<String> whole = shown(new InstructionFilter().accept(CONSOLE_SESSION));
        List<InstructionFilter.Checked> pieces = new ArrayList<>();
        for (int i = 0; i < CONSOLE_SESSION.length(); i++) {
            pieces.addAll(filter.accept(CONSOLE_SESSION.substring(i, i + 1)));
        }
        assertEquals(8, whole.size());
        assertEquals(whole, shown(pieces));
    }

    @Test
    void everySplitInTwoGivesWhatTheWholeMessageGives() throws Exception {
        List<String> whole = shown(new InstructionFilter().accept(CONSOLE_SESSION));
        for (int split = 0; split <= CONSOLE_SESSION.length(); split++) {
            InstructionFilter fresh = new InstructionFilter();
            List<InstructionFilter.Checked> pieces = new ArrayList<>(fresh.accept(CONSOLE_SESSION.substring(0, split)));
            pieces.addAll(fresh.accept(CONSOLE_SESSION.substring(split)));
            assertEquals(whole, shown(pieces), "split at " + split);
        }
    }

    @Test
    void aHundredThousandOneCharacterMessagesGoThrough() throws Exception {
        // Long but allowed instructions, one character per message. The filter never goes back over what earlier
        // messages held, so this costs what one message of the same text costs; nothing is timed here, the test
        // only shows that it completes and gives every instruction.
        String ack = "3.ack,1.1,256." + "x".repeat(256) + ",1.0;";
        int count = 100_000 / ack.length() + 1;
        String text = ack.repeat(count);
        int forwarded = 0;
        for (int i = 0; i < text.length(); i++) {
            for (InstructionFilter.Checked checked : filter.accept(text.substring(i, i + 1))) {
                assertEquals(ack, ((InstructionFilter.Forward) checked).instruction().toString());
                forwarded++;
            }
        }
        assertTrue(text.length() >= 100_000);
        assertEquals(count, forwarded);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            // A length counts code points: U+1F600 is one, though it is two Java characters.
            "3.ack,1.1,1.\uD83D\uDE00,1.0;|bad arguments for \"ack\"",
            // Counting Java characters would have taken the low surrogate for the terminator.
            "3.ack,1.1,2.\uD83D\uDE00,1.0;|not followed by ',' or ';'",
            // Lone surrogates count one each, as String.codePointCount counts them.
            "3.ack,1.1,2.\uDE00\uD83D,1.0;|bad arguments for \"ack\""})
    void lengthsCountCodePoints(String message, String reason) {
        TunnelException e = assertThrows(TunnelException.class, () -> filter.accept(message));
        assertTrue(e.getMessage().endsWith(reason), e.getMessage());
    }

    @Test
    void aSurrogatePairMaySpanMessages() throws Exception {
        assertEquals(List.of(), filter.accept("1.\uD83D"));
        TunnelException e = assertThrows(TunnelException.class, () -> filter.accept("\uDE00;"));
        assertEquals(GuacamoleStatus.CLIENT_FORBIDDEN, e.status());
    }

    @Test
    void noRuntimeExceptionEscapes() {
        for (String message : new String[] {"9999999999", "3.key,-2147483648.a;", ".", ";", ",", "0.;", "\uDE00",
                "3.key,5.65307,1.1;" + "\u0000"}) {
            InstructionFilter fresh = new InstructionFilter();
            assertThrows(TunnelException.class, () -> fresh.accept(message), message);
        }
    }

    private static List<String> shown(List<InstructionFilter.Checked> checked) {
        return checked.stream().map(c -> {
            if (c instanceof InstructionFilter.Forward forward) {
                return "forward " + forward.instruction();
            }
            if (c instanceof InstructionFilter.Ping ping) {
                return "ping " + ping.reply();
            }
            return "drop";
        }).toList();
    }
}
