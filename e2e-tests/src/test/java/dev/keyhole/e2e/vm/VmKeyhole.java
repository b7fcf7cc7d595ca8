package dev.keyhole.e2e.vm;

import dev.keyhole.e2e.fixtures.Browser;
import dev.keyhole.e2e.fixtures.RunningKeyhole;
import dev.keyhole.e2e.fixtures.Waits;
import dev.keyhole.server.targets.ConsoleSpec;
import dev.keyhole.server.targets.ConsoleSpec.Screen;
import dev.keyhole.server.targets.KeyboardStage;
import dev.keyhole.server.targets.Protocol;
import dev.keyhole.server.targets.Target;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A Keyhole pointed at locked VMs over VNC: their targets, each with the keyboard layout its configuration
 * declares (which may differ from the guest's, to show a wrong setting is caught), and a way to type into a
 * target from the browser as Keyhole's page does: the page's {@code keys.js} plans the key events for the
 * target's layout and a Guacamole client in the page sends them down the tunnel.
 */
final class VmKeyhole {

    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(120);

    private VmKeyhole() {
    }

    /**
     * A VM's console as a target: QEMU's VNC display, one keyboard stage.
     *
     * @param name    the target's name
     * @param title   what people see
     * @param vncPort QEMU's VNC port
     * @param stage   the keyboard stage's name
     * @param layout  the layout the configuration declares for it
     */
    static Target target(String name, String title, int vncPort, String stage, String layout) {
        return new Target(name, title, ConsoleSpec.builder(Protocol.VNC, "127.0.0.1", vncPort)
                .screen(new Screen(720, 400, 96)).keyboard(List.of(new KeyboardStage(stage, layout))).build());
    }

    /** A locked VM's initramfs prompt as a target, declared with {@code layout}. */
    static Target target(String name, LockedVm vm, String layout) {
        return target(name, "Locked VM (" + vm.layout() + " guest)", vm.vncPort(), "initramfs", layout);
    }

    /**
     * Types {@code text} and Enter into a target from the browser: on a page of Keyhole's, plans the keys with
     * the web app's keys.js for the layout /api/targets reports and sends them, paced, with a Guacamole client
     * (the page's guacamole-common-js). Waits until every key went out.
     *
     * @return what the page reports: {@code {sent: N, total: N}}, or {@code {error: ...}}
     */
    @SuppressWarnings("unchecked")
    static Map<String, Object> type(Browser browser, RunningKeyhole keyhole, String target, String text) {
        // A page of Keyhole's own (same origin) without a console of its own: this client is the only viewer.
        keyhole.signIn(browser);
        browser.driver().get(keyhole.uri().resolve("/").toString());
        browser.script("""
                const [target, text] = arguments;
                const progress = { state: "planning", sent: 0, total: 0 };
                window.keyholeTestSend = progress;
                (async () => {
                  if (!window.Guacamole) {
                    await new Promise((resolve, reject) => {
                      const script = document.createElement("script");
                      script.src = "/vendor/guacamole-common-js/all.min.js";
                      script.onload = resolve;
                      script.onerror = () => reject(new Error("cannot load guacamole-common-js"));
                      document.head.append(script);
                    });
                  }
                  const { planKeys } = await import("/js/keys.js");
                  const list = await (await fetch("/api/targets")).json();
                  const t = list.targets.find((x) => x.name === target);
                  const plan = planKeys(text + "\\n", t.keyboard.layout, t.protocol);
                  if (!plan.ok) throw new Error("untypeable at " + plan.untypeable.join(","));
                  // Ctrl-U first: the terminal forgets whatever an earlier test left on the prompt's line.
                  const events = [[0xffe3, true], [0x75, true], [0x75, false], [0xffe3, false]].concat(plan.events);
                  progress.total = events.length;
                  progress.state = "connecting";
                  const client = new Guacamole.Client(new Guacamole.WebSocketTunnel("tunnel"));
                  window.keyholeTestClient = client;
                  client.onerror = (s) => { progress.state = "error"; progress.error = "client error " + s.code + " " + s.message; };
                  client.onstatechange = async (state) => {
                    if (state === Guacamole.Client.State.DISCONNECTED && progress.state !== "sent") {
                      progress.error = "disconnected while " + progress.state;
                      progress.state = "error";
                      return;
                    }
                    if (state !== Guacamole.Client.State.CONNECTED || progress.state !== "connecting") return;
                    progress.state = "sending";
                    // Paced: QEMU delivers one key event per 10 ms and drops what its queue (1024 entries,
                    // about 340 events) cannot hold, so a long burst loses its tail.
                    for (const [keysym, pressed] of events) {
                      if (progress.state !== "sending") return;
                      client.sendKeyEvent(pressed ? 1 : 0, keysym);
                      progress.sent++;
                      await new Promise((resolve) => setTimeout(resolve, 12));
                    }
                    progress.state = "sent";
                  };
                  client.connect("target=" + encodeURIComponent(target));
                })().catch((e) => { progress.state = "error"; progress.error = String(e); });
                """, target, text);
        Waits.until("the page to send " + text.codePointCount(0, text.length()) + " characters to " + target,
                SEND_TIMEOUT, () -> String.valueOf(browser.script("return JSON.stringify(window.keyholeTestSend);")),
                () -> {
                    Map<String, Object> progress = (Map<String, Object>) browser.script("return window.keyholeTestSend;");
                    return progress != null && ("sent".equals(progress.get("state")) || "error".equals(progress.get("state")));
                });
        return (Map<String, Object>) browser.script("return window.keyholeTestSend;");
    }
}
