package dev.keyhole.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keyhole.server.accounts.Accounts;
import java.util.ArrayList;
import java.nio.charset.StandardCharsets;
import java.net.URLEncoder;
import dev.keyhole.server.watch.ConsoleAlerts;
import dev.keyhole.server.subscriptions.Subscriber;
import dev.keyhole.server.notify.Recipient;
import dev.keyhole.server.notify.Notifier;
import dev.keyhole.server.notify.NoticeKind;
import dev.keyhole.server.config.NotifyConfig;
import dev.keyhole.server.audit.AuditEvent;
import dev.keyhole.server.audit.AuditKind;
import dev.keyhole.server.audit.AuditLog;
import dev.keyhole.server.audit.JdbcAuditStore;
import dev.keyhole.server.accounts.Passkeys;
import dev.keyhole.server.auth.Token;
import dev.keyhole.server.auth.Tokens;
import dev.keyhole.server.config.ConfigException;
import dev.keyhole.server.config.KeyholeConfig;
import dev.keyhole.server.config.TlsConfig;
import dev.keyhole.server.config.VirtualBoxHostConfig;
import dev.keyhole.server.config.WatchConfig;
import dev.keyhole.server.http.HttpEdge;
import dev.keyhole.server.links.JdbcShareLinkStore;
import dev.keyhole.server.links.ShareLinks;
import dev.keyhole.server.storage.DataDirectory;
import dev.keyhole.server.storage.Database;
import dev.keyhole.server.subscriptions.JdbcSubscriptionStore;
import dev.keyhole.server.subscriptions.SubscribableChannel;
import dev.keyhole.server.subscriptions.Subscriptions;
import dev.keyhole.server.targets.CompositeTargetDirectory;
import dev.keyhole.server.targets.ConfiguredTargetDirectory;
import dev.keyhole.server.targets.KeyboardStages;
import dev.keyhole.server.targets.TargetDirectory;
import dev.keyhole.server.tls.CertificateProblem;
import dev.keyhole.server.tls.CertificateSource;
import dev.keyhole.server.tls.PemFiles;
import dev.keyhole.server.tls.SelfSignedCertificate;
import dev.keyhole.server.targets.WatchPolicy;
import dev.keyhole.server.tunnel.RelayLoops;
import dev.keyhole.server.tunnel.TunnelService;
import dev.keyhole.server.virtualbox.AbortPolicy;
import dev.keyhole.server.virtualbox.VirtualBoxHost;
import dev.keyhole.server.virtualbox.VirtualBoxTargetDirectory;
import dev.keyhole.server.virtualbox.VirtualMachines;
import dev.keyhole.server.virtualbox.WebServiceVirtualBoxHost;
import dev.keyhole.server.watch.ConsoleState;
import dev.keyhole.server.watch.ScreenPatterns;
import dev.keyhole.server.watch.TesseractReader;
import dev.keyhole.server.watch.Watching;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.eclipse.jetty.server.Server;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Keyhole: the composition root that builds every service from the configuration, wires them together
 * and starts the web server. Tests start one on port 0 and close it.
 *
 * <p>It also owns every thread of Keyhole's own (see {@link Threads}): the services get them by constructor and
 * create none, and {@link #close} stops them last, once nothing is left to run on them. Jetty keeps its own
 * thread pool, which it sizes for its connectors and stops as the web server stops, before the console
 * connections are closed; the database's connection pool keeps its own few, which stop as it closes.
 *
 * <p>The data directory is made ready and the database opened (and migrated) before anything else starts, so a
 * database that cannot be used stops Keyhole before it listens; it is closed after everything that uses it.
 */
public final class KeyholeServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(KeyholeServer.class);

    /** How long each step of connecting to guacd may take. */
    private static final Duration GUACD_TIMEOUT = Duration.ofSeconds(10);

    /** Where in the data directory the self-signed certificate is kept. */
    private static final String SELF_SIGNED_DIRECTORY = "tls";

    /** How long a console's connection stays open after its last viewer left (a page reload must not drop it). */
    private static final Duration CONSOLE_LINGER = Duration.ofSeconds(15);

    private final Server jetty;
    private final TunnelService tunnels;
    private final Watching watching;
    private final ConsoleAlerts alerts;
    private final Notifier notifier;
    /** The VirtualBox hosts' VMs; null when none are configured. */
    private final VirtualBoxTargetDirectory machines;
    /** What is done when their VMs abort; null when no hosts are configured. */
    private final AbortPolicy abortPolicy;
    private final Database database;
    private final AuditLog audit;
    private final Accounts accounts;
    private final Threads threads;
    private final URI uri;
    /** The URL people open Keyhole at: the first allowed origin, else {@link #uri}. */
    private final URI publicUri;
    /**
     * What runs on the timer: the {@link SessionSweep}'s turns, the audit trail's daily retention, ending the
     * sessions that timed out every minute.
     */
    private final List<ScheduledFuture<?>> timed;

    private KeyholeServer(Server jetty, TunnelService tunnels, Watching watching, ConsoleAlerts alerts,
            Notifier notifier, VirtualBoxTargetDirectory machines, AbortPolicy abortPolicy, Database database,
            AuditLog audit, Accounts accounts, Threads threads, URI uri, URI publicUri,
            List<ScheduledFuture<?>> timed) {
        this.jetty = jetty;
        this.watching = watching;
        this.alerts = alerts;
        this.notifier = notifier;
        this.tunnels = tunnels;
        this.machines = machines;
        this.abortPolicy = abortPolicy;
        this.database = database;
        this.audit = audit;
        this.accounts = accounts;
        this.threads = threads;
        this.uri = uri;
        this.publicUri = publicUri;
        this.timed = List.copyOf(timed);
    }

    /**
     * Builds Keyhole from {@code config} and starts it.
     *
     * @param config the checked configuration
     * @return the running server
 * @throws ConfigException when the configuration cannot be served: plain HTTP beyond loopback, or a
     *                         certificate that cannot be read or kept
     * @throws dev.keyhole.server.storage.StorageException if the data directory or the database cannot be used
     * @throws Exception if the web server cannot start (e.g. its port is taken)
     */
    public static KeyholeServer start(KeyholeConfig config) throws Exception {
        String bind = config.http().bind();
        config.tls().bindProblem(bind).ifPresent(reason -> {
            throw new ConfigException(List.of("http.bind = " + bind + ": " + reason));
        });
        Path dataDir = DataDirectory.prepare(config.dataDir());
        Database database = Database.open(config.database(), dataDir);
        AuditLog audit = new AuditLog(new JdbcAuditStore(database, Clock.systemUTC(), new SecureRandom()),
                Clock.systemUTC());
        try {
            return start(config, database, audit, Accounts.on(database, dataDir, config.auth(), Clock.systemUTC(),
                    new SecureRandom(), audit));
        } catch (Exception | Error e) {
            audit.close();
            database.close();
            throw e;
        }
    }

    private static KeyholeServer start(KeyholeConfig config, Database database, AuditLog audit, Accounts accounts)
            throws Exception {
        CertificateSource certificates = certificates(config, Clock.systemUTC(), new SecureRandom());
        Threads threads = Threads.start();
        TargetDirectory configured = new ConfiguredTargetDirectory(config.targets());
        VirtualBoxTargetDirectory machines = virtualBox(config, threads);
        TargetDirectory targets = machines == null ? configured
                : new CompositeTargetDirectory(List.of(configured, machines));
        KeyboardStages keyboards = new KeyboardStages(targets);
        TunnelService tunnels = new TunnelService(targets, keyboards, config.guacd(), config.limits(),
                GUACD_TIMEOUT, CONSOLE_LINGER, threads.work(), threads.timers(), threads.relay(), audit,
                target -> target.console().watch() != WatchPolicy.NEVER);
        Watching watching = new Watching(tunnels, targets, target -> target.console().watch(),
                new TesseractReader(config.watch().tesseract()), patterns(config.watch()),
                config.watch().whileBootingFor(), Clock.systemUTC(), threads.timers(), threads.work());
        Passkeys passkeys = Passkeys.on(database, accounts, Clock.systemUTC());
        ShareLinks links = new ShareLinks(new JdbcShareLinkStore(database, Clock.systemUTC(), new SecureRandom()),
                accounts.users(), new Tokens(new SecureRandom()), config.links(), Clock.systemUTC(), audit);
        Subscriptions subscriptions = new Subscriptions(new JdbcSubscriptionStore(database, Clock.systemUTC(),
                new SecureRandom()), accounts.users(), subscribable(config.notifications()), audit);
        Notifier notifier = Notifier.start(config.notifications(), audit, Clock.systemUTC());
        Server jetty = null;
        try {
            jetty = HttpEdge.newServer(config.http(), config.tls(), certificates, accounts, passkeys, links,
                    subscriptions, targets, keyboards, tunnels, machines == null ? VirtualMachines.NONE : machines,
                    config.limits(), new ObjectMapper(), threads.timers(), audit, watching);
            jetty.start();
        } catch (Exception e) {
            notifier.close();
            tunnels.close();
            if (jetty != null) {
                jetty.stop();
            }
            if (machines != null) {
                machines.close();
            }
            threads.close();
            if (e instanceof CertificateProblem problem) {
                throw new ConfigException(List.of(setting(config.tls(), problem) + " = " + problem.file() + ": "
                        + problem.reason()));
            }
            throw e;
        }
        URI publicUri = config.http().allowedOrigins().isEmpty() ? jetty.getURI().resolve("/")
                : config.http().allowedOrigins().get(0).resolve("/");
        ConsoleAlerts alerts = new ConsoleAlerts(watching, audit, targets, notifier,
                (target, kind) -> recipients(config.notifications(), subscriptions, target, kind),
                target -> publicUri.resolve("console.html?target=" + URLEncoder.encode(target, StandardCharsets.UTF_8)),
                config.notifications().remindAfter(), Clock.systemUTC(), threads.timers(), new SecureRandom());
        alerts.start();
        AbortPolicy abortPolicy = null;
        if (machines != null) {
            abortPolicy = new AbortPolicy(machines, audit, alerts, Clock.systemUTC(), threads.timers(),
                    threads.work(), AbortPolicy.BACKOFF);
            abortPolicy.start(); // before the hosts' first events
            machines.start();
        }
        watching.start(machines == null ? VirtualMachines.NONE : machines);
        SessionSweep sweep = new SessionSweep(accounts, links, List.of(tunnels, HttpEdge.eventStreams(jetty)),
                threads.work());
        ScheduledFuture<?> sweeping = threads.timers().scheduleWithFixedDelay(sweep::run,
                SessionSweep.EVERY.toMillis(), SessionSweep.EVERY.toMillis(), TimeUnit.MILLISECONDS);
        ScheduledFuture<?> retaining = threads.timers().scheduleWithFixedDelay(() -> threads.work().execute(() -> {
            try {
                audit.retain(config.audit().keep());
            } catch (RuntimeException e) {
                log.warn("Deleting old audit events failed (tried again tomorrow): {}", e.getMessage());
            }
        }), 0, 1, TimeUnit.DAYS);
        ScheduledFuture<?> expiring = threads.timers().scheduleWithFixedDelay(() -> threads.work().execute(() -> {
            try {
                accounts.endExpiredSessions();
            } catch (RuntimeException e) {
                log.warn("Ending the sessions that timed out failed (tried again in a minute): {}", e.getMessage());
            }
        }), 1, 1, TimeUnit.MINUTES);
        audit.record(AuditEvent.of(AuditKind.CONFIGURATION_LOADED, AuditEvent.KEYHOLE, "")
                .with("targets", targets.list().size()).with("virtualboxHosts", config.virtualboxHosts().size())
                .with("tls", config.tls().mode().name().toLowerCase(java.util.Locale.ROOT))
                .with("database", database.vendor().name().toLowerCase(java.util.Locale.ROOT))
                .with("auditKeepDays", config.audit().keep().toDays()));
        URI uri = jetty.getURI().resolve("/");
        log.info("Keyhole listening on {} with {} target(s); guacd at {}; pages of {} may use it", uri,
                targets.list().size(), config.guacd().address(), String.join(", ", HttpEdge.allowedOrigins(jetty)));
        passkeys.site(HttpEdge.allowedOrigins(jetty)).ifPresentOrElse(site -> log.info("Passkeys belong to {} and "
                + "work at {}", site.rpId(), String.join(", ", site.origins())), () -> log.info("Passkeys are "
                + "unavailable: every allowed origin is an IP address, and a passkey belongs to a name"));
        if (config.tls().mode() == TlsConfig.Mode.PROXY) {
            log.info("Behind a TLS proxy: the forwarded headers of {} are believed, no one else's",
                    config.tls().trustedProxies().stream().map(Object::toString).collect(Collectors.joining(", ")));
        }
        KeyholeServer server = new KeyholeServer(jetty, tunnels, watching, alerts, notifier, machines, abortPolicy,
                database, audit, accounts, threads, uri, publicUri, List.of(sweeping, retaining, expiring));
        accounts.issueFirstAdminLinkIfNoUsers().ifPresent(token -> System.out.printf("%n  No one can sign in yet. "
                + "Open this link within %d minutes to create the first admin (it works once; a restart replaces "
                + "it):%n    %s%n%n", Accounts.FIRST_ADMIN_LINK_LIFETIME.toMinutes(), server.linkTo(token)));
        return server;
    }

    /**
     * @param token a one-time link's token
     * @return the link: the sign-in page of the URL people open Keyhole at (the first allowed origin, else the
     *         address it listens on), with the token in the fragment, which browsers never send to a server
     */
    public URI linkTo(Token token) {
        return publicUri.resolve("sign-in.html#link=" + token.value());
    }

    /** @return every route the web server answers, and which are open without a session */
    public HttpEdge.Routes routes() {
        return HttpEdge.routes(jetty);
    }

    /** @return what Keyhole reads on its consoles' screens */
    public Watching watching() {
        return watching;
    }

    /**
     * Who hears of a notice about a console: each channel's own recipients (a webhook's URL, an ntfy channel's
     * topic, an email channel's {@code to}), and the subscribers whose account may see the console now.
     */
    private static List<Recipient> recipients(NotifyConfig notify, Subscriptions subscriptions, String target,
            NoticeKind kind) {
        List<Recipient> recipients = new ArrayList<>();
        for (NotifyConfig.ChannelConfig channel : notify.channels()) {
            if (!(channel instanceof NotifyConfig.EmailConfig email) || !email.to().isEmpty()) {
                recipients.add(Recipient.configured(channel.name()));
            }
        }
        for (Subscriber subscriber : subscriptions.recipientsFor(target, kind.id())) {
            recipients.add(Recipient.address(subscriber.channel(), subscriber.address(), subscriber.userName()));
        }
        return recipients;
    }

    /** The channels of the configuration, as the subscriptions page offers them (it takes none for a webhook). */
    private static List<SubscribableChannel> subscribable(NotifyConfig notify) {
        return notify.channels().stream().map(c -> new SubscribableChannel(c.name(), c.type(), c.description()))
                .toList();
    }

    /** The built-in screen patterns with the configuration's added. */
    private static ScreenPatterns patterns(WatchConfig watch) {
        return ScreenPatterns.builtIn().with(Map.of(ConsoleState.WAITING_FOR_PASSPHRASE, watch.waitingPatterns(),
                ConsoleState.WRONG_PASSPHRASE, watch.wrongPatterns(), ConsoleState.GRUB_MENU, watch.grubPatterns()));
    }

    /** @return the audit trail */
    public AuditLog audit() {
        return audit;
    }

    /** @return the accounts: users, sessions, links */
    public Accounts accounts() {
        return accounts;
    }

    /**
     * The certificate the port presents under TLS: the self-signed one kept in the data directory (made now when
     * there is none, or none for these names), or the operator's PEM files; null without TLS.
     */
    private static CertificateSource certificates(KeyholeConfig config, Clock clock, SecureRandom random) {
        TlsConfig tls = config.tls();
        return switch (tls.mode()) {
            case OFF, PROXY -> null;
            case FILES -> new PemFiles(tls.certificate(), tls.key());
            case SELF_SIGNED -> {
                Path directory = config.dataDir().resolve(SELF_SIGNED_DIRECTORY);
                try {
                    SelfSignedCertificate certificate = SelfSignedCertificate.obtain(directory,
                            tls.namesFor(config.http().bind()), clock, random);
                    if (certificate.isNew()) {
                        log.info("Made a new self-signed TLS certificate in {} ({}): its fingerprints are new",
                                directory, certificate.whyNew());
                    } else {
                        log.info("Using the self-signed TLS certificate kept in {}", directory);
                    }
                    yield certificate;
                } catch (CertificateProblem e) {
                    throw new ConfigException(List.of("data-dir = " + config.dataDir() + ": the self-signed "
                            + "certificate cannot be kept there: " + e.getMessage()));
                }
            }
        };
    }

    /** @return the configuration key of the file a certificate problem names */
    private static String setting(TlsConfig tls, CertificateProblem problem) {
        return problem.file().equals(tls.key()) ? "tls.key" : "tls.certificate";
    }

    /** The VMs of the configured VirtualBox hosts, or null when there are none. */
    private static VirtualBoxTargetDirectory virtualBox(KeyholeConfig config, Threads threads) {
        if (config.virtualboxHosts().isEmpty()) {
            return null;
        }
        Map<VirtualBoxHost, VirtualBoxHostConfig> hosts = new LinkedHashMap<>();
        for (VirtualBoxHostConfig host : config.virtualboxHosts()) {
            hosts.put(new WebServiceVirtualBoxHost(host, threads.work(), threads.timers()), host);
        }
        Set<String> reserved = config.targets().stream().map(t -> t.name()).collect(Collectors.toSet());
        return new VirtualBoxTargetDirectory(hosts, reserved);
    }

    /** @return the port the web server listens on (the real one when the configuration said 0) */
    public int port() {
        return uri.getPort();
    }

    /** @return the web server's base URI, e.g. {@code http://127.0.0.1:8080/} */
    public URI uri() {
        return uri;
    }

    /** Blocks until the server stops. */
    public void join() throws InterruptedException {
        jetty.join();
    }

    /**
     * Stops Keyhole when the JVM is told to stop (Ctrl-C, {@code SIGTERM}): {@link #close} runs on a thread of
     * its own, which the JVM starts then.
     */
    public void closeAtShutdown() {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                close();
            } catch (Exception e) {
                log.error("Stopping Keyhole failed", e);
            }
        }, "keyhole-shutdown"));
    }

    /**
     * Stops Keyhole: every tunnel closes first, each browser hearing that Keyhole is restarting (WebSocket
     * {@code 1001}), then the web server stops, every console connection closes, the VirtualBox hosts log off,
     * the database closes, and last Keyhole's threads stop.
     */
    @Override
    public void close() throws Exception {
        timed.forEach(task -> task.cancel(false));
        alerts.close();
        watching.close();
        try {
            tunnels.stopTunnels("Keyhole is restarting");
            jetty.stop();
        } finally {
            try {
                tunnels.close();
                if (abortPolicy != null) {
                    abortPolicy.close();
                }
                if (machines != null) {
                    machines.close();
                }
            } finally {
                try {
                    notifier.close(); // one last try for what is queued; each delivery is audited
                    audit.close(); // after the tunnels: their "console closed" events are in
                    database.close();
                } finally {
                    threads.close();
                }
            }
        }
        log.info("Keyhole stopped");
    }

    /**
     * Every thread Keyhole itself runs, created here and nowhere else.
     *
     * <ul>
     *   <li>{@code work}: whatever may block for a while: connecting to guacd and its handshake (bounded by
     *       {@link #GUACD_TIMEOUT} per step), a VirtualBox host's event loop (a call of at most a second at a time,
     *       one after another). It grows a thread for a task when none is
     *       idle, up to {@link #MAX_WORK_THREADS}, and lets idle ones end, so one slow guacd or host never holds up
     *       another's work.</li>
     *   <li>{@code relay}: the {@link RelayLoops} every guacd connection joins after its handshake: a quiet lane
     *       for connections that carry little (a key's echo) and one streaming lane per core
     *       ({@link #RELAY_THREADS}), each a thread waiting for its sockets and moving what guacd sends on to the
     *       browsers; any thread may try a write to guacd at once.</li>
     *   <li>{@code timers}: one thread for what runs later or again (keep-alives, lingering consoles, the
     *       viewer-pace sweep, event-stream heart-beats, a VirtualBox host's pause before it retries). Its tasks
     *       are short and never block; work that may block is handed to {@code work}.</li>
     * </ul>
     *
     * <p>Public so that tests run the services on the same kind of threads.
     *
     * @param work   the executor for work that may block
     * @param timers the timer thread
     * @param relay  the relay loops of the guacd connections
     */
    public record Threads(ThreadPoolExecutor work, ScheduledThreadPoolExecutor timers, RelayLoops relay) {

        /** Most threads of {@code work} at once: far more than the tunnel limits and the hosts need. */
        private static final int MAX_WORK_THREADS = 256;
        /** The relay's streaming lanes, one per core; the quiet lane comes on top. */
        private static final int RELAY_THREADS = Runtime.getRuntime().availableProcessors();
        /** How long whatever stops last may take before Keyhole says so and goes on. */
        private static final Duration STOP_WAIT = Duration.ofSeconds(5);

        /** @return new threads; {@link #close} them */
        public static Threads start() {
            ThreadPoolExecutor work = new ThreadPoolExecutor(0, MAX_WORK_THREADS, 30, TimeUnit.SECONDS,
                    new SynchronousQueue<>(), named("keyhole-work"));
            ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(1, named("keyhole-timer"));
            timers.setRemoveOnCancelPolicy(true);
            timers.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
            try {
                return new Threads(work, timers, RelayLoops.start("keyhole-relay", RELAY_THREADS));
            } catch (UncheckedIOException e) {
                work.shutdownNow();
                timers.shutdownNow();
                throw e;
            }
        }

        /**
         * Stops the timer, then the relay loops (ending any connection still open), then the work, each waiting
         * for its threads to end.
         */
        public void close() {
            timers.shutdownNow();
            awaitTermination("the timer", () -> timers.awaitTermination(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS));
            relay.close();
            awaitTermination("the relay loops", () -> relay.awaitTermination(STOP_WAIT));
            work.shutdownNow();
            awaitTermination("Keyhole's work threads", () -> work.awaitTermination(STOP_WAIT.toMillis(),
                    TimeUnit.MILLISECONDS));
        }

        private interface Termination {
            boolean await() throws InterruptedException;
        }

        private static void awaitTermination(String what, Termination termination) {
            try {
                if (!termination.await()) {
                    log.warn("{} did not stop within {} s", what, STOP_WAIT.toSeconds());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private static ThreadFactory named(String name) {
            AtomicInteger count = new AtomicInteger();
            return runnable -> {
                Thread thread = new Thread(runnable, name + "-" + count.incrementAndGet());
                thread.setDaemon(true);
                return thread;
            };
        }
    }
}
