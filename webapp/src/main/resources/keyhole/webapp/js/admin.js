/**
 * The admin pages (admin.html, the account menu's "Admin…"; admins only): one tab per section, each section a module
 * of its own that draws into its <section id="admin-ID" data-title="…"> of the page:
 *   users     js/admin-users.js     add, change, disable, reset, remove users; one-time sign-in links
 *   sessions  js/admin-sessions.js  who is signed in and which consoles they hold; end a session, close a view
 *   links     js/admin-links.js     every share link; revoke
 *   audit     js/admin-audit.js     the audit trail: filters, paging, new events live
 *
 * A section is an object {id, show(root, page), hide()}: show() when its tab is chosen (the address's fragment
 * names it, admin.html#sessions, so a reload or a bookmark comes back to it; what follows a "?" there is the
 * section's own, admin.html#audit?actor=olga, and a change of it shows the section again) or chosen again (it reads
 * what it shows again, with data-state loading until then), hide() when another is chosen; a section that reads
 * again now and then, or follows the event stream, does so only while shown. `page` is what the sections share:
 * failed(error), which handles what no section can (a 401: to the sign-in page; a 403: to the consoles), and
 * confirm(question), the page's question dialog (confirm.js). Adding a section: its module, its <section>, one entry in SECTIONS.
 *
 * Someone signed in who is not an admin is sent to the consoles page, which says why (?notice=admins-only); so is
 * an admin whose call answers 403 because their role was lowered meanwhile.
 * #admin carries data-state = loading | ready | error; each section its own (loading | ready | error).
 */
import { showAccount } from "./account.js";
import { goToSignInOn401 } from "./address.js";
import { byId, element } from "./dom.js";
import { askToConfirm } from "./confirm.js";
import { usersSection } from "./admin-users.js";
import { sessionsSection } from "./admin-sessions.js";
import { linksSection } from "./admin-links.js";
import { auditSection } from "./admin-audit.js";

/** The sections, in the tabs' order. */
const SECTIONS = [usersSection, sessionsSection, linksSection, auditSection];

/** Where a non-admin goes: the consoles page, which says that these pages are for admins only. */
const NOT_FOR_YOU = "./?notice=admins-only";

const main = byId("admin");
const tabs = byId("admin-tabs");
const message = byId("admin-message");

/** What the sections share. */
const page = {
  /**
   * Handles a failed call's error when the page must go: 401 to the sign-in page (and back), 403 to the consoles.
   *
   * @param {unknown} error an ApiError
   * @returns {boolean} true when the page is on its way elsewhere (show nothing more)
   */
  failed(error) {
    if (goToSignInOn401(error)) return true;
    if (error && error.status === 403) {
      location.replace(NOT_FOR_YOU);
      return true;
    }
    return false;
  },
  /** Asks before an action that cannot be taken back (see confirm.js askToConfirm). */
  confirm(question) {
    return askToConfirm(byId("admin-confirm"), question);
  },
};

/** The section shown now; null before the first. */
let current = null;

/** @returns {string} the section's id the address's fragment names: "audit" of "#audit?actor=olga" */
function chosenId() {
  return location.hash.replace(/^#/, "").split("?")[0];
}

/** @returns {object} the section the address's fragment names, else the first */
function chosen() {
  const id = chosenId();
  return SECTIONS.find((section) => section.id === id) || SECTIONS[0];
}

/** Shows one section and its tab, hiding the one shown before. */
function show(section) {
  if (current === section) {
    section.show(byId(`admin-${section.id}`), page); // its tab, chosen again: read again
    return;
  }
  if (current) {
    current.hide();
    byId(`admin-${current.id}`).hidden = true;
  }
  current = section;
  for (const tab of tabs.children) {
    const selected = tab.dataset.section === section.id;
    tab.setAttribute("aria-selected", String(selected));
    tab.tabIndex = selected ? 0 : -1;
  }
  const root = byId(`admin-${section.id}`);
  root.hidden = false;
  section.show(root, page);
}

/** One tab per section, named by its <section>'s data-title; arrow keys move between them. */
function buildTabs() {
  tabs.replaceChildren(...SECTIONS.map((section) => {
    const tab = element("button", { id: `tab-${section.id}`, class: "admin-tab", type: "button", role: "tab",
      "aria-controls": `admin-${section.id}`, "aria-selected": "false", "data-section": section.id,
      text: byId(`admin-${section.id}`).dataset.title });
    tab.addEventListener("click", () => {
      // The fragment names the section: a reload, or the browser's Back, comes back to it. Chosen again, the
      // section keeps what its fragment says beyond its id (the audit's filters).
      if (chosenId() !== section.id) location.hash = section.id;
      else show(section);
    });
    return tab;
  }));
  tabs.addEventListener("keydown", (event) => {
    const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
    if (!step) return;
    const at = SECTIONS.indexOf(current);
    const next = SECTIONS[(at + step + SECTIONS.length) % SECTIONS.length];
    location.hash = next.id;
    byId(`tab-${next.id}`).focus();
  });
  tabs.hidden = false;
}

async function start() {
  const session = await showAccount();
  if (!session) {
    // On its way to the sign-in page, or the server did not answer.
    message.textContent = "Could not reach the Keyhole server. Reload the page to try again.";
    message.classList.add("error");
    main.dataset.state = "error";
    main.setAttribute("aria-busy", "false");
    return;
  }
  if (!session.user || session.user.role !== "admin") {
    location.replace(NOT_FOR_YOU);
    return;
  }
  message.hidden = true;
  buildTabs();
  window.addEventListener("hashchange", () => show(chosen()));
  show(chosen());
  main.dataset.state = "ready";
  main.setAttribute("aria-busy", "false");
}

start();
