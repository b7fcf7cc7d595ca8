package dev.keyhole.server.config;

import dev.keyhole.server.targets.Protocol;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The building blocks of the configuration's schema: keys, sections, lists of sections and secrets. The schema
 * itself is {@link KeyholeSchema}; {@link ConfigLoader} validates a file against it and
 * {@link ConfigReference} writes the README's reference from it, so a key is declared once.
 */
public final class Schema {

    private Schema() {
    }

    /**
     * How the text of one value becomes a value.
     *
     * @param <T> the value's type
     */
    @FunctionalInterface
    public interface Parser<T> {
        /**
         * @param text the value as written (or as the environment gives it)
         * @return the value
         * @throws IllegalArgumentException with the reason people read after {@code KEY = VALUE:}
         */
        T parse(String text);
    }

    /** The YAML shape a key's value has. */
    public enum Shape {
        /** One value: {@code key: value}. */
        VALUE,
        /** A list of values: {@code key: [a, b]} or one {@code - a} per line. */
        LIST,
        /** A mapping of names to values, in the file's order: {@code key: {a: x, b: y}}. */
        MAPPING
    }

    /**
     * One key of a section.
     *
     * @param <T> the type of its value
     */
    public static final class Key<T> {
        private final String name;
        private final Shape shape;
        private Function<String, ?> itemParser;
        private BiFunction<String, String, ?> entryParser;
        private boolean required;
        private T fallback;
        private String defaultText = "";
        private Set<Protocol> protocols = EnumSet.allOf(Protocol.class);
        private String protocolNote = "";
        private Set<String> modes = Set.of();
        private String env = "";
        private String doc = "";
        private List<String> example = List.of();
        private String shapeReason;
        private String emptyReason;
        private boolean namesVariable;

        private Key(String name, Shape shape) {
            this.name = name;
            this.shape = shape;
            this.shapeReason = switch (shape) {
                case VALUE -> "must be a single value";
                case LIST -> "must be a list";
                case MAPPING -> "must be a mapping";
            };
        }

        private Key<T> copy() {
            Key<T> k = new Key<>(name, shape);
            k.itemParser = itemParser;
            k.entryParser = entryParser;
            k.required = required;
            k.fallback = fallback;
            k.defaultText = defaultText;
            k.protocols = protocols;
            k.protocolNote = protocolNote;
            k.modes = modes;
            k.env = env;
            k.doc = doc;
            k.example = example;
            k.shapeReason = shapeReason;
            k.emptyReason = emptyReason;
            k.namesVariable = namesVariable;
            return k;
        }

        /**
         * A key with one value; optional, with no default until {@link #byDefault} or {@link #required} says.
         *
         * @param name   the key as written in the file
         * @param parser how its text becomes its value
         */
        public static <T> Key<T> value(String name, Parser<T> parser) {
            Key<T> k = new Key<>(name, Shape.VALUE);
            k.itemParser = parser::parse;
            return k;
        }

        /**
         * A key whose value is a list of values; absent, it is the empty list. The environment gives such a value
         * comma-separated.
         *
         * @param name   the key as written in the file
         * @param parser how each item's text becomes an item
         */
        public static <E> Key<List<E>> list(String name, Parser<E> parser) {
            Key<List<E>> k = new Key<>(name, Shape.LIST);
            k.itemParser = parser::parse;
            k.fallback = List.of();
            return k;
        }

        /**
         * A key whose value maps names to values, read in the file's order; absent, it is the empty list.
         *
         * @param name   the key as written in the file
         * @param parser how one entry's name and value text become an item; throws {@link IllegalArgumentException}
         *               with the reason
         */
        public static <E> Key<List<E>> mapping(String name, BiFunction<String, String, E> parser) {
            Key<List<E>> k = new Key<>(name, Shape.MAPPING);
            k.entryParser = parser;
            k.fallback = List.of();
            return k;
        }

        /** @return this key, required: leaving it out is a problem */
        public Key<T> required() {
            Key<T> k = copy();
            k.required = true;
            k.fallback = null;
            return k;
        }

        /**
         * @param value the value when the key is absent
         * @return this key with a default, which the README states as {@code value}
         */
        public Key<T> byDefault(T value) {
            return byDefault(value, String.valueOf(value));
        }

        /**
         * @param value the value when the key is absent
         * @param text  how the README states that default
         * @return this key with a default
         */
        public Key<T> byDefault(T value, String text) {
            Key<T> k = copy();
            k.fallback = value;
            k.defaultText = text;
            return k;
        }

        /**
         * @param text how the README states a default that depends on other keys (the section's builder computes
         *             it when the key is absent)
         * @return this key, whose absence the builder handles
         */
        public Key<T> defaultText(String text) {
            Key<T> k = copy();
            k.defaultText = text;
            return k;
        }

        /**
         * @param protocol the protocol of the only consoles that may have this key
         * @param note     said after "applies to RDP consoles only" when another console has it; may be empty
         * @return this key, for consoles of {@code protocol} only
         */
        public Key<T> only(Protocol protocol, String note) {
            Key<T> k = copy();
            k.protocols = EnumSet.of(protocol);
            k.protocolNote = note;
            return k;
        }

