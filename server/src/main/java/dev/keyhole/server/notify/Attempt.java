package dev.keyhole.server.notify;

import java.util.Objects;

/**
 * What one try to deliver a notice on a channel came to.
 *
 * @param outcome delivered, worth another try, or not
 * @param error   what went wrong, in words, without any secret; empty when delivered
 */
public record Attempt(Outcome outcome, String error) {

    /** What a try came to. */
    public enum Outcome {
        /** The channel took it (a 2xx answer; the SMTP server accepted the message). */
        DELIVERED,
        /** It failed in a way that may pass (no answer, a 5xx, a 408 or 429, a temporary SMTP error). */
        RETRY,
        /** It failed in a way another try would not change (a 4xx, a refused address, a refused login). */
        GIVE_UP
    }

    /** Checks that nothing is missing. */
    public Attempt {
        Objects.requireNonNull(outcome, "outcome");
        error = error == null ? "" : error;
    }

    /** @return a delivered try */
    public static Attempt delivered() {
        return new Attempt(Outcome.DELIVERED, "");
    }

    /** @return a failed try worth repeating, and why it failed */
    public static Attempt retry(String error) {
        return new Attempt(Outcome.RETRY, error);
    }

    /** @return a failed try not worth repeating, and why it failed */
    public static Attempt giveUp(String error) {
        return new Attempt(Outcome.GIVE_UP, error);
    }
}
