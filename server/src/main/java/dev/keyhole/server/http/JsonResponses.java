package dev.keyhole.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;

/** How every JSON answer of the API is written: never cached, UTF-8, errors as {@code {"error": "…"}}. */
final class JsonResponses {

    private JsonResponses() {
    }

    /** Writes {@code body} as JSON with {@code status}. */
    static void send(HttpServletResponse response, ObjectMapper json, int status, Object body) throws IOException {
        response.setStatus(status);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-store");
        json.writeValue(response.getOutputStream(), body);
    }

    /** Writes {@code {"error": message}} with {@code status}; the message is shown to people, never secret. */
    static void error(HttpServletResponse response, ObjectMapper json, int status, String message)
            throws IOException {
        send(response, json, status, Map.of("error", message));
    }
}
