package dev.keyhole.server.http;

import dev.keyhole.server.accounts.Accounts;
import java.util.Optional;

/** Finds the session of a request's cookie, for the {@link FrontDoor}: {@link Accounts#resolve} in Keyhole. */
@FunctionalInterface
interface SessionFinder {

    /**
     * @param cookie the session cookie's value; null when the request has none
     * @return the live session, signed in or not yet; empty when there is none
     */
    Optional<Accounts.Resolved> find(String cookie);
}
