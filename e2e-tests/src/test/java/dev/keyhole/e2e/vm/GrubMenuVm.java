package dev.keyhole.e2e.vm;

import dev.keyhole.e2e.fixtures.E2ePaths;
import dev.keyhole.e2e.fixtures.ManagedProcess;
import dev.keyhole.e2e.fixtures.Waits;
import dev.keyhole.testsupport.FreePorts;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real GRUB 2 menu (Debian's GRUB, BIOS, in QEMU) with two entries, "first" (the default) and "second", and a
 * 30 s countdown: {@code e2e-tests/grub/}. It reads keys from its screen's keyboard, shared over VNC, and draws
 * its menu on the serial port too (QEMU's stdout), where this class reads the countdown
 * ("executed automatically in Ns") and the entry it ran ({@code PICKED first|second}).
 */
final class GrubMenuVm implements AutoCloseable {

    private static final Pattern COUNTDOWN = Pattern.compile("executed automatically in (\\d+)s");
    private static final Pattern PICKED = Pattern.compile("PICKED (\\w+)");

    private final Path dir;
    private final int vncPort;
    private final ManagedProcess process;
    private final ByteArrayOutputStream serial = new ByteArrayOutputStream();

    private GrubMenuVm(Path dir, int vncPort, ManagedProcess process) {
        this.dir = dir;
        this.vncPort = vncPort;
        this.process = process;
        Thread reader = new Thread(this::readSerial, "serial of the GRUB menu VM");
        reader.setDaemon(true);
        reader.start();
    }

    /** Builds the image if this machine has none yet, and boots it (see {@link #awaitCountdown}). */
    static GrubMenuVm boot(Path dir) {
        Path image = build(dir).resolve("grub.img");
        int port = FreePorts.reserve(); // ephemeral ports are above 5900, as QEMU's display numbers need
        ManagedProcess process = ManagedProcess.start("the GRUB menu VM", List.of("qemu-system-x86_64",
                "-accel", "tcg", "-m", "64", "-nic", "none", "-display", "none",
                "-drive", "file=" + image + ",format=raw,if=floppy,readonly=on", "-boot", "a",
                "-vnc", "127.0.0.1:" + (port - 5900), "-k", "en-us", "-serial", "stdio", "-monitor", "none"),
                null, dir.resolve("qemu.log"));
        return new GrubMenuVm(dir, port, process);
    }

    private static Path build(Path dir) {
        Path log = dir.resolve("build.log");
        try {
            Files.createDirectories(dir);
            Process build = new ProcessBuilder(E2ePaths.repoRoot().resolve("e2e-tests/grub/build.sh").toString())
                    .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            String out = new String(build.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!build.waitFor(5, TimeUnit.MINUTES) || build.exitValue() != 0) {
                throw new IllegalStateException("building the GRUB menu image failed: " + ManagedProcess.tail(log, 10));
            }
            return Path.of(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void readSerial() {
        byte[] buffer = new byte[4096];
        try (InputStream in = process.stdout()) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                synchronized (serial) {
                    serial.write(buffer, 0, n);
                }
            }
        } catch (IOException e) {
            // the VM stopped
        }
    }

    private String serialText() {
        synchronized (serial) {
            return serial.toString(StandardCharsets.UTF_8);
        }
    }

    /** The countdown as GRUB last drew it, in seconds; empty before the menu shows. */
    OptionalInt countdown() {
        Matcher m = COUNTDOWN.matcher(serialText());
        int last = -1;
        while (m.find()) {
            last = Integer.parseInt(m.group(1));
        }
        return last < 0 ? OptionalInt.empty() : OptionalInt.of(last);
    }

    /** The menu entry GRUB ran ("first" or "second"), if any yet. */
    Optional<String> picked() {
        Matcher m = PICKED.matcher(serialText());
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }

    private String seen() {
        String text = serialText().replaceAll("\u001b\\[[0-9;?]*[A-Za-z]", " ").replaceAll("\\s+", " ");
        return "GRUB's VM is " + process.status() + "; its serial port ends with: \""
                + text.substring(Math.max(0, text.length() - 300)) + "\"; qemu.log: " + ManagedProcess.tail(dir.resolve("qemu.log"), 3);
    }

    /** Waits until the menu counts down at {@code seconds} or less. */
    void awaitCountdown(int seconds, Duration timeout) {
        Waits.until("GRUB's countdown at " + seconds + " s or less", timeout, this::seen, () -> {
            if (!process.isAlive()) {
                throw new IllegalStateException("the VM stopped: " + seen());
            }
            OptionalInt now = countdown();
            return now.isPresent() && now.getAsInt() <= seconds;
        });
    }

    /** Waits until GRUB has run a menu entry and returns which. */
    String awaitPicked(Duration timeout) {
        Waits.until("GRUB to run a menu entry", timeout, this::seen, () -> picked().isPresent());
        return picked().orElseThrow();
    }

    /** QEMU's VNC port on 127.0.0.1. */
    int vncPort() {
        return vncPort;
    }

    @Override
    public void close() {
        process.stop(Duration.ofSeconds(5));
    }
}
