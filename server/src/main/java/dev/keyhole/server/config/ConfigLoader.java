package dev.keyhole.server.config;

import dev.keyhole.server.targets.ConsoleSpec.CertificatePolicy;
import dev.keyhole.server.targets.ConsoleSpec;
import dev.keyhole.server.targets.KeyboardStage;
import dev.keyhole.server.targets.Protocol;
import dev.keyhole.server.targets.Target;
import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
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
 * Reads Keyhole's YAML configuration file, applies the environment's overrides and checks every value.
 *
 * <p>The file is parsed into YAML nodes rather than plain maps so that each problem can name its line. All
 * problems are collected before failing, so one run shows everything that needs fixing. Keys that Keyhole does
 * not know are errors too: a misspelt key must not silently fall back to a default.
 *
 * <p>Environment variables override the file: {@code KEYHOLE_HTTP_BIND}, {@code KEYHOLE_HTTP_PORT},
 * {@code KEYHOLE_HTTP_ALLOWED_ORIGINS} (comma-separated),
 * {@code KEYHOLE_GUACD_HOST}, {@code KEYHOLE_GUACD_PORT}.
 */
public final class ConfigLoader {

    /** The keyboard layouts guacd's RDP plugin knows (its {@code server-layout} values). */
    public static final Set<String> SERVER_LAYOUTS = Set.of(
            "da-dk-qwerty", "de-ch-qwertz", "de-de-qwertz", "en-gb-qwerty", "en-us-qwerty", "es-es-qwerty",
            "es-latam-qwerty", "failsafe", "fr-be-azerty", "fr-ca-qwerty", "fr-ch-qwertz", "fr-fr-azerty",
            "hu-hu-qwertz", "it-it-qwerty", "ja-jp-qwerty", "no-no-qwerty", "pl-pl-qwerty", "pt-br-qwerty",
            "pt-pt-qwerty", "ro-ro-qwerty", "sv-se-qwerty", "tr-tr-qwerty");

    /** The RDP security modes guacd accepts. */
    public static final Set<String> RDP_SECURITY_MODES = Set.of("any", "nla", "nla-ext", "tls", "rdp", "vmconnect");

    private static final Pattern TARGET_NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

    private static final Set<String> TARGET_KEYS = Set.of("name", "title", "protocol", "host", "port", "width",
            "height", "dpi", "security", "ignore-cert", "server-layout", "keyboard", "disable-audio", "username",
            "password-env", "password-file");

    private final String file;
    private final List<String> problems = new ArrayList<>();

