package dev.keyhole.server.config;

import dev.keyhole.server.config.Schema.Key;
import dev.keyhole.server.config.Schema.ListOf;
import dev.keyhole.server.config.Schema.Secret;
import dev.keyhole.server.config.Schema.Section;
import dev.keyhole.server.config.VirtualBoxHostConfig.OnAbort;
import dev.keyhole.server.keyboard.KeyboardLayouts;
import dev.keyhole.server.targets.ConsoleSpec;
import dev.keyhole.server.targets.ConsoleSpec.CertificatePolicy;
import dev.keyhole.server.targets.ConsoleSpec.Credentials;
import dev.keyhole.server.targets.ConsoleSpec.Screen;
import dev.keyhole.server.targets.KeyboardStage;
import dev.keyhole.server.targets.Protocol;
import dev.keyhole.server.targets.Target;
import dev.keyhole.server.targets.WatchPolicy;
import dev.keyhole.server.watch.ScreenPatterns;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Every key of Keyhole's configuration, stated once: its name, parser, default, the protocols it applies to, its
 * environment override and its documentation, and how each section becomes a record. {@link ConfigLoader}
 * validates against it and {@link ConfigReference} writes the README's reference from it.
 *
 * <p>To add a key: declare it here, put it in its section's {@code Section.of(…)} (the README's order), use it in
 * the section's builder below, and paste {@link ConfigReference}'s new output into the README
 * ({@code ConfigReferenceTest} says when they differ, and writes that output to
 * {@code server/target/config-reference.yaml}).
 */
public final class KeyholeSchema {

    private KeyholeSchema() {
    }

    /** The RDP security modes guacd accepts. */
    public static final Set<String> RDP_SECURITY_MODES = Set.of("any", "nla", "nla-ext", "tls", "rdp", "vmconnect");

    /** An email address as the configuration takes it: {@code local@domain}, nothing around it. */
    private static final Pattern EMAIL_ADDRESS = Pattern.compile("[^\\s@<>(),;:\"\\[\\]\\\\]+"
            + "@[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*");

    /** A keyboard layout: one Keyhole has a key table for (guacd's {@code server-layout} names). */
    private static final Schema.Parser<String> LAYOUT = KeyboardLayouts.builtIn()::check;

    // --- the data directory -------------------------------------------------------------------------------------

    static final Key<Path> DATA_DIR = Key.value("data-dir", Parsers::absolutePath)
            .byDefault(KeyholeConfig.DEFAULT_DATA_DIR).env("KEYHOLE_DATA_DIR")
            .doc("the directory Keyhole keeps its own files in (the SQLite database, unless database.url names "
                    + "another; with tls.mode self-signed, the certificate and its key, in tls/); an absolute path, "
                    + "created with mode 0700 when missing, readable by Keyhole's user alone. Back it up",
                    "/var/lib/keyhole");

    // --- http --------------------------------------------------------------------------------------------------

    static final Key<String> HTTP_BIND = Key.value("bind", Parsers::host).byDefault(HttpConfig.DEFAULT.bind())
            .env("KEYHOLE_HTTP_BIND").doc("address to listen on", "127.0.0.1");
    static final Key<Integer> HTTP_PORT = Key.value("port", Parsers::listenPort).byDefault(HttpConfig.DEFAULT.port())
            .env("KEYHOLE_HTTP_PORT").doc("port; 0 picks any free port", "8080");
    static final Key<List<URI>> HTTP_ALLOWED_ORIGINS = Key.list("allowed-origins", Parsers::origin)
            .defaultText("the server's own URL on its bind address: http://127.0.0.1:PORT and http://localhost:PORT "
                    + "for a loopback or 0.0.0.0 bind; https:// under TLS, and with tls.mode self-signed "
                    + "https://NAME:PORT for each of tls.names; required with tls.mode proxy")
            .env("KEYHOLE_HTTP_ALLOWED_ORIGINS")
            .doc("the URLs people open Keyhole at (scheme://host[:port], no path); pages of any other origin, and "
                    + "requests naming another host, are refused. Behind a reverse proxy, list the proxy's public "
                    + "URL", "https://keyhole.example.org");
    static final Section HTTP = Section.of("http", "where the web server listens, and which pages may use it",
            HTTP_BIND, HTTP_PORT, HTTP_ALLOWED_ORIGINS);

    static HttpConfig http(Values v) {
        return new HttpConfig(v.get(HTTP_BIND), v.get(HTTP_PORT), v.get(HTTP_ALLOWED_ORIGINS));
    }

    // --- tls ---------------------------------------------------------------------------------------------------

    static final Key<TlsConfig.Mode> TLS_MODE = Key.value("mode", TlsConfig.Mode::of)
            .byDefault(TlsConfig.Mode.OFF)
            .doc("off: plain HTTP, on loopback only (a bind address beyond loopback is refused); self-signed: HTTPS "
                    + "with a certificate Keyhole makes at its first start and keeps in data-dir, its fingerprints "
                    + "printed at every start; files: HTTPS with your certificate and key, read again when they "
                    + "change; proxy: plain HTTP behind a TLS-terminating reverse proxy, whose X-Forwarded-For, "
                    + "-Proto and -Host Keyhole believes. Under TLS the port speaks HTTPS only, HTTP/2 and HTTP/1.1, "
                    + "and every answer carries HSTS", "self-signed");
    static final Key<List<String>> TLS_NAMES = Key.list("names", Parsers::tlsName).onlyInModes("self-signed")
            .shapeReasons("must be a list of DNS names and IP addresses",
                    "must name at least one DNS name or IP address (leave it out for the default)")
            .defaultText("localhost and the bind address; for 0.0.0.0 or ::, localhost, 127.0.0.1 and ::1")
            .doc("the DNS names and IP addresses the certificate covers: those people open Keyhole at. A new "
                    + "certificate (with new fingerprints) is made when they change", "localhost", "keyhole.lan",
                    "192.0.2.10");
    static final Key<Path> TLS_CERTIFICATE = Key.value("certificate", Parsers::pemFile).required()
            .onlyInModes("files")
            .doc("the certificate followed by its chain, PEM (e.g. certbot's fullchain.pem); Keyhole reads it "
                    + "again when it changes", "/etc/keyhole/tls/fullchain.pem");
    static final Key<Path> TLS_KEY = Key.value("key", Parsers::pemFile).required().onlyInModes("files")
            .doc("its private key, PEM, unencrypted (PKCS#8, or OpenSSL's RSA or EC form); read again when it "
                    + "changes", "/etc/keyhole/tls/privkey.pem");
    static final Key<List<AddressRange>> TLS_TRUSTED_PROXIES = Key.list("trusted-proxies", AddressRange::parse)
            .onlyInModes("proxy")
            .shapeReasons("must be a list of IP addresses and CIDR ranges", "must name at least one proxy")
            .defaultText("127.0.0.1 and ::1: a proxy on this machine")
            .doc("the proxies (IP addresses or CIDR ranges) whose X-Forwarded-For, -Proto and -Host (and "
                    + "Forwarded) headers Keyhole believes; other peers' are ignored", "127.0.0.1", "10.0.0.0/8");
    static final Section TLS = Section.of("tls", "whether and how Keyhole's port speaks HTTPS", TLS_MODE, TLS_NAMES,
            TLS_CERTIFICATE, TLS_KEY, TLS_TRUSTED_PROXIES).modeKey(TLS_MODE);

