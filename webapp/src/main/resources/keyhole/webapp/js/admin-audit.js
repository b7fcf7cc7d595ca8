/**
 * The admin pages' Audit section (admin.html's #admin-audit, js/admin.js): the audit trail, newest first, a page at
 * a time, filtered by who (exactly), console (exactly), kind and a time range, with new events arriving live over the
 * event stream (event: audit) while the section is shown.
 *
 * The filters live in the address's fragment after the section's id — admin.html#audit?actor=olga&kind=sign-in
 * (also target, from and to as ISO instants, and limit, the page size, 1 to 200) — so a reload or a bookmark keeps
 * them; Apply writes them there and the fragment's change draws the section (js/admin.js shows it again). The page
 * shown is not in the address: a reload starts at the newest events.
 *
 * Live: a new event that matches the filters is put at the top (tr[data-new], briefly highlighted) while the newest
 * page is shown; on an older page "N new events — show" counts them instead. After the stream (re)connects, the
 * newest page is read again for what it may have missed. The stream is closed while the section is hidden.
 *
 * Each event is a tr[data-seq=SEQ][data-kind=KIND][data-result=ok|not-ok] of #audit-rows. #admin-audit carries
 * data-state = loading | ready | error; #audit-live data-stream = connecting | open | reconnecting | closed.
 * Everything an event holds reaches the page as text (textContent), never as markup.
 */
import { auditEvent, fetchAudit, openEventStream } from "./api.js";
import { byId, element } from "./dom.js";

/** The page size unless the fragment says limit=… (the server's own default). */
export const PAGE_SIZE = 50;

/** The most events the server gives in a page. */
export const MAX_PAGE_SIZE = 200;

/** The newest page keeps at most this many live events above its own before dropping the oldest rows. */
const LIVE_ROOM = 200;

/** Where the filters start closed (a phone): the width at which admin.css draws cards. */
const NARROW = "(max-width: 760px)";

/** The filters the fragment may hold, in the order it writes them. */
const FILTERS = ["actor", "target", "kind", "from", "to", "limit"];

/** Each kind's name, as the view shows it (README "The audit trail"). */
export const KIND_NAMES = {
  "sign-in": "Signed in",
  "sign-in-failed": "Sign-in refused",
  "sign-out": "Signed out",
  "session-ended": "Session ended",
  "second-factor-enrolled": "Second factor set up",
  "second-factor-reset": "Second factor reset",
  "user-added": "User added",
  "user-changed": "User changed",
  "user-disabled": "User disabled",
  "user-enabled": "User enabled",
  "user-removed": "User removed",
  "console-opened": "Console opened",
  "console-closed": "Console closed",
  "passphrase-box-used": "Passphrase box used",
  typed: "Typed",
  "stage-switched": "Keyboard stage switched",
  "vm-action": "VM action",
  "link-created": "Share link made",
  "link-redeemed": "Share link opened",
  "link-refused": "Share link refused",
  "link-revoked": "Share link revoked",
  "link-expired": "Share link expired",
  "configuration-loaded": "Server started",
  "subscription-added": "Subscribed to notices",
  "subscription-removed": "Subscription removed",
  "notification-sent": "Notification sent",
  "notification-failed": "Notification not sent",
  retention: "Old events deleted",
};

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/**
 * A kind's name: "Console opened"; for a kind this page does not know, its id in words ("new-kind": "New kind").
 *
 * @param {string} kind the kind's id
 * @returns {string} the name
 */
export function kindName(kind) {
  const id = String(kind ?? "");
  if (Object.hasOwn(KIND_NAMES, id)) return KIND_NAMES[id];
  const words = id.replace(/-/g, " ");
  return words ? words[0].toUpperCase() + words.slice(1) : "?";
}

/**
 * Who did it, in words: the user's name; "guest via alice's link (abcd1234)" for a share link's guest (actor
 * "link abcd1234", detail.maker "alice"), "guest via link abcd1234" when the maker is not recorded; "Keyhole" for
 * the server itself, "the command line" for keyhole-server user; "not signed in" for a browser the trail knows by
 * its address alone (opening a share link); "an unknown name" as it is.
 *
 * @param {import("./api.js").AuditEvent} event the event
 * @returns {string} the words
 */
