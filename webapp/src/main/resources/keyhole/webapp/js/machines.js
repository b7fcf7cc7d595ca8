/**
 * The VirtualBox VMs on the targets page: one row per VM with its state, what Keyhole reads on its screen (or else
 * the Guest Additions' boot hint), the actions its state allows and a thumbnail on demand, kept current by the
 * server's event stream (GET api/events).
 *
 * #machines carries data-state = none | loaded | error; each row is li.vm[data-target][data-state][data-hint].
 */
import { consoleUrl, fetchMachines, fetchScreenshot, performAction } from "./api.js";
import { element } from "./dom.js";
import { goToSignInOn401 } from "./address.js";
import { screenLine } from "./screen-state.js";

const ACTION_LABELS = {
  start: "Start",
  reset: "Reset",
  "power-button": "Power button",
  "power-off": "Power off",
  "enable-console": "Turn console on",
};

const ACTION_PROGRESS = {
  start: "Starting headless…",
  reset: "Resetting…",
  "power-button": "Pressing the power button…",
  "power-off": "Powering off…",
  "enable-console": "Turning its console on…",
};

const HINTS = {
  booting: "Booting — may be waiting for its disk passphrase.",
  booted: "Unlocked / booted.",
  unknown: "Boot state unknown.",
};

/** The VM section of the page. */
export class MachineList {
  /**
   * @param {HTMLElement} section #machines
   * @param {HTMLElement} hostsBox #hosts, one line per host that is not reachable
   * @param {HTMLElement} list #machine-list
   * @param {Map<string, import("./screen-state.js").Screen>} screens what Keyhole read on each screen, by target
   */
  constructor(section, hostsBox, list, screens) {
    this.screens = screens;
    this.section = section;
    this.hostsBox = hostsBox;
    this.list = list;
    this.rows = new Map();
    this.hosts = new Map();
    /** Targets to open as soon as their console is ready (after a start from this page). */
    this.openWhenReady = new Set();
    /** Targets with an action under way: their rows keep the buttons disabled when an event redraws them. */
    this.busy = new Set();
  }

  /** Shows a full list (first load, and after the event stream reconnects). */
  show({ hosts, machines }) {
    this.hosts = new Map(hosts.map((h) => [h.name, h]));
    const seen = new Set();
    for (const m of machines) {
      this.upsert(m);
      seen.add(m.target);
    }
    for (const name of [...this.rows.keys()]) if (!seen.has(name)) this.remove(name);
    this.renderHosts();
    this.section.hidden = hosts.length === 0;
    this.section.dataset.state = hosts.length === 0 ? "none" : "loaded";
  }

  /** Whether a target name is one of the VMs (so the plain list leaves it out). */
  has(name) {
    return this.rows.has(name);
  }

  renderHosts() {
    const lines = [...this.hosts.values()]
      .filter((h) => h.state !== "reachable")
      .map((h) =>
        element("p", { class: `notice host ${h.state === "unreachable" ? "error" : ""}`, "data-host": h.name,
          "data-state": h.state,
          text: h.state === "unreachable"
            ? `VirtualBox host ${h.name} is unreachable: ${h.message} Keyhole keeps trying; its VMs show again when it is back.`
            : `Connecting to VirtualBox host ${h.name}…` }));
    this.hostsBox.replaceChildren(...lines);
    for (const row of this.rows.values()) {
      const host = this.hosts.get(row.dataset.host);
      row.classList.toggle("stale", Boolean(host && host.state !== "reachable"));
    }
  }

  host(h) {
    this.hosts.set(h.name, h);
    this.renderHosts();
    this.section.hidden = false;
    this.section.dataset.state = "loaded";
  }

  upsert(m) {
    const old = this.rows.get(m.target);
    const row = this.row(m, old);
    if (old) old.replaceWith(row);
    else this.insertSorted(row);
    this.rows.set(m.target, row);
    if (this.openWhenReady.has(m.target) && m.consoleReady) {
      this.openWhenReady.delete(m.target);
      window.location.assign(consoleUrl(m.target));
    }
  }

  insertSorted(row) {
    const key = (r) => `${r.dataset.host}\u0000${r.dataset.title.toLowerCase()}`;
    const next = [...this.list.children].find((r) => key(r) > key(row));
    this.list.insertBefore(row, next || null);
  }

  remove(target) {
    const row = this.rows.get(target);
    if (row) row.remove();
    this.rows.delete(target);
  }

