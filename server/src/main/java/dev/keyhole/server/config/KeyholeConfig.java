package dev.keyhole.server.config;

import dev.keyhole.server.targets.Target;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Everything Keyhole is configured with, read once at start-up by {@link ConfigLoader} (or built in code with
 * {@link #builder()}).
 *
 * @param dataDir         the directory Keyhole keeps its own files in (an absolute path; created when missing): its
 *                        database (SQLite) and what it makes for itself (the self-signed certificate)
 * @param database        the database Keyhole keeps its records in
 * @param http            where the web server listens
 * @param tls             whether and how its port speaks TLS
 * @param auth            how people sign in and how long they stay signed in
 * @param links           what share links may be
 * @param audit           how long the audit trail keeps its events
 * @param watch           how Keyhole reads its consoles' screens
 * @param guacd           where guacd listens
 * @param targets         the consoles Keyhole offers, in the order of the file; may be empty
 * @param virtualboxHosts the VirtualBox hosts whose VMs Keyhole offers as targets too; may be empty
 * @param limits          how much clients may hold
 * @param notifications   how people are told that a console waits: the channels and their timing (the file's
 *                        {@code notify:} section; a record cannot have a component called {@code notify})
 */
public record KeyholeConfig(Path dataDir, DatabaseConfig database, HttpConfig http, TlsConfig tls, AuthConfig auth,
        LinksConfig links, AuditConfig audit, WatchConfig watch, GuacdConfig guacd,
        List<Target> targets, List<VirtualBoxHostConfig> virtualboxHosts, LimitsConfig limits,
        NotifyConfig notifications) {

    /** The data directory of a server whose configuration names none. */
    public static final Path DEFAULT_DATA_DIR = Path.of("/var/lib/keyhole");

    /** Checks that nothing is missing and copies the lists, so the record stays immutable. */
    public KeyholeConfig {
        Objects.requireNonNull(dataDir, "dataDir: say where Keyhole keeps its files");
        if (!dataDir.isAbsolute()) {
            throw new IllegalArgumentException("the data directory must be an absolute path: " + dataDir);
        }
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(http, "http");
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(auth, "auth");
        Objects.requireNonNull(links, "links");
        Objects.requireNonNull(audit, "audit");
        Objects.requireNonNull(watch, "watch");
        Objects.requireNonNull(guacd, "guacd");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(notifications, "notifications");
        targets = List.copyOf(targets);
        virtualboxHosts = List.copyOf(virtualboxHosts);
    }

    /**
     * @return a builder starting from the defaults: SQLite, no targets, no hosts; and no data directory, which
     *         every configuration built in code names ({@link Builder#dataDir}), so that no test or tool writes
     *         into {@link #DEFAULT_DATA_DIR} by leaving it out
     */
    public static Builder builder() {
        return new Builder();
    }

    /** @return a builder starting from this configuration */
    public Builder toBuilder() {
        return new Builder().dataDir(dataDir).database(database).http(http).tls(tls).auth(auth).links(links).audit(audit).watch(watch)
                .guacd(guacd).targets(targets)
                .virtualBoxHosts(virtualboxHosts).limits(limits).notify(notifications);
    }

    /** Builds a {@link KeyholeConfig}; every part starts at its default. */
    public static final class Builder {
        private Path dataDir;
        private DatabaseConfig database = DatabaseConfig.SQLITE;
        private HttpConfig http = HttpConfig.DEFAULT;
        private TlsConfig tls = TlsConfig.OFF;
        private AuthConfig auth = AuthConfig.DEFAULT;
        private LinksConfig links = LinksConfig.DEFAULT;
        private AuditConfig audit = AuditConfig.DEFAULT;
        private WatchConfig watch = WatchConfig.DEFAULT;
        private GuacdConfig guacd = GuacdConfig.DEFAULT;
        private final List<Target> targets = new ArrayList<>();
        private final List<VirtualBoxHostConfig> virtualboxHosts = new ArrayList<>();
        private LimitsConfig limits = LimitsConfig.DEFAULT;
        private NotifyConfig notify = NotifyConfig.DEFAULT;

        private Builder() {
        }

        /** @param value the directory Keyhole keeps its own files in: an absolute path */
        public Builder dataDir(Path value) {
            this.dataDir = value;
            return this;
        }

        /** @param value the database Keyhole keeps its records in */
        public Builder database(DatabaseConfig value) {
            this.database = value;
            return this;
        }

        /** @param value where the web server listens */
        public Builder http(HttpConfig value) {
            this.http = value;
            return this;
        }

        /** @param value whether and how its port speaks TLS */
        public Builder tls(TlsConfig value) {
            this.tls = value;
            return this;
        }

        /** @param value where guacd listens */
        public Builder guacd(GuacdConfig value) {
            this.guacd = value;
            return this;
        }

        /** @param value the consoles, replacing those given so far */
        public Builder targets(List<Target> value) {
            targets.clear();
            targets.addAll(value);
            return this;
        }

        /** @param value one more console */
        public Builder target(Target value) {
            targets.add(value);
            return this;
        }

        /** @param value the VirtualBox hosts, replacing those given so far */
        public Builder virtualBoxHosts(List<VirtualBoxHostConfig> value) {
            virtualboxHosts.clear();
            virtualboxHosts.addAll(value);
            return this;
        }

        /** @param value one more VirtualBox host */
        public Builder virtualBoxHost(VirtualBoxHostConfig value) {
            virtualboxHosts.add(value);
            return this;
        }

        /** @param value how people sign in and how long they stay signed in */
        public Builder auth(AuthConfig value) {
            this.auth = value;
            return this;
        }

        /** @param value how long the audit trail keeps its events */
        public Builder audit(AuditConfig value) {
            audit = value;
            return this;
        }

        /** @param value how Keyhole reads its consoles' screens */
        public Builder watch(WatchConfig value) {
            watch = value;
            return this;
        }

        /** @param value what share links may be */
        public Builder links(LinksConfig value) {
            this.links = value;
            return this;
        }

        /** @param value how much clients may hold */
        public Builder limits(LimitsConfig value) {
            this.limits = value;
            return this;
        }

        /** @param value how people are told that a console waits */
        public Builder notify(NotifyConfig value) {
            this.notify = value;
            return this;
        }

        /**
         * @return the configuration
         * @throws NullPointerException when no data directory was named
         */
        public KeyholeConfig build() {
            return new KeyholeConfig(dataDir, database, http, tls, auth, links, audit, watch, guacd, targets,
                    virtualboxHosts, limits, notify);
        }
    }
}
