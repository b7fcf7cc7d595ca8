package dev.keyhole.server.subscriptions;

import dev.keyhole.server.access.Caller;
import dev.keyhole.server.access.Identity;
import dev.keyhole.server.accounts.User;
import dev.keyhole.server.accounts.UserStore;
import dev.keyhole.server.audit.AuditEvent;
import dev.keyhole.server.audit.AuditKind;
import dev.keyhole.server.audit.AuditTrail;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The users' subscriptions to notices about consoles: each user adds, lists and removes their own, and the code
 * that sends a notice asks {@link #recipientsFor(String, String)} whom to tell.
 *
 * <p>A subscription never tells anyone more than their account lets them see. Adding one is refused for consoles
 * the user may not see; and since an admin may narrow a user's consoles, disable or remove them afterwards,
 * {@link #recipientsFor(String, String)} checks each user as they are at that moment, not as they were when they
 * subscribed: a subscription to every console means every console they may see when a notice is sent.
 *
 * <p>Only {@link SubscribableChannel#acceptsUsers() email and ntfy channels} take subscriptions, each to the user's
 * own address: an email address, or a topic on the channel's server, whose URL is the channel's. A subscription to
 * a channel no longer configured stays, listed as such, and tells no one until it is configured again.
 *
 * <p>The audit trail and the logs name a subscription by its id, channel, consoles and kinds, and of its address
 * say only an email address's domain: an ntfy topic is as good as a password on a public server.
 */
public final class Subscriptions {

    private static final Logger log = LoggerFactory.getLogger(Subscriptions.class);

    /** The most subscriptions one user may have. */
    public static final int MAX_PER_USER = 20;
    /** The most console patterns one subscription may name. */
    public static final int MAX_PATTERNS = 20;
    /** What a user who wants to subscribe is told when there is no channel to subscribe to. */
    public static final String NO_CHANNELS = "No notification channels are configured: ask an admin";
    /** The one pattern that means every console the user may see. */
    public static final String EVERY_CONSOLE = "*";
    /** The one kind that means every kind. */
    public static final String EVERY_KIND = "all";

    private final SubscriptionStore store;
    private final UserStore users;
    private final Map<String, SubscribableChannel> channels;
    private final AuditTrail audit;

    /**
     * @param store    where the subscriptions are kept
     * @param users    whose they are, read again whenever a notice is about to be sent
     * @param channels the configured channels, in their order; those that take no subscriptions (webhooks) are
     *                 refused by name. Empty: none is configured, and nobody can subscribe
     * @param audit    where each subscription added and removed is recorded
     * @throws IllegalArgumentException when two channels have one name
     */
    public Subscriptions(SubscriptionStore store, UserStore users, List<SubscribableChannel> channels,
            AuditTrail audit) {
        this.store = store;
        this.users = users;
        this.audit = audit;
        Map<String, SubscribableChannel> byName = new LinkedHashMap<>();
        for (SubscribableChannel channel : channels) {
            if (byName.put(channel.name(), channel) != null) {
                throw new IllegalArgumentException("two notification channels are called " + channel.name());
            }
        }
        this.channels = byName;
    }

    /** @return the channels users may subscribe to (email and ntfy), in their configured order; possibly none */
    public List<SubscribableChannel> channels() {
        return channels.values().stream().filter(SubscribableChannel::acceptsUsers).toList();
    }

    /** @return the channel of this name, when it is configured and takes subscriptions */
    public Optional<SubscribableChannel> channel(String name) {
        return Optional.ofNullable(channels.get(name)).filter(SubscribableChannel::acceptsUsers);
    }

    /** @return a user's own subscriptions, oldest first */
    public List<Subscription> of(Identity who) {
        return store.ofUser(who.userId());
    }

    /**
     * Adds a subscription of the caller's own, once it is checked: a channel that takes subscriptions, one address
     * fit for it, consoles the caller may see, kinds that exist, and no more than {@link #MAX_PER_USER}.
     *
     * @param by      who subscribes: someone signed in, of any role (a viewer may watch, and so be told)
     * @param request what to be told, where
     * @return the subscription as kept: its address in the form it is sent to, {@code *} and {@code all} alone
     *         kept as no patterns and no kinds
     * @throws IllegalArgumentException with a sentence for the person, saying what to change
     * @throws SecurityException        when nobody is signed in, or their account is gone
     */
    public Subscription add(Caller by, SubscriptionRequest request) {
        Identity who = by.signedIn().orElseThrow(() -> new SecurityException("Sign in first"));
        SubscribableChannel channel = checkChannel(request.channel().strip());
        String address = checkAddress(channel, request.address().strip());
        List<String> targets = checkTargets(who, request.targets());
        List<String> kinds = checkKinds(request.kinds());
        List<Subscription> mine = store.ofUser(who.userId());
        if (mine.size() >= MAX_PER_USER) {
            throw new IllegalArgumentException("You have " + MAX_PER_USER + " subscriptions, the most one may have: "
                    + "remove one first");
        }
        SubscriptionRequest checked = new SubscriptionRequest(channel.name(), address, targets, kinds);
        if (mine.stream().anyMatch(existing -> same(existing, checked))) {
            throw new IllegalArgumentException("You have this subscription already");
        }
        Subscription added = store.add(who.userId(), checked)
                .orElseThrow(() -> new SecurityException("Your account is gone"));
        log.info("{} subscribed through {}{} to notices ({}) about {}: subscription {}", who.name(), channel.name(),
                where(channel, address), kindsText(kinds), consolesText(targets), added.id());
        audit.record(described(AuditEvent.by(AuditKind.SUBSCRIPTION_ADDED, by), added, channel.type()));
        return added;
    }

    /**
     * Removes one of the caller's own subscriptions.
     *
     * @param by someone signed in
     * @param id the subscription's id
     * @return whether it was theirs and is gone; false for a subscription of someone else's, as for none at all
     * @throws SecurityException when nobody is signed in
     */
    public boolean remove(Caller by, String id) {
        Identity who = by.signedIn().orElseThrow(() -> new SecurityException("Sign in first"));
        Optional<Subscription> found = store.byId(id).filter(s -> s.userId().equals(who.userId()));
        if (found.isEmpty() || !store.remove(id, who.userId())) {
            return false;
        }
        Subscription gone = found.get();
        log.info("{} removed their subscription {} ({})", who.name(), gone.id(), gone.channel());
        audit.record(described(AuditEvent.by(AuditKind.SUBSCRIPTION_REMOVED, by), gone,
                Optional.ofNullable(channels.get(gone.channel())).map(SubscribableChannel::type).orElse("")));
        return true;
    }

    /**
     * Whom to tell about a console now: every subscription that covers it and wants this kind of notice, on a
     * channel configured and taking subscriptions, of a user who exists, is not disabled, and may see the console
     * now (their role lets every user watch; their target patterns are read afresh). An address two subscriptions
     * share is told once.
     *
     * @param target the console's target name
     * @param kind   the notice's kind ({@link Subscription#NOTICE_KINDS}); null: whatever kinds they chose
     * @return the subscribers, in the order they subscribed; possibly none
     */
    public List<Subscriber> recipientsFor(String target, String kind) {
        Map<String, Optional<User>> seen = new HashMap<>();
        Map<String, Subscriber> recipients = new LinkedHashMap<>();
        for (Subscription subscription : store.list()) {
            Optional<SubscribableChannel> channel = channel(subscription.channel());
            if (channel.isEmpty() || !subscription.covers(target) || kind != null && !subscription.wants(kind)) {
                continue;
            }
            Optional<User> user = seen.computeIfAbsent(subscription.userId(), users::byId)
                    .filter(u -> !u.disabled() && sees(u, target));
            if (user.isEmpty()) {
                continue;
            }
            String key = channel.get().name() + "\n" + subscription.address().toLowerCase(Locale.ROOT);
            recipients.putIfAbsent(key, new Subscriber(subscription.id(), user.get().name(), channel.get().name(),
                    channel.get().type(), subscription.address()));
        }
        return List.copyOf(recipients.values());
    }

    /** @return {@link #recipientsFor(String, String)} whatever kinds they chose */
    public List<Subscriber> recipientsFor(String target) {
        return recipientsFor(target, null);
    }

    // --- checks --------------------------------------------------------------------------------------------------

    private SubscribableChannel checkChannel(String name) {
        if (channels().isEmpty()) {
            throw new IllegalArgumentException(NO_CHANNELS);
        }
        if (name.isEmpty()) {
            throw new IllegalArgumentException("Choose a channel");
        }
        SubscribableChannel channel = channels.get(name);
        if (channel == null) {
            throw new IllegalArgumentException("No notification channel is called " + name + ": choose one of "
                    + String.join(", ", channels().stream().map(SubscribableChannel::name).toList()));
        }
        if (channel.type().equals(SubscribableChannel.WEBHOOK)) {
            throw new IllegalArgumentException("The channel " + name + " is a webhook, which sends only where an "
                    + "admin configured it: choose an email or ntfy channel");
        }
        if (!channel.acceptsUsers()) {
            throw new IllegalArgumentException("The channel " + name + " takes no subscriptions");
        }
        return channel;
    }

    private static String checkAddress(SubscribableChannel channel, String address) {
        if (channel.type().equals(SubscribableChannel.EMAIL)) {
            DeliveryAddresses.emailProblem(address).ifPresent(problem -> {
                throw new IllegalArgumentException(problem);
            });
            return DeliveryAddresses.normalEmail(address);
        }
        DeliveryAddresses.ntfyTopicProblem(address).ifPresent(problem -> {
            throw new IllegalArgumentException(problem);
        });
        return address;
    }

    /** @return the patterns, each once; none when they name every console ({@code *}) */
    private static List<String> checkTargets(Identity who, List<String> asked) {
        Set<String> patterns = new LinkedHashSet<>();
        for (String pattern : asked) {
            String text = pattern == null ? "" : pattern.strip();
            if (text.equals(EVERY_CONSOLE)) {
                return List.of();
            }
            if (text.isEmpty()) {
                continue;
            }
            if (!User.TARGET_PATTERN.matcher(text).matches()) {
                throw new IllegalArgumentException("A console is named by its name, or by a pattern in which * "
                        + "stands for any characters, like web-*; not " + text);
            }
            patterns.add(text);
        }
        if (patterns.size() > MAX_PATTERNS) {
            throw new IllegalArgumentException("A subscription names at most " + MAX_PATTERNS + " consoles or "
                    + "patterns: choose every console you may see instead");
        }
        for (String pattern : patterns) {
            if (!within(who.targetPatterns(), pattern)) {
                throw new IllegalArgumentException("You may not see " + pattern + ": a subscription covers only "
                        + "consoles you may see (" + String.join(", ", who.targetPatterns()) + ")");
            }
        }
        return List.copyOf(patterns);
    }

    /**
     * @return whether every console {@code pattern} names is one that patterns let its user see: it is one of them,
     *         or one of them matches it as a name (web-* holds web-1 and web-db-*; web-* and db-* together do not
     *         hold * nor w*)
     */
    private static boolean within(List<String> allowed, String pattern) {
        return allowed.isEmpty() || allowed.stream().anyMatch(mine -> Identity.matches(mine, pattern));
    }

    /** @return the kinds, each once; none when they are every kind */
    private static List<String> checkKinds(List<String> asked) {
        Set<String> kinds = new LinkedHashSet<>();
        for (String kind : asked) {
            String text = kind == null ? "" : kind.strip().toLowerCase(Locale.ROOT);
            if (text.equals(EVERY_KIND)) {
                return List.of();
            }
            if (text.isEmpty()) {
                continue;
            }
            if (!Subscription.NOTICE_KINDS.contains(text)) {
                throw new IllegalArgumentException("No notice is called " + text + ": the kinds are "
                        + String.join(", ", Subscription.NOTICE_KINDS) + ", or all");
            }
            kinds.add(text);
        }
        return kinds.containsAll(Subscription.NOTICE_KINDS) ? List.of() : List.copyOf(kinds);
    }

    private static boolean same(Subscription existing, SubscriptionRequest request) {
        return existing.channel().equals(request.channel())
                && existing.address().equalsIgnoreCase(request.address())
                && Set.copyOf(existing.targets()).equals(Set.copyOf(request.targets()))
                && Set.copyOf(existing.kinds()).equals(Set.copyOf(request.kinds()));
    }

    /** Who can see a console: every role watches, so their target patterns alone decide. */
    private static boolean sees(User user, String target) {
        return user.targetPatterns().isEmpty()
                || user.targetPatterns().stream().anyMatch(pattern -> Identity.matches(pattern, target));
    }

    // --- words ---------------------------------------------------------------------------------------------------

    private static AuditEvent described(AuditEvent event, Subscription subscription, String type) {
        AuditEvent described = event.with("subscription", subscription.id()).with("channel", subscription.channel())
                .with("type", type).with("consoles", consolesText(subscription.targets()))
                .with("kinds", kindsText(subscription.kinds()));
        return type.equals(SubscribableChannel.EMAIL)
                ? described.with("domain", DeliveryAddresses.emailDomain(subscription.address())) : described;
    }

    /** @return " (to an address at example.org)" for email; nothing of a topic */
    private static String where(SubscribableChannel channel, String address) {
        return channel.type().equals(SubscribableChannel.EMAIL)
                ? " (to an address at " + DeliveryAddresses.emailDomain(address) + ")" : "";
    }

    private static String consolesText(List<String> targets) {
        return targets.isEmpty() ? EVERY_CONSOLE : String.join(",", targets);
    }

    private static String kindsText(List<String> kinds) {
        return kinds.isEmpty() ? EVERY_KIND : String.join(",", kinds);
    }
}
