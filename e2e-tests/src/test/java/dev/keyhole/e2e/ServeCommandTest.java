package dev.keyhole.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keyhole.e2e.fixtures.E2ePaths;
import dev.keyhole.e2e.fixtures.EvidenceExtension;
import dev.keyhole.testsupport.FreePorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code ./keyhole serve} installs nothing: it checks for Java 17 or later and a built server (or Maven and a JDK
 * to build it), says what is missing and how to get it, and warns when nothing answers at guacd's address.
 *
 * <p>Each test runs a copy of the checkout's {@code keyhole} script in a directory of its own (so whether this
 * checkout's server is built does not matter), with a PATH of this machine's commands from which {@code java},
 * {@code javac} and {@code mvn} are left out and the package tools ({@code apt-get}, {@code apt}, {@code dpkg},
 * {@code dpkg-query}, {@code sudo}) are stubs that record every call, as is the copy's
 * {@code guacd-config/install-guacd.sh}: a test that ends with no call recorded proves that nothing was installed.
 */
@ExtendWith(EvidenceExtension.class)
class ServeCommandTest {

    /** Left out of the PATH: what serve looks for. */
    private static final Set<String> LEFT_OUT = Set.of("java", "javac", "mvn");
    /** Stubs on the PATH that record their calls: what installs packages. */
    private static final Set<String> PACKAGE_TOOLS = Set.of("apt-get", "apt", "dpkg", "dpkg-query", "sudo");
    private static final List<String> SYSTEM_PATH =
            List.of("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin");
    private static final long TIMEOUT_SECONDS = 60;

    private static Path commands;

    private Path checkout;
    private Path calls;

    /** The exit status and both outputs of a run of the script. */
    private record Run(int status, String stdout, String stderr) {
    }

    @BeforeAll
    static void pathWithoutJava() throws IOException {
        commands = E2ePaths.fixtureDir(ServeCommandTest.class, "path");
        for (String dir : SYSTEM_PATH) {
            Path directory = Path.of(dir);
            if (!Files.isDirectory(directory)) {
                continue;
            }
            try (Stream<Path> entries = Files.list(directory)) {
                for (Path command : entries.toList()) {
                    String name = command.getFileName().toString();
                    Path link = commands.resolve(name);
                    if (!LEFT_OUT.contains(name) && !PACKAGE_TOOLS.contains(name) && Files.notExists(link)
                            && Files.isExecutable(command)) {
                        Files.createSymbolicLink(link, command);
                    }
                }
            }
        }
    }

    @BeforeEach
    void checkoutCopy(TestInfo test) throws IOException {
        Path dir = E2ePaths.fixtureDir(ServeCommandTest.class, test.getTestMethod().orElseThrow().getName());
        checkout = Files.createDirectories(dir.resolve("checkout"));
        calls = dir.resolve("calls.log");
        Files.copy(E2ePaths.repoRoot().resolve("keyhole"), checkout.resolve("keyhole"),
                StandardCopyOption.COPY_ATTRIBUTES);
        Path bin = Files.createDirectories(dir.resolve("stubs"));
        for (String tool : PACKAGE_TOOLS) {
            recorder(bin.resolve(tool));
        }
        recorder(Files.createDirectories(checkout.resolve("guacd-config")).resolve("install-guacd.sh"));
    }

    @Test
    void withoutJavaOrABuiltServerItSaysWhatIsMissingAndInstallsNothing() throws Exception {
        Run run = serve(config(FreePorts.reserve()), null, Map.of());

        assertEquals(1, run.status(), run::toString);
        assertTrue(run.stderr().contains("Java 17 or later is not installed (there is no java on the PATH)"),
                run::stderr);
        assertTrue(run.stderr().contains("the server is not built (there is no server/target/keyhole-server.jar), "
                + "and building it needs Maven (mvn) and a JDK (javac), not on the PATH"), run::stderr);
        assertTrue(run.stderr().contains("On Debian: apt-get install maven openjdk-17-jdk-headless; or ./keyhole setup"),
                run::stderr);
        assertNothingInstalled();
    }

    @Test
    void anOlderJavaIsNamedWithTheJavaTheServerNeeds() throws Exception {
        built();
        Run run = serve(config(FreePorts.reserve()), "11.0.22", Map.of());

        assertEquals(1, run.status(), run::toString);
        assertTrue(run.stderr().contains("/java is Java 11; the server needs Java 17 or later first on the PATH"),
                run::stderr);
        assertTrue(run.stderr().contains("On Debian: apt-get install openjdk-17-jre-headless;"), run::stderr);
        assertFalse(run.stderr().contains("building it needs"), "a built server needs no build: " + run.stderr());
        assertNothingInstalled();
    }

