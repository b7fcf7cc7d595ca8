package dev.keyhole.server.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Whether and how Keyhole's port speaks TLS.
 *
 * @param mode           off, self-signed, files or proxy (see {@link Mode})
 * @param names          {@link Mode#SELF_SIGNED}: the DNS names and IP addresses the certificate covers; empty means
 *                       the default, {@link #defaultNames localhost and the bind address}; empty for other modes
 * @param certificate    {@link Mode#FILES}: the PEM file of the certificate (and its chain); null for other modes
 * @param key            {@link Mode#FILES}: the PEM file of its private key; null for other modes
 * @param trustedProxies {@link Mode#PROXY}: the peers whose {@code X-Forwarded-*} (and {@code Forwarded}) headers are
 *                       believed; empty for other modes
 */
public record TlsConfig(Mode mode, List<String> names, Path certificate, Path key, List<AddressRange> trustedProxies) {

    /** What {@link Mode#OFF} means for a bind address beyond loopback, and what to do instead. */
    public static final String PLAIN_HTTP_BEYOND_LOOPBACK = "without TLS (tls.mode off) Keyhole listens on loopback "
            + "only, since everything typed into a console would cross the network readable: set tls.mode to "
            + "self-signed (a certificate Keyhole makes) or files (your certificate), or to proxy behind a "
            + "TLS-terminating reverse proxy, or bind 127.0.0.1";

    /** The proxies trusted by default in {@link Mode#PROXY}: this machine's, on loopback. */
    public static final List<AddressRange> LOOPBACK_PROXIES = List.of(AddressRange.parse("127.0.0.1"),
            AddressRange.parse("::1"));

    /** No TLS: plain HTTP, on loopback only. */
    public static final TlsConfig OFF = new TlsConfig(Mode.OFF, List.of(), null, null, List.of());

    /** The modes, as the configuration writes them. */
    public enum Mode {
        /** Plain HTTP, on loopback only. */
        OFF("off"),
        /** HTTPS with a certificate Keyhole generates and keeps in its data directory. */
        SELF_SIGNED("self-signed"),
        /** HTTPS with a PEM certificate and key from files, reloaded when they change. */
        FILES("files"),
        /** Plain HTTP behind a TLS-terminating reverse proxy, whose forwarded headers are believed. */
        PROXY("proxy");

        private final String word;

        Mode(String word) {
            this.word = word;
        }

        /**
         * @param word {@code off}, {@code self-signed}, {@code files} or {@code proxy}
         * @return the mode it names
         * @throws IllegalArgumentException for any other word
         */
        public static Mode of(String word) {
            for (Mode mode : values()) {
                if (mode.word.equals(word)) {
                    return mode;
                }
            }
            throw new IllegalArgumentException("must be off, self-signed, files or proxy");
        }

        /** @return the mode as the configuration writes it, e.g. {@code self-signed} */
        @Override
        public String toString() {
            return word;
        }
    }

    /** Checks that each mode has what it needs; copies the lists, so the record stays immutable. */
    public TlsConfig {
        Objects.requireNonNull(mode, "mode");
        names = List.copyOf(names);
        trustedProxies = List.copyOf(trustedProxies);
        if (mode == Mode.FILES && (certificate == null || key == null)) {
            throw new IllegalArgumentException("tls.mode files needs a certificate and a key file");
        }
    }

    /** @return HTTPS with a certificate Keyhole generates for {@code names} (empty: the default names) */
    public static TlsConfig selfSigned(List<String> names) {
        return new TlsConfig(Mode.SELF_SIGNED, names, null, null, List.of());
    }

    /** @return HTTPS with the certificate and key of these PEM files */
    public static TlsConfig files(Path certificate, Path key) {
        return new TlsConfig(Mode.FILES, List.of(), certificate, key, List.of());
    }

    /** @return plain HTTP behind a TLS proxy, believing the forwarded headers of {@code trustedProxies} only */
    public static TlsConfig proxy(List<AddressRange> trustedProxies) {
        return new TlsConfig(Mode.PROXY, List.of(), null, null, trustedProxies);
    }

    /** @return whether Keyhole's own port speaks TLS (self-signed or files) */
    public boolean encrypts() {
        return mode == Mode.SELF_SIGNED || mode == Mode.FILES;
    }

    /**
     * @param bind the address the server binds
     * @return the names a self-signed certificate covers: the configured ones, else {@link #defaultNames}
     */
    public List<String> namesFor(String bind) {
        return names.isEmpty() ? defaultNames(bind) : names;
    }

    /**
     * The names a self-signed certificate covers by default: {@code localhost} and the bind address, or for a
     * server on every address ({@code 0.0.0.0}, {@code ::}) {@code localhost}, {@code 127.0.0.1} and {@code ::1}.
     *
     * @param bind the address the server binds
     * @return the names, {@code localhost} first
     */
    public static List<String> defaultNames(String bind) {
        String bare = bind.startsWith("[") && bind.endsWith("]") ? bind.substring(1, bind.length() - 1) : bind;
        List<String> names = new ArrayList<>(List.of("localhost"));
        if (bare.equals("0.0.0.0") || bare.equals("::")) {
            names.addAll(List.of("127.0.0.1", "::1"));
        } else if (!bare.equalsIgnoreCase("localhost")) {
            names.add(bare.toLowerCase(Locale.ROOT));
        }
        return List.copyOf(names);
    }

    /**
     * Whether Keyhole may listen on {@code bind} in this mode: without TLS, on loopback only.
     *
     * @param bind the address the server binds (a name is resolved, as the server will resolve it)
     * @return why not, or empty when it may
     */
    public Optional<String> bindProblem(String bind) {
        return mode == Mode.OFF && !isLoopback(bind) ? Optional.of(PLAIN_HTTP_BEYOND_LOOPBACK) : Optional.empty();
    }

    /**
     * @param host a bind address: an IP address, {@code localhost}, or a name (resolved to the address the server
     *             would bind)
     * @return whether it is a loopback address; a name that does not resolve is not, nor is any wildcard address
     */
    static boolean isLoopback(String host) {
        if (host.equalsIgnoreCase("localhost")) {
            return true;
        }
        try {
            InetAddress address = AddressRange.isLiteral(host) ? AddressRange.literal(host) : InetAddress.getByName(host);
            return address.isLoopbackAddress();
        } catch (UnknownHostException | IllegalArgumentException e) {
            return false;
        }
    }
}