export function whoText(event) {
  const actor = String(event.actor ?? "");
  const detail = event.detail && typeof event.detail === "object" ? event.detail : {};
  const link = /^link (\S+)$/.exec(actor);
  if (link) {
    const maker = typeof detail.maker === "string" && detail.maker ? detail.maker : null;
    return maker ? `guest via ${maker}'s link (${link[1]})` : `guest via link ${link[1]}`;
  }
  if (actor === "keyhole") return "Keyhole";
  if (actor === "keyhole-server user") return "the command line";
  if (actor !== "" && actor === event.address) return "not signed in";
  return actor || "?";
}

/**
 * How long: "45 s", "2 min 13 s", "1 h 5 min", "3 d 4 h".
 *
 * @param {number} seconds whole seconds
 * @returns {string} the words; "" for no number
 */
export function durationText(seconds) {
  const s = Math.floor(Number(seconds));
  if (!Number.isFinite(s) || s < 0) return "";
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min${s % 60 ? ` ${s % 60} s` : ""}`;
  if (s < 86400) {
    const minutes = Math.floor(s / 60) % 60;
    return `${Math.floor(s / 3600)} h${minutes ? ` ${minutes} min` : ""}`;
  }
  const hours = Math.floor(s / 3600) % 24;
  return `${Math.floor(s / 86400)} d${hours ? ` ${hours} h` : ""}`;
}

/** "1 device", "3 devices". */
function count(n, one, many = `${one}s`) {
  return `${n} ${Number(n) === 1 ? one : many}`;
}

/** A target-pattern list as the trail keeps it ("*" or "web-*,db-1") in words. */
function consolesWords(patterns) {
  const text = String(patterns ?? "");
  return text === "" || text === "*" ? "every console" : text.split(",").join(", ");
}

/** A factor's id in words: "totp", "recovery code". */
function factorWords(factor) {
  return String(factor).replace(/-/g, " ");
}

/**
 * A short sentence of an event's detail, for the Details column: "watching, by link", "factor: totp", "open 2 min
 * 13 s — the browser left", "from boot to luks"… Only what the detail says, in words; "" when it says nothing worth
 * a word. A detail of a kind this page does not know: its facts as "key: value", joined by commas.
 *
 * @param {import("./api.js").AuditEvent} event the event
 * @param {Date} [now] the time now (for an expiry's day)
 * @returns {string} the sentence
 */
export function detailsText(event, now = new Date()) {
  const d = event.detail && typeof event.detail === "object" && !Array.isArray(event.detail) ? event.detail : {};
  const has = (key) => d[key] !== undefined && d[key] !== null && d[key] !== "";
  const parts = [];
  const add = (...words) => parts.push(...words.filter((w) => w !== "" && w !== null && w !== undefined));
  switch (event.kind) {
    case "sign-in":
      if (has("factor")) add(`factor: ${factorWords(d.factor)}`);
      break;
    case "sign-in-failed":
      break;
    case "sign-out":
      if (d.everywhere === true) add(has("sessions") ? `everywhere (${count(d.sessions, "session")})` : "everywhere");
      break;
    case "session-ended": {
      if (has("why")) add(String(d.why));
      if (has("by")) add(`by ${d.by}`);
      if (has("sessions") && Number(d.sessions) !== 1) add(count(d.sessions, "session"));
      break;
    }
    case "second-factor-enrolled":
      if (has("factor")) add(`factor: ${factorWords(d.factor)}`);
      break;
    case "second-factor-reset":
    case "user-disabled":
    case "user-enabled":
    case "user-removed":
      if (has("user")) add(`user ${d.user}`);
      break;
    case "user-added":
      add(has("user") ? `user ${d.user}` : "", has("role") ? String(d.role) : "",
        has("consoles") ? consolesWords(d.consoles) : "", d.firstAdmin === true ? "the first admin" : "");
      break;
    case "user-changed": {
      if (has("user")) add(`user ${d.user}`);
      if (has("role")) add(has("fromRole") && d.fromRole !== d.role ? `${d.fromRole} → ${d.role}` : String(d.role));
      if (has("consoles")) {
        add(has("fromConsoles") && d.fromConsoles !== d.consoles
          ? `${consolesWords(d.fromConsoles)} → ${consolesWords(d.consoles)}` : consolesWords(d.consoles));
      }
      break;
    }
    case "console-opened":
      add(d.mode === "type" ? "typing" : d.mode === "watch" ? "watching" : has("mode") ? String(d.mode) : "",
        d.by === "link" ? "by link" : d.by === "account" ? "by account" : "");
      break;
    case "console-closed": {
      const open = has("seconds") ? `open ${durationText(d.seconds)}` : "";
      const why = has("why") ? String(d.why) : "";
      return open && why ? `${open} — ${why}` : open || why;
    }
    case "passphrase-box-used":
      return "the box sent a passphrase (never what)";
    case "typed":
      return "a key reached the console (never what)";
    case "stage-switched":
      return has("from") || has("to") ? `from ${has("from") ? d.from : "?"} to ${has("to") ? d.to : "?"}` : "";
    case "vm-action":
      add(has("action") ? String(d.action) : "", has("error") ? String(d.error) : "");
      return parts.join(": ");
    case "link-created":
      add(has("link") ? `link ${d.link}` : "", has("mode") ? (d.mode === "type" ? "to type" : `to ${d.mode}`) : "",
        d.stages === true ? "may switch the stage" : "", has("devices") ? count(d.devices, "device") : "",
        has("expiresAt") ? `until ${dayTime(d.expiresAt, now, false)}` : "");
      break;
    case "link-redeemed":
      add(has("link") ? `link ${d.link}` : "", has("mode") ? (d.mode === "type" ? "to type" : `to ${d.mode}`) : "");
      break;
    case "link-refused":
    case "link-revoked":
    case "link-expired":
      if (has("link")) add(`link ${d.link}`);
      break;
    case "configuration-loaded":
      add(has("targets") ? count(d.targets, "console") : "",
        has("virtualboxHosts") && Number(d.virtualboxHosts) > 0 ? count(d.virtualboxHosts, "VirtualBox host") : "",
        has("tls") ? `TLS ${d.tls}` : "", has("database") ? String(d.database) : "",
        has("auditKeepDays") ? `events kept ${count(d.auditKeepDays, "day")}` : "");
      break;
    case "subscription-added":
    case "subscription-removed":
      add(has("channel") ? `${d.channel}${has("type") ? ` (${d.type})` : ""}` : "",
        has("domain") ? `to an address at ${d.domain}` : "", has("consoles") ? consolesWords(d.consoles) : "",
        has("kinds") ? (d.kinds === "all" ? "every notice" : String(d.kinds).split(",").join(", ")) : "");
      break;
    case "notification-sent":
    case "notification-failed":
      add(has("notice") ? String(d.notice) : "",
        has("channel") ? `on ${d.channel}${has("type") ? ` (${d.type})` : ""}` : "",
        has("recipient") ? `to ${d.recipient}` : "",
        has("attempts") ? count(d.attempts, "attempt") : "", has("error") ? String(d.error) : "");
      break;
    case "retention":
      add(has("deleted") ? `deleted ${count(d.deleted, "event")}` : "",
        has("deletedThrough") ? `through #${d.deletedThrough}` : "",
        has("keepDays") ? `older than ${count(d.keepDays, "day")}` : "");
      break;
    default:
      for (const [key, value] of Object.entries(d)) {
        if (key !== "tunnel" && value !== null && typeof value !== "object") add(`${key}: ${value}`);
      }
  }
  return parts.join(", ");
}

