package dev.keyhole.server.accounts;

import java.util.Locale;

/** What a user may do, each role everything the one below it may and more. */
public enum Role {
    /** Watches consoles. */
    VIEWER,
    /** Also types, switches keyboard stages, and starts, resets and presses the power button of VMs. */
    OPERATOR,
    /** Also powers VMs off, turns consoles on, manages users and sees everyone's links and sessions. */
    ADMIN;

    /** @return the role as the database and the command line write it: {@code admin}, {@code operator}, {@code viewer} */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * @param id {@code admin}, {@code operator} or {@code viewer}
     * @return that role
     * @throws IllegalArgumentException for anything else
     */
    public static Role of(String id) {
        for (Role role : values()) {
            if (role.id().equals(id)) {
                return role;
            }
        }
        throw new IllegalArgumentException("a role is admin, operator or viewer, not " + id);
    }
}
