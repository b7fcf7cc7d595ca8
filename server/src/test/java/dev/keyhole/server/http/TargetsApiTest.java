package dev.keyhole.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keyhole.server.targets.ConsoleSpec;
import dev.keyhole.server.targets.KeyboardStage;
import dev.keyhole.server.targets.KeyboardStages;
import dev.keyhole.server.targets.Protocol;
import dev.keyhole.server.targets.Target;
import dev.keyhole.server.targets.TargetDirectory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code GET /api/targets}: what a page learns of each target, the protocol version of guacd included. */
class TargetsApiTest {

    /** What the routes recorded in the audit trail. */
    private final java.util.List<dev.keyhole.server.audit.AuditEvent> recorded =
            new java.util.concurrent.CopyOnWriteArrayList<>();

    private static final Target VM = new Target("vm", "A VM", ConsoleSpec.builder(Protocol.RDP, "10.0.0.5", 3389)
            .keyboard(List.of(new KeyboardStage("grub", "en-us-qwerty"), new KeyboardStage("initramfs", "pl-pl-qwerty")))
            .build());

    private final HttpClient http = HttpClient.newHttpClient();
    private final AtomicReference<String> guacdProtocol = new AtomicReference<>();
    private ApiServer server;
    private URI base;

    @BeforeEach
    void start() throws Exception {
        TargetDirectory targets = new TargetDirectory() {
            @Override
            public List<Target> list() {
                return List.of(VM);
            }

            @Override
            public Optional<Target> find(String name) {
                return VM.name().equals(name) ? Optional.of(VM) : Optional.empty();
            }
        };
        ObjectMapper json = new ObjectMapper();
        ApiServlet api = new ApiServlet(json);
        new TargetsApi(targets, new KeyboardStages(targets), guacdProtocol::get, json, recorded::add).addTo(api);
        server = ApiServer.start(api);
        base = server.uri();
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    private JsonNode target() throws Exception {
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(base.resolve("/api/targets")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, answer.statusCode(), answer.body());
        JsonNode targets = new ObjectMapper().readTree(answer.body()).path("targets");
        assertEquals(1, targets.size(), answer.body());
        return targets.get(0);
    }

    @Test
    void eachTargetWithItsKeyboardAndNoneOfItsParameters() throws Exception {
        JsonNode vm = target();
        assertEquals("vm", vm.path("name").textValue());
        assertEquals("rdp", vm.path("protocol").textValue());
        assertEquals("grub", vm.path("keyboard").path("stage").textValue());
        assertEquals("en-us-qwerty", vm.path("keyboard").path("layout").textValue());
        assertEquals("pl-pl-qwerty", vm.path("keyboard").path("stages").get(1).path("layout").textValue());
        assertFalse(vm.toString().contains("10.0.0.5") || vm.toString().contains("3389"), vm.toString());
    }

    @Test
    void theProtocolVersionGuacdNegotiatedOnceKnown() throws Exception {
        JsonNode before = target();
        assertTrue(before.has("guacdProtocol") && before.path("guacdProtocol").isNull(), before.toString());
        guacdProtocol.set("VERSION_1_3_0");
        assertEquals("VERSION_1_3_0", target().path("guacdProtocol").textValue());
    }
}
