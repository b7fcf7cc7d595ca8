package dev.keyhole.server.config;

import dev.keyhole.server.config.Schema.Parser;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The configuration's value parsers. Each turns a value's text into a value or throws
 * {@link IllegalArgumentException} with the reason people read after {@code KEY = VALUE:}.
 */
public final class Parsers {

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    private static final Pattern VARIABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    /** {@code jdbc:postgresql://HOST[:PORT][,HOST[:PORT]…]/DATABASE[?PARAMETERS]}. */
    private static final Pattern POSTGRESQL_URL = Pattern.compile("jdbc:postgresql://[^/?#\\s]+/[^/?#\\s]+(\\?\\S*)?");
    /** A {@code password} parameter of a JDBC URL's query, or a password in a URL's user information. */
    private static final Pattern URL_PASSWORD = Pattern.compile("(?i)[?&]password=|://[^/?#@\\s]*:[^/?#@\\s]*@");
    private static final Pattern PORT_RANGES = Pattern.compile("\\d{1,5}(-\\d{1,5})?(,\\d{1,5}(-\\d{1,5})?)*");
    private static final Pattern DNS_NAME = Pattern.compile(
            "(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");

    private Parsers() {
    }

    /** A name URLs and logs use: {@code [a-z0-9][a-z0-9-]*}, at most 63 characters. */
    public static String name(String value) {
        if (!NAME.matcher(value).matches()) {
            throw new IllegalArgumentException(
                    "must be lower-case letters, digits and '-', starting with a letter or digit");
        }
        return value;
    }

    /** Text people read, not blank. */
    public static String title(String value) {
        if (value.isBlank()) {
            throw new IllegalArgumentException("must not be empty (leave it out to show the name)");
        }
        return value;
    }

    /** Any text, as written. */
    public static String text(String value) {
        return value;
    }

    /** A user name a console asks for, not blank. */
    public static String username(String value) {
        if (value.isBlank()) {
            throw new IllegalArgumentException("must not be empty (leave it out when the console asks for none)");
        }
        return value;
    }

    /** A host name or IP address. */
    public static String host(String value) {
        if (value.isBlank() || value.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("must be a host name or IP address");
        }
        return value;
    }

    /** A host name or IP address, or empty for "every address". */
    public static String hostOrEmpty(String value) {
        return value.isBlank() ? "" : host(value);
    }

    /** A TCP port from 1 to 65535. */
    public static Integer port(String value) {
        return portFrom(value, 1, "must be a port number from 1 to 65535");
    }

    /** A TCP port to listen on: 0 (any free port) to 65535. */
    public static Integer listenPort(String value) {
        return portFrom(value, 0, "must be a port number from 0 (any free port) to 65535");
    }

    private static Integer portFrom(String value, int min, String reason) {
        try {
            int port = Integer.parseInt(value);
            if (port >= min && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // the reason below says what is wanted
        }
        throw new IllegalArgumentException(reason);
    }

    /** Ports and ranges, like {@code 5000-5050} or {@code 5000,5002}. */
    public static String portRanges(String value) {
        if (!PORT_RANGES.matcher(value).matches()) {
            throw new IllegalArgumentException("must be ports and ranges like 5000-5050 or 5000,5002");
        }
        return value;
    }

    /** @return a parser of whole numbers from {@code min} to {@code max} */
    public static Parser<Integer> number(int min, int max) {
        return value -> {
            try {
                int n = Integer.parseInt(value);
                if (n >= min && n <= max) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // the reason below gives the range
            }
            throw new IllegalArgumentException("must be a whole number from " + min + " to " + max);
        };
    }

    /** @return a parser of whole seconds from {@code min} to {@code max} */
    public static Parser<Duration> seconds(int min, int max) {
        Parser<Integer> number = number(min, max);
        return value -> Duration.ofSeconds(number.parse(value));
    }

    /** @return a parser of whole minutes from {@code min} to {@code max} */
    public static Parser<Duration> minutes(int min, int max) {
        Parser<Integer> number = number(min, max);
        return value -> Duration.ofMinutes(number.parse(value));
    }

    /** @return a parser of whole hours from {@code min} to {@code max} */
    public static Parser<Duration> hours(int min, int max) {
        Parser<Integer> number = number(min, max);
        return value -> Duration.ofHours(number.parse(value));
    }

    /** A whole number of days from {@code min} to {@code max}. */
    public static Parser<Duration> days(int min, int max) {
        Parser<Integer> number = number(min, max);
        return value -> Duration.ofDays(number.parse(value));
    }

    /** {@code true} or {@code false}. */
    public static Boolean bool(String value) {
        return switch (value) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("must be true or false");
        };
    }

