package dev.keyhole.server.config;

import java.util.List;

/**
 * An invalid configuration. The message holds one line per problem, each in the form
 * {@code FILE:LINE: KEY = VALUE: reason} (or {@code FILE:LINE: reason} where no single key is at fault),
 * so that an operator can go straight to the line.
 */
public final class ConfigException extends RuntimeException {

    private final List<String> problems;

    /**
     * @param problems one line per problem, already formatted; never empty
     */
    public ConfigException(List<String> problems) {
        super(String.join("\n", problems));
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a ConfigException needs at least one problem");
        }
        this.problems = List.copyOf(problems);
    }

    /** @return every problem found, one formatted line each, in the order of the file */
    public List<String> problems() {
        return problems;
    }
}
