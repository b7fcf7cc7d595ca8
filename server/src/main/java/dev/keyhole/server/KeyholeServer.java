package dev.keyhole.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keyhole.server.config.KeyholeConfig;
import dev.keyhole.server.config.VirtualBoxHostConfig;
import dev.keyhole.server.http.HttpEdge;
import dev.keyhole.server.targets.CompositeTargetDirectory;
import dev.keyhole.server.targets.ConfiguredTargetDirectory;
import dev.keyhole.server.targets.KeyboardStages;
import dev.keyhole.server.targets.TargetDirectory;
import dev.keyhole.server.tunnel.TunnelService;
import dev.keyhole.server.virtualbox.VirtualBoxHost;
import dev.keyhole.server.virtualbox.VirtualBoxTargetDirectory;
import dev.keyhole.server.virtualbox.VirtualMachines;
import dev.keyhole.server.virtualbox.WebServiceVirtualBoxHost;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.eclipse.jetty.server.Server;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Keyhole: the composition root that builds every service from the configuration, wires them together
 * and starts the web server. Tests start one on port 0 and close it.
 */
public final class KeyholeServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(KeyholeServer.class);

    /** How long each step of connecting to guacd may take. */
    private static final Duration GUACD_TIMEOUT = Duration.ofSeconds(10);

    /** How long a console's connection stays open after its last viewer left (a page reload must not drop it). */
    private static final Duration CONSOLE_LINGER = Duration.ofSeconds(15);

    private final Server jetty;
    private final TunnelService tunnels;
    /** The VirtualBox hosts' VMs; null when none are configured. */
    private final VirtualBoxTargetDirectory machines;
    private final URI uri;

    private KeyholeServer(Server jetty, TunnelService tunnels, VirtualBoxTargetDirectory machines, URI uri) {
        this.jetty = jetty;
        this.tunnels = tunnels;
        this.machines = machines;
        this.uri = uri;
    }

    /**
     * Builds Keyhole from {@code config} and starts it.
     *
     * @param config the checked configuration
     * @return the running server
     * @throws Exception if the web server cannot start (e.g. its port is taken)
     */
    public static KeyholeServer start(KeyholeConfig config) throws Exception {
        TargetDirectory configured = new ConfiguredTargetDirectory(config.targets());
        VirtualBoxTargetDirectory machines = virtualBox(config);
        TargetDirectory targets = machines == null ? configured
                : new CompositeTargetDirectory(List.of(configured, machines));
        KeyboardStages keyboards = new KeyboardStages(targets);
        TunnelService tunnels = new TunnelService(targets, keyboards, config.guacd(), config.limits(),
                GUACD_TIMEOUT, CONSOLE_LINGER);
        Server jetty = HttpEdge.newServer(config.http(), targets, keyboards, tunnels,
                machines == null ? VirtualMachines.NONE : machines, config.limits(), new ObjectMapper());
        try {
            jetty.start();
        } catch (Exception e) {
            tunnels.close();
            jetty.stop();
            if (machines != null) {
                machines.close();
            }
            throw e;
        }
        if (machines != null) {
            machines.start();
        }
        URI uri = jetty.getURI().resolve("/");
        log.info("Keyhole listening on {} with {} target(s); guacd at {}; pages of {} may use it", uri,
                targets.list().size(), config.guacd().address(), String.join(", ", HttpEdge.allowedOrigins(jetty)));
        return new KeyholeServer(jetty, tunnels, machines, uri);
    }

    /** The VMs of the configured VirtualBox hosts, or null when there are none. */
    private static VirtualBoxTargetDirectory virtualBox(KeyholeConfig config) {
        if (config.virtualboxHosts().isEmpty()) {
            return null;
        }
        Map<VirtualBoxHost, VirtualBoxHostConfig> hosts = new LinkedHashMap<>();
        for (VirtualBoxHostConfig host : config.virtualboxHosts()) {
            hosts.put(new WebServiceVirtualBoxHost(host), host);
        }
        Set<String> reserved = config.targets().stream().map(t -> t.name()).collect(Collectors.toSet());
        return new VirtualBoxTargetDirectory(hosts, reserved);
    }

    /** @return the port the web server listens on (the real one when the configuration said 0) */
    public int port() {
        return uri.getPort();
    }

    /** @return the web server's base URI, e.g. {@code http://127.0.0.1:8080/} */
    public URI uri() {
        return uri;
    }

    /** Blocks until the server stops. */
    public void join() throws InterruptedException {
        jetty.join();
    }

    /**
     * Stops Keyhole: every tunnel closes first, each browser hearing that Keyhole is restarting (WebSocket
     * {@code 1001}), then the web server stops and every console connection closes.
     */
    @Override
    public void close() throws Exception {
        try {
            tunnels.stopTunnels("Keyhole is restarting");
            jetty.stop();
        } finally {
            tunnels.close();
            if (machines != null) {
                machines.close();
            }
        }
        log.info("Keyhole stopped");
    }
}
