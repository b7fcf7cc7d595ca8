package dev.keyhole.server.keyboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The layouts the server accepts are the generated list, which names exactly the key table's layouts. */
class KeyboardLayoutsTest {

    /** A layout's entry in the key table: {@code   "de-de-qwertz": {} at the start of a line. */
    private static final Pattern TABLE_ENTRY = Pattern.compile("(?m)^  \"([a-z]+(?:-[a-z]+)+)\": \\{$");

    private static List<String> layoutsOfTheKeyTable() throws IOException {
        try (InputStream in = KeyboardLayouts.class.getClassLoader()
                .getResourceAsStream("keyhole/webapp/js/keymaps.js")) {
            assertNotNull(in, "the web app's key table is on the class path");
            Matcher m = TABLE_ENTRY.matcher(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            return m.results().map(r -> r.group(1)).sorted().toList();
        }
    }

    private static KeyboardLayouts read(String json) throws IOException {
        return KeyboardLayouts.read(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void theServerAcceptsExactlyTheLayoutsOfTheKeyTable() throws IOException {
        List<String> table = layoutsOfTheKeyTable();
        assertTrue(table.size() >= 22, "the key table's layouts: " + table);
        assertEquals(table, KeyboardLayouts.builtIn().names());
    }

    @Test
    void theLayoutsGuacdKnowsHaveTablesButFailsafeHasNone() {
        KeyboardLayouts layouts = KeyboardLayouts.builtIn();
        for (String layout : List.of("en-us-qwerty", "de-de-qwertz", "fr-ca-qwerty", "no-no-qwerty", "pl-pl-qwerty",
                "pt-pt-qwerty", "ro-ro-qwerty", "cs-cz-qwertz")) {
            assertTrue(layouts.contains(layout), layout);
            assertEquals(layout, layouts.check(layout));
        }
        assertFalse(layouts.contains("failsafe"));
        assertFalse(layouts.contains(null));
        assertFalse(layouts.contains("de-de"));
    }

    @Test
    void aLayoutWithoutTableIsRefusedWithTheListOfThoseThatHaveOne() throws IOException {
        KeyboardLayouts layouts = read("{\"layouts\": [\"en-us-qwerty\", \"de-de-qwertz\"]}");
        assertEquals(List.of("de-de-qwertz", "en-us-qwerty"), layouts.names());
        assertEquals("must be one of the keyboard layouts Keyhole has a key table for: de-de-qwertz, en-us-qwerty",
                assertThrows(IllegalArgumentException.class, () -> layouts.check("german")).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> layouts.check("failsafe")).getMessage()
                .startsWith("guacd's failsafe layout sends every character as an RDP Unicode event"));
    }

    @Test
    void aListWithoutLayoutsIsAnError() {
        assertThrows(IllegalStateException.class, () -> read("{\"layouts\": []}"));
        assertThrows(IllegalStateException.class, () -> read("{}"));
        assertThrows(IllegalStateException.class, () -> read("{\"layouts\": [\"en-us-qwerty\", 7]}"));
        assertThrows(IOException.class, () -> read("{\"layouts\": ["));
    }
}
