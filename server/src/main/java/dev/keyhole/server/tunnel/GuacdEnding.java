package dev.keyhole.server.tunnel;

import java.time.Duration;
import org.apache.guacamole.protocol.GuacamoleStatus;

/**
 * Why a guacd connection ended, in words for the person at the browser. Each part of a connection that ends it —
 * its reads, its writes, Keyhole closing it — names its cause here, and the connection keeps the first
 * ({@link FirstEnding}), so that the browser's close reason and the log say what happened: "guacd stopped reading
 * for 10 s", not that guacd closed the connection.
 *
 * @param status    the Guacamole status a browser is told
 * @param reason    what happened; never secret
 * @param byKeyhole whether Keyhole closed the connection itself (a viewer left, nobody needed the console any more):
 *                  then nothing went wrong
 */
record GuacdEnding(GuacamoleStatus status, String reason, boolean byKeyhole) {

    /** Keyhole closed the connection. */
    static final GuacdEnding CLOSED_BY_KEYHOLE = new GuacdEnding(GuacamoleStatus.UPSTREAM_UNAVAILABLE,
            "Keyhole closed the connection to guacd", true);

    /** guacd closed the connection (the end of the stream). */
    static final GuacdEnding GUACD_CLOSED = new GuacdEnding(GuacamoleStatus.UPSTREAM_UNAVAILABLE,
            "guacd closed the connection", false);

    /** guacd sent nothing at all, not even its keep-alive, for {@code limit}. */
    static GuacdEnding silent(Duration limit) {
        return new GuacdEnding(GuacamoleStatus.UPSTREAM_TIMEOUT, "guacd sent nothing for " + shown(limit)
                + ", not even its keep-alive: the connection is stuck", false);
    }

    /** guacd took none of a write for {@code limit}. */
    static GuacdEnding stoppedReading(Duration limit) {
        return new GuacdEnding(GuacamoleStatus.UPSTREAM_TIMEOUT, "guacd stopped reading for " + shown(limit), false);
    }

    /** guacd sent bytes that are not Guacamole instructions. */
    static GuacdEnding malformed(String what) {
        return new GuacdEnding(GuacamoleStatus.UPSTREAM_ERROR, "guacd sent a malformed instruction (" + what + ")",
                false);
    }

    /** One instruction from guacd did not fit in {@code maxBytes}. */
    static GuacdEnding tooLong(int maxBytes) {
        return new GuacdEnding(GuacamoleStatus.UPSTREAM_ERROR, "guacd sent an instruction longer than "
                + maxBytes / (1024 * 1024) + " MiB", false);
    }

    /** Reading from guacd failed (the connection was reset, …). */
    static GuacdEnding readFailed(Throwable cause) {
        return new GuacdEnding(GuacamoleStatus.UPSTREAM_ERROR, "Lost the connection to guacd: " + said(cause), false);
    }

    /** Writing to guacd failed. */
    static GuacdEnding writeFailed(Throwable cause) {
        return new GuacdEnding(GuacamoleStatus.UPSTREAM_ERROR, "Writing to guacd failed: " + said(cause), false);
    }

    /** More than {@code maxBytes} waited for guacd to take them. */
    static GuacdEnding overrun(int maxBytes) {
        return new GuacdEnding(GuacamoleStatus.CLIENT_OVERRUN, "Too many instructions queued for guacd ("
                + maxBytes / 1024 + " KiB): they arrive faster than guacd takes them", false);
    }

    /** @return this ending as the exception a tunnel closes with */
    TunnelException toException() {
        return new TunnelException(status, reason);
    }

    /** "15 s", or "400 ms" for a limit of less than whole seconds. */
    private static String shown(Duration limit) {
        long millis = limit.toMillis();
        return millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms";
    }

    /** What an I/O failure says, e.g. "Connection reset by peer"; its kind when it says nothing. */
    private static String said(Throwable cause) {
        String message = cause.getMessage();
        return message == null || message.isBlank() ? cause.getClass().getSimpleName() : message;
    }
}
