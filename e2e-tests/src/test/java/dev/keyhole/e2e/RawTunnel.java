package dev.keyhole.e2e;

import dev.keyhole.e2e.fixtures.RunningKeyhole;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import dev.keyhole.e2e.fixtures.Waits;

/**
 * A bare Guacamole WebSocket client (java.net.http, subprotocol {@code guacamole}) that sends exactly the
 * frames a test gives it. It parses what the server sends into instructions, answers {@code sync} like a
 * browser does (so guacd keeps streaming) and records how the socket was closed.
 */
final class RawTunnel implements WebSocket.Listener, AutoCloseable {

    /** How the server closed the WebSocket. */
    record Close(int code, String reason) {
    }

    private final StringBuilder pending = new StringBuilder();
    /** The last {@link #KEPT} instructions received: a test that floods a console must not fill this JVM's heap. */
    private final java.util.ArrayDeque<List<String>> instructions = new java.util.ArrayDeque<>();
    private static final int KEPT = 10_000;
    private int received;
    private int syncs;
    private volatile Duration syncDelay = Duration.ZERO;
    /** Sends late answers; a daemon thread, so a tunnel left open keeps no JVM alive. */
    private final java.util.concurrent.ScheduledExecutorService late =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread thread = new Thread(r, "raw-tunnel-late-syncs");
                thread.setDaemon(true);
                return thread;
            });
    /** Every instruction of the tunnel's own (empty opcode: its id, ping answers) received, however many others came. */
    private final List<List<String>> internal = new ArrayList<>();
    private final CompletableFuture<Close> closed = new CompletableFuture<>();
    private final Object sendLock = new Object();
    private WebSocket socket;

    private RawTunnel() {
    }

    /** Opens a tunnel ({@link RunningKeyhole#tunnel}: ws://127.0.0.1:PORT/tunnel?target=locked, as the test user). */
    static RawTunnel open(RunningKeyhole.Tunnel to) throws Exception {
        return open(to, "guacamole");
    }

    /** Opens a tunnel asking for these subprotocols (none: asks for none). */
    static RawTunnel open(RunningKeyhole.Tunnel to, String... subprotocols) throws Exception {
        RawTunnel tunnel = new RawTunnel();
        WebSocket.Builder builder = HttpClient.newHttpClient().newWebSocketBuilder()
                .connectTimeout(Duration.ofSeconds(10));
        if (to.as() != null) {
            to.as().headers().forEach(builder::header);
        }
        URI uri = to.uri();
        if (subprotocols.length > 0) {
            builder.subprotocols(subprotocols[0], java.util.Arrays.copyOfRange(subprotocols, 1, subprotocols.length));
        }
        tunnel.socket = builder.buildAsync(uri, tunnel).get(15, TimeUnit.SECONDS);
        return tunnel;
    }

    /**
     * Waits until a new tunnel to {@code uri} shows the console (receives its picture), opening one after another.
     * guacd 1.3 can lose a console whose first viewer joins while it connects to the RDP server; the page would
     * reconnect, a test that opens two tunnels at once would see its console end. A test calls this first, and its
     * console's connection is up and lingering when its own tunnels join.
     */
    static void awaitConsole(RunningKeyhole.Tunnel uri) {
        openUntilItReceives(uri, 2, Duration.ofSeconds(60)).close();
    }

    /**
     * Opens tunnels to {@code uri}, one after another, until one receives more than {@code instructions}
     * instructions without being closed (a refused or failing tunnel closes at once).
     *
     * @return that tunnel, open
     */
    static RawTunnel openUntilItReceives(RunningKeyhole.Tunnel uri, int instructions, Duration timeout) {
        RawTunnel[] opened = new RawTunnel[1];
        Waits.until("a tunnel to receive more than " + instructions + " instructions", timeout,
                () -> "each new tunnel closed", () -> {
                    RawTunnel tunnel;
                    try {
                        tunnel = open(uri);
                    } catch (Exception e) {
                        throw new IllegalStateException("could not open a tunnel to " + uri.uri(), e);
                    }
                    Waits.until("the tunnel to receive or close", Duration.ofSeconds(15),
                            () -> tunnel.received() + " instructions",
                            () -> tunnel.received() > instructions || tunnel.closeStatus() != null);
                    if (tunnel.closeStatus() != null) {
                        tunnel.close();
                        return false;
                    }
                    opened[0] = tunnel;
                    return true;
                });
        return opened[0];
    }

    /**
     * Sends one binary message. Keyhole answers one by closing the tunnel, and its close may arrive before the
     * client has reported the message sent (the client's output is closed then): a send that fails because the
     * tunnel closed is no failure; whoever called this looks at why it closed.
     */
    void sendBinary(byte[] bytes) throws Exception {
        synchronized (sendLock) {
            try {
                socket.sendBinary(java.nio.ByteBuffer.wrap(bytes), true).get(10, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                try {
                    closed.get(10, TimeUnit.SECONDS);
                } catch (java.util.concurrent.TimeoutException stillOpen) {
                    throw e;
                }
            }
        }
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        webSocket.request(Long.MAX_VALUE);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        List<List<String>> complete = new ArrayList<>();
        synchronized (this) {
            pending.append(data);
            List<String> instruction;
            while ((instruction = parseOne()) != null) {
                instructions.addLast(instruction);
                if (instruction.get(0).isEmpty()) {
                    internal.add(instruction);
                }
                received++;
                if (instruction.get(0).equals("sync")) {
                    syncs++;
                }
                if (instructions.size() > KEPT) {
                    instructions.removeFirst();
                }
                complete.add(instruction);
            }
        }
        for (List<String> i : complete) {
            if (i.get(0).equals("sync") && i.size() > 1) {
                String answer = instruction("sync", i.get(1));
                if (syncDelay.isZero()) {
                    send(answer);
                } else {
                    late.schedule(() -> send(answer), syncDelay.toMillis(), TimeUnit.MILLISECONDS);
                }
            }
        }
        return null;
    }

    /**
     * Answers each {@code sync} only {@code delay} after it arrived, as a viewer on a slow line would.
     *
     * @return this tunnel
     */
    RawTunnel answerSyncsLate(Duration delay) {
        syncDelay = delay;
        return this;
    }

    /** How many {@code sync}s arrived so far (among the last {@link #KEPT} instructions and before). */
    synchronized int syncs() {
        return syncs;
    }

    /** Removes and returns the first complete instruction of {@link #pending}, or null. */
    private List<String> parseOne() {
        List<String> elements = new ArrayList<>();
        int pos = 0;
        while (true) {
            int dot = pending.indexOf(".", pos);
            if (dot < 0) {
                return null;
            }
            int length = Integer.parseInt(pending.substring(pos, dot));
            int start = dot + 1;
            int valueEnd = start;
            for (int i = 0; i < length; i++) {
                if (valueEnd >= pending.length()) {
                    return null;
                }
                valueEnd = pending.offsetByCodePoints(valueEnd, 1);
            }
            if (valueEnd >= pending.length()) {
                return null;
            }
            elements.add(pending.substring(start, valueEnd));
            char terminator = pending.charAt(valueEnd);
            pos = valueEnd + 1;
            if (terminator == ';') {
                pending.delete(0, pos);
                return elements;
            }
        }
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closed.complete(new Close(statusCode, reason));
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        closed.complete(new Close(-1, "error: " + error));
    }

    /** Encodes one instruction. */
    static String instruction(String opcode, String... args) {
        StringBuilder sb = new StringBuilder();
        sb.append(opcode.codePointCount(0, opcode.length())).append('.').append(opcode);
        for (String a : args) {
            sb.append(',').append(a.codePointCount(0, a.length())).append('.').append(a);
        }
        return sb.append(';').toString();
    }

    /** Sends one whole text frame. */
    void send(String frame) {
        sendPart(frame, true);
    }

    /** Sends one text frame, the last of a message or not; waits until it is sent. */
    void sendPart(String text, boolean last) {
        synchronized (sendLock) { // one send at a time: the listener answers syncs while a test sends
            sendNow(text, last);
        }
    }

    private void sendNow(String text, boolean last) {
        try {
            socket.sendText(text, last).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            if (!closed.isDone()) {
                throw new IllegalStateException("could not send a frame", e);
            }
        }
    }

    /** Number of instructions received so far. */
    synchronized int received() {
        return received;
    }

    /** The opcodes of the last {@link #KEPT} instructions received (for messages). */
    synchronized List<String> opcodes() {
        return instructions.stream().map(i -> i.get(0)).toList();
    }

    /** The last {@link #KEPT} instructions received, each as its opcode and arguments. */
    synchronized List<List<String>> instructions() {
        return List.copyOf(instructions);
    }

    /** True when the instruction was received (among the last {@link #KEPT}). */
    synchronized boolean hasReceived(List<String> instruction) {
        return instructions.contains(instruction) || internal.contains(instruction);
    }

    /** Waits until more than {@code count} instructions arrived. */
    void awaitMoreThan(int count, Duration timeout) {
        Waits.until("more than " + count + " instructions from the tunnel", timeout,
                () -> received() + " instructions, closed=" + closed.getNow(null), () -> received() > count);
    }

    /** Waits until exactly this instruction arrived. */
    void awaitInstruction(List<String> instruction, Duration timeout) {
        Waits.until("the instruction " + instruction, timeout,
                () -> "the last opcodes " + tail(opcodes()) + ", closed=" + closed.getNow(null),
                () -> hasReceived(instruction));
    }

    private static List<String> tail(List<String> list) {
        return list.subList(Math.max(0, list.size() - 10), list.size());
    }

    /** Waits until the server closed the socket. */
    Close awaitClose(Duration timeout) throws Exception {
        try {
            return closed.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("waited " + timeout.toSeconds() + "s for the server to close the tunnel; it is open and sent "
                    + received() + " instructions, the last " + tail(opcodes()), e);
        }
    }

    /** How it was closed, or null while open. */
    Close closeStatus() {
        return closed.getNow(null);
    }

    @Override
    public void close() {
        if (!closed.isDone()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").orTimeout(5, TimeUnit.SECONDS)
                    .exceptionally(e -> null).join();
        }
        socket.abort();
        late.shutdownNow();
    }
}
