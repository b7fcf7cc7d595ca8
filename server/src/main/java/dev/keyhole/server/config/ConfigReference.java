package dev.keyhole.server.config;

import dev.keyhole.server.config.Schema.Key;
import dev.keyhole.server.config.Schema.ListOf;
import dev.keyhole.server.config.Schema.Section;
import dev.keyhole.server.targets.Protocol;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

/**
 * The configuration's reference as the README shows it: a YAML file with every key, an example value and a
 * comment saying what it means, its default, the protocols it applies to and its environment override, written
 * from {@link KeyholeSchema}. The alternative of an exclusive pair (a secret's {@code -file} key, a target's
 * {@code keyboard}) is shown commented out, so the uncommented text is itself a valid configuration.
 *
 * <p>{@code ConfigReferenceTest} writes it to {@code server/target/config-reference.yaml} and checks the README.
 */
public final class ConfigReference {

    /** The column comments start at. */
    private static final int COMMENT_COLUMN = 27;
    /** The width comments wrap at. */
    private static final int WIDTH = 116;

    private final List<String> lines = new ArrayList<>();

    private ConfigReference() {
    }

    /** Prints the reference. */
    public static void main(String[] args) {
        System.out.print(yaml());
    }

    /** @return the reference, one YAML file, each line ending in a newline */
    public static String yaml() {
        ConfigReference reference = new ConfigReference();
        reference.section(KeyholeSchema.FILE, "", "");
        return String.join("\n", reference.lines) + "\n";
    }

    /** @return the environment variables that override keys, as {@code VARIABLE (key)} */
    public static List<String> environment() {
        List<String> variables = new ArrayList<>();
        collectEnvironment(KeyholeSchema.FILE, "", variables);
        return variables;
    }

    private static void collectEnvironment(Section section, String prefix, List<String> into) {
        for (Key<?> key : section.keys()) {
            if (!key.env().isEmpty()) {
                into.add(key.env() + " (" + prefix + key.name() + ")");
            }
        }
        for (Object child : section.children()) {
            if (child instanceof Section s) {
                collectEnvironment(s, prefix + s.name() + ".", into);
            }
        }
    }

    private void section(Section section, String indent, String firstIndent) {
        boolean first = true;
        for (Key<?> key : section.keys()) {
            key(section, key, first ? firstIndent : indent, indent);
            first = false;
        }
        children(section, indent);
    }

    private void children(Section section, String indent) {
        for (Object child : section.children()) {
            if (child instanceof Section s) {
                line(indent + s.name() + ":", s.doc());
                section(s, indent + "  ", indent + "  ");
            } else {
                ListOf list = (ListOf) child;
                line(indent + list.name() + ":", list.doc());
                section(list.item(), indent + "    ", indent + "  - ");
            }
        }
    }

    private void key(Section section, Key<?> key, String indent, String itemIndent) {
        boolean commented = section.isAlternative(key) || !inExampleMode(section, key);
        String start = commented ? itemIndent + "# " : indent;
        String comment = comment(section, key);
        switch (key.shape()) {
            case VALUE -> line(start + key.name() + ": " + key.example().get(0), comment);
            case LIST -> {
                line(start + key.name() + ":", comment);
                for (String item : key.example()) {
                    lines.add((commented ? itemIndent + "#   " : itemIndent + "  ") + "- " + item);
                }
            }
            case MAPPING -> {
                line(start + key.name() + ":", comment);
                for (String entry : key.example()) {
                    lines.add((commented ? itemIndent + "#   " : itemIndent + "  ") + entry);
                }
            }
            default -> throw new IllegalStateException("unknown shape " + key.shape());
        }
    }

    /**
     * Whether the key applies in the mode the reference shows (its mode key's example): the keys of other modes are
     * shown commented out, so the reference stays a valid configuration.
     */
    private static boolean inExampleMode(Section section, Key<?> key) {
        return section.mode() == null || key.modes().isEmpty()
                || key.modes().contains(section.mode().example().get(0));
    }

    private static String comment(Section section, Key<?> key) {
        StringBuilder text = new StringBuilder();
        if (!key.modes().isEmpty()) {
            text.append(section.mode().name()).append(" ")
                    .append(String.join(" and ", key.modes().stream().sorted().toList())).append(" only")
                    .append(key.isRequired() ? ", and required there: " : ": ");
        } else if (key.isRequired()) {
            text.append("required: ");
        }
        if (section.protocol() != null && !key.protocols().equals(EnumSet.allOf(Protocol.class))) {
            text.append(String.join(" and ", key.protocols().stream().map(Schema::shown).toList())).append(" only: ");
        }
        text.append(key.doc());
        List<String> notes = new ArrayList<>();
        if (!key.defaultText().isEmpty()) {
            notes.add("default " + key.defaultText());
        }
        if (!key.env().isEmpty()) {
            notes.add(key.env() + " overrides it");
        }
        if (!notes.isEmpty()) {
            text.append(" (").append(String.join("; ", notes)).append(")");
        }
        return text.toString();
    }

    /** Adds {@code code}, with {@code comment} after it at the comment column, wrapped. */
    private void line(String code, String comment) {
        if (comment.isEmpty()) {
            lines.add(code);
            return;
        }
        String pad = " ".repeat(Math.max(1, COMMENT_COLUMN - code.length()));
        String first = code + pad + "# ";
        String next = " ".repeat(COMMENT_COLUMN) + "#   ";
        StringBuilder current = new StringBuilder(first);
        boolean empty = true;
        for (String word : comment.split(" ")) {
            if (!empty && current.length() + 1 + word.length() > WIDTH) {
                lines.add(current.toString());
                current = new StringBuilder(next);
                empty = true;
            }
            if (!empty) {
                current.append(' ');
            }
            current.append(word);
            empty = false;
        }
        lines.add(current.toString());
    }
}
