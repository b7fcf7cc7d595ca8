package dev.keyhole.server.keyboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The keyboard layouts Keyhole can type, by guacd's names ({@code de-de-qwertz}): those the web app's key table
 * ({@code keyhole/webapp/js/keymaps.js}) has a table for. {@code webapp/tools/gen-keymaps.mjs} writes their names
 * beside the table, into the class path resource {@link #RESOURCE} of the web app jar; nothing else lists layouts.
 */
public final class KeyboardLayouts {

    /** The class path resource that lists the layouts: {@code {"layouts":["cs-cz-qwertz", …]}}. */
    public static final String RESOURCE = "keyhole/keyboard-layouts.json";

    /**
     * guacd's layout that sends every character as an RDP Unicode event: it names no keyboard, so there is no
     * table for it.
     */
    private static final String FAILSAFE = "failsafe";

    private final List<String> names;
    private final Set<String> known;

    private KeyboardLayouts(List<String> names) {
        this.known = new TreeSet<>(names);
        this.names = List.copyOf(known);
    }

    /**
     * The layouts of the web app on the class path, read once.
     *
     * @return the list
     * @throws IllegalStateException when the resource is missing or not a list of layouts
     */
    public static KeyboardLayouts builtIn() {
        return BuiltIn.LAYOUTS;
    }

    /** Reads the resource the first time {@link #builtIn} is called. */
    private static final class BuiltIn {
        static final KeyboardLayouts LAYOUTS = readResource();

        private static KeyboardLayouts readResource() {
            try (InputStream in = KeyboardLayouts.class.getClassLoader().getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException(RESOURCE + " is not on the class path: the web app jar "
                            + "(keyhole-webapp) is missing");
                }
                return read(in);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + RESOURCE, e);
            }
        }
    }

    /**
     * Reads a list in the resource's form.
     *
     * @param json {@code {"layouts":[NAME, …]}}; other keys are ignored
     * @return the list
     * @throws IOException           if {@code json} cannot be read or is not JSON
     * @throws IllegalStateException if it holds no list of names
     */
    static KeyboardLayouts read(InputStream json) throws IOException {
        JsonNode layouts = new ObjectMapper().readTree(json).path("layouts");
        List<String> names = new ArrayList<>();
        for (JsonNode name : layouts) {
            if (!name.isTextual() || name.textValue().isBlank()) {
                throw new IllegalStateException(RESOURCE + " holds a layout that is no name: " + name);
            }
            names.add(name.textValue());
        }
        if (names.isEmpty()) {
            throw new IllegalStateException(RESOURCE + " lists no layouts");
        }
        return new KeyboardLayouts(names);
    }

    /** @return the layouts' names, sorted; never empty */
    public List<String> names() {
        return names;
    }

    /**
     * @param name a layout name as a configuration gives it; null is none
     * @return whether Keyhole has a key table for it
     */
    public boolean contains(String name) {
        return name != null && known.contains(name);
    }

    /**
     * Checks a layout a configuration names, for the configuration's reader.
     *
     * @param name the layout
     * @return {@code name}, when Keyhole has a table for it
     * @throws IllegalArgumentException otherwise, with the reason to show after the value: which layouts there are
     */
    public String check(String name) {
        if (contains(name)) {
            return name;
        }
        if (FAILSAFE.equals(name)) {
            throw new IllegalArgumentException("guacd's failsafe layout sends every character as an RDP Unicode "
                    + "event, which VirtualBox consoles ignore and the passphrase box cannot type with; name the "
                    + "console's keyboard layout: one of " + String.join(", ", names));
        }
        throw new IllegalArgumentException("must be one of the keyboard layouts Keyhole has a key table for: "
                + String.join(", ", names));
    }
}
