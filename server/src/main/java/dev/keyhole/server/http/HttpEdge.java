package dev.keyhole.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keyhole.server.config.HttpConfig;
import dev.keyhole.server.config.LimitsConfig;
import dev.keyhole.server.config.TlsConfig;
import dev.keyhole.server.targets.KeyboardStages;
import dev.keyhole.server.targets.TargetDirectory;
import dev.keyhole.server.tls.CertificateProblem;
import dev.keyhole.server.tls.CertificateSource;
import dev.keyhole.server.tunnel.TunnelService;
import dev.keyhole.server.watch.ConsoleReadings;
import dev.keyhole.server.virtualbox.VirtualMachines;
import dev.keyhole.server.access.SessionHolder;
import dev.keyhole.server.accounts.Accounts;
import dev.keyhole.server.audit.AuditLog;
import dev.keyhole.server.links.ShareLinks;
import dev.keyhole.server.subscriptions.Subscriptions;
import dev.keyhole.server.accounts.Passkeys;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import org.eclipse.jetty.ee10.servlet.DefaultServlet;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.ee10.websocket.jakarta.server.config.JakartaWebSocketServletContainerInitializer;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.resource.Resource;
import org.eclipse.jetty.util.resource.ResourceFactory;

/**
 * Builds the Jetty server: the API, the web app's files and the tunnel endpoint, under one context, on one port
 * that speaks plain HTTP, or under TLS HTTPS only ({@link HttpsConnector}).
 */
public final class HttpEdge {

    /** Where the web app's files are on the classpath (the keyhole-webapp jar). */
    static final String WEBAPP_RESOURCES = "keyhole/webapp/";

    private HttpEdge() {
    }

    /**
     * @param server a server {@link #newServer} built, started
     * @return the origins whose pages may use it, as its front door applies them
     */
    public static Set<String> allowedOrigins(Server server) {
        return server.getDescendant(FrontDoor.class).allowedOrigins();
    }

    /**
     * Everything a server built by {@link #newServer} answers but the web app's files: each API route as
     * {@code METHOD TEMPLATE} ({@code POST /api/targets/{name}/stage}), the event stream ({@code GET /api/events})
     * and the tunnel's handshake ({@code GET /tunnel}); and which of the paths, API or file, anyone may reach
     * without a session.
     *
     * @param routes every route
     * @param publicRoutes the routes open without a session, {@code METHOD PATH}
     * @param publicFiles the web app's files open without a session
     */
    public record Routes(List<String> routes, Set<String> publicRoutes, Set<String> publicFiles) {
    }

    /** @return the event streams of a server {@link #newServer} built, which a session's end closes */
    public static SessionHolder eventStreams(Server server) {
        return (SessionHolder) server.getDescendant(ServletContextHandler.class).getServletHandler()
                .getServlet("events").getServletInstance();
    }

    /** @return what {@code server} answers ({@link Routes}) */
    public static Routes routes(Server server) {
        ApiServlet api = (ApiServlet) server.getDescendant(ServletContextHandler.class).getServletHandler()
                .getServlet("api").getServletInstance();
        List<String> all = new ArrayList<>(api.routes());
        all.add("GET /api/events");
        all.add("GET " + TunnelEndpoint.PATH);
        return new Routes(List.copyOf(all), Doorway.PUBLIC_ROUTES, Doorway.publicFiles());
    }

