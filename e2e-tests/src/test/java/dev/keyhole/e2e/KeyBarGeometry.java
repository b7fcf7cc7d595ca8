package dev.keyhole.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keyhole.e2e.pages.ConsolePage;
import java.util.List;
import java.util.Map;

/** Checks by geometry (bounding boxes in the page) that every key of the key bar can be reached and tapped. */
final class KeyBarGeometry {

    /** A comfortable touch target's height, CSS pixels. */
    static final double MIN_KEY_HEIGHT = 40;

    /** The nine keys of the bar. */
    static final List<String> KEYS = List.of("enter", "escape", "backspace", "wake", "ctrl-alt-del", "left", "up",
            "down", "right");

    private KeyBarGeometry() {
    }

    /**
     * Every key is inside the viewport's width (no sideways scrolling needed), at least {@value #MIN_KEY_HEIGHT} px
     * tall, and no two keys overlap; the page itself does not scroll sideways.
     *
     * @param where names the device or window, for the failure message
     */
    static void assertEveryKeyFits(ConsolePage page, String where) {
        List<Map<String, Object>> keys = page.keyBarButtons();
        Map<String, Number> viewport = page.visualViewport();
        double width = viewport.get("innerWidth").doubleValue();
        String seen = where + ": viewport " + viewport + ", keys " + keys;
        assertEquals(KEYS, keys.stream().map(k -> (String) k.get("key")).sorted(
                (a, b) -> KEYS.indexOf(a) - KEYS.indexOf(b)).toList(), "the key bar has its nine keys; " + seen);
        assertTrue(viewport.get("scrollWidth").doubleValue() <= width, "the page scrolls sideways; " + seen);
        for (Map<String, Object> key : keys) {
            assertTrue(number(key, "left") >= -0.5 && number(key, "right") <= width + 0.5,
                    "the key " + key.get("key") + " runs past the edge of the screen; " + seen);
            assertTrue(number(key, "height") >= MIN_KEY_HEIGHT - 0.5,
                    "the key " + key.get("key") + " is less than " + MIN_KEY_HEIGHT + " px tall; " + seen);
        }
        for (int i = 0; i < keys.size(); i++) {
            for (int j = i + 1; j < keys.size(); j++) {
                Map<String, Object> a = keys.get(i);
                Map<String, Object> b = keys.get(j);
                boolean overlap = number(a, "left") < number(b, "right") - 0.5
                        && number(b, "left") < number(a, "right") - 0.5
                        && number(a, "top") < number(b, "bottom") - 0.5
                        && number(b, "top") < number(a, "bottom") - 0.5;
                assertFalse(overlap, "the keys " + a.get("key") + " and " + b.get("key") + " overlap; " + seen);
            }
        }
    }

    /**
     * The elements are wholly inside the visual viewport (the part of the page the screen shows, above an
     * on-screen keyboard).
     */
    static void assertInsideVisualViewport(ConsolePage page, String where, String... cssSelectors) {
        Map<String, Number> viewport = page.visualViewport();
        for (String selector : cssSelectors) {
            List<Number> box = page.boxOf(selector);
            String seen = where + ": " + selector + " at [left, top, right, bottom] " + box.subList(0, 4)
                    + ", visual viewport " + viewport;
            assertTrue(box.get(0).doubleValue() >= viewport.get("left").doubleValue() - 0.5
                            && box.get(1).doubleValue() >= viewport.get("top").doubleValue() - 0.5
                            && box.get(2).doubleValue() <= viewport.get("right").doubleValue() + 0.5
                            && box.get(3).doubleValue() <= viewport.get("bottom").doubleValue() + 0.5,
                    "not on the visible part of the screen; " + seen);
        }
    }

    private static double number(Map<String, Object> box, String key) {
        return ((Number) box.get(key)).doubleValue();
    }
}
