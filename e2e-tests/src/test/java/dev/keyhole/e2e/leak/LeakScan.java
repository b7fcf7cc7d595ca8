package dev.keyhole.e2e.leak;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Scans every regular file under the given directories for the test passphrase, in every form it could
 * leak in: UTF-8, UTF-16LE/BE, hex (lower and upper case), Base64 (standard and URL-safe, each of the three
 * alignments the secret can have inside a longer Base64 text) and the sequence of Guacamole {@code key}
 * press instructions that typed it.
 *
 * <p>Run after the tests: {@code java -cp e2e-tests/target/test-classes dev.keyhole.e2e.leak.LeakScan DIR...}
 * with the secret in the environment variable {@code KEYHOLE_TEST_PASSPHRASE}. It first proves that it can
 * find a planted canary in each form (else the scan itself is broken and it fails), then scans for the
 * secret. A share link's token (a needle marked {@link #LINK_TOKEN}) travels in the URL a browser
 * opens and is no finding in that browser's record of the URLs it opened ({@link #BROWSER_URL_RECORDS}): any
 * URL stays there. It prints only file names and form names, never the secret. Exit code: 0 clean, 1 findings or a
 * broken scan, 2 usage error. Depends on nothing but the JDK.
 */
public final class LeakScan {

    /** Name of the environment variable holding the secret to look for. */
    public static final String SECRET_VARIABLE = "KEYHOLE_TEST_PASSPHRASE";
    /** The test users' password, looked for too when set. */
    public static final String PASSWORD_VARIABLE = "KEYHOLE_TEST_PASSWORD";
    /**
     * A file (outside the scanned directories) of more secrets, one per line, that the tests saw and wrote down as
     * they ran (the TOTP secrets of their users): looked for too when set. Its lines are never printed.
     */
    public static final String NEEDLES_VARIABLE = "KEYHOLE_TEST_NEEDLES";

    /** How a needle's line marks a share link's token: {@code LeakNeedles.LINK_TOKEN}, which this cannot import. */
    static final String LINK_TOKEN = "link-token\t";

    /** Files are read in chunks of this size; consecutive chunks overlap so no occurrence is cut in two. */
    private static final int CHUNK = 32 * 1024 * 1024;
    private static final int OVERLAP = 1024 * 1024;

    /** A Guacamole key instruction: {@code 3.key,<n>.<keysym>,1.<pressed>;}. */
    private static final Pattern KEY_INSTRUCTION = Pattern.compile("3\\.key,\\d{1,2}\\.(\\d{1,10}),1\\.([01]);");

    /** Modifier keysyms (Shift, Control, Caps Lock, Meta, Alt, Super, Hyper, AltGr): a browser adds them around characters. */
    private static boolean isModifier(long keysym) {
        return (keysym >= 0xFFE1 && keysym <= 0xFFEE) || keysym == 0xFE03;
    }

    /**
     * The files in which a browser keeps the URLs it opened (Chromium's history, its sessions, its URL metrics):
     * where a share link's URL, token and all, stays in the browser that opened it.
     */
    static final Set<String> BROWSER_URL_RECORDS = Set.of("History", "History-journal", "Visited Links",
            "Top Sites", "Top Sites-journal", "Favicons", "Favicons-journal", "Shortcuts", "Shortcuts-journal",
            "Network Action Predictor", "Network Action Predictor-journal", "ukm_db", "ukm_db-journal",
            "Current Session", "Current Tabs", "Last Session", "Last Tabs");

    /** @return whether a file is one of a browser's records of the URLs it opened */
    static boolean isBrowserUrlRecord(Path file) {
        Path name = file.getFileName();
        Path folder = file.getParent() == null ? null : file.getParent().getFileName();
        return name != null && (BROWSER_URL_RECORDS.contains(name.toString())
                || folder != null && folder.toString().equals("Sessions"));
    }

    private final String secret;
    /** What the findings call the secret, e.g. "the passphrase"; null: nothing (a scan for one secret). */
    private final String label;
    /** Whether it travels in a URL a browser opens, and may stay in that browser's record of the URLs it opened. */
    private boolean inUrls;
    private final Map<String, String> byteForms;
    private final List<Long> keysyms;

    /**
     * Prepares the matchers for one secret.
     *
     * @param secret the text to look for; not empty
     */
    public LeakScan(String secret) {
        this(null, secret);
    }

