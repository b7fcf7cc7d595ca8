package dev.keyhole.server.watch;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;

/**
 * Reads a screen with Tesseract's command ({@code tesseract stdin stdout}, Debian's {@code tesseract-ocr}): the
 * picture goes to it as a PNG on its standard input and the text comes back on its standard output, so the picture
 * is never written to a file. One thread per reading ({@code OMP_THREAD_LIMIT=1}): a 1024×768 console takes about
 * 0.1 s of one core that way, where Tesseract's own threads spend several times that for little gain.
 *
 * <p>The picture is turned grey, made dark-on-light when it is light-on-dark (as consoles are), and doubled when
 * it is small (a VGA text console is 720×400, its letters too small for Tesseract's taste).
 */
public final class TesseractReader implements ScreenReader {

    /** How long one reading may take. */
    static final Duration TIMEOUT = Duration.ofSeconds(15);
    /** Pictures less tall than this are doubled first. */
    private static final int SMALL = 600;

    private final String command;

    /** @param command the Tesseract program, e.g. {@code tesseract} (looked up on the PATH) */
    public TesseractReader(String command) {
        this.command = command;
    }

    @Override
    public String read(BufferedImage screen) throws ScreenReadingException {
        byte[] png = png(prepare(screen));
        ProcessBuilder builder = new ProcessBuilder(List.of(command, "stdin", "stdout", "--psm", "6", "-l", "eng"))
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        builder.environment().put("OMP_THREAD_LIMIT", "1");
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new ScreenReadingException("Keyhole cannot run " + command + " to read consoles (on Debian: "
                    + "apt-get install tesseract-ocr): " + e.getMessage());
        }
        try {
            try (OutputStream in = process.getOutputStream()) {
                in.write(png);
            }
            String text;
            try (InputStream out = process.getInputStream()) {
                text = new String(out.readAllBytes(), StandardCharsets.UTF_8);
            }
            if (!process.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new ScreenReadingException(command + " took longer than " + TIMEOUT.toSeconds() + " s");
            }
            if (process.exitValue() != 0) {
                throw new ScreenReadingException(command + " failed (exit status " + process.exitValue() + ")");
            }
            return text;
        } catch (IOException e) {
            throw new ScreenReadingException(command + " failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ScreenReadingException("Keyhole is stopping");
        } finally {
            process.destroyForcibly();
        }
    }

    /** @return the picture grey, dark on light, and large enough */
    static BufferedImage prepare(BufferedImage screen) {
        int scale = screen.getHeight() < SMALL ? 2 : 1;
        BufferedImage grey = new BufferedImage(screen.getWidth() * scale, screen.getHeight() * scale,
                BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = grey.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(screen, 0, 0, grey.getWidth(), grey.getHeight(), null);
        g.dispose();
        byte[] pixels = ((java.awt.image.DataBufferByte) grey.getRaster().getDataBuffer()).getData();
        long sum = 0;
        for (byte pixel : pixels) {
            sum += pixel & 0xff;
        }
        if (pixels.length > 0 && sum / pixels.length < 128) {
            for (int i = 0; i < pixels.length; i++) {
                pixels[i] = (byte) (255 - (pixels[i] & 0xff));
            }
        }
        return grey;
    }

    private static byte[] png(BufferedImage image) throws ScreenReadingException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", bytes);
        } catch (IOException e) {
            throw new ScreenReadingException("Keyhole cannot encode the picture: " + e.getMessage());
        }
        return bytes.toByteArray();
    }
}
