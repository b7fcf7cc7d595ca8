package dev.keyhole.server.access;

import dev.keyhole.server.accounts.Role;
import dev.keyhole.server.auth.TokenHash;
import java.util.List;
import java.util.Objects;

/**
 * A signed-in person, as the front door found them for a request or a tunnel: whose session, with which role,
 * limited to which targets. It holds no secret: the session is named by its token's hash.
 *
 * @param userId         the user's id
 * @param name           the user's name
 * @param role           what they may do
 * @param targetPatterns the target-name patterns they are limited to; empty: every target
 * @param session        the hash of their session's token, which names the session in logs by its fingerprint
 */
public record Identity(String userId, String name, Role role, List<String> targetPatterns,
        TokenHash session) {

    /** Checks that nothing is missing and copies the patterns. */
    public Identity {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(role, "role");
        targetPatterns = List.copyOf(targetPatterns);
        Objects.requireNonNull(session, "session");
    }

    /**
     * @param target a target's name
     * @return whether they may see it at all: no patterns, or one that matches ({@code *} stands for any
     *         characters); a target they may not see is, to them, one that does not exist
     */
    public boolean sees(String target) {
        if (targetPatterns.isEmpty()) {
            return true;
        }
        for (String pattern : targetPatterns) {
            if (matches(pattern, target)) {
                return true;
            }
        }
        return false;
    }

    /**
     * @return whether {@code name} matches {@code pattern}, in which {@code *} stands for any characters. A
     *         {@code name} that is itself a pattern matches when every name it matches does (its {@code *} taken
     *         as a character that only a {@code *} of {@code pattern} stands for)
     */
    public static boolean matches(String pattern, String name) {
        int star = pattern.indexOf('*');
        if (star < 0) {
            return pattern.equals(name);
        }
        String head = pattern.substring(0, star);
        if (!name.startsWith(head)) {
            return false;
        }
        String rest = pattern.substring(star + 1);
        for (int from = head.length(); from <= name.length(); from++) {
            if (matches(rest, name.substring(from))) {
                return true;
            }
        }
        return false;
    }

    /** @return whether they may type into a console (and so switch its stage): operators and admins */
    public boolean mayType() {
        return role != Role.VIEWER;
    }

    @Override
    public String toString() {
        return name + " (" + role.id() + ", session " + session.fingerprint() + ")";
    }
}
