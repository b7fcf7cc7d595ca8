package dev.keyhole.server.config;

/**
 * Where Keyhole's HTTP and WebSocket server listens.
 *
 * @param bind the address to bind, e.g. {@code 127.0.0.1}
 * @param port the TCP port; {@code 0} picks a free one (tests)
 */
public record HttpConfig(String bind, int port) {

    /** The default: loopback only, port 8080. Put a TLS reverse proxy in front to serve other machines. */
    public static final HttpConfig DEFAULT = new HttpConfig("127.0.0.1", 8080);
}
