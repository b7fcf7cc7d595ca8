package dev.keyhole.server.accounts;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A person who may sign in, as stored.
 *
 * @param id             random and never reused, so that a user removed and added again under the same name is
 *                       someone else; also fit to be the user's WebAuthn user handle
 * @param name           what they sign in with (see {@link #NAME})
 * @param role           what they may do
 * @param targetPatterns the target-name patterns they are limited to (see {@link #TARGET_PATTERN}); empty: every
 *                       target
 * @param passwordHash   the password's hash in its encoded form; empty: no password (passkeys only)
 * @param disabled       whether they are barred from signing in
 * @param createdAt      when they were added
 */
public record User(String id, String name, Role role, List<String> targetPatterns, String passwordHash,
        boolean disabled, Instant createdAt) {

    /** A user name: lower-case letters, digits and {@code . _ @ -}, starting with a letter or digit, up to 64. */
    public static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._@-]{0,63}");
    /** A target-name pattern: a target name in which {@code *} stands for any characters. */
    public static final Pattern TARGET_PATTERN = Pattern.compile("[a-z0-9*][a-z0-9*-]{0,62}");

    /** Checks every part and copies the patterns. */
    public User {
        Objects.requireNonNull(id, "id");
        checkName(name);
        Objects.requireNonNull(role, "role");
        targetPatterns = checkPatterns(targetPatterns);
        passwordHash = passwordHash == null ? "" : passwordHash;
        Objects.requireNonNull(createdAt, "createdAt");
    }

    /** @return whether they have a password */
    public boolean hasPassword() {
        return !passwordHash.isEmpty();
    }

    /**
     * @param name a user name
     * @return it, when it is one
     * @throws IllegalArgumentException saying what a user name is, when it is not
     */
    public static String checkName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("a user name is lower-case letters, digits and . _ @ -, starting with "
                    + "a letter or digit, at most 64 characters");
        }
        return name;
    }

    /**
     * @param patterns target-name patterns
     * @return a copy of them, when each is one
     * @throws IllegalArgumentException saying what a pattern is, when one is not
     */
    public static List<String> checkPatterns(List<String> patterns) {
        for (String pattern : patterns) {
            if (pattern == null || !TARGET_PATTERN.matcher(pattern).matches()) {
                throw new IllegalArgumentException("a target pattern is a target name in which * stands for any "
                        + "characters, e.g. web-*; not " + pattern);
            }
        }
        return List.copyOf(patterns);
    }

    /** Everything but the password hash, of which it says only whether there is one. */
    @Override
    public String toString() {
        return "User[id=" + id + ", name=" + name + ", role=" + role.id() + ", targetPatterns=" + targetPatterns
                + ", password=" + (hasPassword() ? "(hidden)" : "(none)") + ", disabled=" + disabled + ", createdAt="
                + createdAt + "]";
    }
}