    /**
     * Builds a Jetty server, not yet started: every request passes the {@link FrontDoor} first.
     *
     * @param http      where to listen, and which origins may use the server
     * @param tls       whether its port speaks TLS ({@link HttpsConnector}), or sits behind a proxy whose forwarded
     *                  headers it believes ({@link TrustedProxies})
     * @param certificates the certificate the port presents, when {@code tls} says it speaks TLS; null otherwise
     * @param accounts  who may sign in, and the sessions the front door checks
     * @param passkeys  the passkeys' ceremonies
     * @param links     the share links
     * @param subscriptions the users' subscriptions to notices
     * @param targets   the targets the API lists
     * @param keyboards the targets' keyboard stages, which the API shows and switches
     * @param tunnels   the service the tunnel endpoint hands WebSockets to
     * @param machines  the VMs of the VirtualBox hosts ({@code /api/machines}, {@code /api/events});
     *                  {@link VirtualMachines#NONE} when none are configured
     * @param limits    how many event streams may be open
     * @param json      the JSON mapper for the API
     * @param timers    where the event streams' keep-alives are sent from (the composition root's timer thread)
     * @param audit     where stage switches, VM actions and passphrase boxes used are recorded, and what the
     *                  admins' audit view reads, live
     * @param readings  what Keyhole reads on the consoles' screens, which the targets API and the event stream show
     * @return the server; {@code start()} it
     * @throws CertificateProblem when the certificate cannot be loaded
     */
    public static Server newServer(HttpConfig http, TlsConfig tls, CertificateSource certificates,
            Accounts accounts, Passkeys passkeys, ShareLinks links, Subscriptions subscriptions,
            TargetDirectory targets, KeyboardStages keyboards, TunnelService tunnels, VirtualMachines machines,
            LimitsConfig limits, ObjectMapper json, ScheduledExecutorService timers, AuditLog audit,
            ConsoleReadings readings) throws CertificateProblem {
        Server server = new Server();
        HttpConfiguration httpConfiguration = new HttpConfiguration();
        httpConfiguration.setSendServerVersion(false);
        httpConfiguration.setSendXPoweredBy(false);
        if (tls.mode() == TlsConfig.Mode.PROXY) {
            httpConfiguration.addCustomizer(new TrustedProxies(tls.trustedProxies()));
        }
        ServerConnector connector;
        if (tls.encrypts()) {
            connector = HttpsConnector.add(server, http, httpConfiguration, certificates);
        } else {
            connector = new ServerConnector(server, new HttpConnectionFactory(httpConfiguration));
            connector.setHost(http.bind());
            connector.setPort(http.port());
            server.addConnector(connector);
        }

        ServletContextHandler context = new ServletContextHandler("/");
        Resource webapp = ResourceFactory.of(context).newClassLoaderResource(WEBAPP_RESOURCES);
        if (webapp == null) {
            throw new IllegalStateException("The web app's files are missing from the classpath ("
                    + WEBAPP_RESOURCES + "): is keyhole-webapp.jar on it?");
        }
        context.setBaseResource(webapp);
        context.setWelcomeFiles(new String[] {"index.html"});
        FrontDoor door = new FrontDoor(http, tls, connector, accounts::resolve, links::resolve);
        ApiServlet api = new ApiServlet(json);
        new SessionApi(accounts, json).addTo(api);
        new PasskeyApi(passkeys, accounts, json, door::allowedOrigins).addTo(api);
        new LinksApi(links, targets, json).addTo(api);
        new TargetsApi(targets, keyboards, tunnels::guacdProtocolVersion, json, audit, readings).addTo(api);
        new MachinesApi(machines, audit).addTo(api);
        new AuditApi(audit.store(), json).addTo(api);
        new AdminApi(accounts, links, tunnels, json).addTo(api);
        new SubscriptionsApi(subscriptions, json).addTo(api);
        context.addServlet(new ServletHolder("api", api), "/api/*");
        ServletHolder events = new ServletHolder("events", new MachineEventsServlet(machines, json, limits, timers, audit,
                readings));
        events.setAsyncSupported(true);
        context.addServlet(events, "/api/events");
        ServletHolder files = new ServletHolder("default", DefaultServlet.class);
        files.setInitParameter("dirAllowed", "false");
        context.addServlet(files, "/");

        JakartaWebSocketServletContainerInitializer.configure(context,
                (servletContext, container) -> container.addEndpoint(TunnelEndpoint.config(tunnels)));

        JsonErrorHandler errors = new JsonErrorHandler();
        server.setErrorHandler(errors);
        context.setErrorHandler(errors);
        door.setHandler(context);
        server.setHandler(door);
        server.setStopAtShutdown(false);
        return server;
    }
}
