package dev.keyhole.server.virtualbox;

/**
 * A call to a VirtualBox host failed. The message is what people should see: VirtualBox's own error text for a
 * refused operation, or what went wrong with the connection. It never holds credentials or session ids.
 */
public class VirtualBoxException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** @param message the human-readable reason, e.g. VirtualBox's own error text */
    public VirtualBoxException(String message) {
        super(message);
    }

    /**
     * @param message the human-readable reason
     * @param cause   the underlying failure
     */
    public VirtualBoxException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The web service cannot be reached (connection refused, timeout, not a VirtualBox web service). */
    public static final class Unreachable extends VirtualBoxException {

        private static final long serialVersionUID = 1L;

        /**
         * @param message what failed, naming the web service's URL
         * @param cause   the underlying failure
         */
        public Unreachable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * The web service no longer knows a managed object reference (its websession expired or the service
     * restarted): log on again.
     */
    public static final class InvalidObject extends VirtualBoxException {

        private static final long serialVersionUID = 1L;

        /** @param message the web service's fault text */
        public InvalidObject(String message) {
            super(message);
        }
    }
}
