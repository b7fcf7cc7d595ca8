package dev.keyhole.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keyhole.e2e.fixtures.Guacd;
import dev.keyhole.e2e.fixtures.KeyholeE2E;
import dev.keyhole.e2e.fixtures.RunningKeyhole;
import dev.keyhole.e2e.fixtures.Waits;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What a browser may send down the tunnel, checked with a raw WebSocket client: anything malformed or not
 * allowed closes that tunnel with a Guacamole status code in the close reason, and harms no one else: a
 * second tunnel to the same console, already open, keeps receiving.
 */
@KeyholeE2E
class TunnelProtocolTest {

    private static final Duration WAIT = Duration.ofSeconds(15);

    /** One text frame of a message (last = the message's final frame). */
    record Frame(String text, boolean last) {
        static Frame whole(String text) {
            return new Frame(text, true);
        }
    }

    static Stream<Arguments> refusedInput() {
        return Stream.of(
                Arguments.of("a length prefix that does not match", "768", List.of(Frame.whole("5.key,2.65,1.1;"))),
                Arguments.of("a length prefix that is not a number", "768", List.of(Frame.whole("x.key,2.65,1.1;"))),
                Arguments.of("several instructions in one frame, the last malformed", "768",
                        List.of(Frame.whole("3.nop;4.sync,1.0;2.key,2.65,1.1;"))),
                Arguments.of("a disallowed instruction split across two frames", "771",
                        List.of(new Frame("6.sel", false), new Frame("ect,36.00000000-0000-0000-0000-000000000000;", true))),
                Arguments.of("select", "771", List.of(Frame.whole(RawTunnel.instruction("select", "rdp")))),
                Arguments.of("connect", "771", List.of(Frame.whole(RawTunnel.instruction("connect", "127.0.0.1", "3389")))),
                Arguments.of("clipboard", "771", List.of(Frame.whole(RawTunnel.instruction("clipboard", "0", "text/plain")))),
                Arguments.of("put", "771", List.of(Frame.whole(RawTunnel.instruction("put", "0", "1", "text/plain", "x")))),
                Arguments.of("a length of 2^31", "768", List.of(Frame.whole("3.key,2147483648.65,1.1;"))),
                Arguments.of("a length that wraps at 2^32 to 2", "768", List.of(Frame.whole("3.key,4294967298.65,1.1;"))),
                Arguments.of("a negative length", "768", List.of(Frame.whole("3.key,-2.65,1.1;"))));
    }

    @ParameterizedTest(name = "{0} closes that tunnel with {1}")
    @MethodSource("refusedInput")
    void refusedInputClosesOnlyThatTunnel(String what, String code, List<Frame> frames, RunningKeyhole keyhole)
            throws Exception {
        try (RawTunnel bystander = RawTunnel.open(keyhole.tunnel(RunningKeyhole.TARGET));
             RawTunnel offender = RawTunnel.open(keyhole.tunnel(RunningKeyhole.TARGET))) {
            bystander.awaitMoreThan(0, WAIT);
            offender.awaitMoreThan(0, WAIT);

            for (Frame frame : frames) {
                offender.sendPart(frame.text(), frame.last());
            }

            RawTunnel.Close close = offender.awaitClose(WAIT);
            assertTrue(close.reason().startsWith(code + " "),
                    () -> what + ": expected a close reason starting with \"" + code + " \", got " + close);

            int seen = bystander.received();
            bystander.awaitMoreThan(seen, WAIT);
            String ping = Long.toString(System.currentTimeMillis()); // what guacamole-common-js sends: a timestamp in ms
            bystander.send(RawTunnel.instruction("", "ping", ping));
            bystander.awaitInstruction(List.of("", "ping", ping), WAIT);
            assertNull(bystander.closeStatus(), "the other tunnel stays open");
        }
    }

