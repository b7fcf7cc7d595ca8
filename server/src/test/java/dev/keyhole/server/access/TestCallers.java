package dev.keyhole.server.access;

import dev.keyhole.server.accounts.Role;
import dev.keyhole.server.auth.TokenHash;
import java.util.List;

/** Signed-in callers for the services' unit tests. */
public final class TestCallers {

    private TestCallers() {
    }

    /** @return an operator (who may type) signed in from {@code address}, with a session of their own */
    public static Caller operator(String address) {
        return signedIn(address, Role.OPERATOR);
    }

    /** @return a viewer (who only watches) signed in from {@code address} */
    public static Caller viewer(String address) {
        return signedIn(address, Role.VIEWER);
    }

    private static Caller signedIn(String address, Role role) {
        return new Caller(address, new Identity(role.id() + "-id", role.id(), role, List.of(),
                TokenHash.of("session of " + role.id() + " at " + address)));
    }
}
