package dev.keyhole.server.targets;

import dev.keyhole.server.config.KeyboardStage;
import dev.keyhole.server.config.Protocol;
import java.util.List;
import java.util.Map;

/**
 * A console Keyhole can show.
 *
 * @param name       the identifier browsers choose it by
 * @param title      what people see
 * @param protocol   how guacd reaches it
 * @param parameters guacd's connection parameters for it ({@code hostname}, {@code port}, {@code width}, …);
 *                   they hold the console's address (and password, if it asks for one) and are never sent to
 *                   a browser or logged; for RDP their
 *                   {@code server-layout} is the first stage's layout (see {@link KeyboardStages} for the current one)
 * @param keyboard   the console's boot stages and their keyboard layouts, in boot order; never empty
 */
public record Target(String name, String title, Protocol protocol, Map<String, String> parameters,
        List<KeyboardStage> keyboard) {

    /** Copies {@code parameters} and {@code keyboard}; an empty keyboard is one US stage. */
    public Target {
        parameters = Map.copyOf(parameters);
        keyboard = keyboard == null || keyboard.isEmpty()
                ? List.of(new KeyboardStage("console", parameters.getOrDefault("server-layout", "en-us-qwerty")))
                : List.copyOf(keyboard);
    }

    /** Leaves the parameters out but their names: they may hold the console's password. */
    @Override
    public String toString() {
        return "Target[name=" + name + ", title=" + title + ", protocol=" + protocol + ", parameters="
                + parameters.keySet().stream().sorted().toList() + ", keyboard=" + keyboard + "]";
    }

    /** A target with one keyboard stage (its {@code server-layout}, else US). */
    public Target(String name, String title, Protocol protocol, Map<String, String> parameters) {
        this(name, title, protocol, parameters, List.of());
    }
}
