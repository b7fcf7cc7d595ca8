/**
 * The console page's Share dialog (console.html's #share-button and #share-dialog), for operators and admins: make
 * a share link to this console — to watch it, or to type through the passphrase box and key bar — for a while and a
 * number of devices; see its URL and QR code this once; list the console's links (one's own; an admin's:
 * everyone's) and revoke them.
 *
 * A link's token is in its URL's fragment. This module shows it in #share-url and #share-qr while the dialog shows
 * the new link, and empties both when the dialog closes or makes another; it never writes it anywhere else (no
 * storage, no page URL, no console). The list holds no token: the server sends none there.
 *
 * #share-dialog carries data-view = form | made, and data-busy while it creates; each link in #share-list is an
 * li[data-link=ID][data-state=live|expired|revoked].
 */
import { createLink, fetchLinks, revokeLink } from "./api.js";
import { byId, element } from "./dom.js";
import { svgDataUrl } from "./second-factor.js";

/** How often the open dialog reads the list again: devices open links, links expire. */
const REFRESH_MS = 10_000;

/** The lifetimes the form offers, in minutes (those above the server's maxMinutes are left out). */
export const EXPIRY_MINUTES = [15, 60, 240, 480, 1440];

/** The most devices a link may open on (the server's ShareLinks.MAX_DEVICES). */
export const MAX_DEVICES = 50;

const MODE_NAMES = { watch: "Watch", type: "Type" };

/** "15 minutes", "1 hour", "24 hours". */
export function lifetimeName(minutes) {
  if (minutes % 60 !== 0) return `${minutes} minute${minutes === 1 ? "" : "s"}`;
  const hours = minutes / 60;
  return `${hours} hour${hours === 1 ? "" : "s"}`;
}

/**
 * The lifetimes to offer.
 *
 * @param {number|null} maxMinutes the longest a link may work; null when unknown (all are offered)
 * @returns {{minutes: number, label: string}[]} the choices, shortest first, never none (when even the shortest
 *     is too long, maxMinutes itself)
 */
export function expiryChoices(maxMinutes) {
  const allowed = EXPIRY_MINUTES.filter((m) => maxMinutes == null || m <= maxMinutes);
  const minutes = allowed.length > 0 ? allowed : [maxMinutes];
  return minutes.map((m) => ({ minutes: m, label: lifetimeName(m) }));
}

/**
 * How many devices the form asks for.
 *
 * @param {boolean} single whether "Single device" is chosen
 * @param {string} typed the number typed beside "Up to"
 * @returns {number|null} 1 for a single device, else the number (2 to MAX_DEVICES); null when it is not one
 */
export function readDevices(single, typed) {
  if (single) return 1;
  const text = String(typed ?? "").trim();
  if (!/^\d+$/.test(text)) return null;
  const n = Number(text);
  return n >= 2 && n <= MAX_DEVICES ? n : null;
}

const pad = (n) => String(n).padStart(2, "0");

/** The local calendar day of a date, as a comparable number. */
const dayOf = (date) => Math.floor(Date.UTC(date.getFullYear(), date.getMonth(), date.getDate()) / 86_400_000);

/**
 * A time in local HH:MM, with the day when it is not today: "12:34", "tomorrow 09:15", "yesterday 23:50",
 * "7 May 12:34".
 *
 * @param {string} iso an ISO instant
 * @param {Date} [now] the time now
 * @returns {string} the time
 */
export function clockTime(iso, now = new Date()) {
  const at = new Date(iso);
  const time = `${pad(at.getHours())}:${pad(at.getMinutes())}`;
  const days = dayOf(at) - dayOf(now);
  if (days === 0) return time;
  if (days === 1) return `tomorrow ${time}`;
  if (days === -1) return `yesterday ${time}`;
  return `${at.toLocaleDateString(undefined, { day: "numeric", month: "short" })} ${time}`;
}

/**
 * Where a link stands.
 *
 * @param {import("./api.js").ShareLink} link the link
 * @param {Date} [now] the time now
 * @returns {"live"|"expired"|"revoked"} revoked, expired (by the server's word or the clock), else live
 */
export function linkState(link, now = new Date()) {
  if (link.revoked) return "revoked";
  if (link.live === false || new Date(link.expiresAt) <= now) return "expired";
  return "live";
}

