/**
 * Who is signed in, in the header bar of the pages behind the sign-in (index.html, console.html, passkeys.html,
 * admin.html, notifications.html): the user's name on a small button that opens a menu with their role,
 * "Passkeys…", "Notifications…", for admins "Admin…", "Sign out" and "Sign out everywhere". Signing out, or finding
 * the session gone, goes to the sign-in page.
 *
 * Each page's bar has an empty, hidden <div id="account" class="account">, which this module fills (and shows
 * once the session is known):
 *   #account > button#account-button[aria-expanded] > an icon, #signed-in-user (the name), #signed-in-role (wide
 *              screens), a caret
 *            > #account-menu > #account-summary, a#manage-passkeys (passkeys.html), a#manage-notifications
 *              (notifications.html), a#admin-pages (admin.html, admins only), button#sign-out,
 *              button#sign-out-everywhere, #account-message
 * #account carries data-state = loading | signed-in | guest | signing-out.
 *
 * A share link's guest (no account) gets the same button with "Guest" on it, and a menu that says whose link
 * brought them, to do what, until when, with "Leave" (button#leave-link) instead of the account's items.
 */
import { fetchSession, leaveLink, signOut, signOutEverywhere } from "./api.js";
import { byId, element } from "./dom.js";
import { SIGN_IN_PAGE, signInUrl } from "./address.js";

const ROLE_NAMES = { admin: "Admin", operator: "Operator", viewer: "Viewer" };
const SVG = "http://www.w3.org/2000/svg";

/** A person's outline, the account button's icon. */
function accountIcon() {
  const svg = document.createElementNS(SVG, "svg");
  const shape = (tag, attributes) => {
    const node = document.createElementNS(SVG, tag);
    for (const [key, value] of Object.entries({ fill: "none", stroke: "currentColor", "stroke-width": "2",
      ...attributes })) node.setAttribute(key, value);
    return node;
  };
  for (const [key, value] of Object.entries({ class: "account-icon", viewBox: "0 0 24 24", "aria-hidden": "true",
    focusable: "false" })) svg.setAttribute(key, value);
  svg.append(shape("circle", { cx: "12", cy: "8", r: "4" }),
    shape("path", { d: "M4 21c0-4.4 3.6-7 8-7s8 2.6 8 7", "stroke-linecap": "round" }));
  return svg;
}

/**
 * Builds the button and its menu into the page's #account (once).
 *
 * @param {HTMLElement} box the page's #account
 */
function buildMenu(box) {
  if (box.childElementCount > 0) return;
  const onPasskeysPage = /(^|\/)passkeys\.html$/.test(location.pathname);
  const passkeys = element("a", { id: "manage-passkeys", class: "menu-item", href: "passkeys.html",
    text: "Passkeys…" });
  if (onPasskeysPage) passkeys.setAttribute("aria-current", "page");
  const notifications = element("a", { id: "manage-notifications", class: "menu-item", href: "notifications.html",
    text: "Notifications…" });
  if (/(^|\/)notifications\.html$/.test(location.pathname)) notifications.setAttribute("aria-current", "page");
  const admin = element("a", { id: "admin-pages", class: "menu-item", href: "admin.html", text: "Admin…",
    hidden: "" });
  if (/(^|\/)admin\.html$/.test(location.pathname)) admin.setAttribute("aria-current", "page");
  box.append(
    element("button", { id: "account-button", class: "account-button", type: "button", "aria-expanded": "false",
      "aria-controls": "account-menu" }, accountIcon(),
    element("span", { id: "signed-in-user", class: "account-name" }),
    element("span", { id: "signed-in-role", class: "account-role wide-only" }),
    element("span", { class: "account-caret", "aria-hidden": "true", text: "▾" })),
    element("div", { id: "account-menu", class: "account-menu", hidden: "" },
      element("p", { id: "account-summary", class: "account-summary" }),
      passkeys,
      notifications,
      admin,
      element("button", { id: "sign-out", class: "menu-item", type: "button", text: "Sign out" }),
      element("button", { id: "sign-out-everywhere", class: "menu-item", type: "button",
        title: "Ends your sessions in every browser, this one too", text: "Sign out everywhere" }),
      element("button", { id: "leave-link", class: "menu-item", type: "button", hidden: "",
        title: "This browser forgets the link; opening the link again comes back", text: "Leave" }),
      element("p", { id: "account-message", class: "account-message", role: "alert" })));
}

