package dev.keyhole.server.auth;

/**
 * A {@link SecretBox} could not do its work: its key file is missing, unreadable, malformed or open to others, or a
 * sealed secret does not open (another key, another record, altered). The message says which, names the file or
 * the record and what to do, and never holds a key or a secret.
 */
public final class SecretBoxException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * An error of its own.
     *
     * @param message what went wrong, for an administrator
     */
    public SecretBoxException(String message) {
        super(message);
    }

    /**
     * An error caused by another.
     *
     * @param message what went wrong, for an administrator
     * @param cause the error underneath
     */
    public SecretBoxException(String message, Throwable cause) {
        super(message, cause);
    }
}
