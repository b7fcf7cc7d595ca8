package dev.keyhole.e2e.vm;

import dev.keyhole.e2e.fixtures.Browser;
import dev.keyhole.e2e.fixtures.Guacd;
import dev.keyhole.server.KeyholeServer;
import dev.keyhole.server.config.ConfigLoader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * A Keyhole server whose targets are locked VMs over VNC, each with the keyboard layout its configuration
 * declares (which may differ from the guest's, to show a wrong setting is caught), and a way to type into
 * a target from the browser as Keyhole's page does: the page's {@code keys.js} plans the key events for the
 * target's layout and a Guacamole client in the page sends them down the tunnel.
 */
final class VmKeyhole implements AutoCloseable {

    /** A target: a VM and the layout the configuration declares for it. */
    record VmTarget(String name, LockedVm vm, String declaredLayout) {
    }

    private final KeyholeServer server;

    private VmKeyhole(KeyholeServer server) {
        this.server = server;
    }

    /** Writes {@code dir/keyhole.yaml} with the targets and starts the server. */
    static VmKeyhole start(Path dir, Guacd guacd, Iterable<VmTarget> targets) {
        StringBuilder yaml = new StringBuilder("""
                http:
                  bind: 127.0.0.1
                  port: 0
                guacd:
                  host: %s
                  port: %d
                targets:
                """.formatted(guacd.host(), guacd.port()));
        for (VmTarget t : targets) {
            yaml.append("""
                      - name: %s
                        title: Locked VM (%s guest)
                        protocol: vnc
                        host: 127.0.0.1
                        port: %d
                        keyboard:
                          initramfs: %s
                        width: 720
                        height: 400
                    """.formatted(t.name(), t.vm().layout(), t.vm().vncPort(), t.declaredLayout()));
        }
        Path config = dir.resolve("keyhole.yaml");
        try {
            Files.writeString(config, yaml);
            return new VmKeyhole(KeyholeServer.start(ConfigLoader.load(config)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("the Keyhole server did not start with " + config, e);
        }
    }

    URI uri() {
        return server.uri();
    }

    /**
     * Types {@code text} and Enter into a target from the browser: opens its console page, plans the keys with
     * the page's keys.js for the layout /api/targets reports, and sends them with a Guacamole client.
     *
     * @return what the page reports: {@code {sent: N}} or {@code {error: ...}}
     */
    @SuppressWarnings("unchecked")
    Map<String, Object> type(Browser browser, String target, String text) {
        browser.driver().get(uri().resolve("/console.html?target=" + target).toString());
        browser.driver().manage().timeouts().scriptTimeout(Duration.ofSeconds(60));
        return (Map<String, Object>) browser.asyncScript("""
                const [target, text, done] = arguments;
                (async () => {
                  const { planKeys } = await import("/js/keys.js");
                  const list = await (await fetch("/api/targets")).json();
                  const t = list.targets.find((x) => x.name === target);
                  const plan = planKeys(text + "\\n", t.keyboard.layout, t.protocol);
                  if (!plan.ok) return done({ error: "untypeable at " + plan.untypeable.join(",") });
                  const client = new Guacamole.Client(new Guacamole.WebSocketTunnel("tunnel"));
                  window.keyholeTestClient = client;
                  client.onerror = (s) => done({ error: "client error " + s.code + " " + s.message });
                  client.onstatechange = async (state) => {
                    if (state !== Guacamole.Client.State.CONNECTED) return;
                    // Ctrl-U first: the terminal forgets whatever an earlier test left on the prompt's line.
                    const clearLine = [[0xffe3, true], [0x75, true], [0x75, false], [0xffe3, false]];
                    // Paced: QEMU delivers one key event per 10 ms and drops what its queue (1024 entries,
                    // about 340 events) cannot hold, so a long burst loses its tail.
                    for (const [keysym, pressed] of clearLine.concat(plan.events)) {
                      client.sendKeyEvent(pressed ? 1 : 0, keysym);
                      await new Promise((resolve) => setTimeout(resolve, 12));
                    }
                    done({ sent: plan.events.length, layout: t.keyboard.layout });
                  };
                  client.connect("target=" + encodeURIComponent(target));
                })().catch((e) => done({ error: String(e) }));
                """, target, text);
    }

    @Override
    public void close() throws Exception {
        server.close();
    }
}
