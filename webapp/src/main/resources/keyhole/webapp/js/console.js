/**
 * The console page (console.html?target=NAME): one live console over a
 * Guacamole WebSocket tunnel, scaled to fit, reconnecting by itself. The
 * connection and its retries are the ConsoleSession's (session.js); this
 * module draws its events and wires the page's controls to it.
 *
 * The page exposes its state for people and tests alike on #console:
 *   data-state   = connecting | connected | reconnecting | disconnected | error
 *   data-picture = waiting | shown
 * with a human message in #console-message while it is not showing a live picture.
 */
import { fetchTarget, notePassphraseBoxUsed, openEventStream, TUNNEL_URL, tunnelData } from "./api.js";
import { followScreens, screenLine } from "./screen-state.js";
import { byId } from "./dom.js";
import { ConsoleSession } from "./session.js";
import { KeyholeCode } from "./status.js";
import { fitDisplayTo } from "./fit.js";
import { watchFirstPicture } from "./picture.js";
import { forwardKeyboard, forwardPointer, softKeyboardButton } from "./input.js";
import { KeyboardStagePanel } from "./stage.js";
import { passphraseBox } from "./passphrase.js";
import { keyBar } from "./keybar.js";
import { followVisualViewport } from "./viewport.js";
import { pinchZoom } from "./zoom.js";
import { showAccount, signedOut } from "./account.js";
import { showPresence } from "./presence.js";
import { goToSignInOn401, signInUrl } from "./address.js";
import { offerSharing } from "./share.js";

const consoleElement = byId("console");
const displayHost = byId("display");
const messageElement = byId("console-message");
const reconnectButton = byId("reconnect-button");
const statusPill = byId("status-pill");
const titleElement = byId("target-title");
const signInAgain = byId("sign-in-again");
signInAgain.href = signInUrl(location);

const PILL_TEXT = {
  connecting: "Connecting",
  connected: "Connected",
  reconnecting: "Reconnecting",
  disconnected: "Disconnected",
  error: "Error",
};
const WAITING_FOR_PICTURE =
  "Connected — waiting for the console's picture. The screen appears when the console next changes; "
  + "if it stays black, the Wake key sends it a Shift press (it types nothing).";

const targetName = new URLSearchParams(location.search).get("target") || "";
const session = new ConsoleSession({
  guacamole: Guacamole,
  tunnelUrl: TUNNEL_URL,
  connectData: tunnelData(targetName),
});
const keyboardPanel = new KeyboardStagePanel(targetName, {
  label: byId("keyboard-stage"),
  buttons: byId("stage-buttons"),
  notice: byId("keyboard-notice"),
});
const zoom = pinchZoom(displayHost);

/** Stops fitting the current attempt's display to the page; null when none is fitted. */
let stopFitting = null;
/** Updates the "retrying in N s" countdown every second while a retry is pending; null otherwise. */
let countdown = null;
zoom.onchange = () => stopFitting && stopFitting.refit();

/** Sets data-state, the pill and the message; the overlay shows whenever there is a message. */
function render(state, message, buttonLabel) {
  consoleElement.dataset.state = state;
  statusPill.dataset.state = state;
  statusPill.textContent = PILL_TEXT[state];
  statusPill.title = PILL_TEXT[state]; // on a phone "Connected" is a dot: its word shows on a long press
  showMessage(message, buttonLabel);
}

function showMessage(message, buttonLabel) {
  messageElement.textContent = message || "";
  consoleElement.classList.toggle("has-message", !!message);
  reconnectButton.hidden = !buttonLabel;
  if (buttonLabel) reconnectButton.textContent = buttonLabel;
  signInAgain.hidden = true;
}

/**
 * After the tunnel closed as it closes for a session that ended (the server's 0x0301, or a handshake refused
 * while reconnecting): asks the server, and when this browser is signed out, stops retrying and offers to sign in
 * again, to come back to this console.
 *
 * @param {string} text what to say when it is so
 */
async function stopIfSignedOut(text) {
  if (!(await signedOut())) return;
  session.stop();
  detach();
  if (guestPage) {
    render("error", guestEnded);
    return;
  }
  render("error", text);
  signInAgain.hidden = false;
}

function setPicture(shown) {
  consoleElement.dataset.picture = shown ? "shown" : "waiting";
}

/** Ends a message with a full stop unless it already has one. */
function sentence(text) {
  return /[.!?…]$/.test(text) ? text : text + ".";
}

