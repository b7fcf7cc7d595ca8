/**
 * The targets page (index.html): lists the consoles the server offers, and the VirtualBox hosts' VMs with their
 * state and actions (machines.js), each with what Keyhole reads on its screen (screen-state.js), kept current by
 * the server's event stream.
 * #targets carries data-state = loading | loaded | empty | error; #targets-notice says what another page sent
 * this one here for (?notice=admins-only).
 */
import { consoleUrl, fetchMachines, fetchTargets, openEventStream } from "./api.js";
import { followScreens, screenLine } from "./screen-state.js";
import { element, byId } from "./dom.js";
import { MachineList } from "./machines.js";
import { showAccount } from "./account.js";
import { goToSignInOn401 } from "./address.js";

const page = byId("targets");
const message = byId("targets-message");
const list = byId("target-list");
/** What Keyhole last read on each console's screen, by target name. */
const screens = new Map();
const machines = new MachineList(byId("machines"), byId("hosts"), byId("machine-list"), screens);

/** Sentences another page may send this one to say (?notice=KEY): only these, never the query's own text. */
const NOTICES = { "admins-only": "The admin pages are for admins only." };

/** Shows the notice another page sent (the admin page, to someone who is not an admin), once. */
function showNotice() {
  const params = new URLSearchParams(location.search);
  const text = NOTICES[params.get("notice")];
  if (!text) return;
  const notice = byId("targets-notice");
  notice.textContent = text;
  notice.hidden = false;
  params.delete("notice");
  history.replaceState(null, "", location.pathname + (params.size > 0 ? `?${params}` : "") + location.hash);
}

/** Shows a state of the page with its message (or none). */
function show(state, text) {
  page.dataset.state = state;
  page.setAttribute("aria-busy", String(state === "loading"));
  message.textContent = text || "";
  message.hidden = !text;
  message.classList.toggle("error", state === "error");
  list.hidden = state !== "loaded";
}

/** One card per target; the whole card is the link, a large touch target. */
function card(target) {
  const link = element("a", { class: "target-card", href: consoleUrl(target.name), "data-target": target.name },
    element("span", { class: "target-title", text: target.title || target.name }),
    element("span", { class: "target-meta" },
      element("span", { class: "target-name", text: target.name }),
      element("span", { class: "target-protocol", text: String(target.protocol || "").toUpperCase() })));
  const line = screenLine(screens.get(target.name));
  if (line) link.append(line);
  return element("li", {}, link);
}

/** Shows a new reading of a console's screen on its card or VM row. */
function showScreen(name, screen) {
  screens.set(name, screen);
  if (machines.has(name)) {
    machines.screen(name);
    return;
  }
  const link = list.querySelector(`a.target-card[data-target="${CSS.escape(name)}"]`);
  if (!link) return;
  const line = screenLine(screen);
  const old = link.querySelector(".screen-state");
  if (old) old.replaceWith(line);
  else link.append(line);
}

/** Notes the screens of a fresh target list. */
function noteScreens(targets) {
  for (const t of targets) {
    if (t.screen) screens.set(t.name, t.screen);
    else screens.delete(t.name);
  }
}

async function load() {
  show("loading", "Loading consoles…");
  try {
    const [targets, vms] = await Promise.all([fetchTargets(), fetchMachines()]);
    noteScreens(targets);
    machines.show(vms);
    // VMs have rows of their own (with state and actions); the plain list shows the other consoles.
    const plain = targets.filter((t) => !machines.has(t.name));
    if (plain.length === 0 && vms.hosts.length === 0) {
      show("empty", "No targets configured — see the README's configuration section.");
      return;
    }
    list.replaceChildren(...plain.map(card));
    show("loaded", "");
    follow();
  } catch (e) {
    if (goToSignInOn401(e)) return;
    show("error", `Could not load the consoles: ${e.message} Reload the page to try again.`);
  }
}

/**
 * Follows the event stream: the VMs' changes (machines.js) and the screens' readings. After a reconnect the
 * targets are read again, since readings may have been missed meanwhile.
 */
function follow() {
  const events = machines.follow(openEventStream());
  events.addEventListener("open", () => {
    fetchTargets().then((targets) => targets.forEach((t) => t.screen && showScreen(t.name, t.screen)))
      .catch(() => { /* the next event or reconnect retries */ });
  });
  followScreens(events, showScreen);
}

showNotice();
showAccount();
load();
