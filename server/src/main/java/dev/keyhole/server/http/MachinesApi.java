package dev.keyhole.server.http;

import dev.keyhole.server.access.Caller;
import dev.keyhole.server.access.Identity;
import dev.keyhole.server.accounts.Role;
import dev.keyhole.server.audit.AuditEvent;
import dev.keyhole.server.audit.AuditKind;
import dev.keyhole.server.audit.AuditTrail;
import dev.keyhole.server.tunnel.Printable;
import dev.keyhole.server.virtualbox.MachineState;
import dev.keyhole.server.virtualbox.MachineTarget;
import dev.keyhole.server.virtualbox.VirtualMachines;
import java.util.Map;
import java.util.Optional;
import org.apache.guacamole.GuacamoleException;
import org.apache.guacamole.GuacamoleResourceConflictException;
import org.apache.guacamole.GuacamoleResourceNotFoundException;
import org.apache.guacamole.GuacamoleSecurityException;

/**
 * The VMs of the VirtualBox hosts:
 * <ul>
 * <li>{@code GET /api/machines}: {@code {"hosts":[{name,state,message}],"machines":[MachineView…]}};</li>
 * <li>{@code POST /api/machines/NAME/ACTION} ({@code start}, {@code reset}, {@code power-button},
 * {@code power-off}, {@code enable-console}) with the header {@code X-Keyhole-Action: ACTION}: waits for VirtualBox's
 * result; {@code 200 {"ok":true}} or {@code 409 {"error":"VirtualBox's own text"}};</li>
 * <li>{@code GET /api/machines/NAME/screenshot}: a PNG thumbnail of the running VM's screen.</li>
 * </ul>
 * The action header makes a cross-site form post impossible (a page of another origin cannot add it without a
 * CORS preflight, which Keyhole does not answer), beside the {@link FrontDoor}'s own refusal of such pages.
 */
final class MachinesApi {

    private static final int THUMBNAIL_WIDTH = 320;

    private final VirtualMachines machines;
    private final AuditTrail audit;

    MachinesApi(VirtualMachines machines, AuditTrail audit) {
        this.audit = audit;
        this.machines = machines;
    }

    /** Adds the routes to {@code api}. */
    void addTo(ApiServlet api) {
        api.route("GET", "/api/machines", this::list)
                .route("GET", "/api/machines/{name}/screenshot", this::screenshot)
                .route("POST", "/api/machines/{name}/{action}", this::act);
    }

    private ApiServlet.Answer list(ApiServlet.Call call) {
        return ApiServlet.Json.ok(new MachineView.MachineList(
                machines.hosts().stream().map(MachineView.HostView::of).toList(),
                machines.machines().stream().filter(m -> call.caller().sees(m.target()))
                        .map(m -> MachineView.of(m, machines, call.caller())).toList()));
    }

    private ApiServlet.Answer screenshot(ApiServlet.Call call) throws GuacamoleException {
        MachineTarget t = machine(call, call.parameter("name"));
        if (t.machine().state().kind() != MachineState.Kind.ONLINE) {
            throw new GuacamoleResourceConflictException("The VM is not running: there is no screen to show.");
        }
        return new ApiServlet.Png(machines.screenshot(call.parameter("name"), THUMBNAIL_WIDTH));
    }

    private ApiServlet.Answer act(ApiServlet.Call call) throws GuacamoleException {
        String id = call.parameter("action");
        VirtualMachines.Action action = VirtualMachines.Action.of(id)
                .orElseThrow(() -> new GuacamoleResourceNotFoundException("Unknown action \"" + id + "\""));
        if (!id.equals(call.request().getHeader("X-Keyhole-Action"))) {
            throw new GuacamoleSecurityException("Actions need the X-Keyhole-Action header");
        }
        if (!mayTake(call.caller(), action)) {
            Role role = call.caller().signedIn().map(Identity::role).orElse(Role.VIEWER);
            throw new GuacamoleSecurityException("\"" + action.id() + "\" is for " + (adminOnly(action) ? "admins"
                    : "operators and admins") + "; you are " + (role == Role.VIEWER ? "a viewer" : "an operator"));
        }
        MachineTarget t = machine(call, call.parameter("name"));
        if (!machines.actions(t).contains(action)) {
            throw new GuacamoleResourceConflictException("\"" + action.id() + "\" is not possible for this VM now (it is "
                    + t.machine().state().label() + (action == VirtualMachines.Action.ENABLE_CONSOLE
                            ? "; its console is turned on here only while it is off, and only when its host has "
                                    + "vrde-ports configured" : "") + ").");
        }
        AuditEvent asked = AuditEvent.by(AuditKind.VM_ACTION, call.caller()).on(t.target())
                .with("action", action.id());
        try {
            machines.perform(call.caller(), call.parameter("name"), action);
        } catch (IllegalArgumentException e) {
            audit.record(asked.result("no such VM"));
            throw new GuacamoleResourceNotFoundException(e.getMessage());
        } catch (RuntimeException e) {
            audit.record(asked.result("failed").with("error", Printable.of(String.valueOf(e.getMessage()), 200)));
            throw e;
        }
        audit.record(asked);
        return ApiServlet.Json.ok(Map.of("ok", true));
    }

    /**
     * @return whether the caller's role may take an action: operators start, reset and press the power button;
     *         admins also power off and turn consoles on; viewers take none
     */
    static boolean mayTake(Caller caller, VirtualMachines.Action action) {
        Role role = caller.signedIn().map(Identity::role).orElse(null);
        return role == Role.ADMIN || role == Role.OPERATOR && !adminOnly(action);
    }

    private static boolean adminOnly(VirtualMachines.Action action) {
        return action == VirtualMachines.Action.POWER_OFF || action == VirtualMachines.Action.ENABLE_CONSOLE;
    }

    /** The VM of a target the caller may see: one they may not is, to them, no VM at all. */
    private MachineTarget machine(ApiServlet.Call call, String name) throws GuacamoleResourceNotFoundException {
        Optional<MachineTarget> t = machines.machine(name).filter(m -> call.caller().sees(name));
        return t.orElseThrow(() -> new GuacamoleResourceNotFoundException("No VM named \"" + name + "\""));
    }
}
