package dev.keyhole.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * A process the benchmark started: its standard output is copied to a log file line by line, and a caller can
 * wait for the first line that matches (the process saying it is ready), with the time it arrived.
 */
final class Child implements AutoCloseable {

    private final String name;
    private final Process process;
    private final Path log;
    private final long startedNanos;
    private final CompletableFuture<Line> ready = new CompletableFuture<>();
    private final Predicate<String> readyLine;

    /** A line of output and when it was read ({@link System#nanoTime}). */
    record Line(String text, long nanos) {
    }

    private Child(String name, Process process, Path log, long startedNanos, Predicate<String> readyLine) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.startedNanos = startedNanos;
        this.readyLine = readyLine;
    }

    /**
     * Starts {@code command}; stdout and stderr go to {@code log}.
     *
     * @param stdin     written to the process's standard input, then closed ({@code null}: closed at once)
     * @param readyLine which output line means the process is ready
     */
    static Child start(String name, List<String> command, Path directory, Path log, String stdin,
            Predicate<String> readyLine) throws IOException {
        Files.createDirectories(log.getParent());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        if (directory != null) {
            builder.directory(directory.toFile());
        }
        long started = System.nanoTime();
        Process process = builder.start();
        Child child = new Child(name, process, log, started, readyLine);
        try (OutputStream in = process.getOutputStream()) {
            if (stdin != null) {
                in.write((stdin + "\n").getBytes(StandardCharsets.UTF_8));
            }
        }
        Thread copier = new Thread(child::copyOutput, name + "-output");
        copier.setDaemon(true);
        copier.start();
        return child;
    }

    private void copyOutput() {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8)); var out = Files.newBufferedWriter(log)) {
            String line;
            while ((line = lines.readLine()) != null) {
                long now = System.nanoTime();
                out.write(line);
                out.newLine();
                out.flush();
                if (!ready.isDone() && readyLine.test(line)) {
                    ready.complete(new Line(line, now));
                }
            }
        } catch (IOException e) {
            // The process went away; awaitReady reports it.
        }
        ready.completeExceptionally(new IOException(name + " exited (status "
                + process.onExit().join().exitValue() + ") before it was ready; see " + log));
    }

    /** Waits for the ready line. */
    Line awaitReady(Duration timeout) throws IOException, InterruptedException {
        try {
            return ready.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IOException(e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IOException(name + " was not ready after " + timeout.toSeconds() + " s; see " + log);
        }
    }

    /** @return nanoseconds from starting the process to its ready line (once {@link #awaitReady} returned) */
    long readyNanos() {
        return ready.join().nanos() - startedNanos;
    }

    /** @return whether the ready line has come */
    boolean isReady() {
        return ready.isDone() && !ready.isCompletedExceptionally();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    String name() {
        return name;
    }

    /** @return when the process was started ({@link System#nanoTime}) */
    long startedNanos() {
        return startedNanos;
    }

    long pid() {
        return process.pid();
    }

    Path log() {
        return log;
    }

    /** Stops the process (SIGTERM, then SIGKILL after 5 s) and whatever it started. */
    @Override
    public void close() {
        List<ProcessHandle> descendants = process.descendants().toList();
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        descendants.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }
}
