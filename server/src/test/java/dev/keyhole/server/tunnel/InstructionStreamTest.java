package dev.keyhole.server.tunnel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keyhole.server.KeyholeServer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.apache.guacamole.protocol.GuacamoleStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** guacd's side of a connection after the handshake: complete instructions, back-pressure, and how it ends. */
class InstructionStreamTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private KeyholeServer.Threads threads;
    private LoopbackPair pair;
    private FirstEnding ending;
    /** The stream under test: told when the connection closes, as its connection tells it. */
    private InstructionStream stream;

    @BeforeEach
    void connect() throws Exception {
        threads = KeyholeServer.Threads.start();
        pair = LoopbackPair.open(threads.relay(), 0, 0);
        ending = new FirstEnding(() -> {
            try {
                pair.channel.socket().close();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            stream.closed();
        });
    }

    @AfterEach
    void stop() throws IOException {
        pair.close();
        threads.close();
    }

    private InstructionStream stream(String readAhead) {
        byte[] bytes = readAhead.getBytes(StandardCharsets.UTF_8);
        byte[] buffer = new byte[InstructionStream.INITIAL_BUFFER];
        System.arraycopy(bytes, 0, buffer, 0, bytes.length);
        stream = new InstructionStream(pair.channel, ByteBuffer.wrap(buffer, 0, bytes.length), ending);
        return stream;
    }

    @Test
    void whatTheHandshakeReadAheadComesFirstAndOnlyCompleteInstructionsAreDelivered() throws Exception {
        RecordingReader reader = new RecordingReader(false);
        stream("4.sync,1.1;4.blob,2.ab;3.n").start(reader, true, InstructionStream.SILENCE_LIMIT);

        RecordingReader.Batch first = reader.next(WAIT);
        assertEquals("4.sync,1.1;4.blob,2.ab;", first.text());
        assertEquals(List.of(11, 23), first.ends(), "where each instruction ends");

        pair.peer.write("op;4.sync,1.2;");
        assertEquals("3.nop;4.sync,1.2;", reader.next(WAIT).text(), "the split instruction, whole");
    }

    @Test
    void nothingMoreIsReadUntilTheReaderResumes() throws Exception {
        RecordingReader reader = new RecordingReader(true);
        stream("").start(reader, false, InstructionStream.SILENCE_LIMIT);
        pair.peer.write("4.sync,1.1;");
        RecordingReader.Batch first = reader.next(WAIT);
        assertEquals("4.sync,1.1;", first.text());
        assertEquals(List.of(), first.ends(), "no ends are kept for a reader that does not look into instructions");

        // While the reader holds the batch the stream reads nothing: what guacd sends waits in the socket.
        pair.peer.write("4.sync,1.2;");
        pair.peer.write("4.sync,1.3;");
        assertFalse(reader.hasMore(), "nothing is delivered while the reader holds a batch");

        first.resume().run();
        StringBuilder rest = new StringBuilder();
        while (rest.length() < "4.sync,1.2;4.sync,1.3;".length()) {
            RecordingReader.Batch next = reader.next(WAIT);
            rest.append(next.text());
            next.resume().run();
        }
        assertEquals("4.sync,1.2;4.sync,1.3;", rest.toString());
    }

    @Test
    void guacdClosingTheConnectionEndsTheStreamSayingSo() throws Exception {
        RecordingReader reader = new RecordingReader(false);
        stream("").start(reader, true, InstructionStream.SILENCE_LIMIT);
        pair.peer.close();

        GuacdEnding ended = reader.ending(WAIT);
        assertEquals(GuacdEnding.GUACD_CLOSED, ended);
        assertEquals("guacd closed the connection", ended.reason());
        assertEquals(ended, ending.get(), "the connection ended for the same cause");
        assertFalse(pair.channel.socket().isOpen(), "and is closed");
    }

    @Test
    void somethingThatIsNotGuacamoleProtocolEndsTheStreamSayingSo() throws Exception {
        RecordingReader reader = new RecordingReader(false);
        stream("").start(reader, true, InstructionStream.SILENCE_LIMIT);
        pair.peer.write("4.sync,1.1;");
        assertEquals("4.sync,1.1;", reader.next(WAIT).text());
        pair.peer.write("HTTP/1.1 400 Bad Request\r\n");

        GuacdEnding ended = reader.ending(WAIT);
        assertEquals(GuacamoleStatus.UPSTREAM_ERROR, ended.status());
        assertEquals("guacd sent a malformed instruction (expected an element length)", ended.reason());
    }

    @Test
    void aConnectionResetEndsTheStreamSayingSo() throws Exception {
        RecordingReader reader = new RecordingReader(false);
        stream("").start(reader, true, InstructionStream.SILENCE_LIMIT);
        pair.resetPeer();

        GuacdEnding ended = reader.ending(WAIT);
        assertEquals(GuacamoleStatus.UPSTREAM_ERROR, ended.status());
        assertTrue(ended.reason().startsWith("Lost the connection to guacd: "), ended.reason());
    }

    @Test
    void aConnectionThatEndedWhileTheReaderHeldABatchTellsItThatCauseNotWhatFollowed() throws Exception {
        RecordingReader reader = new RecordingReader(true);
        stream("4.sync,1.1;").start(reader, true, InstructionStream.SILENCE_LIMIT);
        RecordingReader.Batch held = reader.next(WAIT);
        pair.peer.write("4.sync,1.2;");
        // The write side finds guacd stuck while the reader still holds the batch.
        ending.end(GuacdEnding.stoppedReading(Duration.ofSeconds(10)));

        held.resume().run();
        assertEquals("guacd stopped reading for 10 s", reader.ending(WAIT).reason());
        assertFalse(reader.hasMore(), "nothing more is delivered once the connection has ended");
        assertEquals(1, reader.endings(), "told once");
    }

    @Test
    void aGuacdThatFallsSilentEndsTheStreamAsStuck() throws Exception {
        RecordingReader reader = new RecordingReader(false);
        stream("").start(reader, true, Duration.ofMillis(300));

        GuacdEnding ended = reader.ending(WAIT);
        assertEquals(GuacamoleStatus.UPSTREAM_TIMEOUT, ended.status());
        assertEquals("guacd sent nothing for 300 ms, not even its keep-alive: the connection is stuck",
                ended.reason());
    }
}
