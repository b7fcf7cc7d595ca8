package dev.keyhole.server.notify;

import java.util.Locale;

/** What a {@link Notice} tells. Its {@link #id} is the stable name the webhook's JSON, the audit and the logs use. */
public enum NoticeKind {
    /** A console waits for its disk passphrase. */
    WAITING_FOR_PASSPHRASE,
    /** A passphrase typed into a console was wrong: it asks again. */
    WRONG_PASSPHRASE,
    /** A console still waits, some time after the first notice. */
    REMINDER,
    /** A console that waited no longer does (it was unlocked, or went away). */
    RESOLVED,
    /** A VM stopped without being asked to (VirtualBox's {@code Aborted}, or an unrequested power off). */
    VM_ABORTED,
    /** Keyhole started a VM again after it stopped. */
    VM_RESTARTED,
    /** Keyhole could not start a VM again. */
    VM_RESTART_FAILED,
    /** A test message, to check that a channel works. */
    TEST;

    /** @return e.g. {@code waiting-for-passphrase} */
    public String id() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * @return whether the notice asks someone to act (a console waits, a VM is down), rather than saying that all is
     *         well again or testing a channel
     */
    public boolean needsSomeone() {
        return switch (this) {
            case WAITING_FOR_PASSPHRASE, WRONG_PASSPHRASE, REMINDER, VM_ABORTED, VM_RESTART_FAILED -> true;
            case RESOLVED, VM_RESTARTED, TEST -> false;
        };
    }

    /**
     * @param id e.g. {@code wrong-passphrase}
     * @return that kind
     * @throws IllegalArgumentException for a name no kind has
     */
    public static NoticeKind of(String id) {
        for (NoticeKind kind : values()) {
            if (kind.id().equals(id)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("no notice is called " + id);
    }
}
