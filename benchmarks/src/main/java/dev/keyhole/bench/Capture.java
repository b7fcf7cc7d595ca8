package dev.keyhole.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Captures a recording: a client of real guacd connects to a real console and keeps what guacd sends after
 * {@code ready}, answering each {@code sync} as a browser does and dropping guacd's {@code nop} keep-alives. A
 * recording ends with a {@code sync} (the end of a frame), so that a replay in a loop is whole frames.
 */
final class Capture {

    /** What every capture declares it can draw, as a browser does. */
    private static final List<String> IMAGE_TYPES = List.of("image/png", "image/jpeg", "image/webp");
    /** The longest a capture may take, whatever it waits for. */
    private static final Duration LIMIT = Duration.ofMinutes(3);
    /** The RDP captures' length: 12 seconds of the console. */
    private static final Duration RDP_LENGTH = Duration.ofSeconds(12);

    private Capture() {
    }

    /** {@code prompt}: the locked console (cryptsetup's prompt over RDP), with a Return pressed every 3 s. */
    static byte[] prompt(Path repo, Path work) throws IOException, InterruptedException {
        try (RealConsole console = RealConsole.start(repo, work, randomPassphrase())) {
            return record(console.guacdPort(), "rdp", console.rdpParameters(), after(RDP_LENGTH),
                    Duration.ofSeconds(3));
        }
    }

    /** {@code boot-log} or {@code redraws}: a {@link BusyConsole} over RDP, for 12 s. */
    static byte[] busy(String text, Path work) throws IOException, InterruptedException {
        try (RealGuacd guacd = RealGuacd.start(work); BusyConsole console = BusyConsole.start(text, work)) {
            return record(guacd.port(), "rdp", console.rdpParameters(), after(RDP_LENGTH), null);
        }
    }

    /** {@code qemu-vnc}: the locked VM over VNC from its first frame until 2 s after its LUKS prompt showed. */
    static byte[] lockedVmBooting(Path repo, Path work) throws IOException, InterruptedException {
        try (RealGuacd guacd = RealGuacd.start(work); QemuConsole vm = QemuConsole.lockedVmBooting(repo, work)) {
            long[] shown = {0};
            BooleanSupplier enough = () -> {
                if (shown[0] == 0 && vm.promptShown()) {
                    shown[0] = System.nanoTime();
                }
                return shown[0] != 0 && System.nanoTime() - shown[0] > Duration.ofSeconds(2).toNanos();
            };
            return record(guacd.port(), "vnc", vm.vncParameters(), enough, null);
        }
    }

    /** {@code grub-vnc}: the GRUB menu over VNC from the machine's first frame, 12 s (its countdown running). */
    static byte[] grubMenu(Path repo, Path work) throws IOException, InterruptedException {
        try (RealGuacd guacd = RealGuacd.start(work); QemuConsole vm = QemuConsole.grubMenu(repo, work)) {
            return record(guacd.port(), "vnc", vm.vncParameters(), after(Duration.ofSeconds(12)), null);
        }
    }

    /** @return true once {@code length} has passed since it was made */
    private static BooleanSupplier after(Duration length) {
        long started = System.nanoTime();
        return () -> System.nanoTime() - started > length.toNanos();
    }

    /**
     * Connects to the console through guacd and records until {@code enough} says so and a {@code sync} came.
     *
     * @param pressReturn how often Return is pressed, from 3 s on (null: never)
     */
    private static byte[] record(int guacdPort, String protocol, Map<String, String> parameters,
            BooleanSupplier enough, Duration pressReturn) throws IOException {
        GuacdHandshake.Connected guacd = GuacdHandshake.connect("127.0.0.1", guacdPort, protocol, parameters, 1024,
                768, IMAGE_TYPES);
        try (var socket = guacd.socket()) {
            socket.setSoTimeout(200);
            OutputStream out = socket.getOutputStream();
            ByteArrayOutputStream recorded = new ByteArrayOutputStream();
            long started = System.nanoTime();
            long nextKey = pressReturn == null ? Long.MAX_VALUE : started + Duration.ofSeconds(3).toNanos();
            boolean done = false;
            while (!done) {
                if (System.nanoTime() - started > LIMIT.toNanos()) {
                    throw new IOException("the capture did not end within " + LIMIT.toMinutes() + " min");
                }
                if (System.nanoTime() > nextKey) {
                    // Return on a prompt: a wrong (empty) passphrase, so the console redraws its text.
                    out.write(Instructions.encode("key", "65293", "1"));
                    out.write(Instructions.encode("key", "65293", "0"));
                    nextKey += pressReturn.toNanos();
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
                        done = enough.getAsBoolean();
                    }
                    case "nop" -> { }
                    case "error", "disconnect" -> throw new IOException("guacd ended the capture: "
                            + instruction.elements());
                    default -> recorded.write(instruction.raw());
                }
            }
            out.write(Instructions.encode("disconnect"));
            // GRUB's menu, the smallest, is some 8 KB: a first picture and a line redrawn every second.
            if (recorded.size() < 4096) {
                throw new IOException("the capture holds only " + recorded.size() + " bytes: no picture came");
            }
            return recorded.toByteArray();
        }
    }

    /** @return a passphrase for a console's disk that nobody types: the benchmark never unlocks it */
    static String randomPassphrase() {
        SecureRandom random = new SecureRandom();
        String alphabet = "abcdefghijkmnopqrstuvwxyz23456789";
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < 16; i++) {
            out.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return out.toString();
    }
}