/** Lets go of the display of an attempt that ended: no more fitting, no countdown. */
function detach() {
  if (stopFitting) stopFitting();
  stopFitting = null;
  clearInterval(countdown);
  countdown = null;
}

// A new attempt: its display replaces the last one, and the page follows it.
session.addEventListener("connecting", ({ detail: { client, tunnel, reconnecting } }) => {
  detach();
  render(reconnecting ? "reconnecting" : "connecting",
    reconnecting ? "Reconnecting to the console…" : "Connecting to the console…");
  setPicture(false);

  const display = client.getDisplay();
  const element = display.getElement();
  element.tabIndex = 0;
  element.classList.add("display-surface");
  displayHost.replaceChildren(element);
  stopFitting = fitDisplayTo(display, displayHost, zoom.factor);
  if (!watching) forwardPointer(client, element);
  showPresence(tunnel, byId("presence"));
  watchFirstPicture(tunnel, display, () => {
    if (!session.isCurrent(client)) return;
    setPicture(true);
    if (session.state === "connected") showMessage("");
  });
});

session.addEventListener("connected", ({ detail: { client } }) => {
  const picture = consoleElement.dataset.picture === "shown";
  render("connected", picture ? "" : WAITING_FOR_PICTURE);
  keyboardPanel.refresh(); // the stage may have been switched while this page was away
  const element = client.getDisplay().getElement();
  if (!document.activeElement || !document.activeElement.matches("input, button")) {
    element.focus({ preventScroll: true });
  }
});

session.addEventListener("reconnecting", ({ detail: { status, at } }) => {
  detach();
  // A keyboard switch is no failure: the notice says which layout is in effect, and the page reconnects as usual.
  const switched = status.code === KeyholeCode.KEYBOARD_SWITCHED;
  if (switched) keyboardPanel.switched();
  const text = status.message.replace(/[.\s]+$/, "");
  const next = switched ? "reconnecting" : "retrying";
  const tick = () => {
    const seconds = Math.max(1, Math.ceil((at - Date.now()) / 1000));
    render("reconnecting", `${text} — ${next} in ${seconds} s`, "Reconnect now");
  };
  tick();
  countdown = setInterval(tick, 1000);
  // A handshake the server refused for want of a session looks like any lost connection to the browser.
  stopIfSignedOut("Your session ended: sign in again to open this console.");
});

session.addEventListener("ended", ({ detail: { reason, status } }) => {
  detach();
  if (reason === "disconnected") {
    render("disconnected", "Disconnected — the console session ended.", "Reconnect");
  } else {
    // 0x0301 with the session still valid (an admin closed this view, or guacd refused the console's logon):
    // nothing retries by itself, and the person may connect again.
    render("error", sentence(status.message), status.code === 0x0301 ? "Reconnect" : "Try again");
    // 0x0301 is also guacd's refused console logon: only the server's session says which it was.
    if (status.code === 0x0301 && guestPage) {
      guestEnded = `${sentence(status.message)} Ask whoever sent it for a new one.`;
    }
    if (status.code === 0x0301) stopIfSignedOut(`${sentence(status.message)} Sign in again to open this console.`);
  }
});

reconnectButton.addEventListener("click", () => session.reconnectNow());

// Background tabs get their timers throttled: when the page is seen again, or the network
// comes back, retry at once instead of waiting out a stretched timer.
function retryNowIfWaiting() {
  if (!document.hidden) session.retryNowIfWaiting();
}
document.addEventListener("visibilitychange", retryNowIfWaiting);
window.addEventListener("online", retryNowIfWaiting);

/** The client of the current attempt while it is connected, else null. */
const connectedClient = () => session.connectedClient();

/**
 * Whether this page's person only watches (a viewer): the server joins their console read-only and drops what
 * they would type, so the page offers no typing at all.
 */
let watching = false;
/** The client to type into: none for someone who only watches. */
const typingClient = () => (watching ? null : connectedClient());

forwardKeyboard(typingClient);
softKeyboardButton(byId("keyboard-button"));
passphraseBox({
  form: byId("passphrase-form"),
  input: byId("passphrase-input"),
  enter: byId("passphrase-enter"),
  send: byId("passphrase-send"),
  message: byId("passphrase-message"),
  marks: byId("passphrase-marks"),
  progress: byId("passphrase-progress"),
}, typingClient, () => keyboardPanel.current(), () => notePassphraseBoxUsed(targetName));
keyBar(byId("key-bar"), typingClient, (text) => {
  byId("passphrase-message").textContent = text;
  byId("passphrase-message").dataset.kind = "key";
}, byId("cad-dialog"));
followVisualViewport(byId("typing"));

