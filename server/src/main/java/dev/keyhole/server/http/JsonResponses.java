package dev.keyhole.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
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
}