    /**
     * Prepares the matchers for one of several secrets.
     *
     * @param label  what its findings call it, e.g. "the test password" (never the secret)
     * @param secret the text to look for; not empty
     */
    public LeakScan(String label, String secret) {
        if (secret == null || secret.isEmpty()) {
            throw new IllegalArgumentException("the secret to scan for is empty");
        }
        this.label = label;
        this.secret = secret;
        this.byteForms = byteForms(secret);
        this.keysyms = secret.codePoints().mapToObj(LeakScan::keysym).toList();
    }

    /**
     * @return this scan, for a secret that travels in a URL a browser opens: found in a browser's record of the
     *         URLs it opened, it is no finding
     */
    public LeakScan inUrls() {
        inUrls = true;
        return this;
    }

    /** One occurrence of the secret: where and in which form (never the secret itself). */
    public record Finding(Path file, String form) {
        @Override
        public String toString() {
            return file + ": " + form;
        }
    }

    /** What a scan saw. */
    public record Result(long files, long bytes, List<Finding> findings) {
    }

    /**
     * The byte patterns of the secret, by form name, each as a Latin-1 string (one char per byte) so that
     * {@link String#indexOf} does the searching.
     */
    static Map<String, String> byteForms(String secret) {
        byte[] utf8 = secret.getBytes(StandardCharsets.UTF_8);
        Map<String, String> forms = new LinkedHashMap<>();
        forms.put("UTF-8", latin1(utf8));
        forms.put("UTF-16LE", latin1(secret.getBytes(StandardCharsets.UTF_16LE)));
        forms.put("UTF-16BE", latin1(secret.getBytes(StandardCharsets.UTF_16BE)));
        forms.put("hex (lower case)", HexFormat.of().formatHex(utf8));
        forms.put("hex (upper case)", HexFormat.of().withUpperCase().formatHex(utf8));
        for (int offset = 0; offset < 3; offset++) {
            String inner = base64Inner(utf8, offset);
            forms.put("Base64 (offset " + offset + ")", inner);
            forms.put("Base64url (offset " + offset + ")", inner.replace('+', '-').replace('/', '_'));
        }
        return forms;
    }

    /**
     * The part of the Base64 encoding that depends only on the secret when the secret starts {@code offset}
     * bytes after a 3-byte boundary of a longer byte stream: the characters whose 6 bits all lie inside it.
     */
    static String base64Inner(byte[] secret, int offset) {
        byte[] padded = new byte[offset + secret.length + 3];
        System.arraycopy(secret, 0, padded, offset, secret.length);
        String encoded = Base64.getEncoder().encodeToString(padded);
        long firstBit = 8L * offset;
        long endBit = 8L * (offset + secret.length);
        int first = (int) ((firstBit + 5) / 6);
        int end = (int) (endBit / 6);
        return end > first ? encoded.substring(first, end) : "";
    }

    /** The X11 keysym Guacamole sends for a character. */
    static long keysym(int codePoint) {
        if (codePoint >= 0x20 && codePoint <= 0x7E || codePoint >= 0xA0 && codePoint <= 0xFF) {
            return codePoint;
        }
        return 0x01000000L + codePoint;
    }

    /**
     * The form names under which the secret occurs in a piece of content (read as bytes).
     *
     * @param content the bytes to search
     * @return the forms found, in a stable order; empty when clean
     */
    public Set<String> formsIn(byte[] content) {
        return formsIn(latin1(content, 0, content.length));
    }

    private Set<String> formsIn(String text) {
        Set<String> found = new LinkedHashSet<>();
        for (Map.Entry<String, String> form : byteForms.entrySet()) {
            if (!form.getValue().isEmpty() && text.contains(form.getValue())) {
                found.add(form.getKey());
            }
        }
        if (typedIn(text)) {
            found.add("Guacamole key presses");
        }
        return found;
    }

    /** True when the ordered press keysyms of the key instructions in the text contain the secret's keysyms. */
    private boolean typedIn(String text) {
        if (!text.contains("3.key,")) {
            return false;
        }
        List<Long> presses = new ArrayList<>();
        Matcher m = KEY_INSTRUCTION.matcher(text);
        while (m.find()) {
            long sym = Long.parseLong(m.group(1));
            if (m.group(2).equals("1") && !isModifier(sym)) {
                presses.add(sym);
            }
        }
        return java.util.Collections.indexOfSubList(presses, keysyms) >= 0;
    }

