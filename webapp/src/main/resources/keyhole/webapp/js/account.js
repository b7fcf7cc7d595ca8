/**
 * Who is signed in, in the header bar of the pages behind the sign-in (index.html, console.html, passkeys.html): the
 * user's name on a small button that opens a menu with their role, "Passkeys…", "Sign out" and "Sign out
 * everywhere". Signing out, or finding the session gone, goes to the sign-in page.
 *
 * The bar holds (hidden until the session is known):
 *   #account > button#account-button[aria-expanded] > #signed-in-user (the name), #signed-in-role (wide screens)
 *            > #account-menu > #account-summary, a#manage-passkeys (passkeys.html), button#sign-out,
 *              button#sign-out-everywhere, #account-message
 * #account carries data-state = loading | signed-in | signing-out.
 */
import { fetchSession, signOut, signOutEverywhere } from "./api.js";
import { byId } from "./dom.js";
import { SIGN_IN_PAGE, signInUrl } from "./address.js";

const ROLE_NAMES = { admin: "Admin", operator: "Operator", viewer: "Viewer" };

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
    return !session || session.state !== "signed-in";
  } catch (e) {
    return false;
  }
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
  if (!session || session.state !== "signed-in") {
    location.assign(signInUrl(location));
    return null;
  }
  byId("signed-in-user").textContent = session.user.name;
  const role = ROLE_NAMES[session.user.role] || session.user.role;
  byId("signed-in-role").textContent = role;
  byId("account-summary").textContent = `Signed in as ${session.user.name} (${role})`;
  button.title = `Signed in as ${session.user.name}`;
  // On a phone's console page the button shows an icon only: its name for screen readers says whose it is.
  button.setAttribute("aria-label", `${session.user.name}, ${role}: account menu`);
  box.dataset.state = "signed-in";
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

  const leave = async (how) => {
    box.dataset.state = "signing-out";
    for (const b of menu.querySelectorAll("button")) b.disabled = true;
    try {
      await how();
    } catch (e) {
      // 401: this browser was signed out already, which is what was asked for.
      if (e.status !== 401) {
        message.textContent = `Could not sign out: ${e.message}`;
        for (const b of menu.querySelectorAll("button")) b.disabled = false;
        box.dataset.state = "signed-in";
        return;
      }
    }
    location.assign(SIGN_IN_PAGE);
  };
  byId("sign-out").addEventListener("click", () => leave(signOut));
  byId("sign-out-everywhere").addEventListener("click", () => leave(signOutEverywhere));
  return session;
}
