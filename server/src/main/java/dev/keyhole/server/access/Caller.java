package dev.keyhole.server.access;

/**
 * Who makes a request or holds a tunnel, as the front door resolved it. Services take one on every call that acts
 * on a console or a VM, and name it in their logs.
 *
 * <p>Until Keyhole has accounts a caller is known only by its network address; it is nobody's secret.
 *
 * @param address the client's IP address as the server saw it (a reverse proxy's, behind one); never null
 */
public record Caller(String address) {

    /** Refuses a null address: every request has one. */
    public Caller {
        if (address == null) {
            throw new IllegalArgumentException("a caller has an address");
        }
    }

    @Override
    public String toString() {
        return address;
    }
}
