package dev.keyhole.server.targets;

import java.util.Locale;

/** When Keyhole reads a console's screen: a target's {@code watch} setting. */
public enum WatchPolicy {
    /** All the time: one guacd connection per console, held whether anyone views it or not. */
    ALWAYS,
    /**
     * From a VM's start or reset until its disk is unlocked (a prompt was seen, then the boot went on) or
     * {@code watch.while-booting-for} has passed.
     */
    WHILE_BOOTING,
    /** Never: the console's picture is not even kept. */
    NEVER;

    /** @return e.g. {@code while-booting} */
    public String id() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * @param id {@code always}, {@code while-booting} or {@code never}
     * @return that policy
     * @throws IllegalArgumentException otherwise
     */
    public static WatchPolicy of(String id) {
        for (WatchPolicy policy : values()) {
            if (policy.id().equals(id)) {
                return policy;
            }
        }
        throw new IllegalArgumentException("must be always, while-booting or never");
    }
}