/**
 * Whether this browser's session is gone (or not complete): what a page asks when its console or event stream
 * closed in a way a signed-out session would close it.
 *
 * @returns {Promise<boolean>} true when the server has no complete session for this browser; false when it has,
 *     or when it could not be asked (no answer is no proof of a sign-out)
 */
export async function signedOut() {
  try {
    const session = await fetchSession();
    return !session || session.state !== "signed-in" && session.state !== "guest";
  } catch (e) {
    return false;
  }
}

/** "12:34", local time, of an ISO instant. */
export function clockTime(iso) {
  return new Date(iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}

/** What a guest is told about their link: "Here through alice's link — watching — until 12:34". */
export function guestSummary(guest) {
  const doing = guest.mode === "type" ? "typing allowed" : "watching";
  return `Here through ${guest.maker}'s link — ${doing} — until ${clockTime(guest.expiresAt)}`;
}

/**
 * Shows who is signed in and wires the menu. Without a complete session the page goes to the sign-in page, to
 * come back here afterwards.
 *
 * @returns {Promise<import("./api.js").Session|null>} the session; null when there is none (the page is on its
 *     way to the sign-in page) or when the server could not be asked (the menu stays hidden)
 */
export async function showAccount() {
  const box = byId("account");
  buildMenu(box);
  const button = byId("account-button");
  const menu = byId("account-menu");
  const message = byId("account-message");
  box.dataset.state = "loading";

  let session;
  try {
    session = await fetchSession();
  } catch (e) {
    return null; // the page's own calls say the server is not reachable
  }
  const guest = session && session.state === "guest";
  if (!session || session.state !== "signed-in" && !guest) {
    location.assign(signInUrl(location));
    return null;
  }
  if (guest) {
    byId("signed-in-user").textContent = "Guest";
    byId("signed-in-role").textContent = session.guest.mode === "type" ? "Typing" : "Watching";
    byId("account-summary").textContent = guestSummary(session.guest);
    button.title = guestSummary(session.guest);
    button.setAttribute("aria-label", "Guest: link menu");
    for (const id of ["manage-passkeys", "manage-notifications", "sign-out", "sign-out-everywhere"]) {
      byId(id).hidden = true;
    }
    byId("leave-link").hidden = false;
  } else {
    byId("signed-in-user").textContent = session.user.name;
    const role = ROLE_NAMES[session.user.role] || session.user.role;
    byId("signed-in-role").textContent = role;
    byId("account-summary").textContent = `Signed in as ${session.user.name} (${role})`
      + (session.guest ? `. ${guestSummary(session.guest)}` : "");
    button.title = `Signed in as ${session.user.name}`;
    byId("admin-pages").hidden = session.user.role !== "admin";
    // On a phone's console page the button shows an icon only: its name for screen readers says whose it is.
    button.setAttribute("aria-label", `${session.user.name}, ${role}: account menu`);
  }
  box.dataset.state = guest ? "guest" : "signed-in";
  box.hidden = false;

  const open = (opened) => {
    menu.hidden = !opened;
    button.setAttribute("aria-expanded", String(opened));
    if (!opened) message.textContent = "";
  };
  button.addEventListener("click", () => open(menu.hidden));
  document.addEventListener("click", (event) => {
    if (!menu.hidden && !box.contains(event.target)) open(false);
  });
  box.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && !menu.hidden) {
      open(false);
      button.focus();
    }
  });

  const leave = async (how, then = SIGN_IN_PAGE) => {
    box.dataset.state = "signing-out";
    for (const b of menu.querySelectorAll("button")) b.disabled = true;
    try {
      await how();
    } catch (e) {
      // 401: this browser was signed out already, which is what was asked for.
      if (e.status !== 401) {
        message.textContent = `Could not sign out: ${e.message}`;
        for (const b of menu.querySelectorAll("button")) b.disabled = false;
        box.dataset.state = guest ? "guest" : "signed-in";
        return;
      }
    }
    location.assign(then);
  };
  byId("sign-out").addEventListener("click", () => leave(signOut));
  byId("sign-out-everywhere").addEventListener("click", () => leave(signOutEverywhere));
  byId("leave-link").addEventListener("click", () => leave(leaveLink, "join.html?left=1"));
  return session;
}
