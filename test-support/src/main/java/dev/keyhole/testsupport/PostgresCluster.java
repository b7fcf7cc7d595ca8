package dev.keyhole.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server for tests, from Debian's {@code postgresql} package: a cluster of its own made with
 * {@code initdb} in a temporary directory, listening on a free port of 127.0.0.1 (and a Unix socket in that
 * directory), where the superuser {@value #USER} signs in without a password. Closing it stops the server with
 * {@code pg_ctl -m fast stop}. Debian's own cluster is never used and need not run.
 *
 * <p>PostgreSQL refuses to run as root, so as root the cluster belongs to the {@code postgres} user and every
 * command runs as that user ({@code runuser -u postgres}); as anyone else, it is that user's. Nothing of it lies
 * in the checkout, which the {@code postgres} user may not be allowed to enter: its directory is made under
 * {@value #SCRATCH_VARIABLE} when that is set ({@code ./keyhole test} sets it to a directory it scans for leaked
 * secrets after the run, and removes) and is then kept after the server stops, so the scan reads every file the
 * server wrote; otherwise it is made under the system's temporary directory and deleted when the server stops.
 *
 * <p>The server runs without {@code fsync}: what it holds is thrown away after the tests.
 */
public final class PostgresCluster implements AutoCloseable {

    /** The environment variable naming where clusters are made and kept for the leak scan. */
    public static final String SCRATCH_VARIABLE = "KEYHOLE_TEST_SCRATCH";
    /** The superuser, who signs in without a password (trust authentication). */
    public static final String USER = "keyhole";

    private static final Path DEBIAN_VERSIONS = Path.of("/usr/lib/postgresql");
    private static final String SYSTEM_USER = "postgres";
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(90);
    /** How many free ports are tried, should another program take one between its choice and the server's start. */
    private static final int START_ATTEMPTS = 3;
    private static final Pattern DATABASE_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    private final Path dir;
    private final Path bin;
    private final boolean asRoot;
    private final boolean keep;
    private final int port;
    private final Thread stopAtExit;
    private boolean running = true;

    private PostgresCluster(Path dir, Path bin, boolean asRoot, boolean keep, int port) {
        this.dir = dir;
        this.bin = bin;
        this.asRoot = asRoot;
        this.keep = keep;
        this.port = port;
        this.stopAtExit = new Thread(this::stop, "postgres-cluster-stop");
        Runtime.getRuntime().addShutdownHook(stopAtExit);
    }

    /** @return whether Debian's PostgreSQL server is installed (an {@code initdb} under {@code /usr/lib/postgresql}) */
    public static boolean installed() {
        return binaries().isPresent();
    }

    /**
     * Makes a cluster and starts its server; it is ready for connections when this returns.
     *
     * @return the running server; close it
     * @throws IllegalStateException when PostgreSQL is not installed, or the server does not start (with the end of
     *                               its log)
     */
    public static PostgresCluster start() {
        Path bin = binaries().orElseThrow(() -> new IllegalStateException("PostgreSQL is not installed (there is no "
                + DEBIAN_VERSIONS + "/*/bin/initdb): ./keyhole setup test installs Debian's postgresql package"));
        boolean asRoot = "0".equals(run(List.of("id", "-u"), Path.of("/"), null).strip());
        String scratch = System.getenv(SCRATCH_VARIABLE);
        boolean keep = scratch != null && !scratch.isEmpty();
        Path dir;
        try {
            Path parent = keep ? Files.createDirectories(Path.of(scratch))
                    : Path.of(System.getProperty("java.io.tmpdir"));
            dir = Files.createTempDirectory(parent, "postgres-");
            if (asRoot) {
                giveToPostgres(dir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make a directory for a PostgreSQL cluster", e);
        }
        try {
            command(bin, asRoot, dir, "initdb", "-D", dir.resolve("data").toString(), "-A", "trust", "-U", USER,
                    "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions");
            IllegalStateException failure = null;
            for (int attempt = 0; attempt < START_ATTEMPTS; attempt++) {
                int port = FreePorts.reserve();
                try {
                    command(bin, asRoot, dir, "pg_ctl", "-D", dir.resolve("data").toString(), "-l",
                            log(dir).toString(), "-w", "-t", Long.toString(COMMAND_TIMEOUT.toSeconds()), "-o",
                            "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=off"
                                    + " -c synchronous_commit=off -c full_page_writes=off", "start");
                    return new PostgresCluster(dir, bin, asRoot, keep, port);
                } catch (IllegalStateException e) {
                    failure = e;
                    if (!tail(log(dir), 20).contains("could not bind")) {
                        break;
                    }
                }
            }
            throw failure;
        } catch (RuntimeException e) {
            if (!keep) {
                delete(dir);
            }
            throw e;
        }
    }

    /**
     * @param database a database of this server
     * @return its JDBC URL
     */
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    /**
     * Creates an empty database.
     *
     * @param name lower-case letters, digits and {@code _}, not starting with a digit
     * @return its JDBC URL
     */
    public String createDatabase(String name) {
        if (!DATABASE_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("not a plain database name: " + name);
        }
        try (Connection connection = DriverManager.getConnection(jdbcUrl("postgres"), USER, "");
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create the database " + name + " on " + jdbcUrl("postgres")
                    + ": " + e.getMessage(), e);
        }
        return jdbcUrl(name);
    }

    /** @return the port it listens on, on 127.0.0.1 */
    public int port() {
        return port;
    }

    /** @return its directory: the data directory {@code data}, the socket and the server's log */
    public Path dir() {
        return dir;
    }

    /** @return the server's log */
    public Path log() {
        return log(dir);
    }

    /** Stops the server ({@code pg_ctl -m fast stop}); deletes its directory unless it is kept for the leak scan. */
    @Override
    public void close() {
        stop();
        try {
            Runtime.getRuntime().removeShutdownHook(stopAtExit);
        } catch (IllegalStateException e) {
            // The JVM is exiting: the hook is running or has run.
        }
    }

    private synchronized void stop() {
        if (!running) {
            return;
        }
        running = false;
        try {
            command(bin, asRoot, dir, "pg_ctl", "-D", dir.resolve("data").toString(), "-m", "fast", "-w", "-t",
                    Long.toString(COMMAND_TIMEOUT.toSeconds()), "stop");
        } finally {
            if (!keep) {
                delete(dir);
            }
        }
    }

    /** The newest {@code /usr/lib/postgresql/VERSION/bin} that has {@code initdb}. */
    private static Optional<Path> binaries() {
        if (!Files.isDirectory(DEBIAN_VERSIONS)) {
            return Optional.empty();
        }
        try (Stream<Path> versions = Files.list(DEBIAN_VERSIONS)) {
            return versions.filter(v -> v.getFileName().toString().matches("\\d+"))
                    .max(Comparator.comparingInt(v -> Integer.parseInt(v.getFileName().toString())))
                    .map(v -> v.resolve("bin"))
                    .filter(b -> Files.isExecutable(b.resolve("initdb")) && Files.isExecutable(b.resolve("pg_ctl")));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + DEBIAN_VERSIONS, e);
        }
    }

    private static void giveToPostgres(Path dir) throws IOException {
        UserPrincipalLookupService users = dir.getFileSystem().getUserPrincipalLookupService();
        UserPrincipal user = users.lookupPrincipalByName(SYSTEM_USER);
        GroupPrincipal group = users.lookupPrincipalByGroupName(SYSTEM_USER);
        PosixFileAttributeView view = Files.getFileAttributeView(dir, PosixFileAttributeView.class);
        view.setOwner(user);
        view.setGroup(group);
    }

    /** Runs one of PostgreSQL's programs, as the {@code postgres} user when this is root, in the cluster's directory. */
    private static void command(Path bin, boolean asRoot, Path dir, String program, String... arguments) {
        List<String> command = new ArrayList<>();
        if (asRoot) {
            command.addAll(List.of("runuser", "-u", SYSTEM_USER, "--"));
        }
        command.add(bin.resolve(program).toString());
        command.addAll(List.of(arguments));
        run(command, dir, dir.resolve(program + ".log"));
    }

    /**
     * Runs a command to its end, at most {@link #COMMAND_TIMEOUT}.
     *
     * @param output where its output goes (appended); null: returned
     * @return its output when {@code output} is null, else empty
     * @throws IllegalStateException when it fails or times out, with the end of its output and the server's log
     */
    private static String run(List<String> command, Path workDir, Path output) {
        try {
            ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            if (output != null) {
                builder.redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()));
            }
            Process process = builder.start();
            String text = output == null ? new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
                    : "";
            if (!process.waitFor(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("waited " + COMMAND_TIMEOUT.toSeconds() + " s for "
                        + String.join(" ", command) + " to finish; saw: " + seen(output, workDir));
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " exited with status "
                        + process.exitValue() + "; saw: " + (output == null ? text : seen(output, workDir)));
            }
            return text;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + String.join(" ", command), e);
        }
    }

    private static String seen(Path output, Path dir) {
        return "\n" + tail(output, 20) + "\nthe server's log ends with:\n" + tail(log(dir), 20);
    }

    private static Path log(Path dir) {
        return dir.resolve("postgresql.log");
    }

    private static String tail(Path file, int lines) {
        try {
            if (!Files.exists(file)) {
                return "(no " + file.getFileName() + ")";
            }
            List<String> all = Files.readAllLines(file, StandardCharsets.ISO_8859_1);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e + ")";
        }
    }

    private static void delete(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the PostgreSQL cluster's directory " + dir, e);
        }
    }
}
