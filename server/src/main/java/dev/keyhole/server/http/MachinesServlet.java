package dev.keyhole.server.http;

import static dev.keyhole.server.http.FrontDoor.caller;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keyhole.server.virtualbox.MachineTarget;
import dev.keyhole.server.virtualbox.VirtualBoxException;
import dev.keyhole.server.virtualbox.VirtualMachines;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;

/**
 * The VMs of the VirtualBox hosts:
 * <ul>
 * <li>{@code GET /api/machines}: {@code {"hosts":[{name,state,message}],"machines":[MachineView…]}};</li>
 * <li>{@code POST /api/machines/NAME/ACTION} ({@code start}, {@code reset}, {@code power-button},
 * {@code power-off}, {@code enable-console}) with the header {@code X-Keyhole-Action: ACTION}: waits for VirtualBox's result;
 * {@code 200 {"machine":…}} or {@code 409 {"error":"VirtualBox's own text"}};</li>
 * <li>{@code GET /api/machines/NAME/screenshot}: a PNG thumbnail of the running VM's screen.</li>
 * </ul>
 * The action header makes a cross-site form post impossible (a page of another origin cannot add it without a
 * CORS preflight, which Keyhole does not answer), beside the {@link FrontDoor}'s own refusal of such pages.
 */
final class MachinesServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final int THUMBNAIL_WIDTH = 320;

    private final transient VirtualMachines machines;
    private final transient ObjectMapper json;

    MachinesServlet(VirtualMachines machines, ObjectMapper json) {
        this.machines = machines;
        this.json = json;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String[] path = path(request);
        if (path.length == 0) {
            JsonResponses.send(response, json, 200, new MachineView.MachineList(
                    machines.hosts().stream().map(MachineView.HostView::of).toList(),
                    machines.machines().stream().map(m -> MachineView.of(m, machines)).toList()));
            return;
        }
        if (path.length == 2 && "screenshot".equals(path[1])) {
            Optional<MachineTarget> t = machines.machine(path[0]);
            if (t.isEmpty()) {
                JsonResponses.error(response, json, 404, "No VM named \"" + path[0] + "\"");
                return;
            }
            if (t.get().machine().state().kind() != dev.keyhole.server.virtualbox.MachineState.Kind.ONLINE) {
                JsonResponses.error(response, json, 409, "The VM is not running: there is no screen to show.");
                return;
            }
            byte[] png;
            try {
                png = machines.screenshot(path[0], THUMBNAIL_WIDTH);
            } catch (VirtualBoxException e) {
                JsonResponses.error(response, json, 409, e.getMessage());
                return;
            }
            response.setContentType("image/png");
            response.setHeader("Cache-Control", "no-store");
            response.setContentLength(png.length);
            response.getOutputStream().write(png);
            return;
        }
        JsonResponses.error(response, json, 404, "Not found");
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String[] path = path(request);
        if (path.length != 2) {
            JsonResponses.error(response, json, 404, "Not found");
            return;
        }
        Optional<VirtualMachines.Action> action = VirtualMachines.Action.of(path[1]);
        if (action.isEmpty()) {
            JsonResponses.error(response, json, 404, "Unknown action \"" + path[1] + "\"");
            return;
        }
        if (!path[1].equals(request.getHeader("X-Keyhole-Action"))) {
            JsonResponses.error(response, json, 403, "Actions need the X-Keyhole-Action header");
            return;
        }
        Optional<MachineTarget> t = machines.machine(path[0]);
        if (t.isEmpty()) {
            JsonResponses.error(response, json, 404, "No VM named \"" + path[0] + "\"");
            return;
        }
        if (!machines.actions(t.get()).contains(action.get())) {
            JsonResponses.error(response, json, 409,
                    "\"" + action.get().id() + "\" is not possible for this VM now (it is "
                    + t.get().machine().state().label() + (action.get() == VirtualMachines.Action.ENABLE_CONSOLE
                            ? "; its console is turned on here only while it is off, and only when its host has "
                                    + "vrde-ports configured" : "") + ").");
            return;
        }
        try {
            machines.perform(caller(request), path[0], action.get());
        } catch (VirtualBoxException e) {
            JsonResponses.error(response, json, 409, e.getMessage());
            return;
        } catch (IllegalArgumentException e) {
            JsonResponses.error(response, json, 404, e.getMessage());
            return;
        }
        JsonResponses.send(response, json, 200, Map.of("ok", true));
    }

    private static String[] path(HttpServletRequest request) {
        String info = request.getPathInfo();
        if (info == null || info.equals("/")) {
            return new String[0];
        }
        return info.substring(1).split("/", -1);
    }

}
