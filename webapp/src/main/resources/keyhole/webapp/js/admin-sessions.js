/**
 * The admin pages' Sessions section (admin.html's #admin-sessions, js/admin.js): every live session — who, from
 * where and which browser, since when, last seen, with which second factor — and the consoles each holds open now,
 * each with "Close view" (that one console closes, saying an admin closed it; they may reconnect); "End session…"
 * signs that browser out (asked first, confirm.js), closing its consoles at once. Below, the share links' guests in
 * consoles. Read again every REFRESH_MS while the section is shown (and the tab is seen).
 *
 * Each session is a tr[data-session=ID][data-user=NAME] of #session-rows, each of its consoles an
 * li[data-tunnel=ID][data-target=NAME]; each guest a tr[data-tunnel=ID][data-link=LINK-ID] of #guest-rows.
 * #admin-sessions carries data-state = loading | ready | error.
 */
import { closeTunnel, endSession, fetchAdminSessions } from "./api.js";
import { byId, element } from "./dom.js";
import { clockTime } from "./share.js";
import { breakableName } from "./admin-users.js";

/** How often the section reads the sessions again while shown. */
export const REFRESH_MS = 3000;

const ROLE_NAMES = { admin: "admin", operator: "operator", viewer: "viewer" };
const FACTOR_NAMES = { totp: "Authenticator app", "recovery-code": "Recovery code", passkey: "Passkey",
  link: "One-time link" };

/**
 * A browser's User-Agent in a few words: "Chrome on Linux", "Firefox on Windows", "Safari on iPhone"; the first 40
 * characters of anything else; "Unknown browser" for none.
 *
 * @param {string} userAgent the session's userAgent
 * @returns {string} the words
 */
export function browserName(userAgent) {
  const ua = String(userAgent ?? "");
  if (!ua.trim()) return "Unknown browser";
  const browser = /Edg\//.test(ua) ? "Edge" : /Firefox\//.test(ua) ? "Firefox"
    : /(Chrome|Chromium|CriOS)\//.test(ua) ? "Chrome" : /Safari\//.test(ua) ? "Safari" : null;
  const system = /iPhone/.test(ua) ? "iPhone" : /iPad/.test(ua) ? "iPad" : /Android/.test(ua) ? "Android"
    : /Windows/.test(ua) ? "Windows" : /Mac OS X|Macintosh/.test(ua) ? "macOS" : /CrOS/.test(ua) ? "ChromeOS"
      : /Linux/.test(ua) ? "Linux" : null;
  if (browser && system) return `${browser} on ${system}`;
  if (browser || system) return browser || system;
  return ua.length > 40 ? `${ua.slice(0, 40)}…` : ua;
}

/** "Passkey", "Authenticator app", …; "None" for a session that proved none (a viewer's password alone). */
export function factorName(secondFactor) {
  return secondFactor == null ? "None" : FACTOR_NAMES[secondFactor] || String(secondFactor);
}

/** "17:31:05": a time of day to the second, as the other times here are written (24 hours). */
export function timeOfDay(date) {
  return [date.getHours(), date.getMinutes(), date.getSeconds()].map((n) => String(n).padStart(2, "0")).join(":");
}

/** "typing" or "watching". */
export function modeText(mode) {
  return mode === "type" ? "typing" : "watching";
}

/** The Sessions section; see the module's comment. */
class SessionsSection {
  id = "sessions";

  /** The last answer drawn, as JSON: an answer like it draws nothing anew (no button moves under a pointer). */
  drawn = null;

  timer = null;

  wire(root, page) {
    this.root = root;
    this.page = page;
    this.message = byId("sessions-message");
    this.done = byId("sessions-done");
    document.addEventListener("visibilitychange", () => {
      if (!document.hidden && this.timer !== null) this.load();
    });
  }

  show(root, page) {
    if (!this.root) this.wire(root, page);
    this.root.dataset.state = "loading";
    this.load();
    clearInterval(this.timer);
    this.timer = setInterval(() => {
      if (!document.hidden) this.load();
    }, REFRESH_MS);
  }

  hide() {
    clearInterval(this.timer);
    this.timer = null;
  }

  async load() {
    let answer;
    try {
      answer = await fetchAdminSessions();
    } catch (e) {
      if (this.page.failed(e)) return;
      this.message.textContent = `Could not read the sessions: ${e.message}`;
      this.root.dataset.state = "error";
      return;
    }
    this.message.textContent = "";
    byId("sessions-updated").textContent = `Read at ${timeOfDay(new Date())}; again every ${REFRESH_MS / 1000} s.`;
    const json = JSON.stringify(answer);
    if (json !== this.drawn) {
      this.drawn = json;
      this.draw(answer);
    }
    this.root.dataset.state = "ready";
  }

  draw({ sessions, guests }) {
    byId("session-rows").replaceChildren(...sessions.map((session) => this.sessionRow(session)));
    byId("guest-rows").replaceChildren(...guests.map((guest) => this.guestRow(guest)));
    byId("guests-box").hidden = guests.length === 0;
    byId("guests-empty").hidden = guests.length > 0;
  }