        /**
         * @param sectionModes the modes of its section (the value of the section's {@link Section#mode() mode key})
         *                     in which the key applies; given in another mode it is a problem. A {@link #required}
         *                     key is required in these modes only
         * @return this key, for those modes only
         */
        public Key<T> onlyInModes(String... sectionModes) {
            Key<T> k = copy();
            k.modes = Set.of(sectionModes);
            return k;
        }

        /** @return this key, whose value the environment variable {@code variable} overrides */
        public Key<T> env(String variable) {
            Key<T> k = copy();
            k.env = variable;
            return k;
        }

        /**
         * @param text    what the key means, for the README (its default and protocol are added)
         * @param example the example the README shows: one value, or a list's items, or a mapping's
         *                {@code name: value} lines
         * @return this key, documented
         */
        public Key<T> doc(String text, String... example) {
            Key<T> k = copy();
            k.doc = text;
            k.example = List.of(example);
            return k;
        }

        /**
         * @param shapeProblem the reason given when the value has the wrong YAML shape, e.g. "must be a mapping of
         *                     boot stage to layout, e.g. 'grub: en-us-qwerty'"
         * @param emptyProblem the reason given when a list or mapping is present but empty; null: empty is fine
         * @return this key with these reasons
         */
        public Key<T> shapeReasons(String shapeProblem, String emptyProblem) {
            Key<T> k = copy();
            k.shapeReason = shapeProblem;
            k.emptyReason = emptyProblem;
            return k;
        }

        /** @return this key, whose value names an environment variable that must be set */
        public Key<T> namingAVariable() {
            Key<T> k = copy();
            k.namesVariable = true;
            return k;
        }

        /** @return whether its value names an environment variable that must be set */
        public boolean namesVariable() {
            return namesVariable;
        }

        /** @return the key as written in the file */
        public String name() {
            return name;
        }

        /** @return its YAML shape */
        public Shape shape() {
            return shape;
        }

        /** @return whether leaving it out is a problem */
        public boolean isRequired() {
            return required;
        }

        /** @return its value when absent (null: none) */
        public T fallback() {
            return fallback;
        }

        /** @return how the README states its default; empty: none worth stating */
        public String defaultText() {
            return defaultText;
        }

        /** @return the protocols whose consoles may have it (every protocol for keys of no console) */
        public Set<Protocol> protocols() {
            return protocols;
        }

        /** @return the modes of its section in which it applies; empty: every mode */
        public Set<String> modes() {
            return modes;
        }

        /** @return what a problem adds after "applies to RDP consoles only"; may be empty */
        public String protocolNote() {
            return protocolNote;
        }

        /** @return the reason given for a value of the wrong YAML shape */
        public String shapeReason() {
            return shapeReason;
        }

        /** @return the reason given for an empty list or mapping; null when empty is fine */
        public String emptyReason() {
            return emptyReason;
        }

        /** @return the environment variable that overrides it; empty: none */
        public String env() {
            return env;
        }

        /** @return what it means */
        public String doc() {
            return doc;
        }

        /** @return the README's example */
        public List<String> example() {
            return example;
        }

        /** Parses one value, or one item of a list. */
        Object parseItem(String text) {
            return itemParser.apply(text);
        }

