package dev.keyhole.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keyhole.server.targets.KeyboardStages;
import dev.keyhole.server.targets.KeyboardState;
import dev.keyhole.server.targets.Target;
import dev.keyhole.server.targets.TargetDirectory;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.Locale;

/**
 * {@code GET /api/targets}: the targets a browser may open, as
 * {@code {"targets":[{"name":…,"title":…,"protocol":"rdp","keyboard":{"stage":…,"layout":…,"stages":[{"name":…,
 * "layout":…}]}}]}}. Never their hosts, ports or parameters.
 */
final class TargetsServlet extends HttpServlet {

    private final TargetDirectory targets;
    private final KeyboardStages keyboards;
    private final ObjectMapper json;

    TargetsServlet(TargetDirectory targets, KeyboardStages keyboards, ObjectMapper json) {
        this.targets = targets;
        this.keyboards = keyboards;
        this.json = json;
    }

    /** One target as browsers see it, with the keyboard layout its console expects now. */
    record TargetView(String name, String title, String protocol, KeyboardState keyboard) {
        static TargetView of(Target target, KeyboardState keyboard) {
            return new TargetView(target.name(), target.title(), target.protocol().name().toLowerCase(Locale.ROOT),
                    keyboard);
        }
    }

    /** The answer's shape. */
    record TargetList(List<TargetView> targets) {
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        JsonResponses.send(response, json, HttpServletResponse.SC_OK,
                new TargetList(targets.list().stream().map(t -> TargetView.of(t, keyboards.state(t))).toList()));
    }
}
