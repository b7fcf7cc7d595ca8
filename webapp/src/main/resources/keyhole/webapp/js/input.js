/**
 * Keyboard, mouse and touch input for the console page.
 *
 * Key events are secrets (they are the passphrase): nothing here logs them,
 * stores them or puts them anywhere but Guacamole.Client.sendKeyEvent.
 */

/**
 * Forwards the keyboard of the whole page to whichever client is current.
 * One Guacamole.Keyboard for the page's lifetime; clients come and go on reconnect.
 *
 * @param {() => (Guacamole.Client|null)} currentClient returns the connected client, or null
 *     while there is none (keys then behave normally in the page)
 * @returns {{releaseAll: () => void}} releaseAll lifts every held key (on blur or when hidden),
 *     so no key stays stuck down on the console
 */
export function forwardKeyboard(currentClient) {
  const keyboard = new Guacamole.Keyboard(document);
  // Keys whose press went to the console: only their release is sent, so a key pressed
  // while the page had no console cannot arrive as a stray release.
  const down = new Set();

  keyboard.onkeydown = (keysym) => {
    const client = currentClient();
    if (!client || focusIsOnPageControl()) return true; // let the browser have it
    down.add(keysym);
    client.sendKeyEvent(1, keysym);
    return false;
  };
  keyboard.onkeyup = (keysym) => {
    if (!down.delete(keysym)) return;
    const client = currentClient();
    if (client) client.sendKeyEvent(0, keysym);
  };

  const releaseAll = () => keyboard.reset(); // fires onkeyup for every held key
  window.addEventListener("blur", releaseAll);
  document.addEventListener("visibilitychange", () => {
    if (document.hidden) releaseAll();
  });
  return { releaseAll };
}

/**
 * Enter on "Reconnect now" or the back link must act on the page, not type into the console; and while a dialog is
 * open (the Share dialog, say) nothing typed is the console's, wherever in the dialog the focus is.
 */
function focusIsOnPageControl() {
  if (document.querySelector("dialog[open]")) return true;
  const focused = document.activeElement;
  return !!focused && focused.matches("a[href], button, select, input:not(.keyboard-sink)");
}

/**
 * Sends mouse and touch input on the display element to the client, in the
 * console's own coordinates (sendMouseState(…, true) divides by the display scale).
 *
 * @param {Guacamole.Client} client the client to send to
 * @param {HTMLElement} element the display element (client.getDisplay().getElement())
 */
export function forwardPointer(client, element) {
  const send = (event) => client.sendMouseState(event.state, true);
  const mouse = new Guacamole.Mouse(element);
  mouse.onEach(["mousedown", "mousemove", "mouseup"], send);
  // Clicking the console gives it the keyboard.
  element.addEventListener("mousedown", () => element.focus({ preventScroll: true }));

  if (navigator.maxTouchPoints > 0 || "ontouchstart" in window) {
    // Touchscreen: a tap clicks where the finger is, which is what a phone user expects.
    const touch = new Guacamole.Mouse.Touchscreen(element);
    touch.onEach(["mousedown", "mousemove", "mouseup"], send);
  }

  // Show the console's own cursor image as the local CSS cursor: it follows the pointer
  // without lag, and the software cursor layer would otherwise draw a second one.
  const display = client.getDisplay();
  display.showCursor(false);
  display.oncursor = (canvas, x, y) => {
    element.style.cursor = `url(${canvas.toDataURL()}) ${x} ${y}, default`;
  };
}

/**
 * Lets a phone user open the on-screen keyboard: a touch device only shows it
 * for a focused text field, so the button focuses an invisible one whose typing
 * bubbles up to the page's Guacamole.Keyboard (which handles "input" events too).
 *
 * @param {HTMLButtonElement} button the button that opens the keyboard
 */
export function softKeyboardButton(button) {
  const sink = new Guacamole.InputSink();
  const field = sink.getElement();
  field.classList.add("keyboard-sink");
  field.setAttribute("aria-label", "Console keyboard input");
  field.setAttribute("autocapitalize", "off");
  field.setAttribute("autocomplete", "off");
  field.setAttribute("autocorrect", "off");
  field.setAttribute("spellcheck", "false");
  document.body.append(field);
  // Focus synchronously inside the tap: mobile browsers only open the keyboard for a
  // focus that happens in the user's gesture.
  button.addEventListener("click", () => field.focus());
}
