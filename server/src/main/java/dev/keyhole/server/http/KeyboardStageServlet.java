package dev.keyhole.server.http;

import static dev.keyhole.server.http.FrontDoor.caller;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keyhole.server.targets.KeyboardStages;
import dev.keyhole.server.targets.KeyboardState;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.util.NoSuchElementException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code POST /api/targets/NAME/stage} with {@code {"stage":"initramfs"}}: switches a target's keyboard to one of
 * its boot stages, which reconnects its console for everyone viewing it. Answers the target's keyboard state,
 * {@code {"stage":…,"layout":…,"stages":[…]}}.
 *
 * <p>The body must be JSON ({@code Content-Type: application/json}, nothing else), which a page of another site
 * cannot send without a CORS preflight that Keyhole never grants; the {@link FrontDoor} has refused such pages
 * already.
 */
final class KeyboardStageServlet extends HttpServlet {

    private static final Pattern PATH = Pattern.compile("/([a-z0-9][a-z0-9-]{0,62})/stage");
    private static final int MAX_BODY = 4096;

    private final KeyboardStages keyboards;
    private final ObjectMapper json;

    KeyboardStageServlet(KeyboardStages keyboards, ObjectMapper json) {
        this.keyboards = keyboards;
        this.json = json;
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!JsonResponses.isJson(request)) {
            JsonResponses.error(response, json, HttpServletResponse.SC_UNSUPPORTED_MEDIA_TYPE,
                    "Send {\"stage\":\"NAME\"} as application/json");
            return;
        }
        Matcher path = PATH.matcher(String.valueOf(request.getPathInfo()));
        if (!path.matches()) {
            JsonResponses.error(response, json, HttpServletResponse.SC_NOT_FOUND, "No such API");
            return;
        }
        String stage;
        try (InputStream body = request.getInputStream()) {
            JsonNode node = json.readTree(body.readNBytes(MAX_BODY));
            stage = node == null ? null : node.path("stage").textValue();
        } catch (JsonProcessingException e) {
            stage = null;
        }
        if (stage == null) {
            JsonResponses.error(response, json, HttpServletResponse.SC_BAD_REQUEST, "Send {\"stage\":\"NAME\"}");
            return;
        }
        KeyboardState state;
        try {
            state = keyboards.switchTo(caller(request), path.group(1), stage);
        } catch (NoSuchElementException e) {
            JsonResponses.error(response, json, HttpServletResponse.SC_NOT_FOUND,
                    "No target named \"" + path.group(1) + "\"");
            return;
        } catch (IllegalArgumentException e) {
            JsonResponses.error(response, json, HttpServletResponse.SC_BAD_REQUEST, e.getMessage());
            return;
        }
        JsonResponses.send(response, json, HttpServletResponse.SC_OK, state);
    }

}
