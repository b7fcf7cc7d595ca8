package dev.keyhole.server.accounts;

import java.util.List;
import java.util.Objects;

/**
 * A user to add: what the one who adds them says; the store gives the id and the time.
 *
 * @param name           what they sign in with ({@link User#NAME})
 * @param role           what they may do
 * @param targetPatterns the target-name patterns they are limited to; empty: every target
 * @param passwordHash   the password's hash in its encoded form; empty: no password (passkeys only)
 */
public record NewUser(String name, Role role, List<String> targetPatterns, String passwordHash) {

    /** Checks every part as {@link User} does. */
    public NewUser {
        User.checkName(name);
        Objects.requireNonNull(role, "role");
        targetPatterns = User.checkPatterns(targetPatterns);
        passwordHash = passwordHash == null ? "" : passwordHash;
    }

    /** Everything but the password hash. */
    @Override
    public String toString() {
        return "NewUser[name=" + name + ", role=" + role.id() + ", targetPatterns=" + targetPatterns + ", password="
                + (passwordHash.isEmpty() ? "(none)" : "(hidden)") + "]";
    }
}
