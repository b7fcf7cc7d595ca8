package dev.keyhole.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keyhole.server.audit.AuditEvent;
import dev.keyhole.server.audit.AuditKind;
import dev.keyhole.server.audit.AuditTrail;
import dev.keyhole.server.targets.KeyboardStages;
import dev.keyhole.server.targets.KeyboardState;
import dev.keyhole.server.targets.Target;
import dev.keyhole.server.targets.TargetDirectory;
import dev.keyhole.server.watch.ConsoleReading;
import dev.keyhole.server.watch.ConsoleReadings;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.function.Supplier;
import org.apache.guacamole.GuacamoleClientException;
import org.apache.guacamole.GuacamoleException;
import org.apache.guacamole.GuacamoleResourceNotFoundException;
import org.apache.guacamole.GuacamoleSecurityException;

/**
 * The targets' routes:
 * <ul>
 * <li>{@code GET /api/targets}: the targets a browser may open, as {@code {"targets":[{"name":…,"title":…,
 * "protocol":"rdp","keyboard":{"stage":…,"layout":…,"stages":[{"name":…,"layout":…}]},
 * "guacdProtocol":"VERSION_1_3_0"}]}}, the last the Guacamole protocol version of the guacd the consoles go
 * through (over RDP it says whose keymaps guacd types with; null until a console has connected); never their
 * hosts, ports or parameters;</li>
 * <li>{@code POST /api/targets/NAME/passphrase-box}: the page's passphrase box sent a passphrase (over the
 * tunnel): the audit trail records that it did, never anything of what was sent; for whoever may type there;</li>
 * <li>{@code GET /api/targets/NAME}: one of them, for its console page (a share link's guest's too, for the
 * link's console only); {@code 404} for one the caller may not see;</li>
 * <li>{@code POST /api/targets/NAME/stage} with {@code {"stage":"initramfs"}}: switches a target's keyboard to one
 * of its boot stages, which reconnects its console for everyone viewing it; answers the target's keyboard state.
 * The body must be JSON ({@code Content-Type: application/json}, nothing else), which a page of another site
 * cannot send without a CORS preflight that Keyhole never grants; the {@link FrontDoor} has refused such pages
 * already.</li>
 * </ul>
 */
final class TargetsApi {

    private static final int MAX_BODY = 4096;

    private final TargetDirectory targets;
    private final KeyboardStages keyboards;
    private final Supplier<String> guacdProtocol;
    private final ObjectMapper json;
    private final AuditTrail audit;
    private final ConsoleReadings readings;

    /**
     * @param guacdProtocol the Guacamole protocol version guacd negotiated last, or null when not known yet
     */
    TargetsApi(TargetDirectory targets, KeyboardStages keyboards, Supplier<String> guacdProtocol, ObjectMapper json,
            AuditTrail audit) {
        this(targets, keyboards, guacdProtocol, json, audit, ConsoleReadings.NONE);
    }

    /**
     * @param readings what Keyhole read on the consoles' screens, which each target's view carries
     */
    TargetsApi(TargetDirectory targets, KeyboardStages keyboards, Supplier<String> guacdProtocol, ObjectMapper json,
            AuditTrail audit, ConsoleReadings readings) {
        this.readings = readings;
        this.audit = audit;
        this.targets = targets;
        this.keyboards = keyboards;
        this.guacdProtocol = guacdProtocol;
        this.json = json;
    }

    /**
     * One target as browsers see it, with the keyboard layout its console expects now, the protocol version of
     * the guacd it goes through (null: not known yet) and what Keyhole last read on its screen (null: nothing).
     */
    record TargetView(String name, String title, String protocol, KeyboardState keyboard, String guacdProtocol,
            ScreenView screen) {
        static TargetView of(Target target, KeyboardState keyboard, String guacdProtocol, ConsoleReadings readings) {
            return new TargetView(target.name(), target.title(), target.protocol().name().toLowerCase(Locale.ROOT),
                    keyboard, guacdProtocol, readings.reading(target.name()).map(ScreenView::of).orElse(null));
        }
    }

