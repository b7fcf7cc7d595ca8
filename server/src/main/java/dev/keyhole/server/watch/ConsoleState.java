package dev.keyhole.server.watch;

import java.util.Locale;

/** What a watched console's screen reads as. Its {@link #id} is what the pages and the API name it. */
public enum ConsoleState {
    /** A passphrase prompt: cryptsetup's, systemd's or GRUB's. */
    WAITING_FOR_PASSPHRASE("Waiting for its passphrase"),
    /** The prompt again after a refused passphrase (cryptsetup's "No key available…", GRUB's "Invalid passphrase"). */
    WRONG_PASSPHRASE("Wrong passphrase"),
    /** GRUB's boot menu. */
    GRUB_MENU("At the GRUB menu"),
    /** Text and no prompt: booting, or unlocked and running. */
    BOOTING("Booting or running"),
    /** Nothing Keyhole recognises, a blank screen, or a console it cannot see. */
    UNKNOWN("Not recognised");

    private final String words;

    ConsoleState(String words) {
        this.words = words;
    }

    /** @return e.g. {@code waiting-for-passphrase} */
    public String id() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** @return the state for people, e.g. "Waiting for its passphrase" */
    public String words() {
        return words;
    }

    /** @return true for the states that need someone at the console */
    public boolean needsSomeone() {
        return this == WAITING_FOR_PASSPHRASE || this == WRONG_PASSPHRASE;
    }

    /**
     * @param id e.g. {@code grub-menu}
     * @return that state
     * @throws IllegalArgumentException for a name no state has
     */
    public static ConsoleState of(String id) {
        for (ConsoleState state : values()) {
            if (state.id().equals(id)) {
                return state;
            }
        }
        throw new IllegalArgumentException("no console state is called " + id);
    }
}