  sessionRow(session) {
    const who = element("td", { class: "card-title" },
      element("span", { class: "user-name" }, ...breakableName(session.user)), " ",
      element("span", { class: "role", text: ROLE_NAMES[session.role] || session.role }));
    if (session.you) who.append(" ", element("span", { class: "badge", text: "you" }));
    if (session.state !== "signed-in") {
      who.append(" ", element("span", { class: "badge warn", text: "still signing in" }));
    }
    const from = element("td", { "data-label": "From", title: session.userAgent }, element("span", {},
      element("span", { class: "mono", text: session.address || "?" }),
      element("span", { class: "muted small block", text: browserName(session.userAgent) })));
    const consoles = element("td", { "data-label": "Consoles open" });
    if (session.consoles.length === 0) {
      consoles.append(element("span", { class: "muted", text: "None" }));
    } else {
      consoles.append(element("ul", { class: "open-consoles" },
        ...session.consoles.map((console) => this.consoleItem(session, console))));
    }
    const actions = element("td", { class: "row-actions" });
    if (!session.you) {
      const end = element("button", { class: "button", type: "button", text: "End session…",
        "aria-label": `End ${session.user}'s session`, "data-end": session.id });
      end.addEventListener("click", () => this.end(session));
      actions.append(end);
    }
    return element("tr", { "data-session": session.id, "data-user": session.user }, who, from,
      element("td", { "data-label": "Signed in", text: clockTime(session.createdAt) }),
      element("td", { "data-label": "Last seen", text: clockTime(session.lastSeenAt) }),
      element("td", { "data-label": "Second factor", text: factorName(session.secondFactor) }),
      consoles, actions);
  }

  consoleItem(session, console) {
    const close = element("button", { class: "button small-button", type: "button", text: "Close view",
      "aria-label": `Close ${session.user}'s view of ${console.target}`, "data-close-tunnel": console.tunnel });
    close.addEventListener("click", () => this.close(console.tunnel, `${session.user}'s view of ${console.target}`,
      close));
    const via = console.link ? ` · via link ${console.link}` : "";
    return element("li", { "data-tunnel": console.tunnel, "data-target": console.target },
      element("span", { class: "open-console-about" },
        element("span", { class: "mono", text: console.target }),
        element("span", { class: "muted small", text: ` · ${modeText(console.mode)} · since `
          + `${clockTime(console.since)}${via}` })),
      close);
  }

  guestRow(guest) {
    const close = element("button", { class: "button small-button", type: "button", text: "Close view",
      "aria-label": `Close the view of ${guest.maker}'s guest`, "data-close-tunnel": guest.tunnel });
    close.addEventListener("click", () => this.close(guest.tunnel, `the view of ${guest.maker}'s guest`, close));
    return element("tr", { "data-tunnel": guest.tunnel, "data-link": guest.linkId },
      element("td", { class: "card-title" }, element("span", { text: `${guest.maker}'s link ` }),
        element("span", { class: "mono muted", text: guest.link })),
      element("td", { "data-label": "Console", class: "mono", text: guest.target }),
      element("td", { "data-label": "Mode", text: modeText(guest.mode) }),
      element("td", { "data-label": "Since", text: clockTime(guest.since) }),
      element("td", { "data-label": "From", class: "mono", text: guest.address || "?" }),
      element("td", { class: "row-actions" }, close));
  }

  /** Closes one view of a console (no question: they may reconnect at once). */
  async close(tunnel, what, button) {
    button.disabled = true;
    this.done.textContent = "";
    this.message.textContent = "";
    try {
      await closeTunnel(tunnel);
      this.done.textContent = `Closed ${what}.`;
    } catch (e) {
      if (this.page.failed(e)) return;
      this.message.textContent = `Could not close ${what}: ${e.message}`;
      button.disabled = false;
    }
    this.load();
  }

  /** Ends a session, once the admin confirmed it. */
  async end(session) {
    const open = session.consoles.length;
    if (!(await this.page.confirm({ title: `End ${session.user}'s session?`,
      text: `That browser (${browserName(session.userAgent)}, ${session.address || "unknown address"}) is signed out`
        + (open > 0 ? ` and its ${open === 1 ? "console closes" : `${open} consoles close`} at once` : "")
        + `. ${session.user} can sign in again.`, yes: "End the session" }))) return;
    this.done.textContent = "";
    this.message.textContent = "";
    try {
      await endSession(session.id);
      this.done.textContent = `Ended ${session.user}'s session.`;
    } catch (e) {
      if (this.page.failed(e)) return;
      this.message.textContent = `Could not end ${session.user}'s session: ${e.message}`;
    }
    this.load();
  }
}

/** The section js/admin.js shows as "Sessions". */
export const sessionsSection = new SessionsSection();
