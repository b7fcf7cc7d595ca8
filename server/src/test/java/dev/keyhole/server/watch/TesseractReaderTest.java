package dev.keyhole.server.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

/** Debian's Tesseract reading console pictures drawn here: light text on black, as consoles show it. */
class TesseractReaderTest {

    private final TesseractReader reader = new TesseractReader("tesseract");

    @Test
    void aConsolePromptIsRead() throws Exception {
        String text = reader.read(console(1024, 768, 16, "Keyhole demo - disk.img is locked",
                "Enter passphrase for disk.img:"));
        assertTrue(text.contains("Keyhole demo - disk") && text.contains("Enter passphrase for disk"), text);
        assertEquals(ConsoleState.WAITING_FOR_PASSPHRASE, ScreenPatterns.builtIn().classify(text), text);
    }

    @Test
    void aSmallTextConsoleIsReadToo() throws Exception {
        // 720×400: a VGA text console, as QEMU's VNC shows it.
        String text = reader.read(console(720, 400, 14, "This disk is encrypted. Type its passphrase to unlock it.",
                "", "Enter passphrase for /disk.img:", "No key available with this passphrase.",
                "Enter passphrase for /disk.img:"));
        assertEquals(ConsoleState.WRONG_PASSPHRASE, ScreenPatterns.builtIn().classify(text), text);
    }

    @Test
    void aBlackScreenHasNoText() throws Exception {
        assertEquals(ConsoleState.UNKNOWN, ScreenPatterns.builtIn().classify(reader.read(console(640, 480, 16))));
    }

    @Test
    void aMissingProgramSaysHowToGetIt() {
        ScreenReader.ScreenReadingException missing = assertThrows(ScreenReader.ScreenReadingException.class,
                () -> new TesseractReader("/nonexistent/tesseract").read(console(64, 64, 12)));
        assertTrue(missing.getMessage().contains("apt-get install tesseract-ocr"), missing.getMessage());
    }

    /** A console picture: grey monospaced lines on black from the top left. */
    static BufferedImage console(int width, int height, int size, String... lines) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.BLACK);
        g.fillRect(0, 0, width, height);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_OFF);
        g.setFont(new Font(Font.MONOSPACED, Font.PLAIN, size));
        g.setColor(new Color(0xaaaaaa));
        int y = size + 4;
        for (String line : lines) {
            g.drawString(line, 4, y);
            y += size + 2;
        }
        g.dispose();
        return image;
    }
}
