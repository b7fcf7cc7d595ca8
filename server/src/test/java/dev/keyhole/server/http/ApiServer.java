package dev.keyhole.server.http;

import dev.keyhole.server.config.HttpConfig;
import dev.keyhole.server.config.TlsConfig;
import java.net.URI;
import java.util.List;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/** An {@link ApiServlet} on {@code /api/*} behind the {@link FrontDoor}, on a free loopback port, for tests. */
final class ApiServer implements AutoCloseable {

    private final Server server;
    private final URI base;

    private ApiServer(Server server, URI base) {
        this.server = server;
        this.base = base;
    }

    /** Starts the servlet behind a front door that allows the server's own origin only. */
    static ApiServer start(ApiServlet api) throws Exception {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/");
        context.addServlet(new ServletHolder("api", api), "/api/*");
        FrontDoor door = new FrontDoor(new HttpConfig("127.0.0.1", 0, List.of()), TlsConfig.OFF, connector,
                TestSessions.EVERYONE_SIGNED_IN, TestSessions.NO_GUESTS);
        door.setHandler(context);
        server.setHandler(door);
        server.start();
        return new ApiServer(server, URI.create("http://127.0.0.1:" + connector.getLocalPort()));
    }

    /** @return {@code http://127.0.0.1:PORT}, without a trailing slash */
    URI uri() {
        return base;
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }
}
