package dev.keyhole.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keyhole.server.access.Caller;
import dev.keyhole.server.virtualbox.VirtualBoxException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.guacamole.GuacamoleException;
import org.apache.guacamole.GuacamoleResourceNotFoundException;
import org.eclipse.jetty.http.pathmap.UriTemplatePathSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JSON API ({@code /api/*}, but the event stream): one table of routes, each a method and a URI template
 * ({@code /api/targets/{name}/stage}), and one mapping from errors to statuses.
 *
 * <p>Errors: a route throws guacamole-common's exceptions, whose status carries the HTTP code
 * ({@link GuacamoleResourceNotFoundException} 404, {@link org.apache.guacamole.GuacamoleClientException} 400,
 * {@link org.apache.guacamole.GuacamoleResourceConflictException} 409,
 * {@link org.apache.guacamole.GuacamoleClientBadTypeException} 415,
 * {@link org.apache.guacamole.GuacamoleSecurityException} 403), or a {@link VirtualBoxException} (409, VirtualBox's
 * own text). The answer is {@code {"error": message}}; anything else is a bug: 500, logged, and the browser is told
 * only to look at the log.
 */
final class ApiServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final Logger log = LoggerFactory.getLogger(ApiServlet.class);

    /** What a route answers. */
    sealed interface Answer permits Json, Png {
    }

    /** A JSON body with a status. */
    record Json(int status, Object body) implements Answer {
        static Json ok(Object body) {
            return new Json(HttpServletResponse.SC_OK, body);
        }
    }

    /** A PNG picture, never cached. */
    record Png(byte[] bytes) implements Answer {
    }

    /**
     * One call of a route.
     *
     * @param request    the request
     * @param response   the answer, for its headers (a route's body is its {@link Answer})
     * @param parameters the URI template's variables, e.g. {@code name}
     * @param caller     who calls, as the front door resolved it
     */
    record Call(HttpServletRequest request, HttpServletResponse response, Map<String, String> parameters,
            Caller caller) {
        String parameter(String name) {
            return parameters.get(name);
        }
    }

    /** A route's work. */
    @FunctionalInterface
    interface Route {
        Answer answer(Call call) throws GuacamoleException, IOException;
    }

    private record Entry(String method, UriTemplatePathSpec path, Route route) {
    }

    private final transient List<Entry> routes = new ArrayList<>();
    private final transient ObjectMapper json;

    ApiServlet(ObjectMapper json) {
        this.json = json;
    }

    /**
     * Adds a route.
     *
     * @param method   {@code GET} (which answers {@code HEAD} too) or {@code POST}
     * @param template e.g. {@code /api/targets/{name}/stage}; a variable matches one path segment
     */
    ApiServlet route(String method, String template, Route route) {
        routes.add(new Entry(method, new UriTemplatePathSpec(template), route));
        return this;
    }

    /** @return every route, as {@code METHOD TEMPLATE} ({@code POST /api/targets/{name}/stage}), in order */
    List<String> routes() {
        return routes.stream().map(e -> e.method() + " " + e.path().getDeclaration()).toList();
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        String method = request.getMethod().equals("HEAD") ? "GET" : request.getMethod();
        Set<String> allowed = new LinkedHashSet<>();
        for (Entry entry : routes) {
            if (!entry.path().matches(path)) {
                continue;
            }
            if (!entry.method().equals(method)) {
                allowed.add(entry.method());
                continue;
            }
            answer(request, response, entry.route(), entry.path().getPathParams(path));
            return;
        }
        if (!allowed.isEmpty()) {
            response.setHeader("Allow", String.join(", ", allowed));
            JsonResponses.error(response, json, HttpServletResponse.SC_METHOD_NOT_ALLOWED,
                    "Use " + String.join(" or ", allowed) + " here");
            return;
        }
        JsonResponses.error(response, json, HttpServletResponse.SC_NOT_FOUND, "No such API");
    }

    private void answer(HttpServletRequest request, HttpServletResponse response, Route route,
            Map<String, String> parameters) throws IOException {
        Answer answer;
        try {
            answer = route.answer(new Call(request, response, parameters, FrontDoor.caller(request)));
        } catch (GuacamoleException e) {
            JsonResponses.error(response, json, e.getHttpStatusCode(), e.getMessage());
            return;
        } catch (VirtualBoxException e) {
            JsonResponses.error(response, json, HttpServletResponse.SC_CONFLICT, e.getMessage());
            return;
        } catch (RuntimeException e) {
            log.error("{} {} failed", request.getMethod(), request.getRequestURI(), e);
            JsonResponses.error(response, json, HttpServletResponse.SC_INTERNAL_SERVER_ERROR,
                    "Keyhole failed to answer; its log says why");
            return;
        }
        if (answer instanceof Json body) {
            JsonResponses.send(response, json, body.status(), body.body());
        } else if (answer instanceof Png png) {
            response.setContentType("image/png");
            response.setContentLength(png.bytes().length);
            response.getOutputStream().write(png.bytes());
        }
    }
}