    static TlsConfig tls(Values v) {
        return switch (v.get(TLS_MODE)) {
            case OFF -> TlsConfig.OFF;
            case SELF_SIGNED -> TlsConfig.selfSigned(v.get(TLS_NAMES));
            case FILES -> TlsConfig.files(v.get(TLS_CERTIFICATE), v.get(TLS_KEY));
            case PROXY -> TlsConfig.proxy(v.has(TLS_TRUSTED_PROXIES) ? v.get(TLS_TRUSTED_PROXIES)
                    : TlsConfig.LOOPBACK_PROXIES);
        };
    }

    // --- auth --------------------------------------------------------------------------------------------------

    static final Key<Boolean> AUTH_REQUIRE_SECOND_FACTOR = Key.value("require-second-factor", Parsers::bool)
            .byDefault(AuthConfig.DEFAULT.requireSecondFactor())
            .doc("whether admins and operators must prove a second factor besides their password: a passkey (on "
                    + "their phone, computer or security key), or a code from an authenticator app; a passkey alone "
                    + "signs anyone in, needing no password. Viewers never must", "true");
    static final Key<Duration> AUTH_IDLE_TIMEOUT = Key.value("idle-timeout", Parsers.minutes(1, 24 * 60))
            .byDefault(AuthConfig.DEFAULT.idleTimeout(), Long.toString(AuthConfig.DEFAULT.idleTimeout().toMinutes()))
            .doc("minutes, from 1 to 1440, a session may go unused (no request, no key into a console) before it "
                    + "ends", "30");
    static final Key<Duration> AUTH_ABSOLUTE_TIMEOUT = Key.value("absolute-timeout", Parsers.hours(1, 24 * 30))
            .byDefault(AuthConfig.DEFAULT.absoluteTimeout(),
                    Long.toString(AuthConfig.DEFAULT.absoluteTimeout().toHours()))
            .doc("hours, from 1 to 720, after signing in that a session ends however busy it is", "12");
    static final Key<String> AUTH_PASSKEY_RP_ID = Key.value("passkey-rp-id", Parsers::passkeyRpId)
            .defaultText("the host of the first allowed origin that is a name, so localhost for the loopback "
                    + "default; none when every allowed origin is an IP address, and passkeys are then unavailable")
            .doc("the name passkeys belong to (their relying-party id): the host people open Keyhole at, or a "
                    + "domain above it to share them between several names (example.org serves "
                    + "https://keyhole.example.org). Never an IP address: a passkey cannot belong to one. A passkey "
                    + "works only under its name: changing it strands the passkeys made before",
                    "keyhole.example.org");
    static final Section AUTH = Section.of("auth", "how people sign in and how long they stay signed in",
            AUTH_REQUIRE_SECOND_FACTOR, AUTH_IDLE_TIMEOUT, AUTH_ABSOLUTE_TIMEOUT, AUTH_PASSKEY_RP_ID);

    static AuthConfig auth(Values v) {
        Duration idle = v.get(AUTH_IDLE_TIMEOUT);
        Duration absolute = v.get(AUTH_ABSOLUTE_TIMEOUT);
        if (absolute.compareTo(idle) < 0) {
            v.problem(AUTH_ABSOLUTE_TIMEOUT, "must be at least auth.idle-timeout (" + idle.toMinutes() + " minutes)");
            absolute = idle;
        }
        return new AuthConfig(v.get(AUTH_REQUIRE_SECOND_FACTOR), idle, absolute,
                v.has(AUTH_PASSKEY_RP_ID) ? v.get(AUTH_PASSKEY_RP_ID) : "");
    }

    // --- links -------------------------------------------------------------------------------------------------

    static final Key<Duration> LINKS_MAX_LIFETIME = Key.value("max-lifetime", Parsers.hours(1, 24 * 30))
            .byDefault(LinksConfig.DEFAULT.maxLifetime(), Long.toString(LinksConfig.DEFAULT.maxLifetime().toHours()))
            .doc("hours, from 1 to 720, a share link may work at most", "24");
    static final Key<Boolean> LINKS_REQUIRE_ACCOUNT = Key.value("require-account", Parsers::bool)
            .byDefault(LinksConfig.DEFAULT.requireAccount())
            .doc("whether a share link opens only for someone signed in (with any role); false: for anyone who has it",
                    "false");
    static final Section LINKS = Section.of("links", "share links into a console", LINKS_MAX_LIFETIME,
            LINKS_REQUIRE_ACCOUNT);

    static LinksConfig links(Values v) {
        return new LinksConfig(v.get(LINKS_MAX_LIFETIME), v.get(LINKS_REQUIRE_ACCOUNT));
    }

    // --- audit -------------------------------------------------------------------------------------------------

    static final Key<Duration> AUDIT_KEEP_DAYS = Key.value("keep-days", Parsers.days(1, 100 * 366))
            .byDefault(AuditConfig.DEFAULT.keep(), Long.toString(AuditConfig.DEFAULT.keep().toDays()))
            .doc("days the audit trail keeps an event, from 1; older ones are deleted once a day, and the deletion "
                    + "is recorded (the chain stays verifiable)", "400");
    static final Section AUDIT = Section.of("audit", "the record of who did what to which console", AUDIT_KEEP_DAYS);

