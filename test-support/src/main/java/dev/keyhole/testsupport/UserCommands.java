package dev.keyhole.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code keyhole-server user …} against a configuration file as an operator does, in a JVM of its own with
 * this JVM's class path: how the tests and the benchmark add users and make one-time sign-in links for a Keyhole
 * that runs as its own process. What goes to the command's standard input (a password) is never an argument.
 */
public final class UserCommands {

    private UserCommands() {
    }

    /**
     * @param config the configuration file
     * @param input  what the command reads on standard input (a password and a line break); may be empty
     * @param args   what follows {@code user}: {@code add NAME --role admin --password-stdin}, {@code link NAME}
     * @return what the command printed on standard output (a link, a list)
     * @throws IOException when it could not run, or failed (with what it printed on standard error)
     */
    public static String run(Path config, String input, String... args) throws IOException {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-cp", classpath, "dev.keyhole.server.Main", "user"));
        command.addAll(List.of(args));
        command.addAll(List.of("--config", config.toString()));
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.PIPE).start();
        process.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String errors = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException("keyhole-server user " + args[0] + " did not end within 60 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted waiting for keyhole-server user " + args[0], e);
        }
        if (process.exitValue() != 0) {
            throw new IOException("keyhole-server user " + args[0] + " failed (" + process.exitValue() + "): "
                    + errors + output);
        }
        return output;
    }
}
