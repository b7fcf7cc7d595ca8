/**
 * The key bar: the few keys a boot prompt needs, as buttons for phones (whose
 * on-screen keyboards have no Esc or arrows and send no usable key events).
 * Tapping a button keeps the focus where it was, so an open on-screen keyboard stays open.
 *
 * Two keys are special. Wake presses Shift alone: a key that types nothing at a
 * passphrase prompt or in GRUB's menu, for a console that shows no picture until
 * it gets input; it is only ever sent when tapped, since any key stops GRUB's
 * countdown. Ctrl-Alt-Del restarts most consoles, so it asks first, in the page
 * (a dialog with Cancel and "Send Ctrl-Alt-Del"); cancelling sends nothing.
 */
import { KEYSYM } from "./keysym.js";

/** The keys each button presses together, released in reverse order. */
const KEYS = {
  enter: [KEYSYM.RETURN],
  escape: [KEYSYM.ESCAPE],
  backspace: [KEYSYM.BACKSPACE],
  left: [KEYSYM.LEFT],
  up: [KEYSYM.UP],
  right: [KEYSYM.RIGHT],
  down: [KEYSYM.DOWN],
  wake: [KEYSYM.SHIFT_L],
  "ctrl-alt-del": [KEYSYM.CONTROL_L, KEYSYM.ALT_L, KEYSYM.DELETE],
};

/**
 * The key events a key bar button sends: each key pressed in order, then released in reverse order.
 *
 * @param {string} name a button's data-key (enter, escape, backspace, left, up, right, down, wake, ctrl-alt-del)
 * @returns {Array<[number, boolean]>} [keysym, pressed] pairs; empty for an unknown name
 */
export function keyEvents(name) {
  const keys = Object.hasOwn(KEYS, name) ? KEYS[name] : [];
  return [...keys.map((k) => [k, true]), ...[...keys].reverse().map((k) => [k, false])];
}

/**
 * @param {HTMLElement} bar holds buttons with data-key = one of the KEYS
 * @param {() => (Guacamole.Client|null)} currentClient the connected client, or null
 * @param {(text: string) => void} say shows a short message to the user
 * @param {HTMLDialogElement} confirmRestart asks before Ctrl-Alt-Del; closes with returnValue "send" to send it
 */
export function keyBar(bar, currentClient, say, confirmRestart) {
  // pointerdown's default moves the focus (closing the phone's keyboard); the click still fires.
  bar.addEventListener("pointerdown", (event) => {
    if (event.target.closest("button")) event.preventDefault();
  });

  const send = (name) => {
    const client = currentClient();
    if (!client) {
      say("Not connected to the console: nothing was sent.");
      return false;
    }
    for (const [keysym, pressed] of keyEvents(name)) client.sendKeyEvent(pressed ? 1 : 0, keysym);
    return true;
  };

  bar.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-key]");
    if (!button) return;
    const name = button.dataset.key;
    if (name === "ctrl-alt-del") {
      if (!currentClient()) {
        say("Not connected to the console: nothing was sent.");
        return;
      }
      confirmRestart.returnValue = "";
      confirmRestart.showModal();
      return;
    }
    if (send(name) && name === "wake") say("Sent a Shift key press to wake the console.");
  });

  // Closed by either button or Esc: only "Send Ctrl-Alt-Del" sends it.
  confirmRestart.addEventListener("close", () => {
    if (confirmRestart.returnValue !== "send") {
      say("Ctrl-Alt-Del was not sent.");
      return;
    }
    if (send("ctrl-alt-del")) say("Ctrl-Alt-Del sent.");
  });
}