    static AuditConfig audit(Values v) {
        return new AuditConfig(v.get(AUDIT_KEEP_DAYS));
    }

    // --- watch -------------------------------------------------------------------------------------------------

    static final Key<Duration> WATCH_WHILE_BOOTING_FOR = Key.value("while-booting-for", Parsers.minutes(1, 24 * 60))
            .byDefault(WatchConfig.DEFAULT.whileBootingFor(),
                    Long.toString(WatchConfig.DEFAULT.whileBootingFor().toMinutes()))
            .doc("minutes a while-booting console is watched after its VM starts or is reset, when no passphrase "
                    + "prompt shows; one that waits for its passphrase is watched until it is unlocked", "15");
    static final Key<String> WATCH_TESSERACT = Key.value("tesseract", Parsers::text)
            .byDefault(WatchConfig.DEFAULT.tesseract())
            .doc("the Tesseract program that reads the screens' text (Debian: tesseract-ocr)", "/usr/bin/tesseract");
    static final Key<List<String>> WATCH_WAITING_PATTERNS = Key.list("waiting-patterns", ScreenPatterns::check)
            .defaultText("none: the built-in ones (cryptsetup's, Debian's initramfs', systemd's and GRUB's prompts)")
            .doc("more lines that mean a console waits for its passphrase: regular expressions, searched for in "
                    + "each line of the screen, ignoring case", "'^Unlock passphrase for .*:'");
    static final Key<List<String>> WATCH_WRONG_PATTERNS = Key.list("wrong-patterns", ScreenPatterns::check)
            .defaultText("none: the built-in ones")
            .doc("more lines that mean a passphrase was refused", "'Bad passphrase'");
    static final Key<List<String>> WATCH_GRUB_PATTERNS = Key.list("grub-patterns", ScreenPatterns::check)
            .defaultText("none: the built-in ones")
            .doc("more lines that mean a boot menu is up", "'Boot menu'");
    static final Section WATCH = Section.of("watch", "Keyhole reading its consoles' screens, to tell who should "
            + "know that one waits for its passphrase", WATCH_WHILE_BOOTING_FOR, WATCH_TESSERACT,
            WATCH_WAITING_PATTERNS, WATCH_WRONG_PATTERNS, WATCH_GRUB_PATTERNS);

    static WatchConfig watch(Values v) {
        return new WatchConfig(v.get(WATCH_WHILE_BOOTING_FOR), v.get(WATCH_TESSERACT),
                v.has(WATCH_WAITING_PATTERNS) ? v.get(WATCH_WAITING_PATTERNS) : List.of(),
                v.has(WATCH_WRONG_PATTERNS) ? v.get(WATCH_WRONG_PATTERNS) : List.of(),
                v.has(WATCH_GRUB_PATTERNS) ? v.get(WATCH_GRUB_PATTERNS) : List.of());
    }

    // --- guacd -------------------------------------------------------------------------------------------------

    static final Key<String> GUACD_HOST = Key.value("host", Parsers::host).byDefault(GuacdConfig.DEFAULT.host())
            .env("KEYHOLE_GUACD_HOST").doc("where guacd listens", "127.0.0.1");
    static final Key<Integer> GUACD_PORT = Key.value("port", Parsers::port).byDefault(GuacdConfig.DEFAULT.port())
            .env("KEYHOLE_GUACD_PORT").doc("its port", "4822");
    static final Section GUACD = Section.of("guacd", "the Guacamole proxy daemon that speaks RDP and VNC",
            GUACD_HOST, GUACD_PORT);

    static GuacdConfig guacd(Values v) {
        return new GuacdConfig(v.get(GUACD_HOST), v.get(GUACD_PORT));
    }

    // --- limits ------------------------------------------------------------------------------------------------

    private static final Schema.Parser<Integer> COUNT = Parsers.number(1, 100_000);
    static final Key<Integer> TUNNELS = Key.value("tunnels", COUNT).byDefault(LimitsConfig.DEFAULT.tunnels())
            .doc("tunnels open at once, in total", "100");
    static final Key<Integer> TUNNELS_PER_ADDRESS = Key.value("tunnels-per-address", COUNT)
            .byDefault(LimitsConfig.DEFAULT.tunnelsPerAddress())
            .doc("… from one network address (behind a reverse proxy every browser has the proxy's address, but "
                    + "in tls.mode proxy the browser's own, as the proxy forwards it)", "20");
    static final Key<Integer> TUNNELS_PER_TARGET = Key.value("tunnels-per-target", COUNT)
            .byDefault(LimitsConfig.DEFAULT.tunnelsPerTarget()).doc("… to one console", "20");
    static final Key<Integer> EVENT_STREAMS = Key.value("event-streams", COUNT)
            .byDefault(LimitsConfig.DEFAULT.eventStreams()).doc("/api/events streams open at once, in total", "100");
    static final Key<Integer> EVENT_STREAMS_PER_ADDRESS = Key.value("event-streams-per-address", COUNT)
            .byDefault(LimitsConfig.DEFAULT.eventStreamsPerAddress()).doc("… from one network address", "10");
    static final Key<Duration> VIEWER_LAG = Key.value("viewer-lag", Parsers.seconds(2, 600))
            .byDefault(LimitsConfig.DEFAULT.viewerLag(), Long.toString(LimitsConfig.DEFAULT.viewerLag().toSeconds()))
            .doc("seconds, from 2 to 600, a viewer may fall behind its console before it is closed", "5");
    static final Section LIMITS = Section.of("limits", "what clients may hold; beyond a limit a new tunnel or event "
            + "stream is refused", TUNNELS, TUNNELS_PER_ADDRESS, TUNNELS_PER_TARGET, EVENT_STREAMS,
            EVENT_STREAMS_PER_ADDRESS, VIEWER_LAG);

    static LimitsConfig limits(Values v) {
        return new LimitsConfig(v.get(TUNNELS), v.get(TUNNELS_PER_ADDRESS), v.get(TUNNELS_PER_TARGET),
                v.get(EVENT_STREAMS), v.get(EVENT_STREAMS_PER_ADDRESS), v.get(VIEWER_LAG));
    }

