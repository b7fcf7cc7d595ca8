package dev.keyhole.server.tunnel;

/** Text a browser sent, made safe to put in a message or a log line. */
public final class Printable {

    private Printable() {
    }

    /**
     * @param text      anything a browser sent; {@code null} counts as empty
     * @param maxLength how many characters to keep before cutting with "…"
     * @return the text with everything but printable ASCII replaced by {@code ?} and {@code "} by {@code '}
     */
    public static String of(String text, int maxLength) {
        if (text == null) {
            return "";
        }
        String shown = text.replaceAll("[^\\x20-\\x7E]", "?").replace('"', '\'');
        return shown.length() > maxLength ? shown.substring(0, maxLength) + "…" : shown;
    }
}
