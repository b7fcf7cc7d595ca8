package dev.keyhole.server.access;

import java.security.Principal;
import java.util.Optional;

/**
 * Who makes a request or holds a tunnel, as the front door resolved it: the client's address and, once signed
 * in, their {@link Identity}; or, for someone who opened a share link, their {@link Guest} (beside an identity
 * when links need an account). Services take one on every call that acts on a console or a VM, and name it in
 * their logs. It is the servlet request's (and the WebSocket session's) user principal, so the edge hands it on
 * without looking it up twice.
 *
 * <p>What a guest's link grants is added to what their own account (if any) grants, for the link's console only;
 * everything that is not about one console (the lists, the VM actions, the event stream, links) is the
 * identity's alone.
 *
 * @param address  the client's IP address as the server saw it (a reverse proxy's, behind one, unless Keyhole
 *                 believes the proxy's forwarded headers); never null
 * @param identity who is signed in; null for a guest without an account and on the public paths
 * @param guest    the share link this browser opened; null for everyone else
 */
public record Caller(String address, Identity identity, Guest guest) implements Principal {

    /** Refuses a null address: every request has one. */
    public Caller {
        if (address == null) {
            throw new IllegalArgumentException("a caller has an address");
        }
    }

    /** @return someone signed in (or, with a null identity, not), without a link */
    public Caller(String address, Identity identity) {
        this(address, identity, null);
    }

    /** @return someone not signed in, known only by their address */
    public static Caller anonymous(String address) {
        return new Caller(address, null, null);
    }

    /** @return who is signed in, if anyone */
    public Optional<Identity> signedIn() {
        return Optional.ofNullable(identity);
    }

    /** @return the link this browser opened, if any */
    public Optional<Guest> viaLink() {
        return Optional.ofNullable(guest);
    }

    /** @return whether they may see a target at all (someone neither signed in nor a guest sees none) */
    public boolean sees(String target) {
        return identity != null && identity.sees(target) || guest != null && guest.target().equals(target);
    }

    /**
     * @return whether they may type into a target's console: a signed-in operator or admin who sees it, or a guest
     *         of a link to type into it. Anyone else only watches: their tunnel joins guacd read-only and drops
     *         what they would type.
     */
    public boolean mayType(String target) {
        return identity != null && identity.mayType() && identity.sees(target)
                || guest != null && guest.mayType() && guest.target().equals(target);
    }

    /** @return whether they may switch a target's keyboard stage: as {@link #mayType}, but a guest only if the link says */
    public boolean maySwitchStage(String target) {
        return identity != null && identity.mayType() && identity.sees(target)
                || guest != null && guest.maySwitchStage() && guest.target().equals(target);
    }

    /** @return the user's name, the link guest's description, or the address of someone neither */
    @Override
    public String getName() {
        return identity != null ? identity.name() : guest != null ? guest.toString() : address;
    }

    @Override
    public String toString() {
        String who = identity == null ? guest == null ? null : guest.toString()
                : guest == null ? identity.toString() : identity + " " + guest;
        return who == null ? address : who + " from " + address;
    }
}