    // --- database ----------------------------------------------------------------------------------------------

    static final Key<String> DATABASE_URL = Key.value("url", Parsers::postgresqlUrl)
            .defaultText("none: SQLite, the file " + DatabaseConfig.SQLITE_FILE + " in data-dir")
            .env("KEYHOLE_DATABASE_URL")
            .doc("a PostgreSQL database, as a JDBC URL: jdbc:postgresql://HOST[:PORT]/DATABASE[?PARAMETERS]; the "
                    + "password never goes in it", "jdbc:postgresql://db.example.org:5432/keyhole");
    static final Key<String> DATABASE_USERNAME = Key.value("username", KeyholeSchema::databaseUser)
            .defaultText("the URL's user parameter, else the name of the system user running Keyhole")
            .doc("PostgreSQL only: the database user", "keyhole");
    static final Secret DATABASE_PASSWORD = Secret.of("password", "PostgreSQL only: that user's password",
            "KEYHOLE_DATABASE_PASSWORD", "/etc/keyhole/database.password");
    static final Section DATABASE = Section.of("database", "where Keyhole keeps its records: SQLite in data-dir, "
            + "or a PostgreSQL database", DATABASE_URL, DATABASE_USERNAME, DATABASE_PASSWORD);

    static DatabaseConfig database(Values v) {
        if (!v.has(DATABASE_URL)) {
            String reason = "applies to PostgreSQL only: give database.url too, or leave it out (SQLite needs no "
                    + "account)";
            for (Key<?> key : List.of(DATABASE_USERNAME, DATABASE_PASSWORD.env(), DATABASE_PASSWORD.file())) {
                if (v.has(key)) {
                    v.problem(key, reason);
                }
            }
            return DatabaseConfig.SQLITE;
        }
        return DatabaseConfig.postgresql(v.get(DATABASE_URL), v.has(DATABASE_USERNAME) ? v.get(DATABASE_USERNAME) : "",
                v.secret(DATABASE_PASSWORD));
    }

    // --- targets -----------------------------------------------------------------------------------------------

    static final Key<String> TARGET_NAME = Key.value("name", Parsers::name).required()
            .doc("[a-z0-9][a-z0-9-]*, unique; what URLs use", "web-1");
    static final Key<String> TARGET_TITLE = Key.value("title", Parsers::title).defaultText("the name")
            .doc("shown to people", "Web server 1");
    static final Key<Protocol> TARGET_PROTOCOL = Key.value("protocol", KeyholeSchema::protocol).required()
            .doc("rdp or vnc", "rdp");
    static final Key<String> TARGET_HOST = Key.value("host", Parsers::host).required()
            .doc("the console's host (the VirtualBox host)", "vbox1.example.org");
    static final Key<Integer> TARGET_PORT = Key.value("port", Parsers::port).required()
            .doc("the console's port (the VM's VRDE port)", "5001");
    static final Key<Integer> TARGET_WIDTH = Key.value("width", Parsers.number(64, 8192))
            .byDefault(Screen.DEFAULT.width())
            .doc("console width in pixels; the browser scales the picture, Keyhole never resizes a console", "1024");
    static final Key<Integer> TARGET_HEIGHT = Key.value("height", Parsers.number(64, 8192))
            .byDefault(Screen.DEFAULT.height()).doc("console height in pixels", "768");
    static final Key<Integer> TARGET_DPI = Key.value("dpi", Parsers.number(48, 600)).byDefault(Screen.DEFAULT.dpi())
            .doc("the resolution reported to the console", "96");
    static final Key<String> TARGET_SECURITY = Key.value("security", Parsers.oneOf(RDP_SECURITY_MODES))
            .byDefault(ConsoleSpec.ANY_SECURITY).only(Protocol.RDP, "")
            .doc("the security mode guacd negotiates: " + String.join(", ", sorted(RDP_SECURITY_MODES)), "any");
    static final Key<Boolean> TARGET_IGNORE_CERT = Key.value("ignore-cert", Parsers::bool).byDefault(false)
            .only(Protocol.RDP, "")
            .doc("accept the console's certificate unchecked; VirtualBox's VRDE uses a self-signed one", "true");
    static final Key<String> TARGET_SERVER_LAYOUT = Key.value("server-layout", LAYOUT)
            .byDefault(ConsoleSpec.DEFAULT_LAYOUT)
            .doc("the console's keyboard layout: what the passphrase box types for, and guacd's server-layout "
                    + "over RDP; as guacd names them: " + String.join(" ", KeyboardLayouts.builtIn().names())
                    + " (any other is an error, guacd's failsafe too: it names no keyboard)", "en-us-qwerty");
    static final Key<List<KeyboardStage>> TARGET_KEYBOARD = Key.mapping("keyboard", KeyholeSchema::stage)
            .shapeReasons("must be a mapping of boot stage to layout, e.g. 'grub: en-us-qwerty'",
                    "must name at least one boot stage and its layout, e.g. 'initramfs: de-de-qwertz'")
            .doc("instead of server-layout: the layout of each boot stage, in boot order; the first is in effect "
                    + "when Keyhole starts (stage names: [a-z0-9][a-z0-9-]*, layouts: server-layout's); "
                    + "server-layout alone is one stage named \"console\"",
                    "grub: en-us-qwerty", "initramfs: de-de-qwertz");
    static final Key<Boolean> TARGET_DISABLE_AUDIO = Key.value("disable-audio", Parsers::bool).byDefault(true)
            .doc("leave the console's sound out", "true");
    static final Key<String> TARGET_USERNAME = Key.value("username", Parsers::username)
            .only(Protocol.RDP, "a VNC console asks for a password alone").defaultText("none")
            .doc("the user to log on as, for a console that asks for a logon (xrdp, VRDE with external "
                    + "authentication)", "operator");
    static final Key<WatchPolicy> TARGET_WATCH = Key.value("watch", KeyholeSchema::targetWatch)
            .byDefault(WatchPolicy.ALWAYS, "always")
            .doc("when Keyhole reads the console's screen, to know it waits for its passphrase: always (it holds one "
                    + "guacd connection to the console all the time) or never", "always");
    static final Secret TARGET_PASSWORD = Secret.of("password", "the console's password (RDP logon, or a VNC "
            + "password)", "WEB1_PASSWORD", "/etc/keyhole/web-1.password");
    static final Section TARGET = Section.of("", "", TARGET_NAME, TARGET_TITLE, TARGET_PROTOCOL, TARGET_HOST,
            TARGET_PORT, TARGET_WIDTH, TARGET_HEIGHT, TARGET_DPI, TARGET_SECURITY, TARGET_IGNORE_CERT,
            TARGET_SERVER_LAYOUT, TARGET_KEYBOARD, TARGET_DISABLE_AUDIO, TARGET_WATCH, TARGET_USERNAME, TARGET_PASSWORD)
            .exclusive(TARGET_SERVER_LAYOUT, TARGET_KEYBOARD,
                    "give either server-layout (one layout) or keyboard (a layout per boot stage), not both")
            .protocolKey(TARGET_PROTOCOL);
    static final ListOf TARGETS = new ListOf("targets", "the consoles Keyhole offers (default: none)", TARGET,
            TARGET_NAME, "target");