    /**
     * Scans every regular file under the directories (binary files too; nothing is skipped).
     *
     * @param roots directories (or single files); missing ones are ignored
     * @return counts and findings
     * @throws IOException when a file cannot be read
     */
    public Result scan(List<Path> roots) throws IOException {
        return scan(List.of(this), roots);
    }

    /**
     * Scans every regular file under the directories for several secrets at once, reading each file once.
     *
     * @param scans one per secret
     * @param roots directories (or single files); missing ones are ignored
     * @return counts and findings; a finding's form names its secret by its label
     * @throws IOException when a file cannot be read
     */
    public static Result scan(List<LeakScan> scans, List<Path> roots) throws IOException {
        long files = 0;
        long bytes = 0;
        List<Finding> findings = new ArrayList<>();
        for (Path root : roots) {
            if (!Files.exists(root)) {
                continue;
            }
            for (Path file : regularFiles(root)) {
                Set<String> forms;
                long size;
                try {
                    size = Files.size(file);
                    forms = scanFile(scans, file);
                } catch (NoSuchFileException gone) {
                    continue; // deleted since the walk (a browser's profile, say): nothing left to leak
                }
                files++;
                bytes += size;
                for (String form : forms) {
                    findings.add(new Finding(file, form));
                }
            }
        }
        return new Result(files, bytes, findings);
    }

