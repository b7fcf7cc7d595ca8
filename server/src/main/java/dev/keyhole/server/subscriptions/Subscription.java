package dev.keyhole.server.subscriptions;

import dev.keyhole.server.access.Identity;
import dev.keyhole.server.notify.NoticeKind;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A user's subscription, as stored: notices of which kinds about which consoles go where.
 *
 * @param id        random, never reused
 * @param userId    whose it is
 * @param channel   the channel's name
 * @param address   the user's email address, or their topic on the ntfy channel's server
 * @param targets   target-name patterns; empty: every console the user may see when a notice is sent
 * @param kinds     notice kinds ({@link #NOTICE_KINDS}); empty: every kind
 * @param createdAt when it was added
 */
public record Subscription(String id, String userId, String channel, String address, List<String> targets,
        List<String> kinds, Instant createdAt) {

    /**
     * The kinds of notice a subscription may pick, by the ids the notices carry: a console waits for its disk's
     * passphrase, a passphrase was wrong, it still waits (a reminder), it no longer waits, a VM stopped without
     * being asked to, was started again, could not be: every {@link NoticeKind} but a channel's test.
     */
    public static final List<String> NOTICE_KINDS = Arrays.stream(NoticeKind.values())
            .filter(kind -> kind != NoticeKind.TEST).map(NoticeKind::id).toList();

    /** Checks that nothing is missing and copies the lists. */
    public Subscription {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(address, "address");
        targets = List.copyOf(targets);
        kinds = List.copyOf(kinds);
        Objects.requireNonNull(createdAt, "createdAt");
    }

    /**
     * @param target a target's name
     * @return whether its patterns name it (none: every target); whether its user may see it is asked apart
     */
    public boolean covers(String target) {
        return targets.isEmpty() || targets.stream().anyMatch(pattern -> Identity.matches(pattern, target));
    }

    /** @return whether it is about notices of this kind (no kinds: every kind) */
    public boolean wants(String kind) {
        return kinds.isEmpty() || kinds.contains(kind);
    }
}