    private ConfigLoader(String file) {
        this.file = file;
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
     * @param environment environment variables; only the {@code KEYHOLE_*} ones listed above are read
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
     * @param environment environment variables for the overrides
     * @return the checked configuration
     * @throws ConfigException listing every problem found
     */
    public static KeyholeConfig parse(String fileName, String text, Map<String, String> environment) {
        return new ConfigLoader(fileName).read(text, environment);
    }

    private KeyholeConfig read(String text, Map<String, String> environment) {
        Node root;
        try {
            LoaderOptions options = new LoaderOptions();
            options.setAllowDuplicateKeys(false);
            root = new Yaml(new SafeConstructor(options)).compose(new java.io.StringReader(text));
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            int line = mark == null ? 1 : mark.getLine() + 1;
            throw new ConfigException(List.of(file + ":" + line + ": not valid YAML: " + e.getProblem()));
        }

        Section top = root == null ? Section.EMPTY : section(root, "");
        HttpConfig http = readHttp(top);
        GuacdConfig guacd = readGuacd(top);
        List<Target> targets = readTargets(top, environment);
        List<VirtualBoxHostConfig> virtualbox = readVirtualBox(top, environment);
        LimitsConfig limits = readLimits(top);
        top.reportUnknown(Set.of("http", "guacd", "targets", "virtualbox", "limits"));

        http = new HttpConfig(
                override(environment, "KEYHOLE_HTTP_BIND", "http.bind", http.bind(), ConfigLoader::host),
                override(environment, "KEYHOLE_HTTP_PORT", "http.port", http.port(), v -> port(v, true)),
                override(environment, "KEYHOLE_HTTP_ALLOWED_ORIGINS", "http.allowed-origins", http.allowedOrigins(),
                        ConfigLoader::origins));
        guacd = new GuacdConfig(
                override(environment, "KEYHOLE_GUACD_HOST", "guacd.host", guacd.host(), ConfigLoader::host),
                override(environment, "KEYHOLE_GUACD_PORT", "guacd.port", guacd.port(), v -> port(v, false)));

        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return new KeyholeConfig(http, guacd, targets, virtualbox, limits);
    }

    private LimitsConfig readLimits(Section top) {
        Section limits = top.section("limits");
        LimitsConfig defaults = LimitsConfig.DEFAULT;
        LimitsConfig config = new LimitsConfig(
                limits.value("tunnels", defaults.tunnels(), v -> number(v, 1, 100_000)),
                limits.value("tunnels-per-address", defaults.tunnelsPerAddress(), v -> number(v, 1, 100_000)),
                limits.value("tunnels-per-target", defaults.tunnelsPerTarget(), v -> number(v, 1, 100_000)),
                limits.value("event-streams", defaults.eventStreams(), v -> number(v, 1, 100_000)),
                limits.value("event-streams-per-address", defaults.eventStreamsPerAddress(),
                        v -> number(v, 1, 100_000)),
                limits.value("viewer-lag", defaults.viewerLag(), v -> java.time.Duration.ofSeconds(number(v, 2, 600))));
        limits.reportUnknown(Set.of("tunnels", "tunnels-per-address", "tunnels-per-target", "event-streams",
                "event-streams-per-address", "viewer-lag"));
        return config;
    }

    private HttpConfig readHttp(Section top) {
        Section http = top.section("http");
        HttpConfig config = new HttpConfig(
                http.value("bind", HttpConfig.DEFAULT.bind(), ConfigLoader::host),
                http.value("port", HttpConfig.DEFAULT.port(), v -> port(v, true)),
                http.list("allowed-origins", Origins::normalise));
        http.reportUnknown(Set.of("bind", "port", "allowed-origins"));
        return config;
    }

    private GuacdConfig readGuacd(Section top) {
        Section guacd = top.section("guacd");
        GuacdConfig config = new GuacdConfig(
                guacd.value("host", GuacdConfig.DEFAULT.host(), ConfigLoader::host),
                guacd.value("port", GuacdConfig.DEFAULT.port(), v -> port(v, false)));
        guacd.reportUnknown(Set.of("host", "port"));
        return config;
    }

    private static final Set<String> VIRTUALBOX_HOST_KEYS = Set.of("name", "url", "username", "password-env",
            "password-file", "console-host", "ignore-cert", "server-layout", "vrde-ports", "vrde-address",
            "console-username", "console-password-env", "console-password-file");

    /**
     * {@code virtualbox: hosts: [...]}: each host's web service and credentials. The password comes from an
     * environment variable or a file (read here, once), never from this file.
     */
    private List<VirtualBoxHostConfig> readVirtualBox(Section top, Map<String, String> environment) {
        Section vbox = top.section("virtualbox");
        Node node = vbox.node("hosts");
        vbox.reportUnknown(Set.of("hosts"));
        if (node == null) {
            return List.of();
        }
        if (!(node instanceof SequenceNode list)) {
            problem(node, "virtualbox.hosts", shown(node), "must be a list of hosts (each starting with '- name: …')");
            return List.of();
        }
        List<VirtualBoxHostConfig> hosts = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < list.getValue().size(); i++) {
            Node item = list.getValue().get(i);
            String path = "virtualbox.hosts[" + i + "]";
            if (!(item instanceof MappingNode)) {
                problem(item, path, shown(item), "must be a mapping of keys (name, url, username, password-env, …)");
                continue;
            }
            Section h = section(item, path + ".");
            int before = problems.size();
            String name = h.required("name", v -> {
                if (!TARGET_NAME.matcher(v).matches()) {
                    throw new IllegalArgumentException(
                            "must be lower-case letters, digits and '-', starting with a letter or digit");
                }
                return v;
            });
            java.net.URI url = h.required("url", ConfigLoader::webServiceUrl);
            String username = h.value("username", "", v -> v);
            PasswordKeys password = passwordKeys(h, "password-env", "password-file", environment);
            // VRDE with external authentication: the VMs' consoles ask for a logon of their own.
            String consoleUsername = h.value("console-username", "", ConfigLoader::username);
            PasswordKeys consolePassword = passwordKeys(h, "console-password-env", "console-password-file",
                    environment);
            String consoleHost = h.value("console-host", url == null ? null : url.getHost(), ConfigLoader::host);
            boolean ignoreCert = h.value("ignore-cert", true, ConfigLoader::bool);
            String layout = h.value("server-layout", "en-us-qwerty", v -> oneOf(v, SERVER_LAYOUTS));
            String vrdePorts = h.value("vrde-ports", "", v -> {
                if (!v.matches("\\d{1,5}(-\\d{1,5})?(,\\d{1,5}(-\\d{1,5})?)*")) {
                    throw new IllegalArgumentException("must be ports and ranges like 5000-5050 or 5000,5002");
                }
                return v;
            });
            String vrdeAddress = h.value("vrde-address", "127.0.0.1", v -> v.isBlank() ? "" : host(v));
            h.reportUnknown(VIRTUALBOX_HOST_KEYS);
            if (problems.size() > before || name == null || url == null) {
                continue;
            }
            if (!names.add(name)) {
                problem(item, path + ".name", name, "another VirtualBox host already has this name");
                continue;
            }
            hosts.add(new VirtualBoxHostConfig(name, url, username, password.read(environment), consoleHost,
                    ignoreCert, layout, vrdePorts, vrdeAddress, consoleUsername, consolePassword.read(environment)));
        }
        return hosts;
    }