/** "expires 12:34", "expired", "revoked". */
export function stateText(link, now = new Date()) {
  const state = linkState(link, now);
  return state === "live" ? `expires ${clockTime(link.expiresAt, now)}` : state;
}

/** "Watch", "Type", or the mode's own name for one this page does not know. */
export function modeName(mode) {
  return MODE_NAMES[mode] || String(mode);
}

/**
 * The devices of a link: "0 of 3 devices opened", "1 of 1 device opened · last seen 12:03".
 *
 * @param {import("./api.js").ShareLink} link the link
 * @param {Date} [now] the time now
 * @returns {string} how many opened it, of how many it may, and when the last of them was last seen
 */
export function devicesText(link, now = new Date()) {
  const opened = `${link.devices.length} of ${link.maxDevices} device${link.maxDevices === 1 ? "" : "s"} opened`;
  const seen = link.devices.map((d) => d.lastSeen).filter(Boolean).sort((a, b) => Date.parse(b) - Date.parse(a));
  return seen.length > 0 ? `${opened} · last seen ${clockTime(seen[0], now)}` : opened;
}

/**
 * A new link's terms, one line each: "Type — may switch the keyboard stage", "Expires 13:45", "On up to 3 devices".
 *
 * @param {import("./api.js").ShareLink} link the link
 * @param {Date} [now] the time now
 * @returns {string[]} the lines
 */
export function termsLines(link, now = new Date()) {
  const mode = link.mode === "type"
    ? `Type — ${link.stages ? "may switch the keyboard stage" : "passphrase box and key bar only"}`
    : "Watch — types nothing";
  const devices = link.maxDevices === 1 ? "On a single device: the first browser that opens it"
    : `On up to ${link.maxDevices} devices`;
  return [mode, `Expires ${clockTime(link.expiresAt, now)}`, devices];
}

/**
 * Offers the Share button on the console page, for an operator or an admin. It stays hidden when the server
 * shares no link of this console with them (an unknown console, a viewer).
 *
 * @param {string} target the console's name; "" offers nothing
 * @param {import("./api.js").User} user who is signed in (their own links carry no "made by")
 */
export async function offerSharing(target, user) {
  if (!target) return;
  const dialog = new ShareDialog(target, user);
  try {
    dialog.showLinks(await fetchLinks(target));
  } catch (e) {
    if (e.status === 403 || e.status === 404 || e.status === 401) return;
    // Not reachable now: the button is there all the same, and the dialog says what is wrong when it opens.
  }
  byId("share-button").hidden = false;
}

/** The dialog and its three parts: the form, the new link, the list. */
class ShareDialog {
  /**
   * @param {string} target the console's name
   * @param {import("./api.js").User} user who is signed in
   */
  constructor(target, user) {
    this.target = target;
    this.user = user;
    this.dialog = byId("share-dialog");
    this.form = byId("share-form");
    this.message = byId("share-message");
    this.expiry = byId("share-expiry");
    this.stages = byId("share-stages");
    this.count = byId("share-device-count");
    this.url = byId("share-url");
    this.qr = byId("share-qr");
    this.copyStatus = byId("share-copy-status");
    this.list = byId("share-list");
    this.listMessage = byId("share-list-message");
    /** The interval reading the list while the dialog is open; null while it is closed. */
    this.timer = null;
    /** Counts list reads, so an older answer arriving late does not replace a newer one. */
    this.reads = 0;
    this.shown = 0;
    this.maxMinutes = undefined;

    this.setExpiryChoices(null);
    this.wire();
  }

