package dev.keyhole.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A recording of what real guacd sent to a real client of a console (see {@link Recordings}): the instructions
 * after {@code ready} ({@code img}/{@code blob}/{@code end}/{@code sync}, cursor updates…), without guacd's
 * {@code nop} keep-alives. The benchmark's stand-in replays it, in a loop, as the stream of every session that asks
 * for it by name.
 */
final class Recording {

    /** guacd's output buffer, {@code GUAC_SOCKET_OUTPUT_BUFFER_SIZE}: what it writes at most at once. */
    static final int GUACD_WRITE_BYTES = 8192;
    /** The WebSocket ceiling's messages are cut at the last instruction end before this many bytes. */
    static final int FRAME_BYTES = 64 * 1024;
    /** An instruction of at least this many bytes is a large one (guacd's image data comes in 8 KB blobs). */
    static final int LARGE_INSTRUCTION_BYTES = 4096;

    private final String name;
    private final byte[] body;
    private final List<ByteBuffer> frames;
    private final Stats stats;
    /** Where each of guacd's writes of one pass ends ({@link #replay}). */
    private final int[] writeEnds;
    /** Whether each write is a flush (the end of a frame or of the pass) rather than a full buffer. */
    private final boolean[] flushes;

    /**
     * What a recording is made of.
     *
     * @param bytes                  its size
     * @param instructions           how many instructions it holds
     * @param syncs                  how many of them are {@code sync}s (the ends of guacd's frames)
     * @param medianInstructionBytes the median instruction's size
     * @param maxInstructionBytes    the largest instruction's size
     * @param largeInstructionShare  the share of its bytes in instructions of {@value #LARGE_INSTRUCTION_BYTES}
     *                               bytes or more
     * @param opcodeShares           the share of its bytes in each opcode's instructions, largest first
     */
    record Stats(String name, long bytes, long instructions, long syncs, int medianInstructionBytes,
            int maxInstructionBytes, double largeInstructionShare, Map<String, Double> opcodeShares) {
    }

    Recording(String name, byte[] body) {
        this.name = name;
        this.body = body;
        this.frames = cut(body);
        this.stats = stats(name, body);
        List<Integer> ends = new ArrayList<>();
        List<Boolean> flushed = new ArrayList<>();
        cutAsGuacdWrites(body, ends, flushed);
        this.writeEnds = ends.stream().mapToInt(Integer::intValue).toArray();
        this.flushes = new boolean[flushed.size()];
        for (int i = 0; i < flushes.length; i++) {
            flushes[i] = flushed.get(i);
        }
    }

    /** @return its name (in the stand-in's hostnames and the table) */
    String name() {
        return name;
    }

    /** @return what it is made of */
    Stats stats() {
        return stats;
    }

    /** @return the recorded bytes (instructions only, whole ones) */
    byte[] bytes() {
        return body;
    }

    /**
     * @return one pass of the recording as the WebSocket ceiling's messages, cut at instruction ends (views of one
     *         array: never write into them)
     */
    List<ByteBuffer> frames() {
        return frames;
    }

    /** @return how many instructions the recording holds */
    long instructions() {
        return stats.instructions();
    }
    /** Something done at each flush of a replay. */
    interface AtFlush {
        /** @param sent the bytes written so far */
        void run(long sent) throws IOException;
    }

    /**
     * Writes at least {@code bytes} bytes of the recording (looping) to {@code out} the way guacd writes to its
     * user's socket (guacamole-server 1.3–1.5): a connection's process buffers what it sends in a
     * {@value #GUACD_WRITE_BYTES}-byte buffer ({@code GUAC_SOCKET_OUTPUT_BUFFER_SIZE}, {@code socket-fd.c}),
     * writes the buffer whenever it is full, wherever that cuts an instruction, and flushes it at the end of
     * each frame, after the frame's {@code sync} ({@code guac_client_end_frame} then {@code guac_socket_flush},
     * in the RDP and VNC clients' loops); guacd's own process passes each such write on to the user's socket in
     * a write of its own (reads and writes of 8 KB, {@code connection.c}). So: one {@code write} per full buffer,
     * one per flush. The replay ends at a flush (after a {@code sync}, or at the end of a pass), so what
     * follows it begins with a whole instruction.
     *
     * @param atFlush run after each flush
     * @return the bytes written
     */
    long replay(OutputStream out, long bytes, AtFlush atFlush) throws IOException {
        long sent = 0;
        while (true) {
            int start = 0;
            for (int i = 0; i < writeEnds.length; i++) {
                out.write(body, start, writeEnds[i] - start);
                sent += writeEnds[i] - start;
                start = writeEnds[i];
                if (flushes[i]) {
                    atFlush.run(sent);
                    if (sent >= bytes) {
                        return sent;
                    }
                }
            }
        }
    }

