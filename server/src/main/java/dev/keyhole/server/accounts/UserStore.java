package dev.keyhole.server.accounts;

import java.util.List;
import java.util.Optional;

/**
 * The users, kept where every Keyhole node sharing a database sees the same. Removing a user removes what is
 * theirs with them: their sessions, passkeys, TOTP secret, recovery codes, links and subscriptions.
 */
public interface UserStore {

    /**
     * Adds a user.
     *
     * @param user who
     * @return the user as stored, with its new id and the time it was added
     * @throws UserExistsException when another user has that name
     */
    User add(NewUser user);

    /** @return the user with this id, if any */
    Optional<User> byId(String id);

    /** @return the user with this name, if any */
    Optional<User> byName(String name);

    /** @return every user, by name */
    List<User> list();

    /** @return how many users there are */
    int count();

    /**
     * @param id       a user's id
     * @param disabled whether they are barred from signing in
     * @return whether there is such a user
     */
    boolean setDisabled(String id, boolean disabled);

    /**
     * @param id   a user's id
     * @param role what they may do from now on
     * @return whether there is such a user
     */
    boolean setRole(String id, Role role);

    /**
     * @param id       a user's id
     * @param patterns the target-name patterns they are limited to from now on; empty: every target
     * @return whether there is such a user
     */
    boolean setTargetPatterns(String id, List<String> patterns);

    /**
     * @param id           a user's id
     * @param passwordHash the new password's hash in its encoded form; empty: no password
     * @return whether there is such a user
     */
    boolean setPasswordHash(String id, String passwordHash);

    /**
     * Removes a user and everything that is theirs.
     *
     * @param id a user's id
     * @return whether there was such a user
     */
    boolean remove(String id);
}