    static Target target(Values v) {
        List<KeyboardStage> keyboard = v.has(TARGET_KEYBOARD) ? v.get(TARGET_KEYBOARD)
                : List.of(new KeyboardStage(ConsoleSpec.SINGLE_STAGE, v.get(TARGET_SERVER_LAYOUT)));
        ConsoleSpec console = ConsoleSpec.builder(v.get(TARGET_PROTOCOL), v.get(TARGET_HOST), v.get(TARGET_PORT))
                .screen(new Screen(v.get(TARGET_WIDTH), v.get(TARGET_HEIGHT), v.get(TARGET_DPI)))
                .security(v.get(TARGET_SECURITY))
                .certificates(v.get(TARGET_IGNORE_CERT) ? CertificatePolicy.IGNORE : CertificatePolicy.VERIFY)
                .credentials(new Credentials(v.has(TARGET_USERNAME) ? v.get(TARGET_USERNAME) : "",
                        v.secret(TARGET_PASSWORD)))
                .audio(!v.get(TARGET_DISABLE_AUDIO))
                .keyboard(keyboard)
                .watch(v.get(TARGET_WATCH))
                .build();
        return new Target(v.get(TARGET_NAME), v.has(TARGET_TITLE) ? v.get(TARGET_TITLE) : v.get(TARGET_NAME), console);
    }

    // --- virtualbox --------------------------------------------------------------------------------------------

    static final Key<String> HOST_NAME = Key.value("name", Parsers::name).required()
            .doc("[a-z0-9][a-z0-9-]*, shown to people", "lab");
    static final Key<URI> HOST_URL = Key.value("url", Parsers::webServiceUrl).required()
            .doc("the web service (http or https)", "http://127.0.0.1:18083/");
    static final Key<String> HOST_USERNAME = Key.value("username", Parsers::text).byDefault("", "empty")
            .doc("the host user to log on as", "keyhole");
    static final Secret HOST_PASSWORD = Secret.of("password", "the password", "KEYHOLE_LAB_PASSWORD",
            "/etc/keyhole/lab.password");
    static final Key<String> HOST_CONSOLE_HOST = Key.value("console-host", Parsers::host).defaultText("the URL's host")
            .doc("where guacd reaches the VMs' VRDE ports", "127.0.0.1");
    static final Key<Boolean> HOST_IGNORE_CERT = Key.value("ignore-cert", Parsers::bool)
            .byDefault(VirtualBoxHostConfig.DEFAULT_IGNORE_CERT).doc("RDP: accept VRDP's self-signed certificate", "true");
    static final Key<String> HOST_SERVER_LAYOUT = Key.value("server-layout", LAYOUT)
            .byDefault(ConsoleSpec.DEFAULT_LAYOUT)
            .doc("the consoles' keyboard layout (RDP and VNC alike; the layouts of a target's server-layout)",
                    "en-us-qwerty");
    static final Key<String> HOST_VRDE_PORTS = Key.value("vrde-ports", Parsers::portRanges)
            .defaultText("none: the page only says how")
            .doc("lets the page turn a VM's console on in this port range", "5000-5050");
    static final Key<String> HOST_VRDE_ADDRESS = Key.value("vrde-address", Parsers::hostOrEmpty)
            .byDefault(VirtualBoxHostConfig.DEFAULT_VRDE_ADDRESS).doc("the address such a console listens on (empty: every address)", "127.0.0.1");
    static final Key<String> HOST_CONSOLE_USERNAME = Key.value("console-username", Parsers::username)
            .defaultText("no logon")
            .doc("when the VMs' consoles ask for a logon (VRDE with external authentication: a host account)",
                    "operator");
    static final Key<WatchPolicy> HOST_WATCH = Key.value("watch", WatchPolicy::of)
            .byDefault(WatchPolicy.WHILE_BOOTING, "while-booting")
            .doc("when Keyhole reads the VMs' screens: while-booting (from a start or reset until the disk is "
                    + "unlocked, or watch.while-booting-for without a prompt), always (one guacd connection per "
                    + "running VM all the time) or never", "while-booting");
    static final Secret HOST_CONSOLE_PASSWORD = Secret.of("console-password", "the consoles' password",
            "KEYHOLE_LAB_CONSOLE_PASSWORD", "/etc/keyhole/lab-console.password");
    static final Key<OnAbort> HOST_ON_ABORT = Key.value("on-abort", OnAbort::of)
            .byDefault(VirtualBoxHostConfig.DEFAULT_ON_ABORT, VirtualBoxHostConfig.DEFAULT_ON_ABORT.id())
            .doc("when a VM aborts (VirtualBox's Aborted: its process ended without powering it down, e.g. it "
                    + "crashed or was killed): restart starts it headless again (three tries, after 10, 30 and 90 "
                    + "seconds) and tells; notify tells; nothing does neither. A power off or a saved state is never "
                    + "restarted",
                    "restart");
    static final Key<Integer> HOST_MAX_RESTARTS_PER_HOUR = Key.value("max-restarts-per-hour", Parsers.number(1, 60))
            .byDefault(VirtualBoxHostConfig.DEFAULT_MAX_RESTARTS_PER_HOUR)
            .doc("on-abort restart: at most this many start attempts per VM in any hour; then Keyhole tells and "
                    + "stops trying", "3");
    static final Key<List<Map.Entry<String, OnAbort>>> HOST_ON_ABORT_VMS = Key.mapping("on-abort-vms",
            KeyholeSchema::vmOnAbort)
            .shapeReasons("must be a mapping of VM to restart, notify or nothing, e.g. 'web-1: restart'", null)
            .defaultText("none: on-abort for every VM")
            .doc("on-abort for single VMs, each named by its name on the host (as VBoxManage list vms shows it), its "
                    + "UUID or its target name", "web-1: restart", "build-box: nothing");
    static final Section VIRTUALBOX_HOST = Section.of("", "", HOST_NAME, HOST_URL, HOST_USERNAME, HOST_PASSWORD,
            HOST_CONSOLE_HOST, HOST_IGNORE_CERT, HOST_SERVER_LAYOUT, HOST_VRDE_PORTS, HOST_VRDE_ADDRESS,
            HOST_CONSOLE_USERNAME, HOST_CONSOLE_PASSWORD, HOST_WATCH, HOST_ON_ABORT, HOST_MAX_RESTARTS_PER_HOUR,
            HOST_ON_ABORT_VMS);
    static final ListOf VIRTUALBOX_HOSTS = new ListOf("hosts", "", VIRTUALBOX_HOST, HOST_NAME, "VirtualBox host");
    static final Section VIRTUALBOX = Section.of("virtualbox", "VirtualBox hosts whose VMs Keyhole offers as targets")
            .containing(VIRTUALBOX_HOSTS);

