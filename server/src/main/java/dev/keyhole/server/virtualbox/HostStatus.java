package dev.keyhole.server.virtualbox;

/**
 * Whether Keyhole is in touch with a VirtualBox host.
 *
 * @param host    the host's configured name
 * @param state   connecting, reachable or unreachable
 * @param message why it is unreachable (VirtualBox's or the network's words; never credentials); empty otherwise
 */
public record HostStatus(String host, State state, String message) {

    /** The connection's state. */
    public enum State {
        /** Not yet logged on. */
        CONNECTING,
        /** Logged on, events flowing. */
        REACHABLE,
        /** The web service cannot be reached or refused the logon; Keyhole keeps trying. */
        UNREACHABLE
    }
}
