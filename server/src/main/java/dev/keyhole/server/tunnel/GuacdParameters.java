package dev.keyhole.server.tunnel;

import dev.keyhole.server.targets.ConsoleSpec.CertificatePolicy;
import dev.keyhole.server.targets.ConsoleSpec;
import dev.keyhole.server.targets.Protocol;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.guacamole.protocol.GuacamoleClientInformation;
import org.apache.guacamole.protocol.GuacamoleConfiguration;

/**
 * The one place a console description becomes guacd's connection parameters (the names of guacd's RDP and VNC
 * parameter reference). A new console option is one component of {@link ConsoleSpec} and one line here.
 */
public final class GuacdParameters {

    /** Image formats every browser Keyhole supports can draw. */
    private static final List<String> IMAGE_TYPES = List.of("image/png", "image/jpeg", "image/webp");

    private GuacdParameters() {
    }

    /**
     * @param console the console to connect to
     * @param layout  the keyboard layout of the stage in effect, as guacd names it; over RDP guacd translates key
     *                presses with it (over VNC the browser sends keysyms, and the layout only guides the page)
     * @return guacd's protocol and parameters for the console; they may hold its password: never log them
     */
    public static GuacamoleConfiguration configuration(ConsoleSpec console, String layout) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("hostname", console.host());
        p.put("port", Integer.toString(console.port()));
        p.put("width", Integer.toString(console.screen().width()));
        p.put("height", Integer.toString(console.screen().height()));
        p.put("dpi", Integer.toString(console.screen().dpi()));
        p.put("disable-audio", Boolean.toString(!console.audio()));
        // Keyhole relays no clipboard or files; guacd should not offer them either.
        p.put("disable-copy", "true");
        p.put("disable-paste", "true");
        if (console.protocol() == Protocol.RDP) {
            p.put("security", console.security());
            p.put("ignore-cert", Boolean.toString(console.certificates() == CertificatePolicy.IGNORE));
            p.put("server-layout", layout);
            // The console keeps its size: the browser scales the picture instead.
            p.put("resize-method", "");
            if (!console.credentials().username().isEmpty()) {
                p.put("username", console.credentials().username());
            }
        }
        if (!console.credentials().password().isEmpty()) {
            p.put("password", console.credentials().password());
        }
        GuacamoleConfiguration configuration = new GuacamoleConfiguration();
        configuration.setProtocol(console.protocol().guacdName());
        configuration.setParameters(p);
        return configuration;
    }

    /**
     * @param configuration a console's parameters, as {@link #configuration} made them
     * @return the same for a viewer who only watches: guacd gives their joined connection no keyboard or mouse
     */
    public static GuacamoleConfiguration watching(GuacamoleConfiguration configuration) {
        GuacamoleConfiguration watching = new GuacamoleConfiguration(configuration);
        watching.setParameter("read-only", "true");
        return watching;
    }

    /**
     * @param console the console to connect to
     * @return what Keyhole tells guacd of its "client" in the handshake: the console's size and the image formats
     *         browsers draw
     */
    public static GuacamoleClientInformation clientInformation(ConsoleSpec console) {
        GuacamoleClientInformation information = new GuacamoleClientInformation();
        information.setOptimalScreenWidth(console.screen().width());
        information.setOptimalScreenHeight(console.screen().height());
        information.setOptimalResolution(console.screen().dpi());
        information.getImageMimetypes().addAll(IMAGE_TYPES);
        return information;
    }
}