/** Two digits. */
function pad(n) {
  return String(n).padStart(2, "0");
}

/**
 * A time in this browser's time zone: "14:03:22" today, else with its day: "3 Dec 14:03:22", and the year when it is
 * not this year's: "3 Dec 2025 14:03:22".
 *
 * @param {string} iso an ISO instant
 * @param {Date} [now] the time now
 * @param {boolean} [seconds] with seconds (true) or to the minute
 * @returns {string} the words; the text itself when it is no time
 */
export function dayTime(iso, now = new Date(), seconds = true) {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return String(iso ?? "");
  const time = `${pad(at.getHours())}:${pad(at.getMinutes())}${seconds ? `:${pad(at.getSeconds())}` : ""}`;
  const sameDay = at.getFullYear() === now.getFullYear() && at.getMonth() === now.getMonth()
    && at.getDate() === now.getDate();
  if (sameDay) return time;
  const year = at.getFullYear() === now.getFullYear() ? "" : ` ${at.getFullYear()}`;
  return `${at.getDate()} ${MONTHS[at.getMonth()]}${year} ${time}`;
}

/**
 * The result in words: "ok", or the reason it was not.
 *
 * @param {import("./api.js").AuditEvent} event the event
 * @returns {{ok: boolean, text: string}} whether it went well, and what to show
 */
