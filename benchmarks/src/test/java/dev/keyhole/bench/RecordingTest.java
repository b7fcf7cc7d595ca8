package dev.keyhole.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The replay writes as guacd does: writes of its 8 KB buffer cut anywhere, a flush after each frame's sync. */
class RecordingTest {

    /** Two frames: a 20,000-byte blob and a small one, each followed by its sync. */
    private static byte[] twoFrames() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(Instructions.encode("blob", "1", "A".repeat(20_000)));
        out.writeBytes(Instructions.encode("sync", "1000"));
        out.writeBytes(Instructions.encode("blob", "1", "B".repeat(100)));
        out.writeBytes(Instructions.encode("sync", "1040"));
        return out.toByteArray();
    }

    /** Keeps the size of every write, and where the flushes fell (after how many bytes). */
    private static final class Writes extends ByteArrayOutputStream {
        final List<Integer> sizes = new ArrayList<>();

        @Override
        public synchronized void write(byte[] bytes, int offset, int length) {
            sizes.add(length);
            super.write(bytes, offset, length);
        }
    }

    @Test
    void writesFullBuffersCutAnywhereAndFlushesAtEachSync() throws Exception {
        byte[] body = twoFrames();
        Recording recording = new Recording("two-frames", body);
        Writes out = new Writes();
        List<Long> flushes = new ArrayList<>();

        long sent = recording.replay(out, 1, flushes::add);

        int firstFrame = Instructions.encode("blob", "1", "A".repeat(20_000)).length
                + Instructions.encode("sync", "1000").length;
        assertEquals(List.of(8192, 8192, firstFrame - 2 * 8192), out.sizes, "the first frame's writes");
        assertEquals(List.of((long) firstFrame), flushes, "one flush, after the first frame's sync");
        assertEquals(firstFrame, sent, "a replay ends at a flush, past the bytes asked for");
    }

    @Test
    void loopsOverTheRecordingAndEndsAtAFlush() throws Exception {
        byte[] body = twoFrames();
        Recording recording = new Recording("two-frames", body);
        Writes out = new Writes();

        long sent = recording.replay(out, body.length + 1, ignored -> { });

        // A pass: two full buffers and the rest of the first frame, then the second frame; then the first again.
        assertEquals(4, recording.writesPerPass(), "writes of a pass");
        assertEquals(4 + 3, out.sizes.size(), "writes " + out.sizes);
        assertTrue(out.sizes.stream().allMatch(size -> size <= Recording.GUACD_WRITE_BYTES), "writes " + out.sizes);
        byte[] expected = new byte[(int) sent];
        System.arraycopy(body, 0, expected, 0, body.length);
        System.arraycopy(body, 0, expected, body.length, (int) sent - body.length);
        assertArrayEquals(expected, out.toByteArray(), "the recording, then its first frame again");
    }

    @Test
    void describesTheInstructionSizes() {
        Recording.Stats stats = new Recording("two-frames", twoFrames()).stats();

        assertEquals(4, stats.instructions());
        assertEquals(2, stats.syncs());
        assertEquals(Instructions.encode("blob", "1", "A".repeat(20_000)).length, stats.maxInstructionBytes());
        assertTrue(stats.largeInstructionShare() > 0.99, "the large blob is almost all of it: " + stats);
        assertEquals("blob", stats.opcodeShares().keySet().iterator().next(), "blob first: " + stats);
    }
}
