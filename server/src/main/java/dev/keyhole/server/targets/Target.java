package dev.keyhole.server.targets;

import java.util.List;
import java.util.Objects;

/**
 * A console Keyhole can show.
 *
 * @param name    the identifier browsers choose it by
 * @param title   what people see
 * @param console how to reach it and what it expects; it holds the console's address (and password, if it asks
 *                for one) and is never sent to a browser or logged whole
 */
public record Target(String name, String title, ConsoleSpec console) {

    /** Checks that nothing is missing. */
    public Target {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(console, "console");
    }

    /** @return how guacd reaches the console */
    public Protocol protocol() {
        return console.protocol();
    }

    /** @return the console's boot stages and their keyboard layouts, in boot order; never empty */
    public List<KeyboardStage> keyboard() {
        return console.keyboard();
    }

    /** Names the console's protocol and keyboard, not its address or logon. */
    @Override
    public String toString() {
        return "Target[name=" + name + ", title=" + title + ", protocol=" + protocol() + ", keyboard=" + keyboard()
                + "]";
    }
}