    /** @return a parser of one of {@code allowed} */
    public static Parser<String> oneOf(Set<String> allowed) {
        return value -> {
            if (!allowed.contains(value)) {
                throw new IllegalArgumentException("must be one of " + String.join(", ", allowed.stream().sorted()
                        .toList()));
            }
            return value;
        };
    }

    /** The URL of a VirtualBox web service: {@code http://} or {@code https://}, with a host. */
    public static URI webServiceUrl(String value) {
        String reason = "must be an http:// or https:// URL of the VirtualBox web service, e.g. http://127.0.0.1:18083/";
        try {
            URI uri = new URI(value);
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                throw new IllegalArgumentException(reason);
            }
            return uri.getPath() == null || uri.getPath().isEmpty() ? uri.resolve("/") : uri;
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(reason);
        }
    }

    /** One origin, {@code scheme://host[:port]} (see {@link Origins#normalise}). */
    public static URI origin(String value) {
        return Origins.normalise(value);
    }

    /**
     * A name a certificate covers: a DNS name ({@code keyhole.example.org}) or an IP address ({@code 192.0.2.7},
     * {@code ::1}), in lower case.
     */
    public static String tlsName(String value) {
        String name = value.toLowerCase(Locale.ROOT);
        if (AddressRange.isLiteral(name)) {
            try {
                AddressRange.literal(name);
                return name.startsWith("[") ? name.substring(1, name.length() - 1) : name;
            } catch (IllegalArgumentException e) {
                // the reason below says what is wanted
            }
        } else if (DNS_NAME.matcher(name).matches() && !name.substring(name.lastIndexOf('.') + 1).matches("\\d+")) {
            // A name whose last label is a number is an address gone wrong, not a DNS name.
            return name;
        }
        throw new IllegalArgumentException("must be a DNS name (letters, digits, '-' and dots, e.g. keyhole.lan) or an "
                + "IP address");
    }

    /**
     * A passkey's relying-party id: a DNS name, in lower case. Never an IP address: WebAuthn binds a passkey to a
     * name, and browsers refuse an address as its relying party.
     */
    public static String passkeyRpId(String value) {
        String name = value.strip().toLowerCase(Locale.ROOT);
        if (AddressRange.isLiteral(name)) {
            throw new IllegalArgumentException("is an IP address, and a passkey cannot belong to one: give the name "
                    + "people open Keyhole at (localhost, or a DNS name with TLS)");
        }
        if (!DNS_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("must be a DNS name (letters, digits, '-' and dots, e.g. "
                    + "keyhole.example.org)");
        }
        return name;
    }

    /** An absolute path (whether it exists is not checked here). */
    public static Path absolutePath(String value) {
        try {
            Path path = Path.of(value);
            if (path.isAbsolute()) {
                return path.normalize();
            }
        } catch (InvalidPathException e) {
            // the reason below says what is wanted
        }
        throw new IllegalArgumentException("must be an absolute path, e.g. /var/lib/keyhole");
    }

    /**
     * A PostgreSQL JDBC URL, {@code jdbc:postgresql://HOST[:PORT]/DATABASE[?PARAMETERS]}, without a password in
     * it: the password has keys of its own, which keep it out of the file.
     */
    public static String postgresqlUrl(String value) {
        if (!POSTGRESQL_URL.matcher(value).matches()) {
            throw new IllegalArgumentException("must be a PostgreSQL JDBC URL, jdbc:postgresql://HOST[:PORT]/DATABASE "
                    + "(leave it out for SQLite in data-dir)");
        }
        if (carriesAPassword(value)) {
            throw new IllegalArgumentException("must not hold the password: give it with password-env or "
                    + "password-file");
        }
        return value;
    }

    /**
     * @return whether a value holds a URL's {@code password=} parameter or a password before its host
     *         ({@code https://user:password@host/}), which messages never show
     */
    static boolean carriesAPassword(String value) {
        return URL_PASSWORD.matcher(value).find();
    }

    /** A PEM file Keyhole can read. */
    public static Path pemFile(String value) {
        return Path.of(readableFile(value));
    }

    /** The name of an environment variable (whether it is set is checked with the environment). */
    public static String variableName(String value) {
        if (!VARIABLE.matcher(value).matches()) {
            throw new IllegalArgumentException("must be the name of an environment variable");
        }
        return value;
    }

    /** A file Keyhole can read. */
    public static String readableFile(String value) {
        Path path = Path.of(value);
        if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
            throw new IllegalArgumentException("cannot read this file");
        }
        return value;
    }
}
