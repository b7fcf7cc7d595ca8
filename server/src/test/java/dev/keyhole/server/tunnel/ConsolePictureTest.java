package dev.keyhole.server.tunnel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.apache.guacamole.protocol.GuacamoleInstruction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The picture built from guacd's drawing instructions, as guacd sends them (whole instructions, several to a read,
 * the picture's among the others): sizes, PNG and JPEG images in blobs, solid rectangles, copies within a layer
 * and from an off-screen buffer.
 */
class ConsolePictureTest {

    private final ExecutorService pool = Executors.newCachedThreadPool();
    private final ConsolePicture picture = new ConsolePicture("test", pool);

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    @Test
    void everyFormatGuacdSendsBrowsersCanBeDecoded() {
        for (String type : ConsolePicture.imageTypes()) {
            assertTrue(ImageIO.getImageReadersByMIMEType(type).hasNext(), "no ImageIO reader for " + type);
        }
    }

    @Test
    void nothingIsThereBeforeTheConsoleHasASize() throws Exception {
        assertNull(picture.snapshot().get(5, TimeUnit.SECONDS));
    }

    @Test
    void imagesRectanglesAndCopiesDrawTheDefaultLayer() throws Exception {
        take(i("size", "0", "64", "48"),
                // A red PNG at 0,0 in two blobs, and a blue JPEG at 32,0.
                i("img", "1", "14", "0", "image/png", "0", "0"),
                i("blob", "1", base64Half(png(solid(32, 48, Color.RED)), true)),
                i("blob", "1", base64Half(png(solid(32, 48, Color.RED)), false)),
                i("end", "1"),
                i("img", "2", "14", "0", "image/jpeg", "32", "0"),
                i("blob", "2", Base64.getEncoder().encodeToString(jpeg(solid(32, 48, Color.BLUE)))),
                i("end", "2"),
                i("sync", "1000"),
                // A green rectangle at 0,40, 64×8.
                i("rect", "0", "0", "40", "64", "8"),
                i("cfill", "14", "0", "0", "255", "0", "255"));
        BufferedImage image = picture.snapshot().get(5, TimeUnit.SECONDS);
        assertEquals(64, image.getWidth());
        assertEquals(48, image.getHeight());
        assertColor(Color.RED, image, 10, 10);
        assertColor(Color.BLUE, image, 50, 10);
        assertColor(Color.GREEN, image, 10, 44);

        // A copy within the layer (guacd scrolls this way) and from an off-screen buffer (its glyph caches).
        take(i("copy", "0", "0", "0", "16", "16", "12", "0", "40", "20"),
                i("size", "-1", "8", "8"),
                i("rect", "-1", "0", "0", "8", "8"),
                i("cfill", "12", "-1", "255", "255", "0", "255"),
                i("copy", "-1", "0", "0", "8", "8", "12", "0", "0", "0"));
        image = picture.snapshot().get(5, TimeUnit.SECONDS);
        assertColor(Color.RED, image, 45, 25);
        assertColor(Color.YELLOW, image, 4, 4);
        assertTrue(picture.changes() >= 2, "the picture counted its changes: " + picture.changes());

        // Where it changed since the last frame: all of it at first, then only a cursor's cell.
        assertEquals(new java.awt.Rectangle(0, 0, 64, 48), picture.frame().get(5, TimeUnit.SECONDS).changed());
        take(i("rect", "0", "30", "30", "8", "16"), i("cfill", "14", "0", "200", "200", "200", "255"));
        assertEquals(new java.awt.Rectangle(30, 30, 8, 16), picture.frame().get(5, TimeUnit.SECONDS).changed());
        assertNull(picture.frame().get(5, TimeUnit.SECONDS).changed(), "nothing changed since");
    }

    @Test
    void aMalformedOrUnknownInstructionCostsThePictureNothing() throws Exception {
        take(i("size", "0", "16", "16"),
                i("rect", "0", "0", "0", "16", "16"),
                i("cfill", "14", "0", "255", "255", "255", "255"),
                i("copy", "0", "x"),
                i("img", "3", "14", "0", "image/webp", "0", "0"),
                i("blob", "3", "AAAA"),
                i("end", "3"),
                i("cursor", "0", "0", "-1", "0", "0", "8", "8"),
                i("size", "0", "99999", "99999"));
        BufferedImage image = picture.snapshot().get(5, TimeUnit.SECONDS);
        assertEquals(16, image.getWidth(), "an oversized layer is refused");
        assertColor(Color.WHITE, image, 8, 8);
        assertTrue(picture.ignored() >= 2, "ignored " + picture.ignored());
    }

    /** Hands instructions to the picture as the console's reading thread does: one read, with their ends. */
    private void take(GuacamoleInstruction... instructions) throws Exception {
        StringBuilder text = new StringBuilder();
        InstructionBoundaries.Ends ends = new InstructionBoundaries.Ends();
        for (GuacamoleInstruction instruction : instructions) {
            text.append(instruction);
        }
        byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
        new InstructionBoundaries().scan(bytes, 0, bytes.length, ends);
        picture.take(bytes, 0, 0, ends);
    }

    private static GuacamoleInstruction i(String opcode, String... args) {
        return new GuacamoleInstruction(opcode, args);
    }

    private static void assertColor(Color expected, BufferedImage image, int x, int y) {
        Color seen = new Color(image.getRGB(x, y));
        int distance = Math.abs(seen.getRed() - expected.getRed()) + Math.abs(seen.getGreen() - expected.getGreen())
                + Math.abs(seen.getBlue() - expected.getBlue());
        assertTrue(distance < 40, "at " + x + "," + y + ": " + seen + ", not " + expected);
    }

    private static BufferedImage solid(int width, int height, Color color) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        var g = image.createGraphics();
        g.setColor(color);
        g.fillRect(0, 0, width, height);
        g.dispose();
        return image;
    }

    private static byte[] png(BufferedImage image) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }

    private static byte[] jpeg(BufferedImage image) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "jpeg", out);
        return out.toByteArray();
    }

    /** The first or second half of the bytes, in base64 (as guacd splits an image into blobs). */
    private static String base64Half(byte[] bytes, boolean first) {
        int half = bytes.length / 2;
        byte[] part = first ? java.util.Arrays.copyOfRange(bytes, 0, half)
                : java.util.Arrays.copyOfRange(bytes, half, bytes.length);
        return Base64.getEncoder().encodeToString(part);
    }
}
