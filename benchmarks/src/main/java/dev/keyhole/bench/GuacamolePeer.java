package dev.keyhole.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.websocket.EndpointConfig;
import javax.websocket.Session;
import javax.websocket.server.ServerContainer;
import javax.websocket.server.ServerEndpointConfig;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.servlets.DefaultServlet;
import org.apache.catalina.startup.Tomcat;
import org.apache.guacamole.GuacamoleException;
import org.apache.guacamole.net.GuacamoleTunnel;
import org.apache.guacamole.net.InetGuacamoleSocket;
import org.apache.guacamole.net.SimpleGuacamoleTunnel;
import org.apache.guacamole.protocol.ConfiguredGuacamoleSocket;
import org.apache.guacamole.protocol.GuacamoleClientInformation;
import org.apache.guacamole.protocol.GuacamoleConfiguration;
import org.apache.guacamole.websocket.GuacamoleWebSocketTunnelEndpoint;
import org.apache.tomcat.websocket.server.WsSci;

/**
 * Apache Guacamole's own tunnel, as a peer for the benchmark: guacamole-common 1.6.0's
 * {@link GuacamoleWebSocketTunnelEndpoint} (javax.websocket) on embedded Tomcat 9, the container of the official
 * Guacamole image. One RDP connection to guacd per WebSocket, nothing else: {@code ws://…/tunnel?hostname=H}.
 *
 * <p>Usage: {@code GuacamolePeer HTTP_PORT GUACD_PORT}; prints {@value #READY} once it accepts connections.
 */
public final class GuacamolePeer {

    /** What the peer prints when it accepts connections. */
    static final String READY = "GUACAMOLE-PEER READY";

    private GuacamolePeer() {
    }

    public static void main(String[] args) throws Exception {
        int httpPort = Integer.parseInt(args[0]);
        int guacdPort = Integer.parseInt(args[1]);
        Path base = Files.createTempDirectory("keyhole-bench-tomcat");
        // The benchmark stops the peer with SIGTERM, which runs this.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> Gateways.deleteTree(base)));
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(base.toString());
        Connector connector = new Connector();
        connector.setProperty("address", "127.0.0.1");
        connector.setPort(httpPort);
        tomcat.setConnector(connector);
        Context context = tomcat.addContext("", base.toString());
        // Tomcat runs the WebSocket upgrade filter only for requests that map to a servlet.
        Tomcat.addServlet(context, "default", new DefaultServlet());
        context.addServletMappingDecoded("/", "default");
        context.addServletContainerInitializer(new WsSci(), null);
        context.addServletContainerInitializer((classes, servletContext) -> {
            ServerContainer container = (ServerContainer) servletContext.getAttribute(ServerContainer.class.getName());
            try {
                container.addEndpoint(ServerEndpointConfig.Builder.create(Tunnel.class, "/tunnel")
                        .subprotocols(List.of("guacamole"))
                        .configurator(new ServerEndpointConfig.Configurator() {
                            @Override
                            public <T> T getEndpointInstance(Class<T> type) {
                                return type.cast(new Tunnel(guacdPort));
                            }
                        }).build());
            } catch (javax.websocket.DeploymentException e) {
                throw new IllegalStateException(e);
            }
        }, null);
        tomcat.start();
        System.out.println(READY + " " + connector.getLocalPort());
        System.out.flush();
        tomcat.getServer().await();
    }

    /** The endpoint: guacamole-common's, with the tunnel it asks for made the plainest way. */
    public static final class Tunnel extends GuacamoleWebSocketTunnelEndpoint {

        private final int guacdPort;

        Tunnel(int guacdPort) {
            this.guacdPort = guacdPort;
        }

        @Override
        protected GuacamoleTunnel createTunnel(Session session, EndpointConfig config) throws GuacamoleException {
            Map<String, List<String>> parameters = session.getRequestParameterMap();
            GuacamoleConfiguration configuration = new GuacamoleConfiguration();
            configuration.setProtocol("rdp");
            configuration.setParameter("hostname", parameters.get("hostname").get(0));
            configuration.setParameter("port", "3389");
            configuration.setParameter("security", "any");
            configuration.setParameter("ignore-cert", "true");
            configuration.setParameter("disable-audio", "true");
            GuacamoleClientInformation information = new GuacamoleClientInformation();
            information.setOptimalScreenWidth(1024);
            information.setOptimalScreenHeight(768);
            information.setOptimalResolution(96);
            information.getImageMimetypes().addAll(List.of("image/png", "image/jpeg", "image/webp"));
            return new SimpleGuacamoleTunnel(new ConfiguredGuacamoleSocket(
                    new InetGuacamoleSocket("127.0.0.1", guacdPort), configuration, information));
        }
    }
}