        /** Parses one entry of a mapping. */
        Object parseEntry(String entryName, String text) {
            return entryParser.apply(entryName, text);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /**
     * A password (or other secret) that the file never holds: it names an environment variable
     * ({@code NAME-env}) or a file whose first line it is ({@code NAME-file}), not both. Both keys are checked
     * with the rest of the file; the secret is read only once the whole file is valid.
     *
     * @param env  the key naming the environment variable
     * @param file the key naming the file
     */
    public record Secret(Key<String> env, Key<String> file) {

        /**
         * @param prefix the keys' common start, e.g. {@code password} for {@code password-env} and
         *               {@code password-file}
         * @param what   what the secret is, for the README, e.g. "the console's password"
         * @param envExample  an example variable name
         * @param fileExample an example file
         */
        public static Secret of(String prefix, String what, String envExample, String fileExample) {
            return new Secret(
                    Key.value(prefix + "-env", Parsers::variableName).namingAVariable()
                            .doc(what + " from this environment variable …", envExample),
                    Key.value(prefix + "-file", Parsers::readableFile)
                            .doc("… or from the first line of this file (not both; default: none). Never a plain "
                                    + "password in this file: `" + prefix + ":` is refused", fileExample));
        }

    }

    /**
     * Two keys a section may not both have; the second is the alternative the README shows commented out.
     *
     * @param first  one key
     * @param second the other
     * @param reason why, e.g. "give either server-layout (one layout) or keyboard (…), not both"
     */
    public record Exclusive(Key<?> first, Key<?> second, String reason) {
    }

    /**
     * A mapping of keys: the top level, {@code http:}, or one item of a list such as {@code targets:}.
     *
     * @param name       its key in the enclosing section (empty for the top level and for a list's items)
     * @param doc        what it holds, for the README
     * @param keys       its keys, in the README's order
     * @param children   the sections and lists it contains, in the README's order
     * @param exclusives pairs of keys it may not both have
     * @param protocol   for a console's section: the key that says its protocol, which decides what other keys
     *                   it may have; null otherwise
     * @param mode       for a section of modes (such as {@code tls:}): the key whose value, its default when absent,
     *                   decides which of the keys {@linkplain Key#onlyInModes limited to modes} it may have; null
     *                   otherwise
     */
    public record Section(String name, String doc, List<Key<?>> keys, List<Object> children,
            List<Exclusive> exclusives, Key<Protocol> protocol, Key<?> mode) {

        /** Copies the lists; checks that children are sections or lists of sections. */
        public Section {
            keys = List.copyOf(keys);
            children = List.copyOf(children);
            exclusives = List.copyOf(exclusives);
            for (Object child : children) {
                if (!(child instanceof Section) && !(child instanceof ListOf)) {
                    throw new IllegalArgumentException("not a section or a list of sections: " + child);
                }
            }
        }

        /**
         * A section of keys, without children.
         *
         * @param name  its key in the enclosing section (empty for a list's items)
         * @param doc   what it holds, for the README
         * @param items its {@link Key}s and {@link Secret}s, in the README's order; a secret's two keys exclude each
         *              other
         */
        public static Section of(String name, String doc, Object... items) {
            List<Key<?>> keys = new ArrayList<>();
            List<Exclusive> pairs = new ArrayList<>();
            for (Object item : items) {
                if (item instanceof Key<?> key) {
                    keys.add(key);
                } else if (item instanceof Secret secret) {
                    keys.add(secret.env());
                    keys.add(secret.file());
                    pairs.add(new Exclusive(secret.env(), secret.file(),
                            "give " + secret.env().name() + " or " + secret.file().name() + ", not both"));
                } else {
                    throw new IllegalArgumentException("not a key or a secret: " + item);
                }
            }
            return new Section(name, doc, keys, List.of(), pairs, null, null);
        }

        /** @return this section, which also contains {@code child} (a {@link Section} or {@link ListOf}) */
        public Section containing(Object child) {
            List<Object> all = new ArrayList<>(children);
            all.add(child);
            return new Section(name, doc, keys, all, exclusives, protocol, mode);
        }

        /** @return this section, where {@code first} and {@code second} exclude each other */
        public Section exclusive(Key<?> first, Key<?> second, String reason) {
            List<Exclusive> pairs = new ArrayList<>(exclusives);
            pairs.add(new Exclusive(first, second, reason));
            return new Section(name, doc, keys, children, pairs, protocol, mode);
        }

        /** @return this section, a console's, whose {@code key} says its protocol */
        public Section protocolKey(Key<Protocol> key) {
            return new Section(name, doc, keys, children, exclusives, key, mode);
        }

        /** @return this section, whose {@code key} says its mode (see {@link Key#onlyInModes}) */
        public Section modeKey(Key<?> key) {
            return new Section(name, doc, keys, children, exclusives, protocol, key);
        }

        /** @return every key name allowed here: its keys and its children's names */
        public List<String> knownNames() {
            List<String> names = new ArrayList<>(keys.stream().map(Key::name).toList());
            for (Object child : children) {
                names.add(child instanceof Section s ? s.name() : ((ListOf) child).name());
            }
            return names;
        }

        /** @return the key named {@code keyName} */
        public Optional<Key<?>> key(String keyName) {
            return keys.stream().filter(k -> k.name().equals(keyName)).findFirst();
        }

        /** @return the second key of an exclusive pair whose first is {@code key}, if any */
        Optional<Key<?>> alternativeOf(Key<?> key) {
            return exclusives.stream().filter(e -> e.first() == key).map(Exclusive::second).findFirst();
        }

        /** @return whether {@code key} is the second of an exclusive pair (shown commented out) */
        boolean isAlternative(Key<?> key) {
            return exclusives.stream().anyMatch(e -> e.second() == key);
        }
    }

    /**
     * A list of sections, such as {@code targets:}: each item a mapping of the same keys.
     *
     * @param name   its key in the enclosing section
     * @param doc    what it holds, for the README
     * @param item   each item's keys
     * @param unique the key no two items may share the value of (null: none)
     * @param what   what one item is, in messages ("target", "VirtualBox host")
     */
    public record ListOf(String name, String doc, Section item, Key<String> unique, String what) {
        /** Checks that nothing is missing. */
        public ListOf {
            Objects.requireNonNull(item, "item");
            Objects.requireNonNull(what, "what");
        }
    }

    /** @return "RDP" for {@link Protocol#RDP}, as messages and the README name it */
    static String shown(Protocol protocol) {
        return protocol.name().toUpperCase(Locale.ROOT);
    }
}
