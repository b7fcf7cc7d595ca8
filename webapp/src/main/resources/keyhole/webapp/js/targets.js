/**
 * The targets page (index.html): lists the consoles the server offers, and the VirtualBox hosts' VMs with their
 * state and actions (machines.js).
 * #targets carries data-state = loading | loaded | empty | error; #targets-notice says what another page sent
 * this one here for (?notice=admins-only).
 */
import { consoleUrl, fetchMachines, fetchTargets } from "./api.js";
import { element, byId } from "./dom.js";
import { MachineList } from "./machines.js";
import { showAccount } from "./account.js";
import { goToSignInOn401 } from "./address.js";

const page = byId("targets");
const message = byId("targets-message");
const list = byId("target-list");
const machines = new MachineList(byId("machines"), byId("hosts"), byId("machine-list"));

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
  return element("li", {}, link);
}

async function load() {
  show("loading", "Loading consoles…");
  try {
    const [targets, vms] = await Promise.all([fetchTargets(), fetchMachines()]);
    machines.show(vms);
    // VMs have rows of their own (with state and actions); the plain list shows the other consoles.
    const plain = targets.filter((t) => !machines.has(t.name));
    if (plain.length === 0 && vms.hosts.length === 0) {
      show("empty", "No targets configured — see the README's configuration section.");
      return;
    }
    list.replaceChildren(...plain.map(card));
    show("loaded", "");
    if (vms.hosts.length > 0) machines.follow();
  } catch (e) {
    if (goToSignInOn401(e)) return;
    show("error", `Could not load the consoles: ${e.message} Reload the page to try again.`);
  }
}

showNotice();
showAccount();
load();