    static VirtualBoxHostConfig virtualBoxHost(Values v) {
        URI url = v.get(HOST_URL);
        return VirtualBoxHostConfig.builder(v.get(HOST_NAME), url)
                .username(v.get(HOST_USERNAME))
                .password(v.secret(HOST_PASSWORD))
                .consoleHost(v.has(HOST_CONSOLE_HOST) ? v.get(HOST_CONSOLE_HOST) : url.getHost())
                .ignoreCert(v.get(HOST_IGNORE_CERT))
                .serverLayout(v.get(HOST_SERVER_LAYOUT))
                .vrdePorts(v.has(HOST_VRDE_PORTS) ? v.get(HOST_VRDE_PORTS) : "")
                .vrdeAddress(v.get(HOST_VRDE_ADDRESS))
                .consoleCredentials(new Credentials(v.has(HOST_CONSOLE_USERNAME) ? v.get(HOST_CONSOLE_USERNAME) : "",
                        v.secret(HOST_CONSOLE_PASSWORD)))
                .watch(v.get(HOST_WATCH))
                .onAbort(v.get(HOST_ON_ABORT))
                .maxRestartsPerHour(v.get(HOST_MAX_RESTARTS_PER_HOUR))
                .onAbortVms(v.get(HOST_ON_ABORT_VMS).stream().collect(LinkedHashMap::new,
                        (m, e) -> m.put(e.getKey(), e.getValue()), Map::putAll))
                .build();
    }

    // --- notify ------------------------------------------------------------------------------------------------

    private static final String WEBHOOK = NotifyConfig.WebhookConfig.TYPE;
    private static final String NTFY = NotifyConfig.NtfyConfig.TYPE;
    private static final String EMAIL = NotifyConfig.EmailConfig.TYPE;

