package dev.keyhole.server.watch;

import java.awt.image.BufferedImage;

/** Reads the text of a console's picture. */
public interface ScreenReader {

    /**
     * @param screen the console's picture; only in memory, never written anywhere
     * @return its text, line by line (possibly empty)
     * @throws ScreenReadingException when the text cannot be read (the reader is missing, or failed)
     */
    String read(BufferedImage screen) throws ScreenReadingException;

    /** Why a screen could not be read, in words for the log and the page. */
    final class ScreenReadingException extends Exception {
        private static final long serialVersionUID = 1L;

        /** @param message why, in words for people */
        public ScreenReadingException(String message) {
            super(message);
        }
    }
}
