package dev.keyhole.server.audit;

import java.util.Locale;

/** What an audit event records. Its {@link #id} is the stable name the export and the pages use. */
public enum AuditKind {
    /** Someone signed in (detail: the factor used: password, totp, recovery-code, passkey, link). */
    SIGN_IN,
    /** A sign-in was refused (wrong name or password, wrong code, throttled, locked). */
    SIGN_IN_FAILED,
    /** Someone signed out (detail: everywhere or not). */
    SIGN_OUT,
    /** A session ended without its person signing out (detail: why). */
    SESSION_ENDED,
    /** A second factor was enrolled (detail: which). */
    SECOND_FACTOR_ENROLLED,
    /** A user's second factors were reset. */
    SECOND_FACTOR_RESET,
    /** A user was added (detail: role, target patterns). */
    USER_ADDED,
    /** A user's role or target patterns changed. */
    USER_CHANGED,
    /** A user was disabled. */
    USER_DISABLED,
    /** A user was enabled again. */
    USER_ENABLED,
    /** A user was removed. */
    USER_REMOVED,
    /** Someone opened a console (detail: watch or type, by account or by link). */
    CONSOLE_OPENED,
    /** Someone's console closed (detail: how long it was open, why it closed). */
    CONSOLE_CLOSED,
    /** Someone sent a passphrase through the passphrase box: the fact alone. */
    PASSPHRASE_BOX_USED,
    /** Someone typed into a console: once per console opening, the fact alone. */
    TYPED,
    /** A console's keyboard stage was switched (detail: from, to). */
    STAGE_SWITCHED,
    /** A VM action was asked for (detail: the action), with its result. */
    VM_ACTION,
    /** A share link was made (detail: mode, lifetime, devices). */
    LINK_CREATED,
    /** A share link was opened on a device. */
    LINK_REDEEMED,
    /** A share link was refused (every reason looks the same to the browser; the record says which). */
    LINK_REFUSED,
    /** A share link was revoked. */
    LINK_REVOKED,
    /** A share link's guest was closed because the link expired. */
    LINK_EXPIRED,
    /** The server started with its configuration (detail: the file, the consoles). */
    CONFIGURATION_LOADED,
    /**
     * Someone subscribed to notices (detail: the subscription, its channel and type, consoles, kinds; for email the
     * address's domain alone).
     */
    SUBSCRIPTION_ADDED,
    /** Someone removed a subscription of theirs (detail: as for {@link #SUBSCRIPTION_ADDED}). */
    SUBSCRIPTION_REMOVED,
    /**
     * A notice was delivered on a channel (detail: channel, type, recipient: an address or "configured
     * recipients", user, notice kind and id, attempts).
     */
    NOTIFICATION_SENT,
    /**
     * A notice was not delivered on a channel: refused, given up after retrying, dropped from a full queue, or left
     * when Keyhole stopped (detail: as for sent, and the last error in words).
     */
    NOTIFICATION_FAILED,
    /** Old events were deleted by retention (detail: through which event, the last one's hash). */
    RETENTION;

    /** @return e.g. {@code sign-in-failed} */
    public String id() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * @param id e.g. {@code console-opened}
     * @return that kind
     * @throws IllegalArgumentException for a name no kind has
     */
    public static AuditKind of(String id) {
        for (AuditKind kind : values()) {
            if (kind.id().equals(id)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("no audit event is called " + id);
    }
}
