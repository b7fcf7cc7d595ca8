package dev.keyhole.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The recordings the stand-in replays: each captured once per machine from real guacd ({@link Capture}) and kept
 * in the cache directory (e.g. {@code /var/cache/keyhole/bench/}), one file each, never in the repository. A
 * file's name carries its capture's version: a capture that changes gets a new name, and the old file is left
 * unused.
 */
final class Recordings {

    /** How a recording is captured. */
    @FunctionalInterface
    interface Capturer {
        /**
         * @param repo the repository (the consoles' scripts)
         * @param work a directory of its own for the consoles' files and logs
         */
        byte[] capture(Path repo, Path work) throws IOException, InterruptedException;
    }

    /**
     * One recording: its name (in hostnames and the table), its file in the cache, and its capture.
     *
     * @param shows what the console shows, for the log
     */
    record Source(String name, String fileName, String shows, Capturer capturer) {
    }

    /** Every recording, in the table's order. */
    static final List<Source> ALL = List.of(
            new Source("prompt", "rdp-session-1024x768-v1.guac",
                    "RDP, the locked console: cryptsetup's prompt, a few Return presses", Capture::prompt),
            new Source("boot-log", "rdp-boot-log-1024x768-v1.guac",
                    "RDP, a terminal with a boot log scrolling by (400 lines a second)",
                    (repo, work) -> Capture.busy("boot-log", work)),
            new Source("redraws", "rdp-redraws-1024x768-v1.guac",
                    "RDP, a terminal whose whole screen is rewritten in colour every 70 ms",
                    (repo, work) -> Capture.busy("redraws", work)),
            new Source("qemu-vnc", "vnc-locked-vm-boot-v1.guac",
                    "VNC, QEMU from its first frame: the kernel's boot log on the text console, then the LUKS prompt",
                    Capture::lockedVmBooting),
            new Source("grub-vnc", "vnc-grub-menu-v1.guac",
                    "VNC, QEMU from its first frame: GRUB's menu counting down", Capture::grubMenu));

    private Recordings() {
    }

    /** @return the names of every recording, in order */
    static List<String> names() {
        return ALL.stream().map(Source::name).toList();
    }

    /**
     * Loads the named recordings, capturing first each one this machine has none of.
     *
     * @param cache where the recordings are kept
     * @param work  where captures keep their consoles' files and logs
     */
    static List<Recording> load(List<String> names, Path cache, Path repo, Path work)
            throws IOException, InterruptedException {
        List<Recording> recordings = new ArrayList<>();
        for (String name : names) {
            Source source = ALL.stream().filter(s -> s.name().equals(name)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no recording named " + name + "; there are "
                            + names()));
            recordings.add(new Recording(name, cachedOrCaptured(source, cache, repo, work)));
        }
        return recordings;
    }

    private static byte[] cachedOrCaptured(Source source, Path cache, Path repo, Path work)
            throws IOException, InterruptedException {
        Path file = cache.resolve(source.fileName());
        if (!Files.isRegularFile(file)) {
            Files.createDirectories(cache);
            Log.say("capturing the recording %s once for this machine: %s", source.name(), source.shows());
            byte[] captured;
            try {
                captured = source.capturer().capture(repo, work.resolve("capture-" + source.name()));
            } catch (IOException e) {
                // guacd 1.3.0's VNC client was seen once to end a capture of QEMU's boot at its very start.
                Log.say("capturing %s failed (%s): once more", source.name(), e.getMessage());
                captured = source.capturer().capture(repo, work.resolve("capture-" + source.name() + "-again"));
            }
            Path partial = Files.createTempFile(cache, source.fileName(), ".partial");
            Files.write(partial, captured);
            Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            Log.say("captured %s from real guacd: %s (%,d bytes)", source.name(), file, captured.length);
        }
        return Files.readAllBytes(file);
    }
}