    /**
     * What Keyhole read on a console's screen, as pages see it ({@code GET /api/targets} and {@code event: console}).
     *
     * @param state    e.g. {@code waiting-for-passphrase}
     * @param words    the state for people, e.g. "Waiting for its passphrase"
     * @param since    when the screen began to show it (ISO 8601)
     * @param watching whether Keyhole watches the console now
     * @param problem  why Keyhole cannot see or read it; null when it can
     */
    record ScreenView(String state, String words, String since, boolean watching, String problem) {
        static ScreenView of(ConsoleReading reading) {
            return new ScreenView(reading.state().id(), reading.state().words(), reading.since().toString(),
                    reading.watching(), reading.problem());
        }
    }

    /** The list's shape. */
    record TargetList(List<TargetView> targets) {
    }

    /** Adds the routes to {@code api}. */
    void addTo(ApiServlet api) {
        api.route("GET", "/api/targets", this::list)
                .route("GET", "/api/targets/{name}", this::one)
                .route("POST", "/api/targets/{name}/stage", this::switchStage)
                .route("POST", "/api/targets/{name}/passphrase-box", this::passphraseBoxUsed);
    }

    /** The page says its passphrase box sent a passphrase: the audit trail records the fact, and nothing of it. */
    private ApiServlet.Answer passphraseBoxUsed(ApiServlet.Call call) throws GuacamoleException {
        String name = call.parameter("name");
        if (!call.caller().sees(name) || targets.find(name).isEmpty()) {
            throw new GuacamoleResourceNotFoundException("No such console");
        }
        if (!call.caller().mayType(name)) {
            throw new GuacamoleSecurityException("Only someone who may type into this console uses its passphrase box");
        }
        audit.record(AuditEvent.by(AuditKind.PASSPHRASE_BOX_USED, call.caller()).on(name));
        return ApiServlet.Json.ok(Map.of("ok", true));
    }

    private ApiServlet.Answer one(ApiServlet.Call call) throws GuacamoleException {
        String name = call.parameter("name");
        Target target = targets.find(name).filter(t -> call.caller().sees(t.name()))
                .orElseThrow(() -> new GuacamoleResourceNotFoundException("No such console"));
        return ApiServlet.Json.ok(TargetView.of(target, keyboards.state(target), guacdProtocol.get(), readings));
    }

    private ApiServlet.Answer list(ApiServlet.Call call) {
        String guacd = guacdProtocol.get();
        return ApiServlet.Json.ok(new TargetList(targets.list().stream().filter(t -> call.caller().sees(t.name()))
                .map(t -> TargetView.of(t, keyboards.state(t), guacd, readings)).toList()));
    }

    private ApiServlet.Answer switchStage(ApiServlet.Call call) throws GuacamoleException, IOException {
        String shape = "{\"stage\":\"NAME\"}";
        String stage = JsonResponses.readObject(call.request(), json, MAX_BODY, shape).path("stage").textValue();
        if (stage == null) {
            throw new GuacamoleClientException("Send " + shape);
        }
        String name = call.parameter("name");
        if (!call.caller().sees(name)) {
            throw new GuacamoleResourceNotFoundException("No such console");
        }
        if (!call.caller().maySwitchStage(name)) {
            throw new GuacamoleSecurityException(call.caller().signedIn().isPresent() && call.caller().guest() == null
                    ? "Viewers watch: only operators and admins switch a keyboard stage"
                    : "This link does not switch the keyboard stage: ask whoever sent it");
        }
        try {
            String before = targets.find(name).map(t -> keyboards.state(t).stage()).orElse("");
            KeyboardState after = keyboards.switchTo(call.caller(), name, stage);
            audit.record(AuditEvent.by(AuditKind.STAGE_SWITCHED, call.caller()).on(name).with("from", before)
                    .with("to", after.stage()));
            return ApiServlet.Json.ok(after);
        } catch (NoSuchElementException e) {
            throw new GuacamoleResourceNotFoundException("No such console");
        } catch (IllegalArgumentException e) {
            throw new GuacamoleClientException(e.getMessage());
        }
    }
}