    @Test
    void aValidInstructionSplitAcrossFramesIsAccepted(RunningKeyhole keyhole) throws Exception {
        try (RawTunnel tunnel = RawTunnel.open(keyhole.tunnel(RunningKeyhole.TARGET))) {
            tunnel.awaitMoreThan(0, WAIT);
            String ping = Long.toString(System.currentTimeMillis());
            String whole = RawTunnel.instruction("", "ping", ping);
            tunnel.sendPart(whole.substring(0, 5), false);
            tunnel.sendPart(whole.substring(5), true);

            tunnel.awaitInstruction(List.of("", "ping", ping), WAIT);
            int seen = tunnel.received();
            tunnel.awaitMoreThan(seen, WAIT);
            assertNull(tunnel.closeStatus(), "the tunnel stays open");
        }
    }

    @Test
    void aBinaryMessageClosesTheTunnelWithAReason(RunningKeyhole keyhole) throws Exception {
        try (RawTunnel tunnel = RawTunnel.open(keyhole.tunnel(RunningKeyhole.TARGET))) {
            tunnel.awaitMoreThan(0, WAIT);
            tunnel.sendBinary("3.key,5.65293,1.1;".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            RawTunnel.Close close = tunnel.awaitClose(WAIT);
            assertTrue(close.reason().startsWith("768 Binary messages are not Guacamole protocol"), close::toString);
        }
    }

    @Test
    void aHandshakeWithoutTheSubprotocolIsClosedWithAReason(RunningKeyhole keyhole) throws Exception {
        for (String[] asked : new String[][] {{}, {"chat"}}) {
            try (RawTunnel tunnel = RawTunnel.open(keyhole.tunnel(RunningKeyhole.TARGET), asked)) {
                RawTunnel.Close close = tunnel.awaitClose(WAIT);
                assertTrue(close.reason().startsWith("768 The tunnel speaks the WebSocket subprotocol \"guacamole\""),
                        close::toString);
                assertEquals(0, tunnel.received(), "nothing of the console was sent");
            }
        }
    }

    @Test
    void disconnectEndsTheTunnelAtOnce(RunningKeyhole keyhole) throws Exception {
        try (RawTunnel tunnel = RawTunnel.open(keyhole.tunnel(RunningKeyhole.TARGET))) {
            tunnel.awaitMoreThan(0, WAIT);
            tunnel.send(RawTunnel.instruction("disconnect"));
            RawTunnel.Close close = tunnel.awaitClose(Duration.ofSeconds(2));
            assertEquals(1000, close.code(), close::toString);
            assertEquals("0 Disconnected", close.reason());
        }
    }

    @Test
    void aTargetNameWithLineBreaksIsNotEchoed(RunningKeyhole keyhole) throws Exception {
        RunningKeyhole.Tunnel forged = keyhole.tunnel("x").at(java.net.URI.create(keyhole.tunnel("x").uri()
                + "%0D%0A12:00:00.000%20INFO%20forged"));
        try (RawTunnel tunnel = RawTunnel.open(forged)) {
            RawTunnel.Close close = tunnel.awaitClose(WAIT);
            assertEquals("516 No such console", close.reason(), "a page shows the reason: no text from the link");
        }
    }

    @Test
    void guacdLetsEveryDepartedViewerGoAtOnce(RunningKeyhole keyhole, Guacd guacd)
            throws Exception {
        long before = guacd.usersLetGo();
        int viewers = 20;
        for (int i = 0; i < viewers; i++) {
            try (RawTunnel viewer = RawTunnel.open(keyhole.tunnel(RunningKeyhole.TARGET))) {
                viewer.awaitMoreThan(1, WAIT);
            }
        }
        // Keyhole says disconnect before it closes a viewer's guacd socket: guacd ends that user's thread at once,
        // instead of noticing a dead socket later.
        Waits.until("guacd to let " + viewers + " departed viewers go",
                Duration.ofSeconds(5), () -> (guacd.usersLetGo() - before) + " have gone",
                () -> guacd.usersLetGo() - before >= viewers);
    }
}
