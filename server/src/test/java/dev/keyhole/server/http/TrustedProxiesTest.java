package dev.keyhole.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keyhole.server.config.AddressRange;
import dev.keyhole.server.config.HttpConfig;
import dev.keyhole.server.config.Origins;
import dev.keyhole.server.config.TlsConfig;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Behind a proxy: what a trusted peer forwards is the request's (address, scheme, host, which the front door
 * checks); what anyone else sends in the same headers is ignored.
 */
class TrustedProxiesTest {

    private static final String PUBLIC = "https://keyhole.example.org";

    private Server server;
    private int port;

    private void start(List<AddressRange> trusted) throws Exception {
        ApiServlet api = new ApiServlet(new ObjectMapper()).route("GET", "/api/who",
                call -> ApiServlet.Json.ok(Map.of("caller", call.caller().address())));
        server = new Server();
        HttpConfiguration configuration = new HttpConfiguration();
        configuration.addCustomizer(new TrustedProxies(trusted));
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(configuration));
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/");
        context.addServlet(new ServletHolder("api", api), "/api/*");
        FrontDoor door = new FrontDoor(new HttpConfig("127.0.0.1", 0, List.of(Origins.normalise(PUBLIC))),
                TlsConfig.proxy(trusted), connector, TestSessions.EVERYONE_SIGNED_IN,
                TestSessions.NO_GUESTS);
        door.setHandler(context);
        server.setHandler(door);
        server.start();
        port = connector.getLocalPort();
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.stop();
        }
    }

    /** A request as a proxy in front of {@link #PUBLIC} forwards a browser's at 203.0.113.5. */
    private String forwarded() throws Exception {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port));
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET /api/who HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nOrigin: " + PUBLIC
                    + "\r\nX-Forwarded-Host: keyhole.example.org\r\nX-Forwarded-Proto: https\r\n"
                    + "X-Forwarded-For: 203.0.113.5\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void aTrustedProxysForwardedHeadersAreTheRequests() throws Exception {
        start(List.of(AddressRange.parse("127.0.0.0/8")));
        String answer = forwarded();
        assertTrue(answer.startsWith("HTTP/1.1 200 "), answer);
        assertTrue(answer.contains("{\"caller\":\"203.0.113.5\"}"), answer);
        assertTrue(answer.contains("Strict-Transport-Security: max-age=31536000"), "it came over HTTPS: " + answer);
    }

    @Test
    void anyoneElsesAreIgnored() throws Exception {
        start(List.of(AddressRange.parse("192.0.2.1")));
        String answer = forwarded();
        assertTrue(answer.startsWith("HTTP/1.1 403 "), answer);
        assertTrue(answer.contains("is not served under the name '127.0.0.1:" + port + "'"), answer);
        assertFalse(answer.contains("Strict-Transport-Security"), answer);
    }

    @Test
    void theAuthorityIsWrittenAsHostWritesIt() {
        assertEquals("keyhole.lan:8443", FrontDoor.authority(HttpURI.from("https://keyhole.lan:8443/x")));
        assertEquals("keyhole.lan", FrontDoor.authority(HttpURI.from("https://keyhole.lan/x")));
        assertEquals("[::1]:8443", FrontDoor.authority(HttpURI.from("https://[::1]:8443/")));
        assertNull(FrontDoor.authority(HttpURI.from("/x")));
    }
}