    @Test
    void withJava17AndABuiltServerItRunsTheServerAndWarnsThatGuacdDoesNotAnswer() throws Exception {
        built();
        int closed = FreePorts.reserve();
        Path config = config(closed);
        Run run = serve(config, "17.0.15", Map.of());

        assertEquals(0, run.status(), run::toString);
        assertTrue(run.stderr().contains("warning: guacd does not answer at 127.0.0.1:" + closed + " "),
                run::stderr);
        assertFalse(run.stderr().contains("cannot serve"), run::stderr);
        List<String> args = Files.readAllLines(javaArgs());
        assertEquals("-XX:+ExitOnOutOfMemoryError", args.get(0), args::toString);
        assertEquals(List.of("dev.keyhole.server.Main", "--config", config.toRealPath().toString()),
                args.subList(args.size() - 3, args.size()));
        assertNothingInstalled();
    }

    @Test
    void noWarningWhenGuacdAnswersWhereTheEnvironmentSaysItIs() throws Exception {
        built();
        try (ServerSocket guacd = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Run run = serve(config(FreePorts.reserve()), "17.0.15",
                    Map.of("KEYHOLE_GUACD_PORT", Integer.toString(guacd.getLocalPort())));

            assertEquals(0, run.status(), run::toString);
            assertFalse(run.stderr().contains("warning"), run::stderr);
            assertTrue(Files.exists(javaArgs()), "the server was started");
        }
        assertNothingInstalled();
    }

    /** A configuration file with guacd at 127.0.0.1:{@code guacdPort}. */
    private Path config(int guacdPort) throws IOException {
        return Files.writeString(checkout.resolve("keyhole.yaml"), """
                http:
                  bind: 127.0.0.1
                  port: 0
                guacd:                 # where guacd listens
                  host: "127.0.0.1"
                  port: %d
                targets: []
                """.formatted(guacdPort));
    }

    /** Makes the copy's server look built: a jar newer than every source (the copy has none). */
    private void built() throws IOException {
        Files.createFile(Files.createDirectories(checkout.resolve("server/target")).resolve("keyhole-server.jar"));
    }

    private Path javaArgs() {
        return checkout.resolve("java.args");
    }

    /**
     * Runs {@code keyhole serve --config CONFIG} from the copy.
     *
     * @param javaVersion {@code null}: no java on the PATH; else a java stub that says it is this version and
     *                    records the arguments it is started with in {@link #javaArgs()}
     */
    private Run serve(Path config, String javaVersion, Map<String, String> environment) throws Exception {
        Path dir = checkout.getParent();
        String path = dir.resolve("stubs") + ":" + commands;
        if (javaVersion != null) {
            Path java = Files.createDirectories(dir.resolve("java")).resolve("java");
            executable(java, """
                    #!/bin/sh
                    # A java that says it is %s and records the arguments the server would get.
                    if [ "$1" = -version ]; then
                        echo 'openjdk version "%s" 2025-04-15' >&2
                        exit 0
                    fi
                    printf '%%s\\n' "$@" >'%s'
                    """.formatted(javaVersion, javaVersion, javaArgs()));
            path = java.getParent() + ":" + path;
        }
        List<String> command = new ArrayList<>(List.of(checkout.resolve("keyhole").toString(), "serve", "--config",
                config.toString()));
        ProcessBuilder builder = new ProcessBuilder(command).directory(checkout.toFile())
                .redirectOutput(dir.resolve("stdout.log").toFile()).redirectError(dir.resolve("stderr.log").toFile());
        builder.environment().clear();
        builder.environment().putAll(Map.of("PATH", path, "LANG", "C.UTF-8", "HOME", dir.toString()));
        builder.environment().putAll(environment);
        Process process = builder.start();
        if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("./keyhole serve did not finish within " + TIMEOUT_SECONDS + " s");
        }
        return new Run(process.exitValue(), Files.readString(dir.resolve("stdout.log")),
                Files.readString(dir.resolve("stderr.log")));
    }

    private void assertNothingInstalled() throws IOException {
        assertFalse(Files.exists(calls), () -> "serve ran what installs packages: " + read(calls));
    }

    /** Writes a stub that appends its name and arguments to {@link #calls} and fails. */
    private void recorder(Path stub) throws IOException {
        executable(stub, """
                #!/bin/sh
                # Records that serve ran it, and fails.
                echo "$0 $*" >>'%s'
                exit 1
                """.formatted(calls));
    }

    private static void executable(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
