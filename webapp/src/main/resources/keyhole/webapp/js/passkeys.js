/**
 * The passkeys page (passkeys.html, from the account menu's "Passkeys…"): the signed-in user's passkeys with when
 * each was added and last used, a button to remove each (pressed twice: the first press asks), and a form to add
 * one on this device, a phone (by its QR code) or a security key. Where passkeys cannot work here (an IP address,
 * no WebAuthn) the form says why instead.
 *
 * #passkeys carries data-state = loading | ready | adding | error; #passkeys-message (role="alert") says what
 * went wrong; each passkey is an li[data-passkey=ID] of #passkey-list.
 */
import { fetchPasskeys, finishPasskeyRegistration, removePasskey, startPasskeyRegistration } from "./api.js";
import { byId, element } from "./dom.js";
import { showAccount, signedOut } from "./account.js";
import { goToSignInOn401 } from "./address.js";
import { createPasskey, localhostAlternative, passkeysUnavailable } from "./passkey.js";

/** How long a remove button waits for its second press. */
const CONFIRM_MS = 5000;

const page = byId("passkeys");
const message = byId("passkeys-message");
const list = byId("passkey-list");
const empty = byId("passkeys-empty");
const addButton = byId("passkey-add-button");
const nameInput = byId("passkey-name");
const reason = passkeysUnavailable(location, window);

function state(value) {
  page.dataset.state = value;
  page.setAttribute("aria-busy", String(value === "loading" || value === "adding"));
}

function say(text) {
  message.textContent = text || "";
}

/** "6 May 2031" (the reader's own way of writing dates). */
function day(iso) {
  return new Date(iso).toLocaleDateString(undefined, { day: "numeric", month: "short", year: "numeric" });
}

/** "Added 6 May 2031 · last used 7 May 2031, synced to your devices". */
function dates(passkey) {
  const used = passkey.lastUsedAt ? `last used ${day(passkey.lastUsedAt)}` : "never used to sign in";
  return `Added ${day(passkey.createdAt)} · ${used}${passkey.synced ? " · synced to your devices" : ""}`;
}

/** Shows the passkeys, or that there are none. */
function render(passkeys) {
  list.replaceChildren(...passkeys.map((passkey) => {
    const remove = element("button", { class: "button", type: "button", text: "Remove",
      "aria-label": `Remove the passkey ${passkey.nickname}` });
    remove.addEventListener("click", () => removing(passkey, remove));
    return element("li", { class: "passkey-item", "data-passkey": passkey.id },
      element("div", { class: "passkey-about" },
        element("span", { class: "passkey-name", text: passkey.nickname }),
        element("span", { class: "passkey-dates", text: dates(passkey) })),
      remove);
  }));
  list.hidden = passkeys.length === 0;
  empty.hidden = passkeys.length > 0;
}

/** The first press asks again; the second, within CONFIRM_MS, removes. */
async function removing(passkey, button) {
  if (!button.dataset.confirm) {
    button.dataset.confirm = "true";
    button.textContent = "Remove it?";
    setTimeout(() => {
      if (!button.isConnected || button.disabled) return;
      delete button.dataset.confirm;
      button.textContent = "Remove";
    }, CONFIRM_MS);
    return;
  }
  button.disabled = true;
  say("");
  try {
    await removePasskey(passkey.id);
    render(await fetchPasskeys());
  } catch (e) {
    if (goToSignInOn401(e)) return;
    say(`Could not remove the passkey: ${e.message}`);
    button.disabled = false;
  }
}

async function load() {
  try {
    render(await fetchPasskeys());
    byId("passkeys-loading").hidden = true;
    state("ready");
  } catch (e) {
    if (goToSignInOn401(e)) return;
    byId("passkeys-loading").hidden = true;
    state("error");
    say(`Could not load your passkeys: ${e.message} Reload the page to try again.`);
  }
}

/** Where passkeys cannot work, the form says why (with a link to this page under localhost, when there is one). */
function explain() {
  const note = byId("passkey-add-note");
  addButton.hidden = true;
  byId("passkey-add-hint").hidden = true;
  nameInput.disabled = true;
  note.hidden = false;
  const instead = localhostAlternative(location);
  const at = instead ? reason.indexOf(instead) : -1;
  if (at < 0) {
    note.textContent = reason;
    return;
  }
  note.replaceChildren(reason.slice(0, at), element("a", { href: instead + location.pathname, text: instead }),
    reason.slice(at + instead.length));
}

byId("passkey-add").addEventListener("submit", async (event) => {
  event.preventDefault();
  if (addButton.disabled || reason) return;
  addButton.disabled = true;
  say("");
  state("adding");
  try {
    const options = await startPasskeyRegistration();
    const credential = await createPasskey(options.publicKey);
    await finishPasskeyRegistration(options.ceremony, credential, nameInput.value.trim());
    nameInput.value = "";
    render(await fetchPasskeys());
  } catch (e) {
    // A 401 here may be the passkey's (its answer did not verify) rather than a session that ended.
    if (e.status === 401 && (await signedOut()) && goToSignInOn401(e)) return;
    say(e.message);
  } finally {
    addButton.disabled = false;
    state("ready");
  }
});

if (reason) explain();
showAccount();
load();
