package dev.keyhole.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keyhole.server.virtualbox.MachineChange;
import dev.keyhole.server.virtualbox.VirtualMachines;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * {@code GET /api/events}: the VMs' changes as a stream of server-sent events, one stream per open page:
 * {@code event: machine} (data: a {@link MachineView}), {@code event: removed} (data: {@code {"target":…}}),
 * {@code event: host} (data: {@code {"name":…,"state":…,"message":…}}). A comment line every 15 s keeps the
 * connection from idling out. After a reconnect a page re-reads {@code GET /api/machines}.
 */
final class MachineEventsServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    private final transient VirtualMachines machines;
    private final transient ObjectMapper json;
    private final transient Set<Stream> streams = ConcurrentHashMap.newKeySet();
    private final transient ScheduledExecutorService heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "event-stream-heartbeat");
        t.setDaemon(true);
        return t;
    });

    MachineEventsServlet(VirtualMachines machines, ObjectMapper json) {
        this.machines = machines;
        this.json = json;
    }

    @Override
    public void init() {
        machines.subscribe(this::broadcast);
        heartbeat.scheduleAtFixedRate(() -> streams.forEach(s -> s.send(": keep-alive\n\n")), 15, 15,
                TimeUnit.SECONDS);
    }

    @Override
    public void destroy() {
        heartbeat.shutdownNow();
        streams.forEach(Stream::close);
    }

    /** One open page. Writes are serialised; a failed write ends the stream. */
    private final class Stream {
        private final AsyncContext async;
        private final ServletOutputStream out;

        Stream(AsyncContext async) throws IOException {
            this.async = async;
            this.out = async.getResponse().getOutputStream();
        }

        synchronized void send(String text) {
            try {
                out.write(text.getBytes(StandardCharsets.UTF_8));
                out.flush();
            } catch (IOException | IllegalStateException e) {
                close();
            }
        }

        void close() {
            if (streams.remove(this)) {
                try {
                    async.complete();
                } catch (IllegalStateException e) {
                    // already completed
                }
            }
        }
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setContentType("text/event-stream");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-store");
        response.setHeader("X-Accel-Buffering", "no");
        AsyncContext async = request.startAsync();
        async.setTimeout(0);
        Stream stream = new Stream(async);
        streams.add(stream);
        stream.send("retry: 2000\n: connected\n\n");
    }

    private void broadcast(MachineChange change) {
        String message;
        try {
            if (change instanceof MachineChange.Updated u) {
                message = frame("machine", MachineView.of(u.machine(), machines));
            } else if (change instanceof MachineChange.Removed r) {
                message = frame("removed", Map.of("target", r.target(), "host", r.host()));
            } else if (change instanceof MachineChange.HostChanged h) {
                message = frame("host", MachineView.HostView.of(h.status()));
            } else {
                return;
            }
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write an event as JSON", e);
        }
        streams.forEach(s -> s.send(message));
    }

    private String frame(String event, Object data) throws JsonProcessingException {
        return "event: " + event + "\ndata: " + json.writeValueAsString(data) + "\n\n";
    }
}
