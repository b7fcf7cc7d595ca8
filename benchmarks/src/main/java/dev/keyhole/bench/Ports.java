package dev.keyhole.bench;

import dev.keyhole.testsupport.FreePorts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/** Free TCP ports, and waiting for a child process to listen on one. */
final class Ports {

    private Ports() {
    }

    /**
     * @return a port free on 127.0.0.1 at the moment and not handed out before in this JVM (ephemeral: above
     *         5900, as QEMU's VNC display numbers need)
     */
    static int free() {
        return FreePorts.reserve();
    }

    /**
     * Waits until something listens on {@code port} of 127.0.0.1, as {@code /proc/net/tcp} shows it: without
     * connecting, since a server such as FreeRDP's shadow server takes a probe for a client.
     *
     * @param owner the process that is to listen: its end ends the wait
     */
    static void awaitListening(int port, Duration timeout, Child owner) throws IOException, InterruptedException {
        String local = String.format(Locale.ROOT, "0100007F:%04X", port);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            for (String line : Files.readAllLines(Path.of("/proc/net/tcp"))) {
                String[] fields = line.trim().split("\\s+");
                // "sl local_address rem_address st …": st 0A is LISTEN.
                if (fields.length > 3 && fields[1].equals(local) && fields[3].equals("0A")) {
                    return;
                }
            }
            if (!owner.isAlive()) {
                throw new IOException(owner.name() + " exited before it listened on port " + port + "; see "
                        + owner.log());
            }
            if (System.nanoTime() > deadline) {
                throw new IOException(owner.name() + " did not listen on port " + port + " after "
                        + timeout.toSeconds() + " s; see " + owner.log());
            }
            Thread.sleep(50);
        }
    }
}
