package dev.keyhole.server.config;

import dev.keyhole.server.config.Schema.Key;
import dev.keyhole.server.config.Schema.ListOf;
import dev.keyhole.server.config.Schema.Secret;
import dev.keyhole.server.config.Schema.Section;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What one section of a valid file says: each key's value (or its default), its sections and its lists. The
 * builders of {@link KeyholeSchema} read it; secrets are read from the environment or their files only then,
 * once the whole file has been found valid.
 */
final class Values {

    private final Map<Key<?>, Object> values = new HashMap<>();
    private final Map<Key<?>, String> places = new HashMap<>();
    private final Map<Section, Values> sections = new HashMap<>();
    private final Map<ListOf, List<Values>> lists = new HashMap<>();
    private final Map<String, String> environment;
    private final List<String> problems;

    /**
     * @param environment where {@code -env} secrets are read
     * @param problems    where a secret that cannot be read is reported
     */
    Values(Map<String, String> environment, List<String> problems) {
        this.environment = environment;
        this.problems = problems;
    }

    /** Records a key's value, read at {@code place} ({@code FILE:LINE: KEY}). */
    void put(Key<?> key, Object value, String place) {
        values.put(key, value);
        places.put(key, place);
    }

    /**
     * Reports a problem with a key's value that only the section's builder can see (one that depends on other keys
     * or sections), in the loader's format.
     *
     * @param key    a key this section has a value for (from the file or the environment)
     * @param reason what is wrong, and what to do
     */
    void problem(Key<?> key, String reason) {
        Object value = values.get(key);
        problems.add(places.get(key) + " = " + (value instanceof List<?> ? "(a list)" : String.valueOf(value)) + ": "
                + reason);
    }

    void putSection(Section section, Values child) {
        sections.put(section, child);
    }

    void putList(ListOf list, List<Values> items) {
        lists.put(list, List.copyOf(items));
    }

    /** @return whether the file gives the key (or the environment overrides it) */
    boolean has(Key<?> key) {
        return values.containsKey(key);
    }

    /** @return the key's value, else its default (null for an optional key without one) */
    @SuppressWarnings("unchecked")
    <T> T get(Key<T> key) {
        return values.containsKey(key) ? (T) values.get(key) : key.fallback();
    }

    /** @return what the file says in that section (all defaults when it is absent) */
    Values section(Section section) {
        return sections.getOrDefault(section, new Values(environment, problems));
    }

    /** @return the list's items, in the file's order; empty when it is absent */
    List<Values> items(ListOf list) {
        return lists.getOrDefault(list, List.of());
    }

    /**
     * Reads a secret: the environment variable its {@code -env} key names, or the first line of the file its
     * {@code -file} key names (a trailing newline is not part of it).
     *
     * @return the secret; empty when neither key is given (or the file cannot be read, which is a problem)
     */
    String secret(Secret secret) {
        if (has(secret.env())) {
            String value = environment.get(get(secret.env()));
            return value == null ? "" : value;
        }
        if (!has(secret.file())) {
            return "";
        }
        String file = get(secret.file());
        try {
            String text = Files.readString(Path.of(file));
            int newline = text.indexOf('\n');
            String line = newline < 0 ? text : text.substring(0, newline);
            return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
        } catch (IOException e) {
            problems.add(places.get(secret.file()) + " = " + file + ": cannot read the file: "
                    + (e instanceof NoSuchFileException ? "no such file" : e.toString()));
            return "";
        }
    }
}