    static final Key<Duration> NOTIFY_REMIND_AFTER = Key.value("remind-after", Parsers.minutes(1, 24 * 60))
            .byDefault(NotifyConfig.DEFAULT.remindAfter(), Long.toString(NotifyConfig.DEFAULT.remindAfter().toMinutes()))
            .doc("minutes, from 1 to 1440, a console waits for its passphrase before the people told are reminded",
                    "10");
    static final Key<Duration> NOTIFY_RETRY_FOR = Key.value("retry-for", Parsers.minutes(1, 7 * 24 * 60))
            .byDefault(NotifyConfig.DEFAULT.retryFor(), Long.toString(NotifyConfig.DEFAULT.retryFor().toMinutes()))
            .doc("minutes, from 1 to 10080, a delivery that keeps failing is tried again (after 1 s, 2 s, 4 s … at "
                    + "most 5 minutes apart) before it is given up; each channel has a queue of its own, so one "
                    + "that is down delays no other", "60");
    static final Key<String> CHANNEL_NAME = Key.value("name", Parsers::name).required()
            .doc("[a-z0-9][a-z0-9-]*, unique: what subscriptions and the audit name", "oncall-hook");
    static final Key<String> CHANNEL_TYPE = Key.value("type", Parsers.oneOf(Set.of(WEBHOOK, NTFY, EMAIL))).required()
            .doc("webhook: a signed JSON POST to one URL; ntfy: a push message to an ntfy topic; email: a mail "
                    + "through an SMTP server", WEBHOOK);
    static final Key<String> CHANNEL_DESCRIPTION = Key.value("description", Parsers::text).defaultText("none")
            .doc("what people choosing where to be told read about it", "The on-call team's incident hook");
    static final Key<URI> CHANNEL_URL = Key.value("url", KeyholeSchema::notifyUrl).required()
            .onlyInModes(WEBHOOK, NTFY)
            .doc("webhook: where notices are POSTed; ntfy: the channel's own topic, e.g. "
                    + "https://ntfy.example.org/keyhole-oncall (a user's topic replaces its last segment; ending in "
                    + "/, it names the server alone and only users' topics get messages)",
                    "https://hooks.example.org/keyhole");
    static final Secret CHANNEL_SECRET = onlyIn(Secret.of("secret", "the HMAC-SHA256 key it signs with (its "
            + "receiver checks with the same one; give this or secret-file)", "KEYHOLE_HOOK_SECRET",
            "/etc/keyhole/hook.secret"), WEBHOOK);
    static final Secret CHANNEL_TOKEN = onlyIn(Secret.of("token", "an access token for the ntfy server (sent as "
            + "Authorization: Bearer)", "KEYHOLE_NTFY_TOKEN", "/etc/keyhole/ntfy.token"), NTFY);
    static final Key<Integer> CHANNEL_PRIORITY = Key.value("priority", Parsers.number(1, 5))
            .byDefault(NotifyConfig.NtfyConfig.DEFAULT_PRIORITY).onlyInModes(NTFY)
            .doc("ntfy's priority, from 1 to 5, of a notice that asks someone to act (a console waits, a wrong "
                    + "passphrase, a reminder, a VM down); the others (resolved, restarted, a test) get 3 at most",
                    "4");
    static final Key<String> CHANNEL_HOST = Key.value("host", Parsers::host).required().onlyInModes(EMAIL)
            .doc("the SMTP server", "smtp.example.org");
    static final Key<Integer> CHANNEL_PORT = Key.value("port", Parsers::port)
            .byDefault(NotifyConfig.EmailConfig.DEFAULT_PORT).onlyInModes(EMAIL)
            .doc("its port: 587 (submission, with STARTTLS), or 25", "587");
    static final Key<NotifyConfig.StartTls> CHANNEL_STARTTLS = Key.value("starttls", NotifyConfig.StartTls::of)
            .byDefault(NotifyConfig.StartTls.REQUIRED).onlyInModes(EMAIL)
            .doc("required: the mail goes only under STARTTLS, with the server's certificate checked; optional: "
                    + "under STARTTLS when the server offers it; off: plain SMTP, for a relay on this machine "
                    + "(never with a password)", "required");
    static final Key<String> CHANNEL_USERNAME = Key.value("username", Parsers::username).defaultText("no login")
            .onlyInModes(EMAIL).doc("the SMTP login", "keyhole@example.org");
    static final Secret CHANNEL_PASSWORD = onlyIn(Secret.of("password", "its password", "KEYHOLE_SMTP_PASSWORD",
            "/etc/keyhole/smtp.password"), EMAIL);
    static final Key<String> CHANNEL_FROM = Key.value("from", KeyholeSchema::emailAddress).required()
            .onlyInModes(EMAIL).doc("the sender's address", "keyhole@example.org");
    static final Key<List<String>> CHANNEL_TO = Key.list("to", KeyholeSchema::emailAddress).onlyInModes(EMAIL)
            .shapeReasons("must be a list of email addresses", "must name at least one address (leave it out when "
                    + "only users' own addresses get mail)")
            .defaultText("none: only the addresses users subscribe with")
            .doc("the configured recipients' addresses", "oncall@example.org");
    static final Section CHANNEL = Section.of("", "", CHANNEL_NAME, CHANNEL_TYPE, CHANNEL_DESCRIPTION, CHANNEL_URL,
            CHANNEL_SECRET, CHANNEL_TOKEN, CHANNEL_PRIORITY, CHANNEL_HOST, CHANNEL_PORT, CHANNEL_STARTTLS,
            CHANNEL_USERNAME, CHANNEL_PASSWORD, CHANNEL_FROM, CHANNEL_TO).modeKey(CHANNEL_TYPE);
    static final ListOf CHANNELS = new ListOf("channels", "where notices go (default: none); a channel of each type: "
            + "webhook (url, secret), ntfy (url, token, priority), email (host, port, starttls, username, password, "
            + "from, to)", CHANNEL, CHANNEL_NAME, "channel");
    static final Section NOTIFY = Section.of("notify", "telling people that a console waits for its passphrase",
            NOTIFY_REMIND_AFTER, NOTIFY_RETRY_FOR).containing(CHANNELS);

    static NotifyConfig notify(Values v) {
        List<NotifyConfig.ChannelConfig> channels = v.items(CHANNELS).stream().map(KeyholeSchema::channel).toList();
        return new NotifyConfig(v.get(NOTIFY_REMIND_AFTER), v.get(NOTIFY_RETRY_FOR), channels);
    }

    static NotifyConfig.ChannelConfig channel(Values v) {
        String name = v.get(CHANNEL_NAME);
        String description = v.has(CHANNEL_DESCRIPTION) ? v.get(CHANNEL_DESCRIPTION) : "";
        switch (v.get(CHANNEL_TYPE)) {
            case WEBHOOK -> {
                String secret = v.secret(CHANNEL_SECRET);
                if (!v.has(CHANNEL_SECRET.env()) && !v.has(CHANNEL_SECRET.file())) {
                    v.problem(CHANNEL_TYPE, "a webhook signs what it sends: give secret-env or secret-file, the key "
                            + "its receiver checks the signature with");
                } else if (secret.isEmpty()) {
                    v.problem(v.has(CHANNEL_SECRET.env()) ? CHANNEL_SECRET.env() : CHANNEL_SECRET.file(),
                            "the secret is empty");
                }
                // Without a secret the file is refused (the problem above); the record must still be made.
                return new NotifyConfig.WebhookConfig(name, description, v.get(CHANNEL_URL),
                        secret.isEmpty() ? "(none)" : secret);
            }
            case NTFY -> {
                return new NotifyConfig.NtfyConfig(name, description, v.get(CHANNEL_URL), v.secret(CHANNEL_TOKEN),
                        v.get(CHANNEL_PRIORITY));
            }
            default -> {
                boolean login = v.has(CHANNEL_USERNAME);
                boolean password = v.has(CHANNEL_PASSWORD.env()) || v.has(CHANNEL_PASSWORD.file());
                if (login && !password) {
                    v.problem(CHANNEL_USERNAME, "needs password-env or password-file too (leave username out for a "
                            + "server that takes mail without a login)");
                } else if (password && !login) {
                    v.problem(v.has(CHANNEL_PASSWORD.env()) ? CHANNEL_PASSWORD.env() : CHANNEL_PASSWORD.file(),
                            "needs username too");
                }
                if (password && v.get(CHANNEL_STARTTLS) == NotifyConfig.StartTls.OFF) {
                    v.problem(CHANNEL_STARTTLS, "would send the password unencrypted: use required (or no login, "
                            + "for a relay on this machine)");
                }
                return new NotifyConfig.EmailConfig(name, description, v.get(CHANNEL_HOST), v.get(CHANNEL_PORT),
                        v.get(CHANNEL_STARTTLS), login ? v.get(CHANNEL_USERNAME) : "", v.secret(CHANNEL_PASSWORD),
                        v.get(CHANNEL_FROM), v.get(CHANNEL_TO));
            }
        }
    }

