package dev.keyhole.server.config;

/**
 * Where guacd, the Guacamole proxy daemon that speaks RDP and VNC to the consoles, listens.
 *
 * @param host guacd's host name or address
 * @param port guacd's TCP port
 */
public record GuacdConfig(String host, int port) {

    /** guacd's own default: {@code 127.0.0.1:4822}. */
    public static final GuacdConfig DEFAULT = new GuacdConfig("127.0.0.1", 4822);

    /** @return {@code host:port}, as shown in messages */
    public String address() {
        return host + ":" + port;
    }
}
