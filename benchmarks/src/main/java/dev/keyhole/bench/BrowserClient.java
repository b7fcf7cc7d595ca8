package dev.keyhole.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The browser-like client: {@code browser-client.js} on Node.js, which takes each message as a browser's
 * guacamole-common-js does (decodes it to a string, parses its instructions, answers each {@code sync}, pings the
 * tunnel) and offers what a browser's handshake offers. The benchmark starts the gateways as for its Java client
 * and hands this client the sessions' WebSocket URLs (and the cookie); it answers with JSON. One process for the
 * whole run.
 */
final class BrowserClient implements AutoCloseable {

    private static final Duration WAIT = Duration.ofMinutes(5);

    private final Process node;
    private final OutputStream commands;
    private final BlockingQueue<String> answers = new LinkedBlockingQueue<>();
    private final ObjectMapper json = new ObjectMapper();

    /** One session's stream as the client saw it; times from Node's monotonic clock, in nanoseconds. */
    record SessionFigures(long bytes, long messages, long ttfbNs, long firstByteNs, long endNs) {
    }

    /**
     * What a {@link #stream} command measured.
     *
     * @param keysNs     the key session's round trips while the others streamed (none without a key session)
     * @param extensions the WebSocket extensions the handshake agreed on ("": none)
     */
    record Streamed(List<SessionFigures> sessions, List<Long> keysNs, String extensions) {
    }

    private BrowserClient(Process node) {
        this.node = node;
        this.commands = node.getOutputStream();
        Thread reader = new Thread(this::readAnswers, "browser-client-answers");
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts the client, with {@code packages}' {@code ws}; its own messages go to {@code work/browser-client.log}. */
    static BrowserClient start(NodePackages packages, Path work) throws IOException {
        Path script = Scripts.copy("browser-client.js", work);
        ProcessBuilder builder = new ProcessBuilder("node", script.toString())
                .redirectError(ProcessBuilder.Redirect.appendTo(work.resolve("browser-client.log").toFile()));
        builder.environment().put("NODE_PATH", packages.modules().toString());
        return new BrowserClient(builder.start());
    }

    private void readAnswers() {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(node.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                answers.add(line);
            }
        } catch (IOException e) {
            // The client went away: call() says so.
        }
    }

    /**
     * Opens {@code keySession} (if not null) and waits for its empty stream, then opens every one of {@code urls}
     * at once and presses keys on the key session until all their streams ended.
     *
     * @param cookie the {@code Cookie} header of every handshake (null: none)
     */
    Streamed stream(List<URI> urls, URI keySession, String cookie) throws IOException, InterruptedException {
        Map<String, Object> command = new LinkedHashMap<>();
        command.put("stream", urls.stream().map(URI::toString).toList());
        command.put("keys", keySession == null ? null : keySession.toString());
        command.put("cookie", cookie);
        JsonNode answer = call(command, "streams of " + urls.size() + " session(s) to end");
        List<SessionFigures> sessions = new ArrayList<>();
        for (JsonNode session : answer.get("sessions")) {
            sessions.add(new SessionFigures(session.get("bytes").asLong(), session.get("messages").asLong(),
                    session.get("ttfbNs").asLong(), session.get("firstByteNs").asLong(),
                    session.get("endNs").asLong()));
        }
        return new Streamed(sessions, longs(answer.get("keysNs")), answer.get("extensions").asText());
    }

    /**
     * Key round trips after a stream.
     *
     * @param firstKeyNs the first key's, which waits for the gateway to pass on the stream's {@code sync} answers
     * @param keysNs     those of the keys after it
     */
    record Keys(long firstKeyNs, List<Long> keysNs) {
    }

    /**
     * Presses a key and then {@code count} keys on the first session of the last {@link #stream}, one after the
     * other.
     */
    Keys press(int count) throws IOException, InterruptedException {
        JsonNode answer = call(Map.of("press", count), count + " key echoes");
        return new Keys(answer.get("firstKeyNs").asLong(), longs(answer.get("keysNs")));
    }

    /** Closes the sessions of the last {@link #stream}. */
    void closeSessions() throws IOException, InterruptedException {
        call(Map.of("close", true), "its sessions to close");
    }

    private JsonNode call(Map<String, Object> command, String what) throws IOException, InterruptedException {
        commands.write((json.writeValueAsString(command) + "\n").getBytes(StandardCharsets.UTF_8));
        commands.flush();
        String line = answers.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        if (line == null) {
            throw new IOException("the browser-like client did not answer within " + WAIT.toMinutes()
                    + " min waiting for " + what + (node.isAlive() ? "" : "; it exited"));
        }
        JsonNode answer = json.readTree(line);
        if (answer.has("error")) {
            throw new IOException("the browser-like client failed waiting for " + what + ": "
                    + answer.get("error").asText());
        }
        return answer;
    }

    private static List<Long> longs(JsonNode array) {
        List<Long> values = new ArrayList<>();
        array.forEach(value -> values.add(value.asLong()));
        return values;
    }

    @Override
    public void close() throws IOException, InterruptedException {
        commands.close();
        if (!node.waitFor(5, TimeUnit.SECONDS)) {
            node.destroyForcibly();
        }
    }
}
