package dev.keyhole.e2e;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keyhole.e2e.fixtures.Pictures;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

/** Unit tests of the picture comparison the console tests rely on (no fixtures). */
class PicturesTest {

    /** A black 1024x768 screen with a few lines of white text, like the locked console. */
    private static BufferedImage prompt(boolean cursorOn) {
        BufferedImage image = new BufferedImage(1024, 768, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.BLACK);
        g.fillRect(0, 0, 1024, 768);
        g.setColor(Color.WHITE);
        g.setFont(new Font(Font.MONOSPACED, Font.PLAIN, 14));
        g.drawString("Enter passphrase for /work/e2e-tests/target/fixtures/UnlockTest/console/disk.img:", 4, 16);
        if (cursorOn) {
            g.fillRect(700, 4, 8, 14);
        }
        g.dispose();
        return image;
    }

    private static BufferedImage uniform(Color color, int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(color);
        g.fillRect(0, 0, width, height);
        g.dispose();
        return image;
    }

    @Test
    void samePromptMatchesEvenWithTheCursorInAnotherBlinkPhase() {
        assertTrue(Pictures.compare(prompt(true), prompt(true)).matches());
        assertTrue(Pictures.compare(prompt(true), prompt(false)).matches(),
                () -> Pictures.compare(prompt(true), prompt(false)).toString());
    }

    @Test
    void slightlyDifferentColoursStillMatch() {
        BufferedImage shifted = prompt(false);
        for (int y = 0; y < shifted.getHeight(); y++) {
            for (int x = 0; x < shifted.getWidth(); x++) {
                Color c = new Color(shifted.getRGB(x, y));
                shifted.setRGB(x, y, new Color(Math.max(0, c.getRed() - 6), Math.min(255, c.getGreen() + 4), 8).getRGB());
            }
        }
        assertTrue(Pictures.compare(prompt(false), shifted).matches());
    }

    @Test
    void blackCanvasOrCursorOnlyDoesNotMatch() {
        assertFalse(Pictures.compare(prompt(false), uniform(Color.BLACK, 1024, 768)).matches());
        BufferedImage pointerOnly = uniform(Color.BLACK, 1024, 768);
        Graphics2D g = pointerOnly.createGraphics();
        g.setColor(Color.WHITE);
        g.fillPolygon(new int[] {500, 500, 511}, new int[] {400, 419, 411}, 3);
        g.dispose();
        assertFalse(Pictures.compare(prompt(false), pointerOnly).matches());
        assertTrue(Pictures.contentBlocks(pointerOnly) < 24);
    }

    @Test
    void aUniformScreenNeverMatchesEvenItself() {
        BufferedImage black = uniform(Color.BLACK, 1024, 768);
        assertFalse(Pictures.compare(black, black).matches());
    }

    @Test
    void otherSizeOrOtherTextDoesNotMatch() {
        assertFalse(Pictures.compare(prompt(false), uniform(Color.BLACK, 800, 600)).matches());
        BufferedImage other = prompt(false);
        Graphics2D g = other.createGraphics();
        g.setColor(Color.WHITE);
        g.setFont(new Font(Font.MONOSPACED, Font.PLAIN, 14));
        g.drawString("No key available with this passphrase.", 4, 34);
        g.drawString("Enter passphrase for /work/e2e-tests/target/fixtures/UnlockTest/console/disk.img:", 4, 52);
        g.dispose();
        assertFalse(Pictures.compare(prompt(false), other).matches());
    }
}
