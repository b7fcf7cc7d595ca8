package dev.keyhole.server.targets;

import dev.keyhole.server.config.Protocol;
import java.util.Map;

/**
 * A console Keyhole can show.
 *
 * @param name       the identifier browsers choose it by
 * @param title      what people see
 * @param protocol   how guacd reaches it
 * @param parameters guacd's connection parameters for it ({@code hostname}, {@code port}, {@code width}, …);
 *                   they hold the console's address and are never sent to a browser
 */
public record Target(String name, String title, Protocol protocol, Map<String, String> parameters) {

    /** Copies {@code parameters}, so the record stays immutable. */
    public Target {
        parameters = Map.copyOf(parameters);
    }
}
