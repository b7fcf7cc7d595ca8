package dev.keyhole.bench;

import dev.keyhole.testsupport.Chromium;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Browser click-to-first-frame on the real demo console (real guacd, the locked console, Keyhole, headless
 * Chromium): from opening the console page to the first full picture drawn on the display's canvas, for a new
 * console connection and for joining a live one; beside the same figure straight to guacd (socket open to the end
 * of the first full-size image), the floor. Medians of {@link Options#browserRuns()} runs each.
 */
final class FirstFrameBenchmark {

    private static final int WIDTH = 1024;
    private static final int HEIGHT = 768;
    private static final Duration WAIT = Duration.ofSeconds(30);

    /**
     * Added to every page before its own scripts: notes when the page opens its WebSocket, adds up the area of the
     * images drawn on full-size canvases (the display's layers) and notes when it covers the whole screen; in ms
     * since the page began to load.
     */
    private static final String WATCH_DRAWING = """
            (() => {
              const Socket = window.WebSocket;
              window.WebSocket = class extends Socket {
                constructor(...args) {
                  if (window.__keyholeSocketOpened === undefined) window.__keyholeSocketOpened = performance.now();
                  super(...args);
                }
              };
              let area = 0;
              const draw = CanvasRenderingContext2D.prototype.drawImage;
              CanvasRenderingContext2D.prototype.drawImage = function (image, ...rest) {
                const result = draw.call(this, image, ...rest);
                if (window.__keyholeFirstFrame === undefined && this.canvas.width >= %d && this.canvas.height >= %d) {
                  // Images arrive as ImageBitmaps, HTMLImageElements or (WebCodecs) VideoFrames.
                  const w = rest.length === 8 ? rest[6] : rest.length === 4 ? rest[2] : image.width ?? image.displayWidth;
                  const h = rest.length === 8 ? rest[7] : rest.length === 4 ? rest[3] : image.height ?? image.displayHeight;
                  area += w * h;
                  if (area >= %d) window.__keyholeFirstFrame = performance.now();
                }
                return result;
              };
            })();
            """.formatted(WIDTH, HEIGHT, WIDTH * HEIGHT);

    private FirstFrameBenchmark() {
    }

    static Results.FirstFrame run(Options options) {
        if (!Chromium.installed()) {
            Log.say("browser first frame: skipped: %s or %s is not installed", Chromium.BINARY, Chromium.DRIVER);
            return Results.FirstFrame.skipped("Chromium or chromedriver is not installed");
        }
        Path work = options.work().resolve("first-frame");
        try (RealConsole console = RealConsole.start(options.repo(), work, passphrase())) {
            List<Double> floor = new ArrayList<>();
            for (int i = 0; i < options.browserRuns(); i++) {
                floor.add(directFirstFrameMs(console, "rdp"));
            }
            Log.say("first frame straight to guacd: %s ms", floor);
            List<Double> joinFloor = directJoinsMs(console, options.browserRuns());
            Log.say("first frame straight to guacd, joining a live connection: %s ms", joinFloor);
            return throughKeyhole(options, console, work, floor, joinFloor);
        } catch (Exception e) {
            Log.say("browser first frame failed: %s", e);
            return Results.FirstFrame.skipped("failed: " + e);
        }
    }

    private static Results.FirstFrame throughKeyhole(Options options, RealConsole console, Path work,
            List<Double> floor, List<Double> joinFloor) throws Exception {
        int runs = options.browserRuns();
        int port = Ports.free();
        Path config = work.resolve("keyhole.yaml");
        // A data directory of its own: an earlier run's users and sessions are gone first.
        Gateways.deleteTree(work.resolve("keyhole-data"));
        StringBuilder yaml = new StringBuilder("data-dir: " + work.resolve("keyhole-data").toAbsolutePath() + "\n"
                + "http:\n  bind: 127.0.0.1\n  port: " + port + "\n"
                + "guacd:\n  host: 127.0.0.1\n  port: " + console.guacdPort() + "\ntargets:\n");
        for (int i = 0; i <= runs; i++) {
            yaml.append("  - name: ").append(i < runs ? "new-" + i : "live").append('\n')
                    .append("    protocol: rdp\n    host: 127.0.0.1\n    port: ").append(console.rdpPort())
                    .append("\n    security: any\n    ignore-cert: true\n    width: ").append(WIDTH)
                    .append("\n    height: ").append(HEIGHT).append("\n    dpi: 96\n    disable-audio: true\n")
                    // Not watched: a watched console's connection is open before anyone views it, and a "new"
                    // console's first frame would be a join's.
                    .append("    watch: never\n");
        }
        Files.writeString(config, yaml);
        // The console page needs a session: the benchmark's user, signed in by a one-time link as a colleague is.
        String token = KeyholeSignIn.linkToken(config);
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), "dev.keyhole.server.Main", "--config", config.toString());
        try (Child keyhole = Child.start("keyhole", command, null, work.resolve("keyhole.log"), null,
                line -> line.contains("Keyhole listening on"))) {
            keyhole.awaitReady(WAIT);
            String base = "http://127.0.0.1:" + port + "/console.html?target=";
            try (Chromium chromium = Chromium.launch(work.resolve("chromium-profile"), nothingToAdd -> { })) {
                ChromeDriver browser = chromium.driver();
                browser.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", WATCH_DRAWING));
                signIn(browser, "http://127.0.0.1:" + port + "/sign-in.html#link=" + token);
                List<double[]> fresh = new ArrayList<>();
                for (int i = 0; i < runs; i++) {
                    fresh.add(firstFrameMs(browser, base + "new-" + i));
                }
                Log.say("first frame through Keyhole, new console: %s ms", column(fresh, 0));
                firstFrameMs(browser, base + "live");
                List<double[]> joins = new ArrayList<>();
                for (int i = 0; i < runs; i++) {
                    // The page before left a moment ago: the console is live (it lingers), this page joins it.
                    joins.add(firstFrameMs(browser, base + "live"));
                }
                Log.say("first frame through Keyhole, joining a live console: %s ms", column(joins, 0));
                return new Results.FirstFrame(runs, Results.median(floor), Results.median(joinFloor),
                        Results.median(column(fresh, 0)), Results.median(column(joins, 0)),
                        Results.median(column(fresh, 1)), Results.median(column(joins, 1)), floor, joinFloor,
                        column(fresh, 0), column(joins, 0), null);
            }
        }
    }

    /** Opens a one-time sign-in link and waits until the sign-in page has redeemed it and gone on. */
    private static void signIn(ChromeDriver browser, String link) {
        browser.get(link);
        new WebDriverWait(browser, WAIT)
                .withMessage(() -> "the sign-in link did not sign the browser in within " + WAIT.toSeconds() + " s")
                .until(driver -> !browser.getCurrentUrl().contains("/sign-in.html"));
    }

    /**
     * Opens {@code url} and waits for the first full picture.
     *
     * @return when it was drawn, in ms since the page began to load and in ms since the page opened its WebSocket
     */
    private static double[] firstFrameMs(ChromeDriver browser, String url) {
        browser.get(url);
        new WebDriverWait(browser, WAIT)
                .withMessage(() -> "no full picture drawn on the display within " + WAIT.toSeconds() + " s at "
                        + url)
                .until(driver -> browser.executeScript("return window.__keyholeFirstFrame;"));
        double frame = ((Number) browser.executeScript("return window.__keyholeFirstFrame;")).doubleValue();
        double socket = ((Number) browser.executeScript("return window.__keyholeSocketOpened;")).doubleValue();
        browser.get("about:blank");
        return new double[] {frame, frame - socket};
    }

    private static List<Double> column(List<double[]> rows, int column) {
        return rows.stream().map(row -> row[column]).toList();
    }

    /**
     * Straight to guacd: from opening the socket to the end of the image that completes the first full picture
     * (the images drawn on the default layer, added up, cover the screen).
     */
    private static double directFirstFrameMs(RealConsole console, String select) throws IOException {
        long start = System.nanoTime();
        GuacdHandshake.Connected guacd = GuacdHandshake.connect("127.0.0.1", console.guacdPort(), select,
                console.rdpParameters(), WIDTH, HEIGHT, List.of("image/png", "image/jpeg"));
        try (var socket = guacd.socket()) {
            socket.setSoTimeout((int) WAIT.toMillis());
            var out = socket.getOutputStream();
            Map<String, ByteArrayOutputStream> images = new HashMap<>();
            Set<String> onScreen = new HashSet<>();
            long area = 0;
            while (true) {
                Instructions.Instruction instruction = guacd.reader().read();
                switch (instruction.opcode()) {
                    case "img" -> {
                        if (instruction.arg(2).equals("0")) {
                            onScreen.add(instruction.arg(0));
                            images.put(instruction.arg(0), new ByteArrayOutputStream());
                        }
                    }
                    case "blob" -> {
                        ByteArrayOutputStream image = images.get(instruction.arg(0));
                        if (image != null) {
                            image.write(Base64.getDecoder().decode(instruction.arg(1)));
                        }
                    }
                    case "end" -> {
                        ByteArrayOutputStream image = images.remove(instruction.arg(0));
                        if (image != null && onScreen.remove(instruction.arg(0))) {
                            area += area(image.toByteArray());
                            if (area >= (long) WIDTH * HEIGHT) {
                                double ms = (System.nanoTime() - start) / 1e6;
                                out.write(Instructions.encode("disconnect"));
                                return ms;
                            }
                        }
                    }
                    case "sync" -> out.write(instruction.raw());
                    case "error" -> throw new IOException("guacd: " + instruction.elements());
                    default -> { }
                }
            }
        }
    }

    /**
     * Joins a live connection straight to guacd, {@code runs} times: the floor of joining. The connection is
     * this client's own, kept alive (its syncs answered) on a thread of its own while the others join it.
     */
    private static List<Double> directJoinsMs(RealConsole console, int runs) throws IOException {
        GuacdHandshake.Connected owner = GuacdHandshake.connect("127.0.0.1", console.guacdPort(), "rdp",
                console.rdpParameters(), WIDTH, HEIGHT, List.of("image/png", "image/jpeg"));
        try (var socket = owner.socket()) {
            Thread keepUp = new Thread(() -> {
                try {
                    while (true) {
                        Instructions.Instruction instruction = owner.reader().read();
                        if (instruction.opcode().equals("sync")) {
                            socket.getOutputStream().write(instruction.raw());
                        }
                    }
                } catch (IOException e) {
                    // The connection closed: the joins are done.
                }
            }, "first-frame-owner");
            keepUp.setDaemon(true);
            keepUp.start();
            directFirstFrameMs(console, owner.connectionId());
            List<Double> joins = new ArrayList<>();
            for (int i = 0; i < runs; i++) {
                joins.add(directFirstFrameMs(console, owner.connectionId()));
            }
            return joins;
        }
    }

    /** @return width × height of a PNG or JPEG, read from its header */
    private static long area(byte[] image) throws IOException {
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(image))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                return 0;
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in);
                return (long) reader.getWidth(0) * reader.getHeight(0);
            } finally {
                reader.dispose();
            }
        }
    }

    private static String passphrase() {
        SecureRandom random = new SecureRandom();
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < 16; i++) {
            out.append((char) ('a' + random.nextInt(26)));
        }
        return out.toString();
    }
}
