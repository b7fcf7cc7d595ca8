package dev.keyhole.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
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
 * {@code {"targets":[{"name":…,"title":…,"protocol":"rdp"}]}}. Never their hosts, ports or parameters.
 */
final class TargetsServlet extends HttpServlet {

    private final TargetDirectory targets;
    private final ObjectMapper json;

    TargetsServlet(TargetDirectory targets, ObjectMapper json) {
        this.targets = targets;
        this.json = json;
    }

    /** One target as browsers see it. */
    record TargetView(String name, String title, String protocol) {
        static TargetView of(Target target) {
            return new TargetView(target.name(), target.title(), target.protocol().name().toLowerCase(Locale.ROOT));
        }
    }

    /** The answer's shape. */
    record TargetList(List<TargetView> targets) {
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-store");
        json.writeValue(response.getOutputStream(),
                new TargetList(targets.list().stream().map(TargetView::of).toList()));
    }
}
