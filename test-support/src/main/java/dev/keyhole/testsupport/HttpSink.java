package dev.keyhole.testsupport;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A real HTTP receiver for tests: the JDK's own HTTP server on a free port of 127.0.0.1, recording every request it
 * gets (method, path, headers, body, when) and answering as the test says: a status for each request in turn
 * ({@link #answer(int...)}: 500 twice, then 200), then the default (200 unless {@link #answerAlways} said otherwise),
 * or never ({@link #neverAnswer()}: a receiver that accepts the connection and then hangs, as a dead webhook does,
 * until the sink closes). It stands in for a webhook receiver and for an ntfy server alike.
 */
public final class HttpSink implements AutoCloseable {

    /** The status {@link #answer} and {@link #answerAlways} take to mean "never answer". */
    public static final int NEVER = -1;

    /**
     * One request the sink received.
     *
     * @param method     e.g. {@code POST}
     * @param path       the path, e.g. {@code /hooks/keyhole}
     * @param query      the raw query, or empty
     * @param headers    each header's values, by its name in lower case
     * @param body       the body as bytes
     * @param receivedAt when the sink read it (the wall clock)
     */
    public record Request(String method, String path, String query, Map<String, List<String>> headers, byte[] body,
            Instant receivedAt) {

        /** Copies the headers, so the record stays immutable. */
        public Request {
            headers = Map.copyOf(headers);
            body = body.clone();
        }

        /** @return the header's first value, or null when the request has none */
        public String header(String name) {
            List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
            return values == null || values.isEmpty() ? null : values.get(0);
        }

        /** @return the body as UTF-8 text */
        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        /** @return everything the request carried as text: its path, query, headers and body, for leak checks */
        public String everything() {
            StringBuilder all = new StringBuilder(method).append(' ').append(path).append('?').append(query)
                    .append('\n');
            headers.forEach((name, values) -> all.append(name).append(": ").append(String.join(", ", values))
                    .append('\n'));
            return all.append('\n').append(text()).toString();
        }

        @Override
        public byte[] body() {
            return body.clone();
        }
    }

    private final HttpServer server;
    private final ExecutorService handlers;
    private final CountDownLatch closing = new CountDownLatch(1);
    private final List<Request> requests = new ArrayList<>();
    private final Deque<Integer> answers = new ArrayDeque<>();
    private int defaultAnswer = 200;

    private HttpSink(HttpServer server, ExecutorService handlers) {
        this.server = server;
        this.handlers = handlers;
    }

    /**
     * Starts a sink on a free port of 127.0.0.1 that answers 200 to everything.
     *
     * @return the running sink; close it
     */
    public static HttpSink start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
            // A thread per request: a request the sink never answers must not hold up the others.
            ExecutorService handlers = Executors.newCachedThreadPool(runnable -> {
                Thread thread = new Thread(runnable, "http-sink");
                thread.setDaemon(true);
                return thread;
            });
            HttpSink sink = new HttpSink(server, handlers);
            server.createContext("/", sink::handle);
            server.setExecutor(handlers);
            server.start();
            return sink;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start an HTTP sink on 127.0.0.1", e);
        }
    }

    /** @return the sink's URL for {@code path} (which starts with {@code /}) */
    public URI url(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    /** @return the port it listens on, on 127.0.0.1 */
    public int port() {
        return server.getAddress().getPort();
    }

    /**
     * @param statuses the statuses of the next requests, in turn (e.g. 500, 500, 200); {@link #NEVER}: never answer
     *                 that one. After them, the default answer
     * @return this sink
     */
    public synchronized HttpSink answer(int... statuses) {
        for (int status : statuses) {
            answers.add(status);
        }
        return this;
    }

    /**
     * @param status what every request gets once the statuses {@link #answer} gave are used up; {@link #NEVER}: no
     *               answer at all
     * @return this sink
     */
    public synchronized HttpSink answerAlways(int status) {
        defaultAnswer = status;
        return this;
    }

    /** @return this sink, which from now on never answers (a dead receiver: it reads the request, then hangs) */
    public HttpSink neverAnswer() {
        synchronized (this) {
            answers.clear();
        }
        return answerAlways(NEVER);
    }

    /** @return the requests received so far, in order */
    public synchronized List<Request> requests() {
        return List.copyOf(requests);
    }

    /**
     * Waits until the sink has received at least {@code count} requests.
     *
     * @param count   how many
     * @param timeout how long at most
     * @return the requests received by then (at least {@code count})
     * @throws AssertionError when they did not come in time, saying how many did
     */
    public synchronized List<Request> awaitRequests(int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (requests.size() < count) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("waited " + timeout.toMillis() + " ms for " + count + " request(s) at "
                        + url("/") + "; received " + requests.size() + ": " + requests.stream()
                        .map(r -> r.method() + " " + r.path()).toList());
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return List.copyOf(requests);
    }

    private void handle(HttpExchange exchange) throws IOException {
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readAllBytes();
        }
        Map<String, List<String>> headers = new LinkedHashMap<>();
        exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT),
                List.copyOf(values)));
        URI uri = exchange.getRequestURI();
        Request request = new Request(exchange.getRequestMethod(), uri.getRawPath(),
                uri.getRawQuery() == null ? "" : uri.getRawQuery(), headers, body, Instant.now());
        int status;
        synchronized (this) {
            requests.add(request);
            status = answers.isEmpty() ? defaultAnswer : answers.poll();
            notifyAll();
        }
        if (status == NEVER) {
            try {
                closing.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
            return;
        }
        byte[] answer = ("{\"status\":" + status + "}").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, answer.length);
        try (var out = exchange.getResponseBody()) {
            out.write(answer);
        }
    }

    /** Stops the sink: the requests it never answered end without an answer. */
    @Override
    public void close() {
        closing.countDown();
        server.stop(0);
        handlers.shutdownNow();
    }
}
