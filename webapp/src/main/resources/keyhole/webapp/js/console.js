/**
 * The console page (console.html?target=NAME): one live console over a
 * Guacamole WebSocket tunnel, scaled to fit, reconnecting by itself.
 *
 * The page exposes its state for people and tests alike on #console:
 *   data-state   = connecting | connected | reconnecting | disconnected | error
 *   data-picture = waiting | shown
 * with a human message in #console-message while it is not showing a live picture.
 */
import { fetchTargets } from "./api.js";
import { byId } from "./dom.js";
import { Backoff } from "./backoff.js";
import { describeStatus, Source } from "./status.js";
import { fitDisplayTo } from "./fit.js";
import { watchFirstPicture } from "./picture.js";
import { forwardKeyboard, forwardPointer, softKeyboardButton } from "./input.js";
import { KeyboardStagePanel } from "./stage.js";
import { passphraseBox } from "./passphrase.js";
import { keyBar } from "./keybar.js";
import { followVisualViewport } from "./viewport.js";
import { pinchZoom } from "./zoom.js";

const consoleElement = byId("console");
const displayHost = byId("display");
const messageElement = byId("console-message");
const reconnectButton = byId("reconnect-button");
const statusPill = byId("status-pill");
const titleElement = byId("target-title");

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
const backoff = new Backoff();
const keyboardPanel = new KeyboardStagePanel(targetName, {
  label: byId("keyboard-stage"),
  buttons: byId("stage-buttons"),
  notice: byId("keyboard-notice"),
});
const zoom = pinchZoom(displayHost);
zoom.onchange = () => attempt && attempt.stopFitting && attempt.stopFitting.refit();

/** The live attempt: {client, tunnel, display, clientState, stopFitting}, or null between attempts. */
let attempt = null;
/** The pending automatic retry: {timer, ticker, at, reason}, or null. */
let retry = null;

/** Sets data-state, the pill and the message; the overlay shows whenever there is a message. */
function render(state, message, buttonLabel) {
  consoleElement.dataset.state = state;
  statusPill.dataset.state = state;
  statusPill.textContent = PILL_TEXT[state];
  showMessage(message, buttonLabel);
}

function showMessage(message, buttonLabel) {
  messageElement.textContent = message || "";
  consoleElement.classList.toggle("has-message", !!message);
  reconnectButton.hidden = !buttonLabel;
  if (buttonLabel) reconnectButton.textContent = buttonLabel;
}

function setPicture(shown) {
  consoleElement.dataset.picture = shown ? "shown" : "waiting";
}

/** Starts a fresh attempt with a new Guacamole.Client (a used client cannot be reconnected). */
function connect() {
  cancelRetry();
  endAttempt();
  const reconnecting = consoleElement.dataset.state === "reconnecting";
  render(reconnecting ? "reconnecting" : "connecting",
    reconnecting ? "Reconnecting to the console…" : "Connecting to the console…");
  setPicture(false);

  const tunnel = new Guacamole.WebSocketTunnel("tunnel");
  const client = new Guacamole.Client(tunnel);
  const display = client.getDisplay();
  const element = display.getElement();
  element.tabIndex = 0;
  element.classList.add("display-surface");
  displayHost.replaceChildren(element);

  const current = { client, tunnel, display, clientState: Guacamole.Client.State.IDLE, stopFitting: null };
  attempt = current;
  const isCurrent = () => attempt === current;

  current.stopFitting = fitDisplayTo(display, displayHost, zoom.factor);
  forwardPointer(client, element);

  watchFirstPicture(tunnel, display, () => {
    if (!isCurrent()) return;
    setPicture(true);
    if (consoleElement.dataset.state === "connected") showMessage("");
  });

  client.onstatechange = (state) => {
    current.clientState = state;
    if (!isCurrent()) return;
    const S = Guacamole.Client.State;
    if (state === S.CONNECTED) {
      backoff.reset();
      const picture = consoleElement.dataset.picture === "shown";
      render("connected", picture ? "" : WAITING_FOR_PICTURE);
      keyboardPanel.refresh(); // the stage may have been switched while this page was away
      if (!document.activeElement || !document.activeElement.matches("input, button")) {
        element.focus({ preventScroll: true });
      }
    } else if (state === S.DISCONNECTED) {
      // guacd ended the session cleanly ("disconnect"); errors arrive before this through onerror.
      endAttempt();
      render("disconnected", "Disconnected — the console session ended.", "Reconnect");
    }
  };

  // guacd's own "error" instruction: the console or guacd failed. The client disconnects right after.
  client.onerror = (status) => {
    if (isCurrent()) fail(describeStatus(status, Source.GUACD));
  };

  // The Keyhole server closed the tunnel with a reason, or the network/server went away.
  tunnel.onerror = (status) => {
    if (!isCurrent()) return;
    const described = describeStatus(status, Source.TUNNEL);
    keyboardPanel.closedBecause(described.message); // a keyboard switch: notice, then reconnect as usual
    fail(described);
  };

  // A close without error (e.g. WebSocket code 1000) that the client did not ask for.
  tunnel.onstatechange = (state) => {
    if (!isCurrent() || state !== Guacamole.Tunnel.State.CLOSED) return;
    const S = Guacamole.Client.State;
    if (current.clientState === S.DISCONNECTING || current.clientState === S.DISCONNECTED) return;
    fail({ final: false, message: "The connection to the Keyhole server closed unexpectedly" });
  };

  try {
    client.connect("target=" + encodeURIComponent(targetName));
  } catch (status) {
    fail(describeStatus(status, Source.TUNNEL));
  }
}

