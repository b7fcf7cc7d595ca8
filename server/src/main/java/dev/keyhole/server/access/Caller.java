package dev.keyhole.server.access;

import java.security.Principal;
import java.util.Optional;

/**
 * Who makes a request or holds a tunnel, as the front door resolved it: the client's address and, once signed
 * in, their {@link Identity}. Services take one on every call that acts on a console or a VM, and name it in their
 * logs. It is the servlet request's (and the WebSocket session's) user principal, so the edge hands it on without
 * looking it up twice.
 *
 * @param address  the client's IP address as the server saw it (a reverse proxy's, behind one, unless Keyhole
 *                 believes the proxy's forwarded headers); never null
 * @param identity who is signed in; null on the few public paths (the sign-in page and its routes)
 */
public record Caller(String address, Identity identity) implements Principal {

    /** Refuses a null address: every request has one. */
    public Caller {
        if (address == null) {
            throw new IllegalArgumentException("a caller has an address");
        }
    }

    /** @return someone not signed in, known only by their address */
    public static Caller anonymous(String address) {
        return new Caller(address, null);
    }

    /** @return who is signed in, if anyone */
    public Optional<Identity> signedIn() {
        return Optional.ofNullable(identity);
    }

    /**
     * @return whether they may type into a console: a signed-in operator or admin. Anyone else only watches: their
     *         tunnel joins guacd read-only and drops what they would type.
     */
    public boolean mayType() {
        return identity != null && identity.mayType();
    }

    /** @return whether they may see a target at all (someone not signed in sees none) */
    public boolean sees(String target) {
        return identity != null && identity.sees(target);
    }

    /** @return the user's name, or the address of someone not signed in */
    @Override
    public String getName() {
        return identity == null ? address : identity.name();
    }

    @Override
    public String toString() {
        return identity == null ? address : identity + " from " + address;
    }
}