    /** @return how many writes one pass of the replay takes */
    int writesPerPass() {
        return writeEnds.length;
    }

    /**
     * Cuts the recording as guacd's output buffer does (see {@link #replay}): from each flush (after a
     * {@code sync}, and at the start) into writes of {@value #GUACD_WRITE_BYTES} bytes, the last one of a frame
     * shorter.
     *
     * @param ends    where each write ends
     * @param flushed whether each write is a flush
     */
    private static void cutAsGuacdWrites(byte[] body, List<Integer> ends, List<Boolean> flushed) {
        int written = 0;
        int start = 0;
        while (start < body.length) {
            int end = nextInstructionEnd(body, start);
            boolean flush = end == body.length || opcode(body, start).equals("sync");
            while (end - written > GUACD_WRITE_BYTES) {
                written += GUACD_WRITE_BYTES;
                ends.add(written);
                flushed.add(false);
            }
            if (flush) {
                ends.add(end);
                flushed.add(true);
                written = end;
            }
            start = end;
        }
    }

    private static List<ByteBuffer> cut(byte[] body) {
        List<ByteBuffer> frames = new ArrayList<>();
        int frameStart = 0;
        int lastEnd = 0;
        int i = 0;
        while (i < body.length) {
            i = nextInstructionEnd(body, i);
            if (i - frameStart > FRAME_BYTES && lastEnd > frameStart) {
                frames.add(ByteBuffer.wrap(body, frameStart, lastEnd - frameStart).slice());
                frameStart = lastEnd;
            }
            lastEnd = i;
        }
        if (lastEnd > frameStart) {
            frames.add(ByteBuffer.wrap(body, frameStart, lastEnd - frameStart).slice());
        }
        return List.copyOf(frames);
    }

    /** @return the index just past the {@code ;} of the instruction starting at {@code from} */
    private static int nextInstructionEnd(byte[] bytes, int from) {
        int i = from;
        while (true) {
            int length = 0;
            while (bytes[i] != '.') {
                length = length * 10 + (bytes[i++] - '0');
            }
            i++;
            while (length > 0 || (bytes[i] & 0xC0) == 0x80) {
                if ((bytes[i] & 0xC0) != 0x80) {
                    length--;
                }
                i++;
            }
            if (bytes[i++] == ';') {
                return i;
            }
        }
    }

    private static Stats stats(String name, byte[] body) {
        List<Integer> sizes = new ArrayList<>();
        Map<String, Long> opcodeBytes = new HashMap<>();
        long large = 0;
        long syncs = 0;
        int start = 0;
        while (start < body.length) {
            int end = nextInstructionEnd(body, start);
            int size = end - start;
            sizes.add(size);
            if (size >= LARGE_INSTRUCTION_BYTES) {
                large += size;
            }
            String opcode = opcode(body, start);
            if (opcode.equals("sync")) {
                syncs++;
            }
            opcodeBytes.merge(opcode, (long) size, Long::sum);
            start = end;
        }
        sizes.sort(null);
        Map<String, Double> shares = new LinkedHashMap<>();
        opcodeBytes.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(entry -> shares.put(entry.getKey(), entry.getValue() / (double) body.length));
        return new Stats(name, body.length, sizes.size(), syncs, sizes.isEmpty() ? 0 : sizes.get(sizes.size() / 2),
                sizes.isEmpty() ? 0 : sizes.get(sizes.size() - 1), body.length == 0 ? 0 : large / (double) body.length,
                shares);
    }

    /** @return the opcode of the instruction starting at {@code start} (ASCII, as every opcode is) */
    private static String opcode(byte[] bytes, int start) {
        int dot = start;
        while (bytes[dot] != '.') {
            dot++;
        }
        int length = Integer.parseInt(new String(bytes, start, dot - start, StandardCharsets.US_ASCII));
        return new String(bytes, dot + 1, length, StandardCharsets.US_ASCII);
    }
}