/** Ends the current attempt: final errors stay, everything else retries with backoff. */
function fail({ final, message }) {
  endAttempt();
  if (final) {
    render("error", sentence(message), "Try again");
    return;
  }
  scheduleRetry(message);
}

/** Ends a message with a full stop unless it already has one. */
function sentence(text) {
  return /[.!?…]$/.test(text) ? text : text + ".";
}

/** Tears the current attempt down; its late events are ignored (they fail isCurrent()). */
function endAttempt() {
  const ending = attempt;
  attempt = null;
  if (!ending) return;
  if (ending.stopFitting) ending.stopFitting();
  // Deferred: this may run inside the tunnel's own error callback, before it marks itself closed.
  setTimeout(() => ending.client.disconnect(), 0);
}

function scheduleRetry(reason) {
  cancelRetry();
  const delay = backoff.next();
  retry = { at: Date.now() + delay, reason, timer: setTimeout(connect, delay), ticker: null };
  const tick = () => {
    const seconds = Math.max(1, Math.ceil((retry.at - Date.now()) / 1000));
    const text = reason.replace(/[.\s]+$/, "");
    render("reconnecting", `${text} — retrying in ${seconds} s`, "Reconnect now");
  };
  tick();
  retry.ticker = setInterval(tick, 1000);
}

function cancelRetry() {
  if (!retry) return;
  clearTimeout(retry.timer);
  clearInterval(retry.ticker);
  retry = null;
}

reconnectButton.addEventListener("click", () => {
  backoff.reset();
  connect();
});

// Background tabs get their timers throttled: when the page is seen again, or the network
// comes back, retry at once instead of waiting out a stretched timer.
function retryNowIfWaiting() {
  if (retry && !document.hidden) connect();
}
document.addEventListener("visibilitychange", retryNowIfWaiting);
window.addEventListener("online", retryNowIfWaiting);

/** The client of the current attempt while it is connected, else null. */
function connectedClient() {
  const S = Guacamole.Client.State;
  return attempt && attempt.clientState === S.CONNECTED ? attempt.client : null;
}

forwardKeyboard(connectedClient);
softKeyboardButton(byId("keyboard-button"));
passphraseBox({
  form: byId("passphrase-form"),
  input: byId("passphrase-input"),
  enter: byId("passphrase-enter"),
  send: byId("passphrase-send"),
  message: byId("passphrase-message"),
  marks: byId("passphrase-marks"),
  progress: byId("passphrase-progress"),
}, connectedClient, () => keyboardPanel.current());
keyBar(byId("key-bar"), connectedClient, (text) => {
  byId("passphrase-message").textContent = text;
  byId("passphrase-message").dataset.kind = "key";
}, byId("cad-dialog"));
followVisualViewport(byId("typing"));

/**
 * Looks the target up and shows its title; the heading never shows the page's own query text, which anyone can
 * put in a link. An unknown target says so and connects nothing; if the list cannot be read, the tunnel reports
 * what is wrong.
 *
 * @returns {Promise<boolean>} whether to connect
 */
async function showTitle() {
  let targets;
  try {
    targets = await fetchTargets();
  } catch (e) {
    return true;
  }
  const target = targets.find((t) => t.name === targetName);
  if (!target) {
    titleElement.textContent = "No such console";
    document.title = "No such console — Keyhole";
    return false;
  }
  titleElement.textContent = target.title || target.name;
  document.title = `${titleElement.textContent} — Keyhole`;
  return true;
}

const NO_CONSOLE = "No such console. Go back to the list of consoles and pick one.";

/** Nothing to type into: the typing panel goes, the message stays. */
function noConsole() {
  byId("typing").hidden = true;
  render("error", NO_CONSOLE);
}

if (!targetName) {
  noConsole();
} else {
  showTitle().then((known) => {
    if (known) {
      keyboardPanel.refresh();
      connect();
    } else {
      noConsole();
    }
  });
}
