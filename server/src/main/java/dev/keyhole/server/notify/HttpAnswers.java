package dev.keyhole.server.notify;

import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.nio.channels.ClosedChannelException;

/** What the HTTP channels ({@link WebhookChannel}, {@link NtfyChannel}) make of an answer, or of none. */
final class HttpAnswers {

    private HttpAnswers() {
    }

    /**
     * @param status an answer's status
     * @return delivered for 2xx; given up for a 3xx (never followed) and a 4xx but 408 and 429; else worth retrying
     */
    static Attempt judge(int status) {
        if (status >= 200 && status < 300) {
            return Attempt.delivered();
        }
        if (status >= 300 && status < 400) {
            return Attempt.giveUp("HTTP " + status + ": the receiver redirects, and a notice is never sent elsewhere "
                    + "than configured; configure the URL it redirects to");
        }
        if (status >= 400 && status < 500 && status != 408 && status != 429) {
            return Attempt.giveUp("HTTP " + status + ": the receiver refused it");
        }
        return Attempt.retry("HTTP " + status);
    }

    /**
     * @param e      why a request got no answer
     * @param secret a secret of the channel's that must not appear in the text (empty: none)
     * @return in words, without the secret
     */
    static String describe(IOException e, String secret) {
        String text;
        if (e instanceof HttpConnectTimeoutException) {
            text = "cannot connect: no answer in time";
        } else if (e instanceof ConnectException) {
            text = "cannot connect" + (e.getMessage() == null ? "" : ": " + e.getMessage());
        } else if (e instanceof ClosedChannelException) {
            text = "the connection closed without an answer";
        } else {
            text = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        }
        return Errors.printable(text, secret);
    }
}
