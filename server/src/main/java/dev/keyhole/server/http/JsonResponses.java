package dev.keyhole.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import org.apache.guacamole.GuacamoleClientBadTypeException;
import org.apache.guacamole.GuacamoleClientException;
import java.util.Locale;
import java.util.Map;

/** How every JSON answer of the API is written: UTF-8, errors as {@code {"error": "…"}}; how a JSON body is told. */
final class JsonResponses {

    private JsonResponses() {
    }

    /** Writes {@code body} as JSON with {@code status}. */
    static void send(HttpServletResponse response, ObjectMapper json, int status, Object body) throws IOException {
        response.setStatus(status);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        json.writeValue(response.getOutputStream(), body);
    }

    /** Writes {@code {"error": message}} with {@code status}; the message is shown to people, never secret. */
    static void error(HttpServletResponse response, ObjectMapper json, int status, String message)
            throws IOException {
        send(response, json, status, Map.of("error", message));
    }

    /**
     * @return whether the request's body is declared as {@code application/json} (a {@code charset} parameter
     *         allowed), and not merely a type whose name starts so, such as {@code application/jsonx}
     */
    static boolean isJson(HttpServletRequest request) {
        String type = request.getContentType();
        if (type == null) {
            return false;
        }
        int parameters = type.indexOf(';');
        String media = (parameters < 0 ? type : type.substring(0, parameters)).strip().toLowerCase(Locale.ROOT);
        return media.equals("application/json");
    }

    /**
     * Reads a request's JSON object body.
     *
     * @param max the most bytes read; a longer body is cut there (and so unreadable)
     * @return the object
     * @throws GuacamoleClientBadTypeException unless the body is {@code application/json}
     * @throws GuacamoleClientException unless it is a JSON object; {@code shape} says what it should be
     */
    static JsonNode readObject(HttpServletRequest request, ObjectMapper json, int max, String shape)
            throws GuacamoleClientException, IOException {
        if (!isJson(request)) {
            throw new GuacamoleClientBadTypeException("Send " + shape + " as application/json");
        }
        JsonNode node;
        try (InputStream body = request.getInputStream()) {
            node = json.readTree(body.readNBytes(max));
        } catch (JsonProcessingException e) {
            node = null;
        }
        if (node == null || !node.isObject()) {
            throw new GuacamoleClientException("Send " + shape);
        }
        return node;
    }
}
