/**
 * Notifications: telling people, on the configured channels, that a console waits for its passphrase (and what
 * became of it), without ever making the caller wait.
 *
 * <p>A {@link dev.keyhole.server.notify.Notice} is what to tell, the same on every channel: which console, what
 * about it, since when, and its page's URL (which needs a sign-in; never a token or a secret). A
 * {@link dev.keyhole.server.notify.Recipient} is who: a channel's configured recipients, or one user's own address
 * on an email or ntfy channel. {@link dev.keyhole.server.notify.Notifier} queues one delivery per recipient on its
 * channel, with a queue and a thread per channel, retries with back-off and records every delivery's end in the
 * audit trail. The channels, {@link dev.keyhole.server.notify.Channel}, are named by their mechanism:
 * {@link dev.keyhole.server.notify.WebhookChannel} (signed JSON), {@link dev.keyhole.server.notify.NtfyChannel} and
 * {@link dev.keyhole.server.notify.EmailChannel} (SMTP with STARTTLS); {@link dev.keyhole.server.notify.Channels}
 * makes them from the {@code notify:} section of the configuration.
 *
 * <p>What decides when to notify (watching consoles) and who subscribed lives elsewhere and calls
 * {@link dev.keyhole.server.notify.Notifier#send}. Nothing here imports an edge, Jetty or the servlet API.
 */
package dev.keyhole.server.notify;
