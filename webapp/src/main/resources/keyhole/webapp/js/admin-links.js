/**
 * The admin pages' Links section (admin.html's #admin-links, js/admin.js): every share link into every console,
 * newest first — its console, note, mode, maker, when made, its expiry or end, its devices — with "Revoke" on each
 * live one (the same route as the console page's Share dialog, which lets an admin revoke anyone's). Read again
 * every REFRESH_MS while shown: devices open links, links expire.
 *
 * Each link is a tr[data-link=ID][data-target=NAME][data-state=live|expired|revoked] of #link-rows; #admin-links
 * carries data-state = loading | ready | error.
 */
import { fetchAllLinks, revokeLink } from "./api.js";
import { byId, element } from "./dom.js";
import { clockTime, devicesText, linkState, modeName } from "./share.js";

/** How often the section reads the links again while shown. */
export const REFRESH_MS = 10_000;

/**
 * When a link stops working, under "Expires": "17:46" (or "tomorrow 09:15") while it works, "expired 17:46",
 * "revoked".
 *
 * @param {import("./api.js").ShareLink} link the link
 * @param {string} state its linkState
 * @param {Date} [now] the time now
 * @returns {string} the words
 */
export function untilText(link, state, now = new Date()) {
  if (state === "revoked") return "revoked";
  const at = clockTime(link.expiresAt, now);
  return state === "expired" ? `expired ${at}` : at;
}

/** The Links section; see the module's comment. */
class LinksSection {
  id = "links";

  drawn = null;

  timer = null;

  wire(root, page) {
    this.root = root;
    this.page = page;
    this.message = byId("links-message");
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
    let links;
    try {
      links = await fetchAllLinks();
    } catch (e) {
      if (this.page.failed(e)) return;
      this.message.textContent = `Could not read the links: ${e.message}`;
      this.root.dataset.state = "error";
      return;
    }
    const json = JSON.stringify(links);
    if (json !== this.drawn) {
      this.drawn = json;
      byId("link-rows").replaceChildren(...links.map((link) => this.row(link)));
      byId("links-empty").hidden = links.length > 0;
      byId("links-box").hidden = links.length === 0;
    }
    this.root.dataset.state = "ready";
  }

  row(link) {
    const state = linkState(link);
    const actions = element("td", { class: "row-actions" });
    if (state === "live") {
      const revoke = element("button", { class: "button", type: "button", text: "Revoke",
        "aria-label": link.madeBy ? `Revoke ${link.madeBy}'s link to ${link.target}`
          : `Revoke the link to ${link.target}`,
        "data-revoke": link.id });
      revoke.addEventListener("click", () => this.revoke(link, revoke));
      actions.append(revoke);
    }
    const mode = link.mode === "type" && link.stages ? `${modeName(link.mode)}, may switch the stage`
      : modeName(link.mode);
    return element("tr", { "data-link": link.id, "data-target": link.target, "data-state": state },
      element("td", { class: "card-title mono", text: link.target }),
      element("td", { "data-label": "Note", class: link.note ? "note" : "muted", text: link.note || "—" }),
      element("td", { "data-label": "Mode", text: mode }),
      element("td", { "data-label": "Made by", text: link.madeBy || "(removed)" }),
      element("td", { "data-label": "Made", text: clockTime(link.createdAt) }),
      element("td", { "data-label": "Expires", class: `link-${state}`, text: untilText(link, state) }),
      element("td", { "data-label": "Devices", text: devicesText(link) }),
      actions);
  }

  async revoke(link, button) {
    button.disabled = true;
    this.message.textContent = "";
    try {
      await revokeLink(link.id);
    } catch (e) {
      if (this.page.failed(e)) return;
      this.message.textContent = `Could not revoke the link: ${e.message}`;
      button.disabled = false;
    }
    this.load();
  }
}

/** The section js/admin.js shows as "Links". */
export const linksSection = new LinksSection();
