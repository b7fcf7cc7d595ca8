package dev.keyhole.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keyhole.server.config.Schema.Key;
import dev.keyhole.server.config.Schema.ListOf;
import dev.keyhole.server.config.Schema.Section;
import dev.keyhole.server.targets.ConsoleSpec.Credentials;
import dev.keyhole.server.targets.Target;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The README's configuration reference is the schema's, and every configuration the README shows is valid. */
class ConfigReferenceTest {

    private static final String MARKER = "<!-- configuration reference -->\n```yaml\n";
    /** The variables the README's examples name. */
    private static final Map<String, String> ENVIRONMENT = Map.of("WEB1_PASSWORD", "web-1-secret",
            "KEYHOLE_LAB_PASSWORD", "lab-secret", "KEYHOLE_LAB_CONSOLE_PASSWORD", "console-secret",
            "KEYHOLE_DATABASE_PASSWORD", "database-secret", "KEYHOLE_HOOK_SECRET", "hook-secret",
            "KEYHOLE_NTFY_TOKEN", "ntfy-token", "KEYHOLE_SMTP_PASSWORD", "smtp-password");

    private static String readme() throws IOException {
        return Files.readString(Path.of("..", "README.md"));
    }

    @Test
    void theReadmesReferenceIsTheSchemas() throws IOException {
        String readme = readme();
        int start = readme.indexOf(MARKER);
        assertTrue(start >= 0, "README.md has no line '<!-- configuration reference -->' before a yaml block");
        int end = readme.indexOf("```\n", start + MARKER.length());
        String shown = readme.substring(start + MARKER.length(), end);
        Path expected = Files.writeString(Path.of("target", "config-reference.yaml"), ConfigReference.yaml());
        assertEquals(ConfigReference.yaml(), shown, "README.md's configuration reference is not the schema's: "
                + "replace the block after '<!-- configuration reference -->' with " + expected.toAbsolutePath());
    }

    @Test
    void theReferenceIsAValidConfigurationThatSaysWhatItShows() {
        KeyholeConfig config = ConfigLoader.parse("reference.yaml", ConfigReference.yaml(), ENVIRONMENT);
        assertEquals(Path.of("/var/lib/keyhole"), config.dataDir());
        assertEquals(DatabaseConfig.postgresql("jdbc:postgresql://db.example.org:5432/keyhole", "keyhole",
                "database-secret"), config.database());
        Target web = config.targets().get(0);
        assertEquals("web-1", web.name());
        assertEquals(new Credentials("operator", "web-1-secret"), web.console().credentials());
        assertEquals("lab", config.virtualboxHosts().get(0).name());
        assertEquals(new Credentials("operator", "console-secret"),
                config.virtualboxHosts().get(0).consoleCredentials());
        assertEquals(new NotifyConfig.WebhookConfig("oncall-hook", "The on-call team's incident hook",
                URI.create("https://hooks.example.org/keyhole"), "hook-secret"),
                config.notifications().channels().get(0));
        assertEquals(Duration.ofMinutes(10), config.notifications().remindAfter());
    }

    @Test
    void everyYamlBlockOfTheReadmeIsAValidConfiguration() throws IOException {
        String readme = readme();
        int blocks = 0;
        for (int at = readme.indexOf("```yaml\n"); at >= 0; at = readme.indexOf("```yaml\n", at + 1)) {
            int start = at + "```yaml\n".length();
            String block = readme.substring(start, readme.indexOf("```\n", start));
            ConfigLoader.parse("README.md block " + (++blocks), block, ENVIRONMENT);
        }
        assertTrue(blocks >= 3, "the README shows its configuration in yaml blocks; found " + blocks);
    }

    @Test
    void everyKeyIsDocumentedWithAnExample() {
        List<String> undocumented = new ArrayList<>();
        walk(KeyholeSchema.FILE, "", undocumented);
        assertEquals(List.of(), undocumented, "keys without a doc or an example");
    }

    private static void walk(Section section, String prefix, List<String> undocumented) {
        for (Key<?> key : section.keys()) {
            if (key.doc().isBlank() || key.example().isEmpty()) {
                undocumented.add(prefix + key.name());
            }
        }
        for (Object child : section.children()) {
            if (child instanceof Section s) {
                walk(s, prefix + s.name() + ".", undocumented);
            } else {
                ListOf list = (ListOf) child;
                walk(list.item(), prefix + list.name() + "[].", undocumented);
            }
        }
    }

    @Test
    void theEnvironmentOverridesAreTheSchemas() {
        assertEquals(List.of("KEYHOLE_DATA_DIR (data-dir)", "KEYHOLE_HTTP_BIND (http.bind)",
                "KEYHOLE_HTTP_PORT (http.port)", "KEYHOLE_HTTP_ALLOWED_ORIGINS (http.allowed-origins)",
                "KEYHOLE_GUACD_HOST (guacd.host)", "KEYHOLE_GUACD_PORT (guacd.port)",
                "KEYHOLE_DATABASE_URL (database.url)"), ConfigReference.environment());
        assertFalse(ConfigReference.yaml().matches("(?s).*\\n\\s*-?\\s*password:.*"),
                "the reference never shows a plain password key");
    }
}
