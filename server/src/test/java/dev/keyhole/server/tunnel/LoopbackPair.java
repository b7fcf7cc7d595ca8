package dev.keyhole.server.tunnel;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;
import java.time.Duration;

/**
 * A connected loopback pair with no handshake: Keyhole's channel, on a relay loop, and guacd's end as a
 * {@link FakeGuacd.Peer}, for the parts of a connection that come after the handshake.
 */
final class LoopbackPair implements AutoCloseable {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    final RelayLoops.LoopChannel channel;
    final FakeGuacd.Peer peer;

    private LoopbackPair(RelayLoops.LoopChannel channel, FakeGuacd.Peer peer) {
        this.channel = channel;
        this.peer = peer;
    }

    /**
     * @param sendBuffer    the channel's send buffer in bytes (0: the system's, which grows as it likes)
     * @param receiveBuffer guacd's receive buffer in bytes (0: the system's)
     */
    static LoopbackPair open(RelayLoops loops, int sendBuffer, int receiveBuffer) throws Exception {
        try (ServerSocket server = new ServerSocket()) {
            if (receiveBuffer > 0) {
                server.setReceiveBufferSize(receiveBuffer);
            }
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            SocketChannel channel = SocketChannel.open();
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            if (sendBuffer > 0) {
                channel.setOption(StandardSocketOptions.SO_SNDBUF, sendBuffer);
            }
            channel.socket().connect(server.getLocalSocketAddress(), (int) TIMEOUT.toMillis());
            Socket socket = server.accept();
            // A read that waits this long means the connection lost bytes: a failure, not a hang.
            socket.setSoTimeout((int) TIMEOUT.multipliedBy(3).toMillis());
            return new LoopbackPair(loops.adopt(channel), new FakeGuacd.Peer(socket));
        }
    }

    /** Resets guacd's end: Keyhole's next write or read fails, as when guacd dies. */
    void resetPeer() throws IOException {
        peer.reset();
    }

    @Override
    public void close() throws IOException {
        channel.socket().close();
        peer.close();
    }
}
