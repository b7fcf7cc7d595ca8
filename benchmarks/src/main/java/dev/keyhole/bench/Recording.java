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

    /** Frames of the replayed stream are cut at the last instruction end before this many bytes. */
    static final int FRAME_BYTES = 64 * 1024;
    /** An instruction of at least this many bytes is a large one (guacd's image data comes in 8 KB blobs). */
    static final int LARGE_INSTRUCTION_BYTES = 4096;

    private final String name;
    private final byte[] body;
    private final List<ByteBuffer> frames;
    private final Stats stats;

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

    /** @return one pass of the recording as frames cut at instruction ends (views of one array: never write into them) */
    List<ByteBuffer> frames() {
        return frames;
    }

    /** @return how many instructions the recording holds */
    long instructions() {
        return stats.instructions();
    }
    /** Something done between two frames of a replay. */
    interface BetweenFrames {
        void run() throws IOException;
    }

    /**
     * Writes at least {@code bytes} bytes of the recording (whole frames, looping) to {@code out}.
     *
     * @param between run after each frame
     * @return the bytes written
     */
    long replay(OutputStream out, long bytes, BetweenFrames between) throws IOException {
        long sent = 0;
        while (sent < bytes) {
            for (ByteBuffer frame : frames) {
                out.write(frame.array(), frame.arrayOffset() + frame.position(), frame.remaining());
                sent += frame.remaining();
                between.run();
                if (sent >= bytes) {
                    break;
                }
            }
        }
        return sent;
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
