package dev.keyhole.server.config;

import dev.keyhole.server.config.Schema.Key;
import dev.keyhole.server.config.Schema.ListOf;
import dev.keyhole.server.config.Schema.Section;
import dev.keyhole.server.config.Schema.Shape;
import dev.keyhole.server.targets.Protocol;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.MalformedInputException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads Keyhole's YAML configuration file against {@link KeyholeSchema}, applies the environment's overrides and
 * checks every value.
 *
 * <p>The file is parsed into YAML nodes rather than plain maps so that each problem can name its line. All
 * problems are collected before failing, so one run shows everything that needs fixing. Keys that Keyhole does
 * not know are errors too: a misspelt key must not silently fall back to a default. Secrets (password files and
 * variables) are read only once the whole file is valid. Environment variables override the keys the schema
 * gives one ({@code KEYHOLE_HTTP_PORT}, …; see {@link ConfigReference#environment()}).
 */
public final class ConfigLoader {

    private final String file;
    private final Map<String, String> environment;
    private final List<String> problems = new ArrayList<>();

    private ConfigLoader(String file, Map<String, String> environment) {
        this.file = file;
        this.environment = environment;
    }

    /**
     * Reads {@code file} with the overrides of this process's environment.
     *
     * @param file the YAML file
     * @return the checked configuration
     * @throws ConfigException listing every problem found
     */
    public static KeyholeConfig load(Path file) {
        return load(file, System.getenv());
    }

    /**
     * Reads {@code file} with the overrides of {@code environment}.
     *
     * @param file        the YAML file
     * @param environment environment variables: the overrides and the variables secrets name
     * @return the checked configuration
     * @throws ConfigException listing every problem found
     */
    public static KeyholeConfig load(Path file, Map<String, String> environment) {
        String text;
        try {
            text = Files.readString(file);
        } catch (MalformedInputException e) {
            throw new ConfigException(List.of(file + ": the file is not UTF-8 text"));
        } catch (IOException e) {
            throw new ConfigException(List.of(file + ": cannot read the file: " + describe(e)));
        }
        return parse(file.toString(), text, environment);
    }

    /**
     * Parses configuration text, for callers that hold it already.
     *
     * @param fileName    the name used in messages
     * @param text        YAML text; empty means all defaults and no targets
     * @param environment environment variables for the overrides and secrets
     * @return the checked configuration
     * @throws ConfigException listing every problem found
     */
    public static KeyholeConfig parse(String fileName, String text, Map<String, String> environment) {
        return new ConfigLoader(fileName, environment).read(text);
    }

    private KeyholeConfig read(String text) {
        Node root;
        try {
            LoaderOptions options = new LoaderOptions();
            options.setAllowDuplicateKeys(false);
            root = new Yaml(new SafeConstructor(options)).compose(new StringReader(text));
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            int line = mark == null ? 1 : mark.getLine() + 1;
            throw new ConfigException(List.of(file + ":" + line + ": not valid YAML: " + e.getProblem()));
        }
        Values values = readSection(root, KeyholeSchema.FILE, "");
        if (!problems.isEmpty()) {
            throw new ConfigException(inFileOrder(problems));
        }
        // Valid: now the builders read the secrets, whose files may still fail to read.
        KeyholeConfig config = KeyholeSchema.file(values);
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return config;
    }

    /**
     * Reads one mapping against its section: every key, the protocol's rules, the exclusive pairs, the children,
     * then the environment's overrides.
     *
     * @param node   the mapping, or null when the file leaves the section out
     * @param spec   what it may hold
     * @param prefix the dotted path of its keys in messages, e.g. {@code targets[0].}
     */
    private Values readSection(Node node, Section spec, String prefix) {
        Values values = new Values(environment, problems);
        Map<String, NodeTuple> entries = node == null ? Map.of() : entries(node, prefix);
        List<String> known = spec.knownNames();
        for (Map.Entry<String, NodeTuple> entry : entries.entrySet()) {
            if (!known.contains(entry.getKey())) {
                problem(entry.getValue().getKeyNode(), prefix + entry.getKey(), shown(entry.getValue().getValueNode()),
                        "unknown key; known keys here: " + String.join(", ", known.stream().sorted().toList()));
            }
        }
        for (Key<?> key : spec.keys()) {
            NodeTuple tuple = entries.get(key.name());
            if (tuple == null) {
                if (key.isRequired() && key.modes().isEmpty()) {
                    Node where = entries.isEmpty() ? null : entries.values().iterator().next().getKeyNode();
                    problems.add(file + ":" + (where == null ? 1 : line(where)) + ": " + prefix + key.name()
                            + " = (missing): is required");
                }
                continue;
            }
            Object value = readKey(key, tuple.getValueNode(), prefix + key.name());
            if (value != null) {
                values.put(key, value, file + ":" + line(tuple.getValueNode()) + ": " + prefix + key.name());
            }
        }
        if (spec.protocol() != null && values.has(spec.protocol())) {
            Protocol protocol = values.get(spec.protocol());
            for (Key<?> key : spec.keys()) {
                NodeTuple tuple = entries.get(key.name());
                if (tuple != null && !key.protocols().contains(protocol)) {
                    String only = String.join(" and ", key.protocols().stream().map(Schema::shown).toList());
                    problem(tuple.getValueNode(), prefix + key.name(), shown(tuple.getValueNode()), "applies to "
                            + only + " consoles only" + (key.protocolNote().isEmpty() ? "" : " (" + key.protocolNote()
                            + ")"));
                }
            }
        }
        if (spec.mode() != null) {
            checkModes(spec, values, entries, prefix);
        }
        for (Schema.Exclusive pair : spec.exclusives()) {
            NodeTuple second = entries.get(pair.second().name());
            if (values.has(pair.first()) && values.has(pair.second())) {
                problem(second.getValueNode(), prefix + pair.second().name(), shown(second.getValueNode()),
                        pair.reason());
            }
        }
        for (Object child : spec.children()) {
            if (child instanceof Section section) {
                NodeTuple tuple = entries.get(section.name());
                Node childNode = tuple == null ? null : tuple.getValueNode();
                if (childNode != null && !(childNode instanceof MappingNode)) {
                    problem(childNode, prefix + section.name(), shown(childNode), "must be a mapping of keys");
                    childNode = null;
                }
                values.putSection(section, readSection(childNode, section, prefix + section.name() + "."));
            } else if (child instanceof ListOf list) {
                NodeTuple tuple = entries.get(list.name());
                values.putList(list, tuple == null ? List.of() : readList(tuple.getValueNode(), list, prefix));
            }
        }
        for (Key<?> key : spec.keys()) {
            if (!key.env().isEmpty() && environment.get(key.env()) != null) {
                Object value = override(key, prefix + key.name());
                if (value != null) {
                    values.put(key, value, "environment:" + key.env() + ": " + prefix + key.name());
                }
            }
        }
        return values;
    }

    /**
     * The rules of a section of modes: a key limited to some modes is a problem in another, and a required one is
     * missing only in its modes. Nothing is said when the mode itself is invalid (that problem is reported).
     */
    private void checkModes(Section spec, Values values, Map<String, NodeTuple> entries, String prefix) {
        Key<?> modeKey = spec.mode();
        NodeTuple modeTuple = entries.get(modeKey.name());
        if (modeTuple != null && !values.has(modeKey) || values.get(modeKey) == null) {
            // An invalid mode, or a required one left out: that problem is reported, and no mode is known.
            return;
        }
        String mode = String.valueOf(values.get(modeKey));
        String modePath = prefix + modeKey.name();
        for (Key<?> key : spec.keys()) {
            if (key.modes().isEmpty()) {
                continue;
            }
            NodeTuple tuple = entries.get(key.name());
            if (tuple != null && !key.modes().contains(mode)) {
                problem(tuple.getValueNode(), prefix + key.name(), shown(tuple.getValueNode()), "applies to "
                        + modePath + " " + String.join(" and ", key.modes().stream().sorted().toList()) + " only ("
                        + modePath + " is " + mode + ")");
            } else if (tuple == null && key.isRequired() && key.modes().contains(mode)) {
                problems.add(file + ":" + (modeTuple == null ? 1 : line(modeTuple.getValueNode())) + ": " + prefix + key.name()
                        + " = (missing): is required with " + modePath + " " + mode);
            }
        }
    }

    private List<Values> readList(Node node, ListOf list, String prefix) {
        String path = prefix + list.name();
        if (!(node instanceof SequenceNode sequence)) {
            problem(node, path, shown(node), "must be a list of " + list.what() + "s (each starting with '- "
                    + list.item().keys().get(0).name() + ": …')");
            return List.of();
        }
        List<Values> items = new ArrayList<>();
        Set<String> unique = new HashSet<>();
        for (int i = 0; i < sequence.getValue().size(); i++) {
            Node item = sequence.getValue().get(i);
            String itemPath = path + "[" + i + "]";
            if (!(item instanceof MappingNode)) {
                problem(item, itemPath, shown(item), "must be a mapping of keys (" + String.join(", ",
                        list.item().keys().stream().limit(4).map(Key::name).toList()) + ", …)");
                continue;
            }
            Values values = readSection(item, list.item(), itemPath + ".");
            if (list.unique() != null && values.has(list.unique()) && !unique.add(values.get(list.unique()))) {
                problem(item, itemPath + "." + list.unique().name(), values.get(list.unique()),
                        "another " + list.what() + " already has this name");
            }
            items.add(values);
        }
        return items;
    }

    /** @return the key's value, or null after reporting why it has none */
    private Object readKey(Key<?> key, Node node, String path) {
        switch (key.shape()) {
            case VALUE -> {
                if (!(node instanceof ScalarNode scalar)) {
                    problem(node, path, shown(node), key.shapeReason());
                    return null;
                }
                return parse(key, scalar, path);
            }
            case LIST -> {
                if (!(node instanceof SequenceNode sequence)) {
                    problem(node, path, shown(node), key.shapeReason());
                    return null;
                }
                if (sequence.getValue().isEmpty() && key.emptyReason() != null) {
                    problem(node, path, "(empty)", key.emptyReason());
                    return null;
                }
                List<Object> items = new ArrayList<>();
                for (int i = 0; i < sequence.getValue().size(); i++) {
                    Node item = sequence.getValue().get(i);
                    if (!(item instanceof ScalarNode scalar)) {
                        problem(item, path + "[" + i + "]", shown(item), "must be a single value");
                        continue;
                    }
                    Object value = parse(key, scalar, path + "[" + i + "]");
                    if (value != null) {
                        items.add(value);
                    }
                }
                return List.copyOf(items);
            }
            case MAPPING -> {
                if (!(node instanceof MappingNode mapping)) {
                    problem(node, path, shown(node), key.shapeReason());
                    return null;
                }
                if (mapping.getValue().isEmpty() && key.emptyReason() != null) {
                    problem(node, path, "(empty)", key.emptyReason());
                    return null;
                }
                List<Object> items = new ArrayList<>();
                for (Map.Entry<String, NodeTuple> entry : entries(node, path + ".").entrySet()) {
                    Node value = entry.getValue().getValueNode();
                    String entryPath = path + "." + entry.getKey();
                    if (!(value instanceof ScalarNode scalar)) {
                        problem(value, entryPath, shown(value), "must be a single value");
                        continue;
                    }
                    try {
                        items.add(key.parseEntry(entry.getKey(), scalar.getValue()));
                    } catch (IllegalArgumentException e) {
                        problem(entry.getValue().getKeyNode(), entryPath, scalar.getValue(), e.getMessage());
                    }
                }
                return List.copyOf(items);
            }
            default -> throw new IllegalStateException("unknown shape " + key.shape());
        }
    }

    private Object parse(Key<?> key, ScalarNode scalar, String path) {
        try {
            Object value = key.parseItem(scalar.getValue());
            if (key.namesVariable() && environment.get((String) value) == null) {
                throw new IllegalArgumentException("the environment variable is not set");
            }
            return value;
        } catch (IllegalArgumentException e) {
            problem(scalar, path, scalar.getValue(), e.getMessage());
            return null;
        }
    }

    /** The environment's value for a key: one value, or a list's items comma-separated. */
    private Object override(Key<?> key, String path) {
        String text = environment.get(key.env()).strip();
        try {
            if (key.shape() == Shape.LIST) {
                List<Object> items = new ArrayList<>();
                for (String item : text.split(",")) {
                    if (!item.isBlank()) {
                        items.add(key.parseItem(item.strip()));
                    }
                }
                return List.copyOf(items);
            }
            return key.parseItem(text);
        } catch (IllegalArgumentException e) {
            problems.add("environment:" + key.env() + ": " + path + " = " + shown(path, text) + ": " + e.getMessage());
            return null;
        }
    }

    /** The mapping's entries by key, in the file's order; a repeated or non-scalar key is a problem. */
    private Map<String, NodeTuple> entries(Node node, String prefix) {
        if (!(node instanceof MappingNode mapping)) {
            problem(node, prefix.isEmpty() ? "(top level)" : prefix.substring(0, prefix.length() - 1), shown(node),
                    "must be a mapping of keys");
            return Map.of();
        }
        Map<String, NodeTuple> entries = new LinkedHashMap<>();
        for (NodeTuple tuple : mapping.getValue()) {
            if (tuple.getKeyNode() instanceof ScalarNode key) {
                if (entries.putIfAbsent(key.getValue(), tuple) != null) {
                    problem(key, prefix + key.getValue(), shown(tuple.getValueNode()),
                            "appears twice in the same place; keep one");
                }
            } else {
                problem(tuple.getKeyNode(), prefix + "?", shown(tuple.getKeyNode()), "keys must be plain words");
            }
        }
        return entries;
    }

    // --- messages ----------------------------------------------------------------------------------------------

    /** The problems by line (a stable sort), the environment's after the file's. */
    private List<String> inFileOrder(List<String> found) {
        String inFile = file + ":";
        return found.stream().sorted(Comparator.comparingInt((String p) -> {
            if (!p.startsWith(inFile)) {
                return Integer.MAX_VALUE;
            }
            int end = p.indexOf(':', inFile.length());
            try {
                return Integer.parseInt(p.substring(inFile.length(), end));
            } catch (RuntimeException e) {
                return Integer.MAX_VALUE;
            }
        })).toList();
    }

    private void problem(Node node, String key, String value, String reason) {
        problems.add(file + ":" + line(node) + ": " + key + " = " + shown(key, value) + ": " + reason);
    }

    /** A value as a message shows it: "(hidden)" when it may be a secret or holds one. */
    private static String shown(String key, String value) {
        return holdsASecret(key) || Parsers.carriesAPassword(value) ? "(hidden)" : value;
    }

    /**
     * A key whose value may be a secret itself (a plain {@code password:} or {@code passwd:}, both refused): its
     * value is never shown. The {@code -env} and {@code -file} keys name where a password is, not the password;
     * a {@code passkey-} key names where passkeys work ({@code auth.passkey-rp-id}), nothing secret.
     */
    private static boolean holdsASecret(String key) {
        String last = key.substring(key.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT).replace("passkey-", "");
        return (last.contains("pass") || last.contains("secret") || last.contains("token"))
                && !last.endsWith("-env") && !last.endsWith("-file");
    }

    private static int line(Node node) {
        return node.getStartMark().getLine() + 1;
    }

    private static String shown(Node node) {
        if (node instanceof ScalarNode scalar) {
            return scalar.getValue();
        }
        return node instanceof SequenceNode ? "(a list)" : "(a mapping)";
    }

    private static String describe(IOException e) {
        return e instanceof NoSuchFileException ? "no such file" : e.toString();
    }

}