  row(m, old) {
    const title = m.consoleReady
      ? element("a", { class: "target-title", href: consoleUrl(m.target), text: m.title })
      : element("span", { class: "target-title", text: m.title });
    const result = element("p", { class: "vm-result", role: "status" });
    const thumb = element("img", { class: "vm-thumb", alt: `Screen of ${m.title}` });
    thumb.hidden = true;
    if (old) {
      // Keep what the person asked for: the last result and the thumbnail.
      const oldResult = old.querySelector(".vm-result");
      result.textContent = oldResult.textContent;
      result.className = oldResult.className;
      const oldThumb = old.querySelector(".vm-thumb");
      if (!oldThumb.hidden && m.state === "running") {
        thumb.src = oldThumb.src;
        thumb.hidden = false;
      }
    }
    const li = element("li", { class: "vm", "data-target": m.target, "data-state": m.state, "data-hint": m.hint,
      "data-host": m.host, "data-title": m.title, "data-vrde": m.vrde },
      element("div", { class: "vm-head" }, title,
        element("span", { class: `pill vm-state state-${m.state}`, text: m.stateLabel })),
      element("div", { class: "target-meta" },
        element("span", { class: "target-name", text: m.target }),
        element("span", { class: "target-protocol", text: m.vrde === "off" ? "VRDE off" : m.vrde.toUpperCase() }),
        element("span", { class: "vm-host", text: `on ${m.host}` })));
    const screen = m.state === "running" ? screenLine(this.screens.get(m.target)) : null;
    if (screen) {
      li.append(screen);
    } else if (HINTS[m.hint] && m.state === "running") {
      li.append(element("p", { class: "vm-hint" }, document.createTextNode(HINTS[m.hint] + " "),
        element("span", { class: "muted", text: "(a hint from the Guest Additions)" })));
    }
    if (m.vrde === "off") {
      li.append(element("p", { class: "vm-vrde", text: m.actions.includes("enable-console")
        ? "Its console is off: turn it on here, or on the VirtualBox host: "
          + `VBoxManage modifyvm "${m.title}" --vrde on --vrde-port 5000-5050 --vrde-address 127.0.0.1`
        : "Its console is off. On the VirtualBox host: "
          + `VBoxManage modifyvm "${m.title}" --vrde on --vrde-port 5000-5050 --vrde-address 127.0.0.1` }));
    }
    const actions = element("div", { class: "vm-actions" });
    for (const action of m.actions) {
      const button = element("button", { class: "button", type: "button", "data-action": action,
        text: ACTION_LABELS[action] || action });
      button.addEventListener("click", () => this.act(m, action, li));
      actions.append(button);
    }
    if (m.state === "running") {
      const shot = element("button", { class: "button", type: "button", "data-action": "thumbnail",
        text: "Show screen" });
      shot.addEventListener("click", () => this.thumbnail(m, li));
      actions.append(shot);
    }
    if (this.busy.has(m.target)) actions.querySelectorAll("button").forEach((b) => { b.disabled = true; });
    li.append(actions, result, thumb);
    return li;
  }

  async act(m, action, li) {
    if (action === "power-off" && !window.confirm(`Power off ${m.title} now, like pulling the plug? `
        + "Anything not saved in the VM is lost.")) {
      return;
    }
    const result = () => this.rows.get(m.target)?.querySelector(".vm-result") || li.querySelector(".vm-result");
    const buttons = () => (this.rows.get(m.target) || li).querySelectorAll("button");
    this.busy.add(m.target);
    buttons().forEach((b) => { b.disabled = true; });
    result().className = "vm-result busy";
    result().textContent = ACTION_PROGRESS[action] || "Working…";
    try {
      await performAction(m.target, action);
      result().className = "vm-result ok";
      if (action === "start" && m.vrde === "off") {
        result().textContent = "Started. Its console (VRDE) is off, so Keyhole cannot show it.";
      } else if (action === "start") {
        result().textContent = "Started. Opening its console as soon as it answers…";
        this.openWhenReady.add(m.target);
        const current = this.rows.get(m.target);
        if (current && current.dataset.state === "running" && current.querySelector("a.target-title")) {
          this.openWhenReady.delete(m.target);
          window.location.assign(consoleUrl(m.target));
        }
      } else {
        result().textContent = "Done.";
      }
    } catch (e) {
      if (goToSignInOn401(e)) return;
      result().className = "vm-result error";
      result().textContent = e.message;
    } finally {
      this.busy.delete(m.target);
      buttons().forEach((b) => { b.disabled = false; });
    }
  }

  async thumbnail(m, li) {
    const row = this.rows.get(m.target) || li;
    const img = row.querySelector(".vm-thumb");
    const result = row.querySelector(".vm-result");
    try {
      const blob = await fetchScreenshot(m.target);
      if (img.src.startsWith("blob:")) URL.revokeObjectURL(img.src);
      img.src = URL.createObjectURL(blob);
      img.hidden = false;
    } catch (e) {
      if (goToSignInOn401(e)) return;
      result.className = "vm-result error";
      result.textContent = e.message;
    }
  }

  /** Shows a new reading of a VM's screen on its row. */
  screen(target) {
    const row = this.rows.get(target);
    if (!row) return;
    const line = screenLine(row.dataset.state === "running" ? this.screens.get(target) : null);
    const old = row.querySelector(".screen-state") || row.querySelector(".vm-hint");
    if (line && old) old.replaceWith(line);
    else if (line) row.querySelector(".target-meta").after(line);
  }

  /**
   * Follows the server's event stream; after each (re)connect it re-reads the whole list once, since events
   * may have been missed meanwhile. A stream the browser gave up on (it does for an answer other than 200, such
   * as the 401 of a session that ended) is read once more as a list: a 401 there goes to the sign-in page.
   *
   * @param {EventSource} events the page's stream
   * @returns {EventSource} it
   */
  follow(events) {
    events.addEventListener("open", () => {
      if (this.section.dataset.state === "none") return;
      fetchMachines().then((body) => this.show(body)).catch(() => { /* the next event or reconnect retries */ });
      this.section.dataset.stream = "open";
    });
    events.addEventListener("error", () => {
      this.section.dataset.stream = events.readyState === EventSource.CLOSED ? "closed" : "reconnecting";
      if (events.readyState === EventSource.CLOSED) {
        fetchMachines().then((body) => this.show(body)).catch((e) => goToSignInOn401(e));
      }
    });
    events.addEventListener("machine", (e) => this.upsert(JSON.parse(e.data)));
    events.addEventListener("removed", (e) => this.remove(JSON.parse(e.data).target));
    events.addEventListener("host", (e) => this.host(JSON.parse(e.data)));
    return events;
  }
}