/**
 * Looks the target up and shows its title; the heading never shows the page's own query text, which anyone can
 * put in a link. An unknown target says so and connects nothing; if the list cannot be read, the tunnel reports
 * what is wrong.
 *
 * @returns {Promise<boolean|null>} whether to connect; null when the page is on its way to the sign-in page
 */
async function showTitle() {
  let target;
  try {
    target = await fetchTarget(targetName);
  } catch (e) {
    return goToSignInOn401(e) ? null : true;
  }
  if (!target) {
    titleElement.textContent = "No such console";
    document.title = "No such console — Keyhole";
    return false;
  }
  titleElement.textContent = target.title || target.name;
  document.title = `${titleElement.textContent} — Keyhole`;
  showScreen(target.screen);
  return true;
}

/** Shows what Keyhole reads on the console's screen ("Waiting for its passphrase since 03:12"), or nothing. */
function showScreen(screen) {
  const box = byId("screen-box");
  const line = screenLine(screen);
  box.replaceChildren(...(line ? [line] : []));
  box.hidden = !line;
}

/** Keeps the screen's reading current from the event stream (people with an account: guests have none). */
function followScreen() {
  const events = openEventStream();
  followScreens(events, (name, screen) => {
    if (name === targetName) showScreen(screen);
  });
  events.addEventListener("open", () => {
    fetchTarget(targetName).then((t) => t && showScreen(t.screen)).catch(() => { /* the next event retries */ });
  });
}

const NO_CONSOLE = "No such console. Go back to the list of consoles and pick one.";

/** Nothing to type into: the typing panel goes, the message stays. */
function noConsole() {
  byId("typing").hidden = true;
  render("error", NO_CONSOLE);
}

/** A viewer's page: no passphrase box, key bar, stage buttons or on-screen keyboard; a "Watching" mark. */
function watchOnly(why) {
  watching = true;
  document.body.dataset.watching = "true";
  byId("typing").hidden = true;
  byId("keyboard-button").hidden = true;
  byId("watching-pill").hidden = false;
  if (why) byId("watching-pill").title = why;
}

/** Whether this page's person is a share link's guest (no account). */
let guestPage = false;
/** What a guest's page says when their link ended; the server's reason replaces it when it gives one. */
let guestEnded = "This link does not open any more. Ask whoever sent it for a new one.";

/**
 * A share link's guest's page: the one console, no way back to a list they cannot see; a guest of a link to
 * watch gets the viewer's page, one of a link to type the passphrase box and key bar, and stage buttons only
 * when the link allows them.
 *
 * @param {import("./api.js").Guest} guest
 */
function guestOnly(guest) {
  guestPage = true;
  document.body.dataset.guest = guest.mode;
  byId("back-link").hidden = true;
  keyboardPanel.maySwitch = guest.stages;
  if (keyboardPanel.keyboard) keyboardPanel.show(keyboardPanel.keyboard);
  if (guest.mode !== "type") {
    watchOnly(`You watch through ${guest.maker}'s link: nothing you type reaches the console`);
  }
}

showAccount().then((signedIn) => {
  if (!signedIn) return;
  // Where links need an account, a signed-in guest has their role's rights, and the link's on its console.
  const link = signedIn.guest && signedIn.guest.target === targetName ? signedIn.guest : null;
  if (signedIn.state === "guest") {
    guestOnly(signedIn.guest);
  } else if (signedIn.user.role === "viewer" && !(link && link.mode === "type")) {
    watchOnly();
  } else if (signedIn.user.role === "viewer") {
    keyboardPanel.maySwitch = link.stages;
    if (keyboardPanel.keyboard) keyboardPanel.show(keyboardPanel.keyboard);
  } else if (["operator", "admin"].includes(signedIn.user.role)) {
    offerSharing(targetName, signedIn.user);
  }
  if (signedIn.state !== "guest" && targetName) followScreen();
});
if (!targetName) {
  noConsole();
} else {
  showTitle().then((known) => {
    if (known === null) return;
    if (known) {
      keyboardPanel.refresh();
      session.connect();
    } else {
      noConsole();
    }
  });
}
