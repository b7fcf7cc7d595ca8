package dev.keyhole.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A recording of what real guacd sent to a real client of the locked console over RDP: the instructions after
 * {@code ready} ({@code img}/{@code blob}/{@code end}/{@code sync}, cursor updates…), without guacd's
 * {@code nop} keep-alives. The benchmark's stand-in replays it, in a loop, as the stream of every session.
 *
 * <p>It is captured once per machine ({@link #cachedOrCaptured}) and kept outside the repository.
 */
final class Recording {

    /** Frames of the replayed stream are cut at the last instruction end before this many bytes. */
    static final int FRAME_BYTES = 64 * 1024;

    private static final String FILE_NAME = "rdp-session-1024x768-v1.guac";
    private static final Duration CAPTURE = Duration.ofSeconds(12);

    private final byte[] body;
    private final List<ByteBuffer> frames;

    private Recording(byte[] body) {
        this.body = body;
        this.frames = cut(body);
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
        long count = 0;
        for (byte b : body) {
            if (b == ';') {
                count++;
            }
        }
        return count;
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

    /**
     * Loads the machine's recording, capturing it first if there is none: real guacd connected over RDP to the
     * locked console ({@code demo/locked-console.sh}), for about 12 seconds, with a few key presses.
     *
     * @param cache where the recording is kept (e.g. {@code /var/cache/keyhole/bench})
     * @param repo  the repository (for the console script)
     * @param work  a directory for the capture's logs and the console's files
     */
    static Recording cachedOrCaptured(Path cache, Path repo, Path work) throws IOException, InterruptedException {
        Path file = cache.resolve(FILE_NAME);
        if (!Files.isRegularFile(file)) {
            Files.createDirectories(cache);
            byte[] captured = capture(repo, work);
            Path partial = Files.createTempFile(cache, FILE_NAME, ".partial");
            Files.write(partial, captured);
            Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            Log.say("captured a recording of a real RDP session through guacd: %s (%,d bytes)", file,
                    captured.length);
        }
        return new Recording(Files.readAllBytes(file));
    }

    /** @return a recording loaded from {@code file} */
    static Recording load(Path file) throws IOException {
        return new Recording(Files.readAllBytes(file));
    }

    private static byte[] capture(Path repo, Path work) throws IOException, InterruptedException {
        Files.createDirectories(work);
        try (RealConsole console = RealConsole.start(repo, work.resolve("capture"), randomPassphrase())) {
            GuacdHandshake.Connected guacd = GuacdHandshake.connect("127.0.0.1", console.guacdPort(), "rdp",
                    console.rdpParameters(), 1024, 768, List.of("image/png", "image/jpeg", "image/webp"));
            try (var socket = guacd.socket()) {
                socket.setSoTimeout(200);
                OutputStream out = socket.getOutputStream();
                ByteArrayOutputStream recorded = new ByteArrayOutputStream();
                long started = System.nanoTime();
                long nextKey = started + Duration.ofSeconds(3).toNanos();
                while (System.nanoTime() - started < CAPTURE.toNanos()) {
                    if (System.nanoTime() > nextKey) {
                        // Return on the prompt: a wrong (empty) passphrase, so the console redraws its text.
                        out.write(Instructions.encode("key", "65293", "1"));
                        out.write(Instructions.encode("key", "65293", "0"));
                        nextKey += Duration.ofSeconds(3).toNanos();
                    }
                    Instructions.Instruction instruction;
                    try {
                        instruction = guacd.reader().read();
                    } catch (SocketTimeoutException e) {
                        continue;
                    }
                    switch (instruction.opcode()) {
                        case "sync" -> {
                            out.write(instruction.raw());
                            recorded.write(instruction.raw());
                        }
                        case "nop" -> { }
                        case "error", "disconnect" -> throw new IOException("guacd ended the capture: "
                                + instruction.elements());
                        default -> recorded.write(instruction.raw());
                    }
                }
                out.write(Instructions.encode("disconnect"));
                if (recorded.size() < 10_000) {
                    throw new IOException("the capture holds only " + recorded.size() + " bytes: no picture came");
                }
                return recorded.toByteArray();
            }
        }
    }

    private static String randomPassphrase() {
        SecureRandom random = new SecureRandom();
        String alphabet = "abcdefghijkmnopqrstuvwxyz23456789";
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < 16; i++) {
            out.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return out.toString();
    }

}