    /** A secret whose two keys apply to a channel of {@code type} only. */
    private static Secret onlyIn(Secret secret, String type) {
        return new Secret(secret.env().onlyInModes(type), secret.file().onlyInModes(type));
    }

    /** One entry of {@code on-abort-vms}: a VM (by name, UUID or target name) and what to do when it aborts. */
    private static Map.Entry<String, OnAbort> vmOnAbort(String vm, String value) {
        if (vm.isBlank()) {
            throw new IllegalArgumentException("a VM is named by its name on the host, its UUID or its target name");
        }
        return Map.entry(vm, OnAbort.of(value));
    }

    // --- the file ----------------------------------------------------------------------------------------------

    /** The whole file, in the README's order. */
    static final Section FILE = Section.of("", "", DATA_DIR).containing(HTTP).containing(TLS).containing(AUTH).containing(LINKS)
            .containing(AUDIT).containing(WATCH).containing(GUACD)
            .containing(LIMITS).containing(DATABASE).containing(TARGETS).containing(VIRTUALBOX).containing(NOTIFY);

    static KeyholeConfig file(Values v) {
        HttpConfig http = http(v.section(HTTP));
        TlsConfig tls = tls(v.section(TLS));
        tls.bindProblem(http.bind()).ifPresent(reason -> v.section(HTTP).problem(HTTP_BIND, reason));
        if (tls.mode() == TlsConfig.Mode.PROXY && http.allowedOrigins().isEmpty()) {
            v.section(TLS).problem(TLS_MODE, "needs http.allowed-origins: the URL people open Keyhole at through "
                    + "the proxy, e.g. https://keyhole.example.org");
        }
        AuthConfig auth = auth(v.section(AUTH));
        passkeyProblem(auth.passkeyRpId(), http, tls).ifPresent(reason ->
                v.section(AUTH).problem(AUTH_PASSKEY_RP_ID, reason));
        return KeyholeConfig.builder()
                .dataDir(v.get(DATA_DIR))
                .database(database(v.section(DATABASE)))
                .http(http)
                .tls(tls)
                .auth(auth)
                .links(links(v.section(LINKS)))
                .audit(audit(v.section(AUDIT)))
                .watch(watch(v.section(WATCH)))
                .guacd(guacd(v.section(GUACD)))
                .limits(limits(v.section(LIMITS)))
                .targets(v.items(TARGETS).stream().map(KeyholeSchema::target).toList())
                .virtualBoxHosts(v.section(VIRTUALBOX).items(VIRTUALBOX_HOSTS).stream()
                        .map(KeyholeSchema::virtualBoxHost).toList())
                .notify(notify(v.section(NOTIFY)))
                .build();
    }

    /**
     * Why passkeys could work nowhere with this relying-party id: it names none of the hosts people open Keyhole
     * at (the allowed origins', or the default ones'), nor a domain above one. Empty when it names one, or when
     * none is configured (the default is such a host, or there are passkeys nowhere, which the page says).
     */
    static Optional<String> passkeyProblem(String rpId, HttpConfig http, TlsConfig tls) {
        if (rpId.isEmpty()) {
            return Optional.empty();
        }
        List<String> hosts = http.allowedOrigins().isEmpty() ? http.defaultOriginHosts(tls)
                : http.allowedOrigins().stream().map(URI::getHost).toList();
        if (hosts.stream().anyMatch(host -> !Origins.isIpAddress(host) && Origins.isWithin(host, rpId))) {
            return Optional.empty();
        }
        return Optional.of("names none of the hosts people open Keyhole at (" + String.join(", ", hosts)
                + (http.allowedOrigins().isEmpty() ? ", the default origins'" : ", http.allowed-origins'")
                + "), nor a domain above one: passkeys would work nowhere. Give one of those names, or leave it out");
    }

    // --- parsers only this schema uses -------------------------------------------------------------------------

    private static Protocol protocol(String value) {
        return switch (value) {
            case "rdp" -> Protocol.RDP;
            case "vnc" -> Protocol.VNC;
            default -> throw new IllegalArgumentException("must be rdp or vnc");
        };
    }

    private static WatchPolicy targetWatch(String value) {
        WatchPolicy policy = WatchPolicy.of(value);
        if (policy == WatchPolicy.WHILE_BOOTING) {
            throw new IllegalArgumentException("must be always or never: while-booting is for a VirtualBox host's "
                    + "VMs, whose starts Keyhole sees");
        }
        return policy;
    }

    private static KeyboardStage stage(String name, String layout) {
        try {
            Parsers.name(name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("a stage name must be lower-case letters, digits and '-', starting "
                    + "with a letter or digit");
        }
        return new KeyboardStage(name, LAYOUT.parse(layout));
    }

    /** A webhook's or ntfy topic's URL: http or https, with a host, and no credentials or fragment in it. */
    private static URI notifyUrl(String value) {
        String reason = "must be an http:// or https:// URL, e.g. https://hooks.example.org/keyhole";
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(reason);
        }
        if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
            throw new IllegalArgumentException(reason);
        }
        if (uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException("must not hold credentials: give a webhook's key with secret-env or "
                    + "secret-file, an ntfy token with token-env or token-file");
        }
        if (uri.getRawFragment() != null) {
            throw new IllegalArgumentException("must have no #fragment: it is never sent");
        }
        return uri.getRawPath() == null || uri.getRawPath().isEmpty() ? uri.resolve("/") : uri;
    }

    /** One plain email address, {@code local@domain}: no name, no angle brackets, no spaces. */
    private static String emailAddress(String value) {
        if (value.length() > 254 || !EMAIL_ADDRESS.matcher(value).matches()) {
            throw new IllegalArgumentException("must be one email address, like oncall@example.org (no name, no "
                    + "angle brackets)");
        }
        return value;
    }

    private static String databaseUser(String value) {
        if (value.isBlank()) {
            throw new IllegalArgumentException("must not be empty (leave it out for the URL's user parameter, or the "
                    + "system user's name)");
        }
        return value;
    }

    private static List<String> sorted(Set<String> values) {
        return values.stream().sorted().toList();
    }
}
