package dev.keyhole.e2e.vm;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The web app's keyboard layout table ({@code keyhole/webapp/js/keymaps.js} from the web app jar), read to
 * know which characters a layout types: a layout test types all of them.
 */
public final class LayoutTable {

    private static final String RESOURCE = "keyhole/webapp/js/keymaps.js";
    private static final Pattern ENTRY = Pattern.compile("(\"(?:[^\"\\\\]|\\\\.)*\"): ([0-3])");
    private static final ObjectMapper JSON = new ObjectMapper();

    private LayoutTable() {
    }

    /** Character -> level (0 none, 1 Shift, 2 AltGr, 3 Shift+AltGr) of one layout, in the table's order. */
    public static Map<String, Integer> levels(String layout) {
        String text = read();
        int start = text.indexOf("\n  \"" + layout + "\": {");
        if (start < 0) {
            throw new IllegalArgumentException("the layout table has no layout " + layout);
        }
        int levels = text.indexOf("levels: {", start);
        int end = text.indexOf("\n    },", levels);
        Map<String, Integer> result = new LinkedHashMap<>();
        Matcher m = ENTRY.matcher(text.substring(levels, end));
        while (m.find()) {
            try {
                result.put(JSON.readValue(m.group(1), String.class), Integer.parseInt(m.group(2)));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + m.group(1) + " in " + RESOURCE, e);
            }
        }
        return result;
    }

    /** Every character the layout types, in the table's order (by code point). */
    public static String everyCharacter(String layout) {
        return levels(layout).keySet().stream().collect(Collectors.joining());
    }

    private static String read() {
        try (InputStream in = LayoutTable.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is not on the class path (the web app jar)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
