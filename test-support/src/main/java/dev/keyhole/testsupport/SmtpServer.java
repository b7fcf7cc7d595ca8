package dev.keyhole.testsupport;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A real SMTP server for tests: Debian's {@code python3-aiosmtpd}, run by Debian's own {@code /usr/bin/python3}
 * (the first {@code python3} on the PATH may be another, without Debian's modules) with a small script written to a
 * temporary directory, on a free port of 127.0.0.1. It offers STARTTLS with a self-signed certificate for
 * {@code localhost} and {@code 127.0.0.1} that it makes with {@code openssl} ({@link #sslContext()} trusts it and
 * nothing else), requires it before a message unless told otherwise, and requires a login when given one. Every
 * message it accepts is kept, envelope and raw message, for the test to read ({@link #awaitMessages}). Closing it
 * closes the script's standard input, which stops it.
 *
 * <p>Like {@link PostgresCluster}'s, its directory (the messages among it) is made under
 * {@value PostgresCluster#SCRATCH_VARIABLE} when that is set, and kept there for the leak scan of
 * {@code ./keyhole test}; otherwise under the system's temporary directory, deleted when the server stops.
 */
public final class SmtpServer implements AutoCloseable {

    /** What the server offers of STARTTLS. */
    public enum Tls {
        /** STARTTLS offered, and needed before a message is taken (the default). */
        REQUIRED("required"),
        /** STARTTLS offered; a message without it is taken too. */
        OFFERED("offered"),
        /** No STARTTLS at all: plain SMTP. */
        NONE("none");

        private final String word;

        Tls(String word) {
            this.word = word;
        }
    }

    /**
     * One message the server accepted.
     *
     * @param mailFrom   the envelope's sender ({@code MAIL FROM})
     * @param recipients the envelope's recipients ({@code RCPT TO}), in order
     * @param tls        whether the session was under STARTTLS when the message came
     * @param login      the name the client logged in with; empty when it did not
     * @param raw        the message as received: headers and body
     */
    public record Message(String mailFrom, List<String> recipients, boolean tls, String login, byte[] raw) {

        /** Copies the list and the bytes, so the record stays immutable. */
        public Message {
            recipients = List.copyOf(recipients);
            raw = raw.clone();
        }

        @Override
        public byte[] raw() {
            return raw.clone();
        }

        /** @return the raw message as text (UTF-8) */
        public String text() {
            return new String(raw, StandardCharsets.UTF_8);
        }

        /** @return the value of its first header called {@code name} (unfolded), or null */
        public String header(String name) {
            String[] lines = text().split("\r?\n", -1);
            for (int i = 0; i < lines.length && !lines[i].isEmpty(); i++) {
                int colon = lines[i].indexOf(':');
                if (colon > 0 && lines[i].substring(0, colon).equalsIgnoreCase(name)) {
                    StringBuilder value = new StringBuilder(lines[i].substring(colon + 1).strip());
                    while (i + 1 < lines.length && !lines[i + 1].isEmpty()
                            && Character.isWhitespace(lines[i + 1].charAt(0))) {
                        value.append(' ').append(lines[++i].strip());
                    }
                    return value.toString();
                }
            }
            return null;
        }
    }

    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

    private final Path dir;
    private final boolean keep;
    private final Process process;
    private final int port;
    private final Path certificate;
    private int received;
    private boolean ended;

    private SmtpServer(Path dir, Process process, int port, Path certificate, boolean keep) {
        this.dir = dir;
        this.keep = keep;
        this.process = process;
        this.port = port;
        this.certificate = certificate;
    }

    /** @return whether Debian's aiosmtpd and openssl are installed ({@code ./keyhole setup test} installs them) */
    public static boolean installed() {
        return Files.isExecutable(PYTHON) && Files.isDirectory(Path.of("/usr/lib/python3/dist-packages/aiosmtpd"))
                && Files.isExecutable(Path.of("/usr/bin/openssl"));
    }

    /** @return a server that requires STARTTLS and no login */
    public static SmtpServer start() {
        return start(Tls.REQUIRED, "", "");
    }

    /**
     * Starts a server; it listens when this returns.
     *
     * @param tls      what it offers of STARTTLS
     * @param login    the only name it accepts a login of, which it then requires (after STARTTLS); empty: no login
     * @param password that login's password (never written to a file or a command line: the script reads it from
     *                 its environment)
     * @return the running server; close it
     * @throws IllegalStateException when aiosmtpd is not installed or does not start, with what it said
     */
    public static SmtpServer start(Tls tls, String login, String password) {
        if (!installed()) {
            throw new IllegalStateException("Debian's python3-aiosmtpd (and openssl) are not installed: "
                    + "./keyhole setup test installs them");
        }
        Path dir;
        boolean keep;
        try {
            String scratch = System.getenv(PostgresCluster.SCRATCH_VARIABLE);
            keep = scratch != null && !scratch.isEmpty();
            dir = keep ? Files.createTempDirectory(Files.createDirectories(Path.of(scratch)), "smtp-server-")
                    : Files.createTempDirectory("smtp-server-");
            Files.createDirectories(dir.resolve("messages"));
            try (InputStream script = SmtpServer.class.getResourceAsStream("smtp-server.py")) {
                Files.write(dir.resolve("smtp-server.py"), script.readAllBytes());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make the SMTP server's directory", e);
        }
        Path certificate = dir.resolve("certificate.pem");
        Path key = dir.resolve("key.pem");
        run(dir, "/usr/bin/openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                "-nodes", "-days", "2", "-subj", "/CN=localhost", "-addext",
                "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", key.toString(), "-out",
                certificate.toString());
        ProcessBuilder builder = new ProcessBuilder(PYTHON.toString(), dir.resolve("smtp-server.py").toString(),
                "127.0.0.1", dir.resolve("messages").toString(), certificate.toString(), key.toString(), tls.word)
                .directory(dir.toFile())
                .redirectError(dir.resolve("smtp-server.log").toFile());
        Map<String, String> environment = builder.environment();
        environment.put("SMTP_FIXTURE_LOGIN", login);
        environment.put("SMTP_FIXTURE_PASSWORD", password);
        environment.put("PYTHONDONTWRITEBYTECODE", "1");
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + PYTHON, e);
        }
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        int port = awaitListening(process, out, dir);
        SmtpServer server = new SmtpServer(dir, process, port, certificate, keep);
        Thread reader = new Thread(() -> server.read(out), "smtp-server-output");
        reader.setDaemon(true);
        reader.start();
        return server;
    }

    private static int awaitListening(Process process, BufferedReader out, Path dir) {
        // The first line says where it listens; reading it on another thread lets the wait have a deadline.
        CompletableFuture<String> first = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try {
                first.complete(out.readLine());
            } catch (IOException e) {
                first.completeExceptionally(e);
            }
        }, "smtp-server-start");
        reader.setDaemon(true);
        reader.start();
        String line;
        try {
            line = first.get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception e) {
            process.destroyForcibly();
            throw new IllegalStateException("waited " + START_TIMEOUT.toSeconds() + " s for aiosmtpd to say "
                    + "'LISTENING PORT'; it said: " + log(dir), e);
        }
        if (line == null || !line.startsWith("LISTENING ")) {
            process.destroyForcibly();
            throw new IllegalStateException("aiosmtpd did not start: it printed " + line + "; its log: " + log(dir));
        }
        return Integer.parseInt(line.substring("LISTENING ".length()).strip());
    }

    private void read(BufferedReader out) {
        try {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                if (line.startsWith("MESSAGE ")) {
                    synchronized (this) {
                        received = Math.max(received, Integer.parseInt(line.substring("MESSAGE ".length()).strip()));
                        notifyAll();
                    }
                }
            }
        } catch (IOException e) {
            // The process ended: what it received is in its directory.
        } finally {
            synchronized (this) {
                ended = true;
                notifyAll();
            }
        }
    }

    /** @return the port it listens on, on 127.0.0.1 */
    public int port() {
        return port;
    }

    /** @return the PEM file of its self-signed certificate */
    public Path certificate() {
        return certificate;
    }

    /** @return a TLS context that trusts this server's certificate alone, for the client under test */
    public SSLContext sslContext() {
        try (InputStream in = Files.newInputStream(certificate)) {
            Certificate cert = CertificateFactory.getInstance("X.509").generateCertificate(in);
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            trust.setCertificateEntry("smtp-server", cert);
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot trust the SMTP server's certificate " + certificate, e);
        }
    }

    /** @return the messages received so far, in order */
    public synchronized List<Message> messages() {
        List<Message> messages = new ArrayList<>();
        for (int n = 1; n <= received; n++) {
            messages.add(message(n));
        }
        return messages;
    }

    /**
     * Waits until the server has accepted at least {@code count} messages.
     *
     * @param count   how many
     * @param timeout how long at most
     * @return the messages accepted by then (at least {@code count}), in order
     * @throws AssertionError when they did not come in time, saying how many did and what the server logged
     */
    public synchronized List<Message> awaitMessages(int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (received < count) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || ended) {
                throw new AssertionError((ended ? "the SMTP server ended" : "waited " + timeout.toMillis() + " ms")
                        + " for " + count + " message(s) on port " + port + "; it accepted " + received
                        + "; its log: " + log(dir));
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return messages();
    }

    /** @return what the server logged (its standard error), for a failure's message */
    public String log() {
        return log(dir);
    }

    private Message message(int n) {
        Path messages = dir.resolve("messages");
        try {
            String from = "";
            String login = "";
            boolean tls = false;
            List<String> to = new ArrayList<>();
            for (String line : Files.readAllLines(messages.resolve(n + ".envelope"), StandardCharsets.UTF_8)) {
                int space = line.indexOf(' ');
                String word = space < 0 ? line : line.substring(0, space);
                String value = space < 0 ? "" : line.substring(space + 1);
                switch (word) {
                    case "from" -> from = value;
                    case "to" -> to.add(value);
                    case "tls" -> tls = Boolean.parseBoolean(value);
                    case "login" -> login = value;
                    default -> { }
                }
            }
            return new Message(from, to, tls, login, Files.readAllBytes(messages.resolve(n + ".eml")));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read message " + n + " in " + messages, e);
        }
    }

    /**
     * Stops the server (closing its standard input; killing it if it does not end) and deletes its directory, unless
     * it is kept for the leak scan.
     */
    @Override
    public void close() {
        try {
            process.getOutputStream().close();
            if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            }
        } catch (IOException e) {
            process.destroyForcibly();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        if (!keep) {
            delete(dir);
        }
    }

    private static String log(Path dir) {
        try {
            Path log = dir.resolve("smtp-server.log");
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "(no log)";
        } catch (IOException e) {
            return "(cannot read its log: " + e + ")";
        }
    }

    private static void run(Path dir, String... command) {
        try {
            Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command[0], e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command[0], e);
        }
    }

    private static void delete(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the SMTP server's directory " + dir, e);
        }
    }
}