export function resultOf(event) {
  const result = String(event.result ?? "ok").trim();
  return result === "" || result === "ok" ? { ok: true, text: "ok" } : { ok: false, text: result };
}

/**
 * The filters an address's fragment holds: "#audit?actor=olga&kind=sign-in" (anything before "?" is the section's
 * id). Unknown names are dropped, and so are empty values; limit only as a whole number 1 to MAX_PAGE_SIZE.
 *
 * @param {string} hash location.hash, with or without "#"
 * @returns {{actor?: string, target?: string, kind?: string, from?: string, to?: string, limit?: number}} the
 *     filters
 */
export function filtersFromHash(hash) {
  const fragment = String(hash ?? "").replace(/^#/, "");
  const at = fragment.indexOf("?");
  const filters = {};
  if (at < 0) return filters;
  const query = new URLSearchParams(fragment.slice(at + 1));
  for (const name of FILTERS) {
    const value = (query.get(name) ?? "").trim();
    if (!value) continue;
    if (name === "limit") {
      const n = Number(value);
      if (Number.isInteger(n) && n >= 1 && n <= MAX_PAGE_SIZE) filters.limit = n;
    } else {
      filters[name] = value;
    }
  }
  return filters;
}

/**
 * The fragment that holds filters, for the section `id`: "audit?actor=olga", or "audit" for none.
 *
 * @param {object} filters as filtersFromHash gives them
 * @param {string} [id] the section's id
 * @returns {string} the fragment, without "#"
 */
export function hashOf(filters, id = "audit") {
  const query = new URLSearchParams();
  for (const name of FILTERS) {
    const value = filters[name];
    if (value !== undefined && value !== null && String(value).trim() !== "") query.set(name, String(value).trim());
  }
  const text = query.toString();
  return text ? `${id}?${text}` : id;
}

/**
 * Whether an event is one the filters let through, as the server would answer it (actor and target exactly, one
 * kind, from inclusive, to exclusive).
 *
 * @param {import("./api.js").AuditEvent} event the event
 * @param {object} filters as filtersFromHash gives them
 * @returns {boolean} true when it matches every filter given
 */
export function matches(event, filters) {
  if (filters.actor && event.actor !== filters.actor) return false;
  if (filters.target && event.target !== filters.target) return false;
  if (filters.kind && event.kind !== filters.kind) return false;
  const at = Date.parse(event.occurredAt);
  if (filters.from && !(at >= Date.parse(filters.from))) return false;
  if (filters.to && !(at < Date.parse(filters.to))) return false;
  return true;
}

/**
 * An ISO instant as a datetime-local input's value, in this browser's time zone: "2026-12-03T04:12".
 *
 * @param {string} iso an ISO instant
 * @returns {string} the value; "" for none or no time
 */
export function localInputValue(iso) {
  if (!iso) return "";
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return "";
  return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}T${pad(at.getHours())}:`
    + `${pad(at.getMinutes())}`;
}

/**
 * A datetime-local input's value (this browser's time) as an ISO instant in UTC: "2026-12-03T03:12:00.000Z".
 *
 * @param {string} value "2026-12-03T04:12" (seconds optional)
 * @returns {string|null} the instant; null for an empty or unreadable value
 */
export function isoFromLocalInput(value) {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?$/.exec(String(value ?? "").trim());
  if (!match) return null;
  const [, y, mo, d, h, mi, s] = match.map(Number);
  const at = new Date(y, mo - 1, d, h, mi, Number.isNaN(s) ? 0 : s);
  return Number.isNaN(at.getTime()) ? null : at.toISOString();
}

/**
 * Why filters cannot be asked for, if they cannot: a time range that ends before it begins.
 *
 * @param {object} filters as filtersFromHash gives them
 * @returns {string|null} a sentence, or null when they can
 */
export function filtersProblem(filters) {
  if (filters.from && filters.to && Date.parse(filters.from) >= Date.parse(filters.to)) {
    return "The time range ends before it begins: “until” must be later than “from”.";
  }
  return null;
}

/**
 * The filters in effect, in a few words, for the closed filters' summary: "none", or "olga · web-1 · Sign-in refused
 * · from 3 Dec 10:00 · until 11:00".
 *
 * @param {object} filters as filtersFromHash gives them
 * @param {Date} [now] the time now
 * @returns {string} the words
 */
export function filtersSummary(filters, now = new Date()) {
  const parts = [filters.actor, filters.target, filters.kind ? kindName(filters.kind) : "",
    filters.from ? `from ${dayTime(filters.from, now, false)}` : "",
    filters.to ? `until ${dayTime(filters.to, now, false)}` : ""].filter(Boolean);
  return parts.length ? parts.join(" · ") : "none";
}

/** "1 new event", "3 new events", "50+ new events". */
export function newEventsText(n, more = false) {
  return `${n}${more ? "+" : ""} new event${n === 1 && !more ? "" : "s"} — show`;
}

/** The Audit section; see the module's comment. */
class AuditSection {
  id = "audit";

  /** The filters the events shown were read with. */
  filters = {};

  /** The `before` of the page shown; null for the newest page. */
  before = null;

  /** The `before` of each newer page than the one shown, the newest's (null) first: Newer goes back one. */
  newer = [];

  /** The answer's `next`: the `before` of the page after this one; null on the last. */
  next = null;

  /** The seqs shown in the table. */
  shown = new Set();

  /** The greatest seq known to match the filters: what live events are counted from on an older page. */
  newestSeq = 0;

  /** Live events not shown, on an older page; `pendingMore`: maybe more than counted. */
  pending = 0;

  pendingMore = false;

  /** A read under way: its number (an answer of an earlier one is dropped). */
  reading = 0;

  loading = false;

  /** Live events that arrived while the newest page was being read, for after it. */
  early = [];

  /** Read the newest page again once the read under way is done (the stream opened meanwhile). */
  catchUpAfterLoad = false;

  /** The event stream while the section is shown; null otherwise. */
  events = null;

  wire(root, page) {
    this.root = root;
    this.page = page;
    this.message = byId("audit-message");
    this.rows = byId("audit-rows");
    this.form = byId("audit-filters");
    this.live = byId("audit-live");
    this.newBar = byId("audit-new");
    this.box = byId("audit-filter-box");
    this.narrow = window.matchMedia(NARROW);
    if (this.narrow.matches) this.box.open = false; // a phone: the events first, the filters when asked for
    byId("audit-zone").textContent = Intl.DateTimeFormat().resolvedOptions().timeZone || "local time";
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.apply(this.formFilters());
    });
    byId("audit-clear").addEventListener("click", () => {
      this.form.reset();
      this.apply(this.filters.limit ? { limit: this.filters.limit } : {});
    });
    byId("audit-older").addEventListener("click", () => this.older());
    byId("audit-newer").addEventListener("click", () => this.newerPage());
    this.newBar.addEventListener("click", () => this.newest());
  }

  show(root, page) {
    if (!this.root) this.wire(root, page);
    this.filters = filtersFromHash(location.hash);
    this.fill(this.filters);
    this.before = null;
    this.newer = [];
    this.follow();
    const problem = filtersProblem(this.filters);
    if (problem) {
      this.fail(problem);
      return;
    }
    this.load();
  }

  hide() {
    if (this.events) {
      this.events.close();
      this.events = null;
    }
    this.live.dataset.stream = "closed";
    this.live.textContent = "";
    this.reading++;
    this.loading = false;
  }

  // --- the filters ---------------------------------------------------------------------------------------------

  /** Puts the filters into the form. */
  fill(filters) {
    byId("audit-actor").value = filters.actor || "";
    byId("audit-target").value = filters.target || "";
    this.kindOptions(null, filters.kind);
    byId("audit-kind").value = filters.kind || "";
    byId("audit-from").value = localInputValue(filters.from);
    byId("audit-to").value = localInputValue(filters.to);
    byId("audit-summary").textContent = filtersSummary(filters);
  }

  /** The filters the form says, with the page size the address asked for. */
  formFilters() {
    const filters = {
      actor: byId("audit-actor").value.trim(),
      target: byId("audit-target").value.trim(),
      kind: byId("audit-kind").value,
      from: isoFromLocalInput(byId("audit-from").value) || "",
      to: isoFromLocalInput(byId("audit-to").value) || "",
    };
    if (this.filters.limit) filters.limit = this.filters.limit;
    return filters;
  }

  /** Asks for other filters: they go into the address, whose change shows the section again (admin.js). */
  apply(filters) {
    const problem = filtersProblem(filters);
    if (problem) {
      this.message.textContent = problem;
      return;
    }
    const fragment = `#${hashOf(filters, this.id)}`;
    if (this.narrow.matches) this.box.open = false; // on a phone, the events they let through come into view
    this.root.dataset.state = "loading"; // at once: the fragment's change shows the section again a moment later
    if (location.hash !== fragment) location.hash = fragment;
    else this.show(this.root, this.page);
  }

  /** The kind select's options: "any", then every kind the server names (and the one asked for, if unknown). */
  kindOptions(kinds, wanted) {
    const select = byId("audit-kind");
    const ids = kinds || this.kinds || [];
    if (kinds) this.kinds = kinds;
    const all = wanted && !ids.includes(wanted) ? [...ids, wanted] : ids;
    const drawn = [...select.options].slice(1).map((o) => o.value);
    if (JSON.stringify(drawn) === JSON.stringify(all)) return;
    const chosen = select.value;
    select.replaceChildren(element("option", { value: "", text: "any" }),
      ...all.map((kind) => element("option", { value: kind, text: kindName(kind) })));
    select.value = all.includes(chosen) ? chosen : wanted || "";
  }

  // --- reading ---------------------------------------------------------------------------------------------------

  /** Reads the page shown (the newest when `before` is null) and draws it. */
  async load() {
    const reading = ++this.reading;
    this.loading = true;
    this.early = [];
    this.root.dataset.state = "loading";
    this.root.setAttribute("aria-busy", "true");
    let answer;
    try {
      answer = await fetchAudit({ ...this.filters, before: this.before, limit: this.limit() });
    } catch (e) {
      if (reading !== this.reading) return;
      this.loading = false;
      if (this.page.failed(e)) return;
      this.fail(`Could not read the audit trail: ${e.message}`);
      return;
    }
    if (reading !== this.reading) return;
    this.loading = false;
    this.message.textContent = "";
    this.kindOptions(answer.kinds, this.filters.kind);
    this.next = answer.next;
    this.shown = new Set();
    this.rows.replaceChildren(...answer.events.map((event) => {
      this.shown.add(event.seq);
      return this.row(event, false);
    }));
    if (this.before === null) {
      this.newestSeq = Math.max(0, ...answer.events.map((event) => event.seq));
      this.pending = 0;
      this.pendingMore = false;
      const early = this.early;
      this.early = [];
      early.forEach((event) => this.arrived(event));
    }
    this.drawState();
    this.root.dataset.state = "ready";
    this.root.setAttribute("aria-busy", "false");
    if (this.catchUpAfterLoad) {
      this.catchUpAfterLoad = false;
      this.catchUp();
    }
  }

  /** The page size: the address's limit, else PAGE_SIZE. */
  limit() {
    return this.filters.limit || PAGE_SIZE;
  }

  /** Shows why the trail could not be read; the table shows nothing then. */
  fail(text) {
    this.message.textContent = text;
    this.rows.replaceChildren();
    this.shown = new Set();
    this.next = null;
    byId("audit-empty").hidden = true;
    byId("audit-box").hidden = true;
    byId("audit-paging").hidden = true;
    this.root.dataset.state = "error";
    this.root.setAttribute("aria-busy", "false");
  }

  /** The empty state, the paging buttons and the new events' bar, as the table stands. */
  drawState() {
    const none = this.rows.children.length === 0;
    byId("audit-empty").hidden = !none;
    byId("audit-box").hidden = none;
    byId("audit-paging").hidden = none && this.before === null;
    byId("audit-older").hidden = this.next === null;
    byId("audit-newer").hidden = this.before === null;
    const page = this.newer.length + 1;
    byId("audit-position").textContent = this.before === null ? "Newest events" : `Page ${page}, older events`;
    this.newBar.hidden = this.before === null || this.pending === 0;
    this.newBar.textContent = newEventsText(this.pending, this.pendingMore);
  }

  older() {
    if (this.next === null) return;
    this.newer.push(this.before);
    this.before = this.next;
    this.load().then(() => this.root.scrollIntoView({ block: "start" }));
  }

  newerPage() {
    if (this.before === null) return;
    this.before = this.newer.pop() ?? null;
    this.load().then(() => this.root.scrollIntoView({ block: "start" }));
  }

  /** Back to the newest page, with what arrived meanwhile. */
  newest() {
    this.newer = [];
    this.before = null;
    this.load().then(() => this.root.scrollIntoView({ block: "start" }));
  }

  // --- live ------------------------------------------------------------------------------------------------------

  /**
   * Follows the event stream while the section is shown. After each (re)connect the newest page is read again,
   * since events may have been written while no stream was open; a stream the browser gave up on (it does for an
   * answer other than 200, such as the 401 of a session that ended) is followed by one read, whose 401 or 403 sends
   * the page away.
   */
  follow() {
    if (this.events) return;
    const events = openEventStream();
    this.events = events;
    this.stream("connecting");
    events.addEventListener("open", () => {
      if (this.events !== events) return;
      this.stream("open");
      this.catchUp();
    });
    events.addEventListener("error", () => {
      if (this.events !== events) return;
      if (events.readyState === EventSource.CLOSED) {
        this.stream("closed");
        fetchAudit({ limit: 1 }).catch((e) => this.page.failed(e));
      } else {
        this.stream("reconnecting");
      }
    });
    events.addEventListener("audit", (message) => {
      if (this.events !== events) return;
      let event;
      try {
        event = JSON.parse(message.data);
      } catch (e) {
        return;
      }
      if (auditEvent(event)) this.arrived(event);
    });
  }

  /** Says how the live updates stand. */
  stream(state) {
    this.live.dataset.stream = state;
    this.live.textContent = { connecting: "Connecting…", open: "Live", reconnecting: "Reconnecting…",
      closed: "Not live: reload the page for new events" }[state];
  }

  /** A new event from the stream: at the top of the newest page, or counted on an older one. */
  arrived(event) {
    if (!matches(event, this.filters)) return;
    if (this.loading && this.before === null) {
      this.early.push(event);
      return;
    }
    if (this.before !== null) {
      if (event.seq > this.newestSeq) {
        this.newestSeq = event.seq;
        this.pending++;
        this.drawState();
      }
      return;
    }
    if (this.shown.has(event.seq) || this.root.dataset.state === "error") return;
    this.insert(event);
    this.drawState();
  }

  /** Puts an event on the newest page where its seq places it (the top, as a rule), marked as new. */
  insert(event) {
    this.shown.add(event.seq);
    this.newestSeq = Math.max(this.newestSeq, event.seq);
    const row = this.row(event, true);
    const after = [...this.rows.children].find((tr) => Number(tr.dataset.seq) < event.seq);
    this.rows.insertBefore(row, after || null);
    while (this.rows.children.length > this.limit() + LIVE_ROOM) {
      const last = this.rows.lastElementChild;
      this.shown.delete(Number(last.dataset.seq));
      last.remove();
      this.next = Number(this.rows.lastElementChild.dataset.seq);
    }
  }

  /**
   * Reads the newest page again for events the stream did not bring (written while it was connecting): on the
   * newest page they go to the top, on an older one they are counted.
   */
  async catchUp() {
    if (this.loading) {
      this.catchUpAfterLoad = true;
      return;
    }
    if (this.root.dataset.state === "error") return;
    const reading = this.reading;
    let answer;
    try {
      answer = await fetchAudit({ ...this.filters, limit: this.limit() });
    } catch (e) {
      if (this.page.failed(e)) return;
      return; // the next event, or the next reconnect, tries again
    }
    if (reading !== this.reading || this.loading) return;
    const fresh = answer.events.filter((event) => event.seq > this.newestSeq && !this.shown.has(event.seq));
    if (fresh.length === 0) return;
    if (this.before !== null) {
      this.pending += fresh.length;
      this.pendingMore = this.pendingMore || fresh.length === answer.events.length && answer.next !== null;
      this.newestSeq = Math.max(this.newestSeq, ...fresh.map((event) => event.seq));
      this.drawState();
      return;
    }
    if (fresh.length === answer.events.length && answer.next !== null && this.shown.size > 0) {
      this.load(); // more new events than a page: what lies between is not known, read the page anew
      return;
    }
    fresh.reverse().forEach((event) => this.insert(event));
    this.drawState();
  }

  // --- drawing ---------------------------------------------------------------------------------------------------

  /** One event's row; `fresh`: it arrived live (highlighted a moment). */
  row(event, fresh) {
    const result = resultOf(event);
    const details = detailsText(event);
    const when = new Date(event.occurredAt);
    const time = element("time", { datetime: event.occurredAt, text: dayTime(event.occurredAt),
      title: Number.isNaN(when.getTime()) ? event.occurredAt
        : when.toLocaleString(undefined, { dateStyle: "full", timeStyle: "long" }) });
    const attributes = { "data-seq": String(event.seq), "data-kind": event.kind,
      "data-result": result.ok ? "ok" : "not-ok" };
    if (fresh) attributes["data-new"] = "";
    const who = element("td", { "data-label": "Who", class: "audit-who", text: whoText(event) });
    // What the Who filter takes, where the words differ from it.
    if (who.textContent !== event.actor) who.title = event.actor;
    return element("tr", attributes,
      element("td", { class: "audit-time", "data-label": "When" }, time),
      element("td", { class: "card-title audit-what", text: kindName(event.kind) }),
      who,
      element("td", { "data-label": "From", class: event.address ? "mono" : "muted empty",
        text: event.address || "—" }),
      element("td", { "data-label": "Console", class: event.target ? "mono" : "muted empty",
        text: event.target || "—" }),
      element("td", { "data-label": "Result" }, element("span", { class: result.ok ? "status ok" : "status bad",
        text: result.ok ? "ok" : `✕ ${result.text}` })),
      element("td", { "data-label": "Details", class: details ? "audit-details" : "muted empty",
        text: details || "—" }));
  }
}

/** The section js/admin.js shows as "Audit". */
export const auditSection = new AuditSection();
