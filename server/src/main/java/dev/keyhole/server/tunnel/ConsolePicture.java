package dev.keyhole.server.tunnel;

import java.awt.AlphaComposite;
import java.awt.Color;
import java.awt.Composite;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import javax.imageio.ImageIO;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The picture a console shows, kept by Keyhole from the drawing instructions its own console connection receives:
 * the default layer (layer 0), built from {@code size}, {@code img}/{@code blob}/{@code end} (PNG, JPEG and
 * WebP: every format browsers draw, so watching a console changes nothing of what guacd sends), {@code copy},
 * {@code rect} and
 * {@code cfill}, with the off-screen buffers guacd copies from. Every other instruction is counted and ignored (a
 * cursor, other layers, audio).
 *
 * <p>It is only ever in memory, never written anywhere, and only Keyhole's own reading of the screen looks at it.
 *
 * <p>Threads: {@link #take} runs on the console's reading thread and only copies the drawing instructions; they are
 * applied in order on {@code applier} (one task at a time), so decoding a picture never slows the console down for
 * its viewers. A console that draws faster than its picture is applied has the oldest instructions dropped, and
 * the picture is then marked {@linkplain #incomplete() incomplete} until guacd has redrawn the whole screen.
 */
public final class ConsolePicture {

    private static final Logger log = LoggerFactory.getLogger(ConsolePicture.class);

    /** At most this many bytes of instructions wait to be applied; beyond, they are dropped. */
    static final int MAX_PENDING = 32 * 1024 * 1024;
    /** The largest image one stream may carry. */
    static final int MAX_IMAGE = 16 * 1024 * 1024;
    /** The most pixels all layers and buffers together may hold. */
    static final long MAX_PIXELS = 64L * 1024 * 1024;
    /** The largest side of a layer. */
    static final int MAX_SIDE = 8192;

    private static final List<String> DRAWING = List.of("img", "blob", "end", "copy", "rect", "cfill", "size",
            "dispose");
    private static final byte[][] DRAWING_PREFIXES = DRAWING.stream()
            .map(opcode -> (opcode.length() + "." + opcode + ",").getBytes(StandardCharsets.US_ASCII))
            .toArray(byte[][]::new);

    private final String console;
    private final Executor applier;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private final AtomicLong changes = new AtomicLong();
    private final AtomicLong drawn = new AtomicLong();

    /** Instructions copied and not yet applied; guarded by {@code this}. */
    private byte[] pending = new byte[4096];
    private int pendingLength;
    /** An {@link #applyPending} is queued on the applier and has not started. */
    private boolean applyQueued;

    // Only on the applier.
    private final Map<Integer, BufferedImage> layers = new HashMap<>();
    private final Map<Integer, ImageStream> streams = new HashMap<>();
    private final Map<Integer, List<int[]>> paths = new HashMap<>();
    private volatile boolean incomplete;
    private long ignored;
    /** What changed on the default layer since the last {@link #frame()}; null when nothing did. */
    private Rectangle changed;

    /** An image arriving in {@code blob}s. */
    private record ImageStream(int layer, int mask, int x, int y, String mimetype, ByteArrayOutputStream data) {
    }

    /**
     * @param console  the console's name, for the log
     * @param pool    where the instructions are applied (any pool: this picture runs one task at a time on it)
     */
    public ConsolePicture(String console, Executor pool) {
        this.console = console;
        this.applier = new SerialExecutor(pool);
    }

    /** @return the image formats this picture decodes (WebP through TwelveMonkeys' ImageIO plugin) */
    static List<String> imageTypes() {
        return List.of("image/png", "image/jpeg", "image/webp");
    }

    /**
     * @param listener told (on the applier) after instructions that changed the default layer were applied
     * @return cancels it
     */
    public Runnable onChange(Runnable listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /** @return how many times the default layer has changed; a new value means a new picture */
    public long changes() {
        return changes.get();
    }

    /** @return how many images, fills and copies were drawn on the default layer (sizes not counted) */
    public long drawn() {
        return drawn.get();
    }

    /** @return true when instructions were dropped since the picture was last redrawn in full */
    public boolean incomplete() {
        return incomplete;
    }

    /**
     * The picture as it is, and where it changed since the last frame taken.
     *
     * @param image   a copy of the default layer
     * @param changed the smallest rectangle around everything drawn since the previous {@link #frame()}; null when
     *                nothing was
     */
    public record Frame(BufferedImage image, Rectangle changed) {
    }

    /**
     * @return a copy of the default layer once everything taken so far is applied; null when nothing was drawn yet
     *         (the console has no size)
     */
    public CompletableFuture<BufferedImage> snapshot() {
        return copy(false).thenApply(frame -> frame == null ? null : frame.image());
    }

    /**
     * @return the default layer as {@link #snapshot()} copies it, with where it changed since the last frame taken;
     *         null when nothing was drawn yet
     */
    public CompletableFuture<Frame> frame() {
        return copy(true);
    }

    private CompletableFuture<Frame> copy(boolean takeChanges) {
        CompletableFuture<Frame> copy = new CompletableFuture<>();
        // Behind whatever is pending, so the copy shows all that arrived before the request.
        run(() -> {
            BufferedImage layer = layers.get(0);
            if (layer == null) {
                copy.complete(null);
                return;
            }
            BufferedImage image = new BufferedImage(layer.getWidth(), layer.getHeight(), BufferedImage.TYPE_INT_RGB);
            Graphics2D g = image.createGraphics();
            g.drawImage(layer, 0, 0, null);
            g.dispose();
            Rectangle region = changed == null ? null : changed.intersection(new Rectangle(0, 0, image.getWidth(),
                    image.getHeight()));
            if (takeChanges) {
                changed = null;
            }
            copy.complete(new Frame(image, region));
        }, copy);
        return copy;
    }

    /**
     * Takes the drawing instructions among complete instructions as guacd sent them. Only copies: never decodes.
     *
     * @param bytes their bytes
     * @param base  the index in {@code bytes} that {@code ends} count from
     * @param start where the first starts in {@code bytes}
     * @param ends  where each ends (just past its {@code ;}), from {@code base}
     */
    void take(byte[] bytes, int base, int start, InstructionBoundaries.Ends ends) {
        boolean apply = false;
        synchronized (this) {
            int from = start;
            for (int i = 0; i < ends.count(); i++) {
                int end = base + ends.get(i);
                if (isDrawing(bytes, from, end)) {
                    append(bytes, from, end);
                }
                from = end;
            }
            if (pendingLength > 0 && !applyQueued) {
                applyQueued = true;
                apply = true;
            }
        }
        if (apply) {
            try {
                applier.execute(this::applyPending);
            } catch (RejectedExecutionException e) {
                // Keyhole is stopping: nobody reads the picture any more.
            }
        }
    }

    /** Copies one instruction into the pending ones. Under the lock. */
    private void append(byte[] bytes, int from, int to) {
        int length = to - from;
        if (!InstructionBoundaries.isAscii(bytes, from, to)) {
            // Drawing instructions are numbers, a mimetype and base64: anything else is not one to draw.
            return;
        }
        if (pendingLength + length > MAX_PENDING) {
            pendingLength = 0;
            if (!incomplete) {
                log.warn("Console {}: its picture falls behind; dropped what was not drawn yet", console);
            }
            incomplete = true;
        }
        if (pendingLength + length > pending.length) {
            pending = Arrays.copyOf(pending, Math.max(pendingLength + length, pending.length * 2));
        }
        System.arraycopy(bytes, from, pending, pendingLength, length);
        pendingLength += length;
    }

    /** Queues {@code task} behind everything pending, to run on the applier; fails {@code failing} if it cannot. */
    private void run(Runnable task, CompletableFuture<?> failing) {
        try {
            applier.execute(() -> {
                applyPending();
                task.run();
            });
        } catch (RejectedExecutionException e) {
            failing.completeExceptionally(e);
        }
    }

    /** Applies the pending instructions. Only on the applier. */
    private void applyPending() {
        byte[] batch;
        int length;
        synchronized (this) {
            applyQueued = false;
            batch = pending;
            length = pendingLength;
            if (length == 0) {
                return;
            }
            pending = new byte[Math.min(Math.max(4096, length), 1024 * 1024)];
            pendingLength = 0;
        }
        boolean changed = false;
        int from = 0;
        while (from < length) {
            int end = endOf(batch, from, length);
            changed |= apply(elements(batch, from, end));
            from = end;
        }
        if (changed) {
            changes.incrementAndGet();
            for (Runnable listener : listeners) {
                listener.run();
            }
        }
    }

    /** Applies one instruction; true when the default layer changed. Only on the applier. */
    boolean apply(List<String> instruction) {
        if (instruction.isEmpty()) {
            return false;
        }
        try {
            return switch (instruction.get(0)) {
                case "size" -> size(number(instruction, 1), number(instruction, 2), number(instruction, 3));
                case "img" -> startImage(instruction);
                case "blob" -> blob(number(instruction, 1), instruction.get(2));
                case "end" -> endImage(number(instruction, 1));
                case "rect" -> rect(instruction);
                case "cfill" -> cfill(instruction);
                case "copy" -> copy(instruction);
                case "dispose" -> dispose(number(instruction, 1));
                default -> false;
            };
        } catch (RuntimeException e) {
            // A malformed drawing instruction costs the picture, never the console.
            ignored++;
            return false;
        }
    }

    /** @return how many drawing instructions could not be applied */
    long ignored() {
        return ignored;
    }

    private boolean size(int layer, int width, int height) {
        if (width < 0 || height < 0 || width > MAX_SIDE || height > MAX_SIDE) {
            ignored++;
            return false;
        }
        BufferedImage old = layers.get(layer);
        if (width == 0 || height == 0) {
            layers.remove(layer);
            return layer == 0 && changed(0, 0, MAX_SIDE, MAX_SIDE);
        }
        long others = pixels() - (old == null ? 0 : (long) old.getWidth() * old.getHeight());
        if (others + (long) width * height > MAX_PIXELS) {
            ignored++;
            return false;
        }
        BufferedImage resized = new BufferedImage(width, height,
                layer == 0 ? BufferedImage.TYPE_INT_RGB : BufferedImage.TYPE_INT_ARGB);
        if (old != null) {
            Graphics2D g = resized.createGraphics();
            g.drawImage(old, 0, 0, null);
            g.dispose();
        }
        layers.put(layer, resized);
        if (layer == 0 && old == null) {
            incomplete = false;
        }
        return layer == 0 && changed(0, 0, width, height);
    }

    private boolean startImage(List<String> i) {
        int stream = number(i, 1);
        int mask = number(i, 2);
        int layer = number(i, 3);
        streams.put(stream, new ImageStream(layer, mask, number(i, 5), number(i, 6), i.get(4),
                new ByteArrayOutputStream()));
        return false;
    }

    private boolean blob(int stream, String base64) {
        ImageStream image = streams.get(stream);
        if (image == null) {
            return false;
        }
        byte[] data = Base64.getDecoder().decode(base64);
        if (image.data().size() + data.length > MAX_IMAGE) {
            streams.remove(stream);
            ignored++;
            return false;
        }
        image.data().writeBytes(data);
        return false;
    }

    private boolean endImage(int stream) {
        ImageStream image = streams.remove(stream);
        if (image == null || !imageTypes().contains(image.mimetype())) {
            return false;
        }
        BufferedImage decoded;
        try {
            decoded = ImageIO.read(new ByteArrayInputStream(image.data().toByteArray()));
        } catch (IOException e) {
            decoded = null;
        }
        BufferedImage layer = layers.get(image.layer());
        if (decoded == null || layer == null) {
            ignored++;
            return false;
        }
        Graphics2D g = layer.createGraphics();
        g.setComposite(composite(image.mask()));
        g.drawImage(decoded, image.x(), image.y(), null);
        g.dispose();
        if (image.layer() == 0 && image.x() <= 0 && image.y() <= 0 && decoded.getWidth() >= layer.getWidth()
                && decoded.getHeight() >= layer.getHeight()) {
            incomplete = false;
        }
        return image.layer() == 0 && drew(image.x(), image.y(), decoded.getWidth(), decoded.getHeight());
    }

    private boolean rect(List<String> i) {
        paths.computeIfAbsent(number(i, 1), layer -> new ArrayList<>())
                .add(new int[] {number(i, 2), number(i, 3), number(i, 4), number(i, 5)});
        return false;
    }

    private boolean cfill(List<String> i) {
        int layerIndex = number(i, 2);
        List<int[]> path = paths.remove(layerIndex);
        BufferedImage layer = layers.get(layerIndex);
        if (path == null || layer == null) {
            return false;
        }
        Graphics2D g = layer.createGraphics();
        g.setComposite(composite(number(i, 1)));
        g.setColor(new Color(number(i, 3), number(i, 4), number(i, 5), number(i, 6)));
        for (int[] r : path) {
            g.fillRect(r[0], r[1], r[2], r[3]);
        }
        g.dispose();
        if (layerIndex == 0) {
            for (int[] r : path) {
                drew(r[0], r[1], r[2], r[3]);
            }
        }
        return layerIndex == 0;
    }

    private boolean copy(List<String> i) {
        BufferedImage source = layers.get(number(i, 1));
        BufferedImage target = layers.get(number(i, 7));
        if (source == null || target == null) {
            return false;
        }
        int sx = Math.max(0, number(i, 2));
        int sy = Math.max(0, number(i, 3));
        int width = Math.min(number(i, 4), source.getWidth() - sx);
        int height = Math.min(number(i, 5), source.getHeight() - sy);
        if (width <= 0 || height <= 0) {
            return false;
        }
        // A copy of the region first: source and target may be the same layer, overlapping.
        BufferedImage region = new BufferedImage(width, height, BufferedImage.TYPE_INT_ARGB);
        Graphics2D r = region.createGraphics();
        r.setComposite(AlphaComposite.Src);
        r.drawImage(source, -sx, -sy, null);
        r.dispose();
        Graphics2D g = target.createGraphics();
        g.setComposite(composite(number(i, 6)));
        g.drawImage(region, number(i, 8), number(i, 9), null);
        g.dispose();
        return number(i, 7) == 0 && drew(number(i, 8), number(i, 9), width, height);
    }

    private boolean dispose(int layer) {
        streams.values().removeIf(s -> s.layer() == layer);
        paths.remove(layer);
        if (layer == 0) {
            return false;
        }
        layers.remove(layer);
        return false;
    }

    /** Something was drawn on the default layer there; always true. */
    private boolean drew(int x, int y, int width, int height) {
        drawn.incrementAndGet();
        return changed(x, y, width, height);
    }

    /** Adds a region to what changed on the default layer; always true. */
    private boolean changed(int x, int y, int width, int height) {
        Rectangle region = new Rectangle(x, y, width, height);
        changed = changed == null ? region : changed.union(region);
        return true;
    }

    private long pixels() {
        long total = 0;
        for (BufferedImage image : layers.values()) {
            total += (long) image.getWidth() * image.getHeight();
        }
        return total;
    }

    /**
     * Guacamole's channel masks: 0xC replaces (source), the rest is drawn over what is there, which is what the
     * others come to on an opaque console picture.
     */
    private static Composite composite(int mask) {
        return mask == 0xC ? AlphaComposite.Src : AlphaComposite.SrcOver;
    }

    private static int number(List<String> instruction, int index) {
        return Integer.parseInt(instruction.get(index));
    }

    private static boolean isDrawing(byte[] bytes, int from, int to) {
        for (byte[] prefix : DRAWING_PREFIXES) {
            if (InstructionBoundaries.startsWith(bytes, from, to, prefix)) {
                return true;
            }
        }
        return false;
    }

    /** @return where the instruction that starts at {@code from} ends (just past its {@code ;}) */
    private static int endOf(byte[] bytes, int from, int limit) {
        int i = from;
        while (i < limit) {
            int dot = i;
            int length = 0;
            while (dot < limit && bytes[dot] != '.') {
                length = length * 10 + (bytes[dot] - '0');
                dot++;
            }
            // Drawing instructions are ASCII (numbers, a mimetype, base64): a length counts bytes here.
            int next = dot + 1 + length;
            if (next >= limit || bytes[next] == ';') {
                return Math.min(next + 1, limit);
            }
            i = next + 1;
        }
        return limit;
    }

    /** The elements of one ASCII instruction {@code bytes[from, to)}. */
    private static List<String> elements(byte[] bytes, int from, int to) {
        List<String> elements = new ArrayList<>(10);
        int i = from;
        while (i < to) {
            int dot = i;
            int length = 0;
            while (dot < to && bytes[dot] != '.') {
                length = length * 10 + (bytes[dot] - '0');
                dot++;
            }
            int value = dot + 1;
            if (value + length > to) {
                return List.of();
            }
            elements.add(new String(bytes, value, length, StandardCharsets.ISO_8859_1));
            i = value + length + 1;
        }
        return elements;
    }
}
