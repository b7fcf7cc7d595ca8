package dev.keyhole.server.tunnel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.guacamole.protocol.GuacamoleStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
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
}
