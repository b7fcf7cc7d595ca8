package dev.keyhole.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keyhole.server.virtualbox.VirtualBoxException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.apache.guacamole.GuacamoleClientBadTypeException;
import org.apache.guacamole.GuacamoleResourceConflictException;
import org.apache.guacamole.GuacamoleResourceNotFoundException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The API's one router and its one mapping from errors to statuses, on a real Jetty behind the front door. */
class ApiServletTest {

    private final HttpClient http = HttpClient.newHttpClient();
    private ApiServer server;
    private URI base;

    @BeforeEach
    void start() throws Exception {
        ApiServlet api = new ApiServlet(new ObjectMapper())
                .route("GET", "/api/things/{name}", call -> ApiServlet.Json.ok(Map.of("name", call.parameter("name"),
                        "caller", call.caller().address())))
                .route("POST", "/api/things/{name}/{verb}", call -> {
                    switch (call.parameter("verb")) {
                        case "missing" -> throw new GuacamoleResourceNotFoundException("No thing named that");
                        case "busy" -> throw new GuacamoleResourceConflictException("The thing is busy");
                        case "typed" -> throw new GuacamoleClientBadTypeException("Send JSON");
                        case "vbox" -> throw new VirtualBoxException("VirtualBox says no");
                        default -> throw new IllegalStateException("a bug, with a secret detail");
                    }
                });
        server = ApiServer.start(api);
        base = server.uri();
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    @Test
    void routesByMethodAndTemplateWithTheCaller() throws Exception {
        HttpResponse<String> answer = get("/api/things/lamp");
        assertEquals(200, answer.statusCode());
        assertEquals(Map.of("name", "lamp", "caller", "127.0.0.1"), new ObjectMapper().readValue(answer.body(), Map.class));
        assertEquals(404, get("/api/things").statusCode());
        assertEquals(404, get("/api/things/lamp/extra/more").statusCode());
        HttpResponse<String> wrongMethod = get("/api/things/lamp/on");
        assertEquals(405, wrongMethod.statusCode());
        assertEquals("POST", wrongMethod.headers().firstValue("Allow").orElse(""));
    }

    @Test
    void mapsEachErrorToItsStatusOnce() throws Exception {
        assertEquals(404, post("/api/things/lamp/missing").statusCode());
        assertEquals(409, post("/api/things/lamp/busy").statusCode());
        assertEquals(415, post("/api/things/lamp/typed").statusCode());
        HttpResponse<String> vbox = post("/api/things/lamp/vbox");
        assertEquals(409, vbox.statusCode());
        assertEquals("{\"error\":\"VirtualBox says no\"}", vbox.body());
        HttpResponse<String> bug = post("/api/things/lamp/bug");
        assertEquals(500, bug.statusCode());
        assertTrue(bug.body().contains("its log says why") && !bug.body().contains("secret"), bug.body());
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(base.resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(base.resolve(path)).header(Cookies.CSRF_HEADER, TestSessions.CSRF)
                .POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
