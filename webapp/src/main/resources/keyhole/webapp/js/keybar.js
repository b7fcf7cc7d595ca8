/**
 * The key bar: the few keys a boot prompt needs, as buttons for phones (whose
 * on-screen keyboards have no Esc or arrows and send no usable key events).
 * Tapping a button keeps the focus where it was, so an open on-screen keyboard stays open.
 */

const KEYS = {
  enter: [0xff0d],
  escape: [0xff1b],
  backspace: [0xff08],
  left: [0xff51],
  up: [0xff52],
  right: [0xff53],
  down: [0xff54],
  // A key that types nothing, for a console that stays black until it gets input. Only on
  // request: any key stops GRUB's countdown.
  wake: [0xffe1],
  "ctrl-alt-del": [0xffe3, 0xffe9, 0xffff],
};

/** How long the Ctrl-Alt-Del confirmation waits for the second tap. */
const CONFIRM_MS = 5000;

/**
 * @param {HTMLElement} bar holds buttons with data-key = one of the KEYS
 * @param {() => (Guacamole.Client|null)} currentClient the connected client, or null
 * @param {(text: string) => void} say shows a short message to the user
 */
export function keyBar(bar, currentClient, say) {
  let confirmTimer = null;

  // pointerdown's default moves the focus (closing the phone's keyboard); the click still fires.
  bar.addEventListener("pointerdown", (event) => {
    if (event.target.closest("button")) event.preventDefault();
  });

  bar.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-key]");
    if (!button) return;
    const name = button.dataset.key;
    const client = currentClient();
    if (!client) {
      say("Not connected to the console.");
      return;
    }
    if (name === "ctrl-alt-del" && button.dataset.confirming !== "true") {
      button.dataset.confirming = "true";
      button.dataset.label = button.textContent;
      button.textContent = "Confirm restart?";
      say("Ctrl-Alt-Del restarts most consoles. Tap “Confirm restart?” to send it.");
      confirmTimer = setTimeout(() => resetConfirm(button), CONFIRM_MS);
      return;
    }
    if (name === "ctrl-alt-del") {
      clearTimeout(confirmTimer);
      resetConfirm(button);
    }
    const keys = KEYS[name];
    for (const keysym of keys) client.sendKeyEvent(1, keysym);
    for (const keysym of [...keys].reverse()) client.sendKeyEvent(0, keysym);
    if (name === "ctrl-alt-del") say("Ctrl-Alt-Del sent.");
    if (name === "wake") say("Sent a Shift key press to wake the console.");
  });
}

function resetConfirm(button) {
  if (button.dataset.confirming !== "true") return;
  button.dataset.confirming = "false";
  button.textContent = button.dataset.label;
}