  wire() {
    byId("share-button").addEventListener("click", () => this.open());
    byId("share-close").addEventListener("click", () => this.dialog.close());
    // Closed by its button, Done or Escape; not by a click beside it, which could lose a link shown only once.
    this.dialog.addEventListener("close", () => this.closed());
    for (const radio of this.form.elements["share-mode"]) radio.addEventListener("change", () => this.modeChanged());
    for (const radio of this.form.elements["share-devices"]) {
      radio.addEventListener("change", () => this.devicesChanged());
    }
    // Typing a number means "Up to N devices".
    this.count.addEventListener("focus", () => {
      byId("share-devices-several").checked = true;
      this.devicesChanged();
    });
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.create();
    });
    byId("share-copy").addEventListener("click", () => this.copy());
    this.url.addEventListener("focus", () => this.url.select());
    byId("share-another").addEventListener("click", () => this.showForm());
    byId("share-done").addEventListener("click", () => this.dialog.close());
    this.modeChanged();
    this.devicesChanged();
  }

  open() {
    if (this.dialog.open) return;
    this.showForm();
    this.dialog.showModal();
    this.form.querySelector('input[name="share-mode"]:checked').focus();
    this.refresh();
    this.timer = setInterval(() => this.refresh(), REFRESH_MS);
  }

  closed() {
    clearInterval(this.timer);
    this.timer = null;
    this.forgetLink();
    this.dialog.dataset.view = "form";
    byId("share-button").focus();
  }

  /** Only a link to type may switch the keyboard stage. */
  modeChanged() {
    const typing = byId("share-mode-type").checked;
    this.stages.disabled = !typing;
    if (!typing) this.stages.checked = false;
    this.stages.closest("label").classList.toggle("disabled", !typing);
  }

  devicesChanged() {
    const single = byId("share-devices-single").checked;
    this.count.closest(".share-choice").classList.toggle("unchosen", single);
  }

  /** Offers the lifetimes up to maxMinutes, keeping the one chosen when it is still offered. */
  setExpiryChoices(maxMinutes) {
    if (maxMinutes === this.maxMinutes) return;
    this.maxMinutes = maxMinutes;
    const chosen = Number(this.expiry.value) || EXPIRY_MINUTES[0];
    const choices = expiryChoices(maxMinutes);
    this.expiry.replaceChildren(...choices.map((c) => element("option", { value: String(c.minutes), text: c.label })));
    const keep = choices.find((c) => c.minutes === chosen) || choices[0];
    this.expiry.value = String(keep.minutes);
  }

  say(text) {
    this.message.textContent = text || "";
    if (text) this.message.scrollIntoView({ block: "nearest" });
  }

  /** The terms in the form, or null (having said why) when they are not complete. */
  terms() {
    const single = byId("share-devices-single").checked;
    const devices = readDevices(single, this.count.value);
    if (devices === null) {
      this.say(`Up to how many devices? A number from 2 to ${MAX_DEVICES}.`);
      this.count.focus();
      return null;
    }
    const mode = byId("share-mode-type").checked ? "type" : "watch";
    return {
      mode,
      minutes: Number(this.expiry.value),
      devices,
      stages: mode === "type" && this.stages.checked,
      note: byId("share-note").value.trim(),
    };
  }

  async create() {
    if (this.dialog.dataset.busy) return;
    this.say("");
    const terms = this.terms();
    if (!terms) return;
    const button = byId("share-create");
    this.dialog.dataset.busy = "true";
    button.disabled = true;
    try {
      const created = await createLink(this.target, terms);
      if (this.dialog.open) this.showLink(created);
    } catch (e) {
      this.say(`Could not make the link: ${e.message}`);
    } finally {
      delete this.dialog.dataset.busy;
      button.disabled = false;
    }
    this.refresh();
  }

  /** Shows a new link: its URL, QR code and terms, this once. */
  showLink(created) {
    this.url.value = created.url;
    this.qr.src = svgDataUrl(created.qrCodeSvg);
    this.copyStatus.textContent = "";
    delete this.copyStatus.dataset.kind;
    byId("share-terms").replaceChildren(...termsLines(created.link).map((line) => element("li", { text: line })));
    const note = created.link.note;
    byId("share-made-note").textContent = note ? `Note: ${note}` : "";
    this.dialog.dataset.view = "made";
    byId("share-copy").focus();
  }

  /** Empties what showed the last new link, so the page holds its token no longer. */
  forgetLink() {
    this.url.value = "";
    this.qr.removeAttribute("src");
    this.copyStatus.textContent = "";
  }

  showForm() {
    this.forgetLink();
    byId("share-note").value = "";
    this.say("");
    this.dialog.dataset.view = "form";
  }

  async copy() {
    const text = this.url.value;
    if (!text) return;
    this.copyStatus.textContent = "";
    try {
      if (!navigator.clipboard || !window.isSecureContext) throw new Error("no clipboard here");
      await navigator.clipboard.writeText(text);
      this.copyStatus.textContent = "Copied.";
      this.copyStatus.dataset.kind = "copied";
    } catch (e) {
      // No clipboard for this page (plain http, or the browser said no): the person copies it themselves.
      this.url.focus();
      this.url.setSelectionRange(0, text.length);
      this.copyStatus.textContent = "The link is selected: press Ctrl-C (⌘-C on a Mac) to copy it.";
      this.copyStatus.dataset.kind = "select";
    }
  }

  /** Reads the list again and shows it; says so when it cannot. */
  async refresh() {
    const read = ++this.reads;
    try {
      const answer = await fetchLinks(this.target);
      if (read < this.shown) return;
      this.shown = read;
      this.showLinks(answer);
      this.listMessage.textContent = "";
    } catch (e) {
      if (read < this.shown) return;
      this.listMessage.textContent = `Could not read the links: ${e.message}`;
    }
  }

  /**
   * Shows the links, keeping the items that have not changed (so a focused Revoke button stays focused).
   *
   * @param {{maxMinutes: (number|null), links: import("./api.js").ShareLink[]}} answer fetchLinks's
   */
  showLinks({ maxMinutes, links }) {
    this.setExpiryChoices(maxMinutes);
    const now = new Date();
    const focused = this.list.contains(document.activeElement)
      ? document.activeElement.closest("li[data-link]")?.dataset.link : null;
    const old = new Map([...this.list.children].map((li) => [li.dataset.link, li]));
    const items = links.map((link) => {
      const item = this.linkItem(link, now);
      const before = old.get(link.id);
      return before && before.dataset.signature === item.dataset.signature ? before : item;
    });
    items.forEach((item, i) => {
      if (this.list.children[i] !== item) this.list.insertBefore(item, this.list.children[i] || null);
    });
    while (this.list.children.length > items.length) this.list.lastElementChild.remove();
    if (focused && !this.list.contains(document.activeElement)) {
      const again = [...this.list.children].find((li) => li.dataset.link === focused);
      (again?.querySelector("button") || byId("share-links-title")).focus();
    }
    byId("share-list-empty").hidden = links.length > 0;
    this.list.hidden = links.length === 0;
  }

  /** One link of the list, with a Revoke button while it is live. */
  linkItem(link, now) {
    const state = linkState(link, now);
    const note = link.note || "no note";
    const madeBy = link.madeBy && link.madeBy !== this.user.name ? `made by ${link.madeBy}` : "";
    const devices = devicesText(link, now);
    const mode = modeName(link.mode) + (link.stages ? " + stage" : "");
    const item = element("li", { class: "share-link", "data-link": link.id, "data-state": state },
      element("div", { class: "share-link-about" },
        element("span", { class: link.note ? "share-link-note" : "share-link-note none", text: note }),
        element("span", { class: "share-link-terms" },
          element("span", { class: `share-mode ${link.mode}`, text: mode,
            ...(link.stages ? { title: "Types, and may switch the keyboard stage" } : {}) }),
          ...(madeBy ? [element("span", { class: "share-link-maker", text: madeBy })] : []),
          element("span", { class: "share-link-state", text: stateText(link, now) })),
        element("span", { class: "share-link-devices", text: devices,
          title: link.devices.map((d) => `since ${clockTime(d.since, now)}, last seen `
            + `${clockTime(d.lastSeen, now)}, from ${d.address}`).join("\n") })));
    if (state === "live") {
      const revoke = element("button", { class: "button share-revoke", type: "button", text: "Revoke",
        "aria-label": `Revoke the link: ${note}` });
      revoke.addEventListener("click", () => this.revoke(link, revoke));
      item.append(revoke);
    }
    item.dataset.signature = JSON.stringify([state, note, madeBy, devices, mode, stateText(link, now),
      item.querySelector(".share-link-devices").title]);
    return item;
  }

  async revoke(link, button) {
    button.disabled = true;
    this.listMessage.textContent = "";
    try {
      await revokeLink(link.id);
    } catch (e) {
      this.listMessage.textContent = `Could not revoke the link: ${e.message}`;
      button.disabled = false;
    }
    await this.refresh();
    // The link's Revoke button is gone: the focus stays in the list rather than fall out of the dialog.
    if (this.dialog.open && !this.dialog.contains(document.activeElement)) byId("share-links-title").focus();
  }
}
