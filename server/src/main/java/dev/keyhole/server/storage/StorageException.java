package dev.keyhole.server.storage;

/**
 * Keyhole's storage failed: the data directory cannot be used, the database cannot be reached or migrated, or a
 * statement failed. The message says what, in words for the operator; the cause, when there is one, says why.
 */
public final class StorageException extends RuntimeException {

    /** @param message what failed and, where it helps, what to do */
    public StorageException(String message) {
        super(message);
    }

    /**
     * @param message what failed
     * @param cause   why
     */
    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