    private static java.net.URI webServiceUrl(String value) {
        try {
            java.net.URI uri = new java.net.URI(value);
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                throw new IllegalArgumentException("must be an http:// or https:// URL of the VirtualBox web service, "
                        + "e.g. http://127.0.0.1:18083/");
            }
            return uri.getPath() == null || uri.getPath().isEmpty() ? uri.resolve("/") : uri;
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException("must be an http:// or https:// URL of the VirtualBox web service, "
                    + "e.g. http://127.0.0.1:18083/");
        }
    }

    /**
     * Where a password comes from: the environment variable named by one key or the file named by another,
     * never this file itself. Both given is a problem of the file key.
     */
    private PasswordKeys passwordKeys(Section section, String envKey, String fileKey, Map<String, String> environment) {
        String variable = section.value(envKey, null, v -> passwordVariable(v, environment));
        String file = section.value(fileKey, null, ConfigLoader::readablePasswordFile);
        if (variable != null && file != null) {
            section.rejectIfPresent(fileKey, "give " + envKey + " or " + fileKey + ", not both");
        }
        return new PasswordKeys(variable, file);
    }

    /** The environment variable or file a password is read from (both null: none). */
    private record PasswordKeys(String variable, String file) {

        /** The password (read once, at start-up); empty when none was given. */
        String read(Map<String, String> environment) {
            return variable != null ? environment.get(variable) : file != null ? passwordFromFile(file) : "";
        }
    }

    private static String username(String value) {
        if (value.isBlank()) {
            throw new IllegalArgumentException("must not be empty (leave it out when the console asks for none)");
        }
        return value;
    }

    private static String passwordVariable(String value, Map<String, String> environment) {
        if (!value.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw new IllegalArgumentException("must be the name of an environment variable");
        }
        if (environment.get(value) == null) {
            throw new IllegalArgumentException("the environment variable is not set");
        }
        return value;
    }

    private static String readablePasswordFile(String value) {
        Path path = Path.of(value);
        if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
            throw new IllegalArgumentException("cannot read this file");
        }
        return value;
    }

    /** The file's first line (a trailing newline is not part of the password). */
    private static String passwordFromFile(String file) {
        try {
            String text = Files.readString(Path.of(file));
            int newline = text.indexOf('\n');
            String line = newline < 0 ? text : text.substring(0, newline);
            return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
        } catch (IOException e) {
            throw new ConfigException(List.of(file + ": cannot read the password file: " + describe(e)));
        }
    }

    private List<Target> readTargets(Section top, Map<String, String> environment) {
        Node node = top.node("targets");
        if (node == null) {
            return List.of();
        }
        if (!(node instanceof SequenceNode list)) {
            problem(node, "targets", shown(node), "must be a list of targets (each starting with '- name: …')");
            return List.of();
        }
        List<Target> targets = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < list.getValue().size(); i++) {
            Node item = list.getValue().get(i);
            String path = "targets[" + i + "]";
            if (!(item instanceof MappingNode)) {
                problem(item, path, shown(item), "must be a mapping of keys (name, protocol, host, port, …)");
                continue;
            }
            Target target = readTarget(section(item, path + "."), path, environment);
            if (target == null) {
                continue;
            }
            if (!names.add(target.name())) {
                problem(item, path + ".name", target.name(), "another target already has this name");
                continue;
            }
            targets.add(target);
        }
        return targets;
    }

    private Target readTarget(Section t, String path, Map<String, String> environment) {
        int before = problems.size();
        String name = t.required("name", v -> {
            if (!TARGET_NAME.matcher(v).matches()) {
                throw new IllegalArgumentException(
                        "must be lower-case letters, digits and '-', starting with a letter or digit");
            }
            return v;
        });
        String title = t.value("title", name, v -> {
            if (v.isBlank()) {
                throw new IllegalArgumentException("must not be empty (leave it out to show the name)");
            }
            return v;
        });
        Protocol protocol = t.required("protocol", v -> switch (v) {
            case "rdp" -> Protocol.RDP;
            case "vnc" -> Protocol.VNC;
            default -> throw new IllegalArgumentException("must be rdp or vnc");
        });
        String host = t.required("host", ConfigLoader::host);
        Integer port = t.required("port", v -> port(v, false));
        int width = t.value("width", 1024, v -> number(v, 64, 8192));
        int height = t.value("height", 768, v -> number(v, 64, 8192));
        int dpi = t.value("dpi", 96, v -> number(v, 48, 600));
        Optional<String> security = Optional.ofNullable(t.value("security", null, v -> oneOf(v, RDP_SECURITY_MODES)));
        boolean ignoreCert = t.value("ignore-cert", false, ConfigLoader::bool);
        String layout = t.value("server-layout", "en-us-qwerty", v -> oneOf(v, SERVER_LAYOUTS));
        List<KeyboardStage> keyboard = readKeyboard(t);
        if (t.node("keyboard") != null) {
            t.rejectIfPresent("server-layout", "give either server-layout (one layout) or keyboard (a layout per "
                    + "boot stage), not both");
        }
        boolean disableAudio = t.value("disable-audio", true, ConfigLoader::bool);
        // A console that asks for a logon (xrdp, VRDE with external authentication): the password comes from
        // an environment variable or a file (read here, once), never from this file.
        String username = t.value("username", "", ConfigLoader::username);
        PasswordKeys password = passwordKeys(t, "password-env", "password-file", environment);
        t.reportUnknown(TARGET_KEYS);

        if (protocol == Protocol.VNC) {
            t.rejectIfPresent("security", "applies to RDP consoles only");
            t.rejectIfPresent("ignore-cert", "applies to RDP consoles only");
            t.rejectIfPresent("username", "applies to RDP consoles only (a VNC console asks for a password alone)");
        }
        if (problems.size() > before || name == null || protocol == null || host == null || port == null) {
            return null;
        }
        ConsoleSpec console = ConsoleSpec.builder(protocol, host, port)
                .screen(new ConsoleSpec.Screen(width, height, dpi))
                .security(security.orElse(ConsoleSpec.ANY_SECURITY))
                .certificates(ignoreCert ? CertificatePolicy.IGNORE : CertificatePolicy.VERIFY)
                .credentials(new ConsoleSpec.Credentials(username, password.read(environment)))
                .audio(!disableAudio)
                .keyboard(keyboard.isEmpty() ? List.of(new KeyboardStage(ConsoleSpec.SINGLE_STAGE, layout)) : keyboard)
                .build();
        return new Target(name, title, console);
    }

    /**
     * Reads a target's {@code keyboard:} mapping of boot stage to layout, in the file's order (the boot order).
     *
     * @return the stages; empty when the key is absent (then {@code server-layout} is the one stage) or wrong
     */
    private List<KeyboardStage> readKeyboard(Section t) {
        Node node = t.node("keyboard");
        if (node == null) {
            return List.of();
        }
        String key = t.prefix() + "keyboard";
        if (!(node instanceof MappingNode mapping)) {
            problem(node, key, shown(node), "must be a mapping of boot stage to layout, e.g. 'grub: en-us-qwerty'");
            return List.of();
        }
        if (mapping.getValue().isEmpty()) {
            problem(node, key, "(empty)", "must name at least one boot stage and its layout, e.g. "
                    + "'initramfs: de-de-qwertz'");
            return List.of();
        }
        Section stages = section(node, key + ".");
        List<KeyboardStage> result = new ArrayList<>();
        for (Map.Entry<String, NodeTuple> entry : stages.entries().entrySet()) {
            String stage = entry.getKey();
            if (!TARGET_NAME.matcher(stage).matches()) {
                problem(entry.getValue().getKeyNode(), key + "." + stage, shown(entry.getValue().getValueNode()),
                        "a stage name must be lower-case letters, digits and '-', starting with a letter or digit");
                continue;
            }
            String stageLayout = stages.value(stage, null, v -> oneOf(v, SERVER_LAYOUTS));
            if (stageLayout != null) {
                result.add(new KeyboardStage(stage, stageLayout));
            }
        }
        return result;
    }

    private <T> T override(Map<String, String> environment, String variable, String key, T value,
            Function<String, T> parse) {
        String text = environment.get(variable);
        if (text == null) {
            return value;
        }
        try {
            return parse.apply(text.strip());
        } catch (IllegalArgumentException e) {
            problems.add("environment:" + variable + ": " + key + " = " + text + ": " + e.getMessage());
            return value;
        }
    }

    // --- value parsers: each throws IllegalArgumentException with the reason ------------------------------

    private static String host(String value) {
        if (value.isBlank() || value.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("must be a host name or IP address");
        }
        return value;
    }

    /** A comma-separated list of origins (the environment's form of {@code http.allowed-origins}). */
    private static List<java.net.URI> origins(String value) {
        List<java.net.URI> origins = new ArrayList<>();
        for (String origin : value.split(",")) {
            if (!origin.isBlank()) {
                origins.add(Origins.normalise(origin.strip()));
            }
        }
        return origins;
    }

    private static Integer port(String value, boolean zeroAllowed) {
        int port;
        try {
            port = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < (zeroAllowed ? 0 : 1) || port > 65535) {
            throw new IllegalArgumentException(zeroAllowed
                    ? "must be a port number from 0 (any free port) to 65535"
                    : "must be a port number from 1 to 65535");
        }
        return port;
    }

    private static Integer number(String value, int min, int max) {
        try {
            int n = Integer.parseInt(value);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below, with the range
        }
        throw new IllegalArgumentException("must be a whole number from " + min + " to " + max);
    }

    private static Boolean bool(String value) {
        return switch (value) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("must be true or false");
        };
    }

    private static String oneOf(String value, Set<String> allowed) {
        if (!allowed.contains(value)) {
            throw new IllegalArgumentException("must be one of " + String.join(", ", allowed.stream().sorted().toList()));
        }
        return value;
    }

    // --- YAML node helpers -----------------------------------------------------------------------------------

    private void problem(Node node, String key, String value, String reason) {
        problems.add(file + ":" + line(node) + ": " + key + " = " + (holdsASecret(key) ? "(hidden)" : value) + ": "
                + reason);
    }

    /**
     * A key whose value may be a secret itself (a plain {@code password:} or {@code passwd:}, both refused): its
     * value is never shown. The {@code -env} and {@code -file} keys name where a password is, not the password.
     */
    private static boolean holdsASecret(String key) {
        String last = key.substring(key.lastIndexOf('.') + 1).toLowerCase(java.util.Locale.ROOT);
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
        return e instanceof java.nio.file.NoSuchFileException ? "no such file" : e.toString();
    }

    private Section section(Node node, String prefix) {
        if (!(node instanceof MappingNode mapping)) {
            problem(node, prefix.isEmpty() ? "(top level)" : prefix.substring(0, prefix.length() - 1), shown(node),
                    "must be a mapping of keys");
            return Section.EMPTY;
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
        return new Section(this, prefix, entries);
    }

    /** One YAML mapping being read, with the dotted prefix of its keys for messages. */
    private record Section(ConfigLoader loader, String prefix, Map<String, NodeTuple> entries) {

        static final Section EMPTY = new Section(null, "", Map.of());

        Node node(String key) {
            NodeTuple tuple = entries.get(key);
            return tuple == null ? null : tuple.getValueNode();
        }

        Section section(String key) {
            Node node = node(key);
            if (node == null) {
                return EMPTY;
            }
            return loader.section(node, prefix + key + ".");
        }

        <T> T value(String key, T fallback, Function<String, T> parse) {
            Node node = node(key);
            if (node == null) {
                return fallback;
            }
            if (!(node instanceof ScalarNode scalar)) {
                loader.problem(node, prefix + key, shown(node), "must be a single value");
                return fallback;
            }
            try {
                return parse.apply(scalar.getValue());
            } catch (IllegalArgumentException e) {
                loader.problem(node, prefix + key, scalar.getValue(), e.getMessage());
                return fallback;
            }
        }

        /**
         * A list of single values ({@code key: [a, b]} or one {@code - a} per line); each bad item is a problem of
         * its own, named {@code key[i]}.
         *
         * @return the good items, in order; empty when the key is absent
         */
        <T> List<T> list(String key, Function<String, T> parse) {
            Node node = node(key);
            if (node == null) {
                return List.of();
            }
            if (!(node instanceof SequenceNode sequence)) {
                loader.problem(node, prefix + key, shown(node), "must be a list");
                return List.of();
            }
            List<T> items = new ArrayList<>();
            for (int i = 0; i < sequence.getValue().size(); i++) {
                Node item = sequence.getValue().get(i);
                if (!(item instanceof ScalarNode scalar)) {
                    loader.problem(item, prefix + key + "[" + i + "]", shown(item), "must be a single value");
                    continue;
                }
                try {
                    items.add(parse.apply(scalar.getValue()));
                } catch (IllegalArgumentException e) {
                    loader.problem(item, prefix + key + "[" + i + "]", scalar.getValue(), e.getMessage());
                }
            }
            return items;
        }

        <T> T required(String key, Function<String, T> parse) {
            if (node(key) == null) {
                NodeTuple any = entries.values().stream().findFirst().orElse(null);
                if (loader != null) {
                    Node where = any == null ? null : any.getKeyNode();
                    loader.problems.add(loader.file + ":" + (where == null ? 1 : line(where)) + ": "
                            + prefix + key + " = (missing): is required");
                }
                return null;
            }
            return value(key, null, parse);
        }

        void rejectIfPresent(String key, String reason) {
            Node node = node(key);
            if (node != null) {
                loader.problem(node, prefix + key, shown(node), reason);
            }
        }

        void reportUnknown(Set<String> known) {
            for (Map.Entry<String, NodeTuple> entry : entries.entrySet()) {
                if (!known.contains(entry.getKey())) {
                    loader.problem(entry.getValue().getKeyNode(), prefix + entry.getKey(),
                            shown(entry.getValue().getValueNode()),
                            "unknown key; known keys here: " + String.join(", ", known.stream().sorted().toList()));
                }
            }
        }
    }
}
