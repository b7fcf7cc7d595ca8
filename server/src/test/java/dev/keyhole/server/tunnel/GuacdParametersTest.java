package dev.keyhole.server.tunnel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.keyhole.server.targets.ConsoleSpec;
import dev.keyhole.server.targets.ConsoleSpec.CertificatePolicy;
import dev.keyhole.server.targets.ConsoleSpec.Credentials;
import dev.keyhole.server.targets.ConsoleSpec.Screen;
import dev.keyhole.server.targets.Protocol;
import java.util.List;
import java.util.Map;
import org.apache.guacamole.protocol.GuacamoleClientInformation;
import org.apache.guacamole.protocol.GuacamoleConfiguration;
import org.junit.jupiter.api.Test;

/** A console description in guacd's parameter names (guacd's RDP and VNC parameter reference). */
class GuacdParametersTest {

    @Test
    void anRdpConsoleGetsEveryRdpParameterAndTheStagesLayout() {
        ConsoleSpec console = ConsoleSpec.builder(Protocol.RDP, "10.0.0.9", 5001).screen(new Screen(800, 600, 120))
                .security("tls").certificates(CertificatePolicy.IGNORE)
                .credentials(new Credentials("operator", "s3cret")).layout("en-us-qwerty").build();
        GuacamoleConfiguration configuration = GuacdParameters.configuration(console, "de-de-qwertz");
        assertEquals("rdp", configuration.getProtocol());
        assertEquals(Map.ofEntries(Map.entry("hostname", "10.0.0.9"), Map.entry("port", "5001"),
                Map.entry("width", "800"), Map.entry("height", "600"), Map.entry("dpi", "120"),
                Map.entry("security", "tls"), Map.entry("ignore-cert", "true"),
                Map.entry("server-layout", "de-de-qwertz"), Map.entry("resize-method", ""),
                Map.entry("disable-audio", "true"), Map.entry("disable-copy", "true"),
                Map.entry("disable-paste", "true"), Map.entry("username", "operator"),
                Map.entry("password", "s3cret")), configuration.getParameters());
    }

    @Test
    void aVncConsoleGetsNoRdpParameters() {
        ConsoleSpec console = ConsoleSpec.builder(Protocol.VNC, "10.0.0.5", 5901)
                .credentials(new Credentials("", "vnc-pass")).audio(true).layout("de-de-qwertz").build();
        GuacamoleConfiguration configuration = GuacdParameters.configuration(console, "de-de-qwertz");
        assertEquals("vnc", configuration.getProtocol());
        assertEquals(Map.of("hostname", "10.0.0.5", "port", "5901", "width", "1024", "height", "768", "dpi", "96",
                "disable-audio", "false", "disable-copy", "true", "disable-paste", "true", "password", "vnc-pass"),
                configuration.getParameters());
    }

    @Test
    void aConsoleWithoutLogonGetsNoUsernameOrPassword() {
        ConsoleSpec console = ConsoleSpec.builder(Protocol.RDP, "h", 3389).build();
        Map<String, String> parameters = GuacdParameters.configuration(console, "en-us-qwerty").getParameters();
        assertEquals(List.of(), parameters.keySet().stream().filter(k -> k.equals("username") || k.equals("password"))
                .toList());
        assertEquals("false", parameters.get("ignore-cert"), "the certificate is checked unless configured");
        assertEquals("any", parameters.get("security"));
    }

    @Test
    void theClientInformationIsTheConsolesSize() {
        GuacamoleClientInformation information = GuacdParameters.clientInformation(
                ConsoleSpec.builder(Protocol.VNC, "h", 5900).screen(new Screen(1280, 800, 144)).build());
        assertEquals(1280, information.getOptimalScreenWidth());
        assertEquals(800, information.getOptimalScreenHeight());
        assertEquals(144, information.getOptimalResolution());
        assertEquals(List.of("image/png", "image/jpeg", "image/webp"), information.getImageMimetypes());
    }
}