    /** The regular files under root, sorted; what is deleted while the walk runs is left out. */
    private static List<Path> regularFiles(Path root) throws IOException {
        List<Path> paths = new ArrayList<>();
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                if (attributes.isRegularFile()) {
                    paths.add(file);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }
        });
        paths.sort(null);
        return paths;
    }

    private static Set<String> scanFile(List<LeakScan> scans, Path file) throws IOException {
        Set<String> found = new LinkedHashSet<>();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[CHUNK];
            int filled = 0;
            while (true) {
                int n = in.readNBytes(buffer, filled, buffer.length - filled);
                filled += n;
                String text = latin1(buffer, 0, filled);
                boolean urlRecord = isBrowserUrlRecord(file);
                for (LeakScan scan : scans) {
                    if (scan.inUrls && urlRecord) {
                        continue;
                    }
                    for (String form : scan.formsIn(text)) {
                        found.add(scan.label == null ? form : scan.label + " as " + form);
                    }
                }
                if (filled < buffer.length) {
                    return found;
                }
                System.arraycopy(buffer, filled - OVERLAP, buffer, 0, OVERLAP);
                filled = OVERLAP;
            }
        }
    }

    /**
     * Writes a canary in every form into a file in {@code dir}, checks this scan finds each, deletes it.
     *
     * @param dir where to plant the canary (the first directory of the real scan)
     * @return the forms that were NOT found (empty when the scan works)
     * @throws IOException when the canary file cannot be written or read
     */
    static List<String> selfTest(Path dir) throws IOException {
        String canary = randomSecret(new SecureRandom(), 24);
        LeakScan scan = new LeakScan(canary);
        Files.createDirectories(dir);
        Path file = Files.createTempFile(dir, "leak-scan-canary-", ".bin");
        try {
            Files.write(file, plantAll(canary, new SecureRandom()));
            Set<String> found = scan.formsIn(Files.readAllBytes(file));
            List<String> missing = new ArrayList<>();
            for (String form : scan.formNames()) {
                if (!found.contains(form)) {
                    missing.add(form);
                }
            }
            return missing;
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** Every form name this scan looks for. */
    List<String> formNames() {
        List<String> names = new ArrayList<>(byteForms.keySet());
        names.add("Guacamole key presses");
        return names;
    }

    /**
     * The secret written in every way the scan must recognise, separated by random filler: used for the
     * canary and by the unit tests.
     */
    static byte[] plantAll(String secret, SecureRandom random) {
        byte[] utf8 = secret.getBytes(StandardCharsets.UTF_8);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.util.function.Consumer<byte[]> put = b -> {
            out.writeBytes(filler(random));
            out.writeBytes(b);
        };
        put.accept(utf8);
        put.accept(secret.getBytes(StandardCharsets.UTF_16LE));
        put.accept(secret.getBytes(StandardCharsets.UTF_16BE));
        put.accept(HexFormat.of().formatHex(utf8).getBytes(StandardCharsets.US_ASCII));
        put.accept(HexFormat.of().withUpperCase().formatHex(utf8).getBytes(StandardCharsets.US_ASCII));
        for (int offset = 0; offset < 3; offset++) {
            for (Base64.Encoder encoder : List.of(Base64.getEncoder(), Base64.getUrlEncoder())) {
                byte[] embedded = new byte[offset + utf8.length + 7];
                random.nextBytes(embedded);
                System.arraycopy(utf8, 0, embedded, offset, utf8.length);
                put.accept(encoder.encode(embedded));
            }
        }
        put.accept(keyInstructions(secret).getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(filler(random));
        return out.toByteArray();
    }

    /** How a browser types the text through Guacamole: Shift around upper-case letters, press then release. */
    static String keyInstructions(String text) {
        StringBuilder sb = new StringBuilder("4.sync,3.123;");
        text.codePoints().forEach(cp -> {
            boolean shift = Character.isUpperCase(cp);
            if (shift) {
                sb.append(key(0xFFE1, true));
            }
            sb.append(key(keysym(cp), true)).append("5.mouse,1.1,1.2,1.0;").append(key(keysym(cp), false));
            if (shift) {
                sb.append(key(0xFFE1, false));
            }
        });
        return sb.toString();
    }

    private static String key(long keysym, boolean pressed) {
        String sym = Long.toString(keysym);
        return "3.key," + sym.length() + "." + sym + ",1." + (pressed ? "1" : "0") + ";";
    }

    private static byte[] filler(SecureRandom random) {
        byte[] b = new byte[16 + random.nextInt(16)];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (' ' + random.nextInt(2)); // spaces and '!' only: cannot form any pattern by chance
        }
        b[b.length - 1] = '\n';
        return b;
    }

    /** A random string of letters and digits. */
    static String randomSecret(SecureRandom random, int length) {
        String alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return sb.toString();
    }

    private static String latin1(byte[] bytes) {
        return latin1(bytes, 0, bytes.length);
    }

    private static String latin1(byte[] bytes, int from, int length) {
        return new String(bytes, from, length, StandardCharsets.ISO_8859_1);
    }

    /**
     * Entry point.
     *
     * @param args the directories to scan
     */
    public static void main(String[] args) throws IOException {
        String secret = System.getenv(SECRET_VARIABLE);
        if (args.length == 0 || secret == null || secret.isEmpty()) {
            System.err.println("usage: " + SECRET_VARIABLE + "=... [" + PASSWORD_VARIABLE + "=...] [" + NEEDLES_VARIABLE
                    + "=FILE] java -cp e2e-tests/target/test-classes " + LeakScan.class.getName() + " DIR...");
            System.exit(2);
        }
        List<Path> roots = Stream.of(args).map(Paths::get).toList();
        List<String> missing = selfTest(roots.get(0));
        if (!missing.isEmpty()) {
            System.out.println("leak scan: BROKEN: the planted canary was not found as " + String.join(", ", missing));
            System.exit(1);
        }
        List<LeakScan> scans = new ArrayList<>();
        scans.add(new LeakScan("the passphrase", secret));
        String password = System.getenv(PASSWORD_VARIABLE);
        if (password != null && !password.isEmpty()) {
            scans.add(new LeakScan("the test password", password));
        }
        String needles = System.getenv(NEEDLES_VARIABLE);
        if (needles != null && Files.exists(Path.of(needles))) {
            int n = 0;
            int links = 0;
            for (String line : Files.readAllLines(Path.of(needles), StandardCharsets.UTF_8)) {
                if (line.startsWith(LINK_TOKEN)) {
                    scans.add(new LeakScan("a share link's token the tests made (#" + ++links + ")",
                            line.substring(LINK_TOKEN.length()).strip()).inUrls());
                } else if (!line.isBlank()) {
                    scans.add(new LeakScan("a secret the tests saw (#" + ++n + ")", line.strip()));
                }
            }
        }
        Result result = scan(scans, roots);
        result.findings().forEach(f -> System.out.println("leak scan: FOUND " + f));
        System.out.println("leak scan: " + scans.size() + " secrets, " + result.files() + " files, " + result.bytes()
                + " bytes, " + result.findings().size() + " findings");
        System.exit(result.findings().isEmpty() ? 0 : 1);
    }
}
