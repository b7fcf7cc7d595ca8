package dev.keyhole.server.notify;

/**
 * A way notices reach people: one configured channel ({@code notify.channels}), named by the configuration and
 * implemented by its mechanism ({@link WebhookChannel}, {@link NtfyChannel}, {@link EmailChannel}). A channel makes
 * one try at a time and says what it came to; {@link Notifier} queues, retries and audits.
 */
public interface Channel {

    /** @return its name, as configured ({@code [a-z0-9-]+}) */
    String name();

    /** @return its type as the configuration writes it: {@code webhook}, {@code ntfy} or {@code email} */
    String type();

    /**
     * @return whether a {@link Recipient} on it may carry an address of its own (a user's email address or ntfy
     *         topic); a webhook's is always its configured URL
     */
    boolean takesAddresses();

    /**
     * Tries once to deliver a notice, within the channel's own time limits.
     *
     * @param notice    what to tell
     * @param recipient its configured recipients, or one address on it
     * @return what the try came to; a problem is an outcome, never an exception. Its error names no secret of the
     *         channel's (HMAC secret, token, password)
     * @throws InterruptedException when the thread is interrupted while it waits (Keyhole is stopping)
     */
    Attempt deliver(Notice notice, Recipient recipient) throws InterruptedException;
}
