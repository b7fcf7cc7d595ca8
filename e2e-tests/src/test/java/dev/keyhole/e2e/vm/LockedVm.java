package dev.keyhole.e2e.vm;

import dev.keyhole.e2e.fixtures.E2ePaths;
import dev.keyhole.e2e.fixtures.ManagedProcess;
import dev.keyhole.e2e.fixtures.Waits;
import dev.keyhole.testsupport.FreePorts;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * A real VM (QEMU, TCG) stopped at a LUKS prompt on its console, with its own console keymap, shared over VNC
 * with QEMU's key map of the same layout: {@code demo/locked-vm/boot.sh} in test mode. The guest reports on
 * its serial port (QEMU's stdout) {@code KEYMAP LAYOUT} as it boots, {@code READY N} when prompt N is shown,
 * {@code READ N HEX} with the bytes it read and {@code RESULT N STATUS} with cryptsetup's verdict (0 = unlocked).
 * Only test strings are ever typed into a test-mode VM: it reports what it reads. A guest that reboots (QEMU
 * restarts it: Ctrl-Alt-Del at its console) counts its prompts from 1 again; prompts and attempts here are
 * those of its latest boot.
 */
public final class LockedVm implements AutoCloseable {

    /** How long a boot may take (about 5 s alone, 8 s for three in parallel on 2 cores; the first build ~1 min). */
    static final Duration BOOT_TIMEOUT = Duration.ofSeconds(240);

    /** One attempt at the prompt: what the guest read and cryptsetup's exit status. */
    public record Attempt(int prompt, byte[] read, int status) {
        /** What the guest read, decoded as UTF-8. */
        public String text() {
            return new String(read, StandardCharsets.UTF_8);
        }

        /** True when the disk unlocked. */
        public boolean unlocked() {
            return status == 0;
        }
    }

    private final String layout;
    private final Path dir;
    private final int vncPort;
    private final ManagedProcess process;
    private final List<String> serial = new ArrayList<>();

    private LockedVm(String layout, Path dir, int vncPort, ManagedProcess process) {
        this.layout = layout;
        this.dir = dir;
        this.vncPort = vncPort;
        this.process = process;
        Thread reader = new Thread(this::readSerial, "serial of the " + layout + " VM");
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Boots a VM in test mode (does not wait for it; see {@link #awaitPrompt(int)}).
     *
     * @param layout the guest's keyboard layout (guacd's name), also QEMU's VNC key map
     * @param dir its directory (disk image, initrd, monitor socket, qemu.log)
     * @param passphrase the disk's passphrase (a test string, never a secret: this VM reports what it reads)
     */
    public static LockedVm boot(String layout, Path dir, String passphrase) {
        return boot(layout, dir, passphrase, false);
    }

    /**
     * Boots a VM in test mode that, once unlocked, says it boots on and then reboots into its next boot (its
     * prompt shows anew, counted from 1).
     */
    public static LockedVm bootRebootingOnUnlock(String layout, Path dir, String passphrase) {
        return boot(layout, dir, passphrase, true);
    }

    private static LockedVm boot(String layout, Path dir, String passphrase, boolean rebootOnUnlock) {
        int port = FreePorts.reserve(); // ephemeral ports are above 5900, as QEMU's display numbers need
        Path script = E2ePaths.repoRoot().resolve("demo/locked-vm/boot.sh");
        List<String> command = new java.util.ArrayList<>(List.of(script.toString(), "--dir", dir.toString(),
                "--layout", layout, "--vnc-port", Integer.toString(port), "--mode", "test"));
        if (rebootOnUnlock) {
            command.addAll(List.of("--after-unlock", "reboot"));
        }
        ManagedProcess process = ManagedProcess.start("the " + layout + " VM", command, null,
                dir.resolve("qemu.log"));
        try (OutputStream stdin = process.stdin()) {
            stdin.write((passphrase + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            process.stop(Duration.ofSeconds(5));
            throw new UncheckedIOException("cannot give the " + layout + " VM its passphrase", e);
        }
        return new LockedVm(layout, dir, port, process);
    }

    private void readSerial() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.stdout(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                synchronized (serial) {
                    serial.add(line.strip());
                }
            }
        } catch (IOException e) {
            // the VM stopped
        }
    }

    /** The serial lines of the latest boot (from its KEYMAP line on; all of them before the first). */
    private List<String> currentBoot() {
        synchronized (serial) {
            int start = 0;
            for (int i = 0; i < serial.size(); i++) {
                if (serial.get(i).startsWith("KEYMAP ")) {
                    start = i;
                }
            }
            return List.copyOf(serial.subList(start, serial.size()));
        }
    }

    /** How many times the guest has booted so far (its init says KEYMAP each time). */
    public int boots() {
        synchronized (serial) {
            return (int) serial.stream().filter(l -> l.startsWith("KEYMAP ")).count();
        }
    }

    /** Waits until the guest has booted {@code n} times in all (1 = the first boot). */
    public void awaitBoot(int n, Duration timeout) {
        Waits.until("boot " + n + " of the " + layout + " VM", timeout, this::seen, () -> {
            if (!process.isAlive()) {
                throw new IllegalStateException("the VM stopped: " + seen());
            }
            return boots() >= n;
        });
    }

    /** The last serial line of the latest boot whose first words are these (e.g. "READ", "3"), split into words. */
    private Optional<String[]> line(String... words) {
        Optional<String[]> found = Optional.empty();
        for (String l : currentBoot()) {
            String[] parts = l.split(" ");
            if (parts.length >= words.length && Arrays.equals(parts, 0, words.length, words, 0, words.length)) {
                found = Optional.of(parts);
            }
        }
        return found;
    }

    private int highest(String word) {
        return currentBoot().stream().map(l -> l.split(" ")).filter(p -> p.length >= 2 && p[0].equals(word))
                .mapToInt(p -> Integer.parseInt(p[1])).max().orElse(0);
    }

    private String lastLines() {
        synchronized (serial) {
            return String.join(" | ", serial.subList(Math.max(0, serial.size() - 5), serial.size()));
        }
    }

    private String seen() {
        return "the " + layout + " VM is " + process.status() + "; its serial port said: " + lastLines()
                + "; qemu.log ends with: " + ManagedProcess.tail(dir.resolve("qemu.log"), 5);
    }

    /** Waits until prompt {@code n} (1 = the first) is on the screen and reading. */
    public void awaitPrompt(int n, Duration timeout) {
        Waits.until("prompt " + n + " of the " + layout + " VM", timeout, this::seen, () -> {
            if (!process.isAlive()) {
                throw new IllegalStateException("the VM stopped: " + seen());
            }
            return line("READY", Integer.toString(n)).isPresent();
        });
    }

    /** The number of the next prompt to type at: one more than the last one answered (1 at first). */
    public int nextPrompt() {
        return highest("RESULT") + 1;
    }

    /** Waits for the attempt made at prompt {@code n}: what the guest read and cryptsetup's result. */
    public Attempt awaitAttempt(int n, Duration timeout) {
        String number = Integer.toString(n);
        Waits.until("an answer at prompt " + n + " of the " + layout + " VM", timeout, this::seen,
                () -> line("RESULT", number).isPresent());
        String[] read = line("READ", number).orElseThrow();
        String hex = read.length > 2 ? read[2] : "";
        int status = Integer.parseInt(line("RESULT", number).orElseThrow()[2]);
        return new Attempt(n, HexFormat.of().parseHex(hex), status);
    }

    /** The guest's keyboard layout. */
    public String layout() {
        return layout;
    }

    /** QEMU's VNC port on 127.0.0.1. */
    public int vncPort() {
        return vncPort;
    }

    /** Stops the VM: {@code quit} on QEMU's monitor, then the process group. */
    @Override
    public void close() {
        Path monitor = dir.resolve("monitor.sock");
        if (Files.exists(monitor)) {
            try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                channel.connect(UnixDomainSocketAddress.of(monitor));
                channel.write(ByteBuffer.wrap("quit\n".getBytes(StandardCharsets.US_ASCII)));
            } catch (IOException e) {
                // gone already: the process group is stopped below
            }
        }
        process.stop(Duration.ofSeconds(5));
    }
}
