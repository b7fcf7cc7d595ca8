package dev.keyhole.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A QEMU guest (TCG only) whose screen QEMU shares over VNC, from its first frame: the locked VM of
 * {@code demo/locked-vm/} booting with its kernel's log on the screen ({@code booting-vm.sh}), or the GRUB menu of
 * the end-to-end tests ({@code e2e-tests/grub/}) counting down.
 */
final class QemuConsole implements AutoCloseable {

    private static final Duration START = Duration.ofMinutes(5);

    private final Child qemu;
    private final int vncPort;

    private QemuConsole(Child qemu, int vncPort) {
        this.qemu = qemu;
        this.vncPort = vncPort;
    }

    /**
     * Boots the locked VM (its kernel and initramfs built first if this machine has none) and returns once its VNC
     * server listens, before the guest has drawn anything. {@link #promptShown} says when its LUKS prompt is up.
     */
    static QemuConsole lockedVmBooting(Path repo, Path work) throws IOException, InterruptedException {
        Path script = Scripts.copy("booting-vm.sh", work);
        int port = Ports.free();
        Child qemu = Child.start("booting-vm", List.of(script.toString(), repo.toString(),
                work.resolve("vm").toString(), String.valueOf(port)), null, work.resolve("booting-vm.log"),
                Capture.randomPassphrase(), line -> line.equals("READY 1"));
        return listening(qemu, port);
    }

    /** Boots the GRUB menu image (built first if this machine has none); returns once its VNC server listens. */
    static QemuConsole grubMenu(Path repo, Path work) throws IOException, InterruptedException {
        Files.createDirectories(work);
        Path log = work.resolve("grub-build.log");
        Process build = new ProcessBuilder(repo.resolve("e2e-tests/grub/build.sh").toString())
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        String directory = new String(build.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (!build.waitFor(START.toMinutes(), TimeUnit.MINUTES) || build.exitValue() != 0) {
            throw new IOException("building the GRUB menu image failed; see " + log);
        }
        int port = Ports.free();
        Child qemu = Child.start("grub-menu", List.of("qemu-system-x86_64", "-accel", "tcg", "-m", "64",
                "-nic", "none", "-display", "none", "-drive", "file=" + Path.of(directory, "grub.img")
                        + ",format=raw,if=floppy,readonly=on", "-boot", "a", "-vnc", "127.0.0.1:" + (port - 5900),
                "-k", "en-us", "-serial", "stdio", "-monitor", "none"), null, work.resolve("grub-menu.log"), null,
                line -> false);
        return listening(qemu, port);
    }

    private static QemuConsole listening(Child qemu, int port) throws IOException, InterruptedException {
        try {
            Ports.awaitListening(port, START, qemu);
        } catch (IOException | InterruptedException | RuntimeException e) {
            qemu.close();
            throw e;
        }
        return new QemuConsole(qemu, port);
    }

    /** @return whether the locked VM's LUKS prompt is on its screen (its serial port said so) */
    boolean promptShown() {
        return qemu.isReady();
    }

    /** @return the VNC parameters of a client of guacd to this guest, as Keyhole gives guacd a VNC target's */
    Map<String, String> vncParameters() {
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("hostname", "127.0.0.1");
        parameters.put("port", String.valueOf(vncPort));
        parameters.put("disable-copy", "true");
        parameters.put("disable-paste", "true");
        return parameters;
    }

    @Override
    public void close() {
        qemu.close();
    }
}
