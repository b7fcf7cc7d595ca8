package dev.keyhole.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Free TCP ports on 127.0.0.1 for programs that cannot be told to use port 0: the system picks one (bind,
 * read, release), and the program binds it a moment later.
 *
 * <p>A port released is the system's to give again, and it does: two fixtures starting together were once
 * both handed the same port, and the second program's server, unable to bind it, went on without listening
 * while the first answered in its place. So no port is handed out twice in one JVM.
 */
public final class FreePorts {

    /** How many picks may name ports handed out already before giving up (the range holds thousands). */
    private static final int ATTEMPTS = 1000;

    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    private FreePorts() {
    }

    /** A port that was free on 127.0.0.1 a moment ago, and that this JVM has not handed out before. */
    public static int reserve() {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            int port;
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                port = socket.getLocalPort();
            } catch (IOException e) {
                throw new UncheckedIOException("no free port on 127.0.0.1", e);
            }
            if (HANDED_OUT.add(port)) {
                return port;
            }
        }
        throw new IllegalStateException("the system offered only ports handed out already, " + ATTEMPTS + " times");
    }
}
