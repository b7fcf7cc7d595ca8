package dev.keyhole.server.accounts;

/** A user could not be added: another has that name. */
public final class UserExistsException extends RuntimeException {

    /** @param name the name taken */
    public UserExistsException(String name) {
        super("a user named " + name + " exists already");
    }
}
