/**
 * The passphrase box: the passphrase is typed (or pasted) into a masked field in
 * this page, turned here into the key presses the console's keyboard layout
 * needs (keys.js), and sent down the tunnel as key events. It never leaves the
 * browser as text: no HTTP request, no clipboard, no URL, no storage, and the
 * field is emptied the moment sending starts. Nothing here logs it.
 *
 * Characters the layout cannot type are refused before anything is sent: the
 * box marks their positions (never the characters) and says why.
 */
import { element } from "./dom.js";
import { KEYSYM } from "./keysym.js";

/**
 * Pause after each key event. QEMU's VNC server hands the guest one key event per 10 ms and drops what its
 * queue cannot hold, so a long passphrase sent in one burst would lose its tail; a steady pace loses nothing.
 */
const PACE_MS = 12;

/**
 * @param {{form: HTMLFormElement, input: HTMLInputElement, enter: HTMLInputElement,
 *          send: HTMLButtonElement, message: HTMLElement, marks: HTMLElement, progress: HTMLProgressElement}} ui
 * @param {() => (Guacamole.Client|null)} currentClient the connected client, or null
 * @param {() => ({layout: string, stage: string, protocol: string, guacdProtocol: (string|null)}|null)} keyboard
 *     the layout in effect, with the Guacamole protocol version of the guacd the console goes through (null:
 *     unknown)
 * @param {() => void} [onSent] told after each passphrase sent (in full or in part): never what it was
 */
export function passphraseBox(ui, currentClient, keyboard, onSent = () => {}) {
  let sending = false;

  const say = (text, kind = "") => {
    ui.message.textContent = text;
    ui.message.dataset.kind = kind;
  };
  const clearMarks = () => {
    ui.marks.replaceChildren();
    ui.marks.hidden = true;
  };

  ui.input.addEventListener("input", () => {
    clearMarks();
    if (ui.message.dataset.kind === "refused") say("");
  });

  // Loaded once, at once: sending must not wait for it. A page without it still loads.
  const keys = import("./keys.js").catch(() => null);

  ui.form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (sending) return; // one send at a time: nothing is sent twice
    sending = true;
    submit().finally(() => {
      sending = false;
    });
  });

  async function submit() {
    const client = currentClient();
    const layout = keyboard();
    if (!ui.input.value) {
      say("Type or paste the passphrase first.", "hint");
      return;
    }
    if (!client || !layout) {
      say("Not connected to the console: wait until it is connected, then send.", "problem");
      return;
    }
    const module = await keys;
    let plan;
    try {
      plan = module.planKeys(ui.input.value, layout.layout, layout.protocol, layout.guacdProtocol);
    } catch (e) {
      plan = null;
    }
    if (!plan) {
      say(`Keyhole has no key table for the ${layout.layout} layout; nothing was sent.`, "problem");
      return;
    }
    if (!plan.ok) {
      refuse(plan.untypeable, layout, module);
      return;
    }

    // From here the text exists only as key events in `events`; the field is emptied at once.
    ui.input.value = "";
    clearMarks();
    const events = plan.events;
    if (ui.enter.checked) events.push([KEYSYM.RETURN, true], [KEYSYM.RETURN, false]);
    ui.form.dataset.sending = "true";
    ui.input.disabled = true;
    ui.send.disabled = true;
    ui.progress.max = events.length;
    ui.progress.value = 0;
    ui.progress.hidden = false;
    say("Sending…", "sending");
    try {
      const sent = await sendEvents(events, client, currentClient, (n) => {
        ui.progress.value = n;
      });
      if (sent > 0) onSent();
      if (sent === events.length) {
        say(ui.enter.checked ? "Sent, with Enter." : "Sent (without Enter).", "sent");
      } else {
        say("The connection dropped while sending: the console got only part of it. "
          + "Once reconnected, clear its prompt (Backspace or Esc) and send again.", "problem");
      }
    } finally {
      events.fill(null);
      events.length = 0;
      delete ui.form.dataset.sending;
      ui.input.disabled = false;
      ui.send.disabled = false;
      ui.progress.hidden = true;
    }
  }

  /** Marks the untypeable positions (1-based for people) without showing any character. */
  function refuse(positions, layout, module) {
    const bad = new Set(positions);
    const count = Array.from(ui.input.value).length;
    ui.marks.replaceChildren(...Array.from({ length: count }, (_, i) => element("span", {
      class: bad.has(i) ? "mark bad" : "mark",
      "aria-label": bad.has(i) ? `character ${i + 1}: cannot be typed` : `character ${i + 1}`,
      text: bad.has(i) ? "✕" : "•",
    })));
    ui.marks.hidden = false;
    const numbers = positions.map((p) => p + 1);
    const which = numbers.length === 1
      ? `character ${numbers[0]}`
      : `characters ${numbers.slice(0, -1).join(", ")} and ${numbers[numbers.length - 1]}`;
    // Over RDP guacd types fewer characters than the layout does, and which depends on its release (keys.js
    // rdpCharacters).
    const keymaps = module.guacdKeymaps(layout.guacdProtocol);
    const how = layout.protocol !== "rdp" ? ""
      : keymaps ? ` over RDP (with the keymaps of ${keymaps.name})` : " over RDP";
    say(`Nothing was sent: the console's keyboard layout (${layout.layout}, stage ${layout.stage}) cannot type `
      + `${which}${how} (marked ✕). Change ${numbers.length === 1 ? "it" : "them"}, or switch the keyboard stage `
      + "if the console has moved on.", "refused");
  }
}

/**
 * Sends key events at a steady pace, stopping if the client is no longer the connected one.
 *
 * @returns {Promise<number>} how many events were sent
 */
async function sendEvents(events, client, currentClient, progress) {
  let i = 0;
  while (i < events.length) {
    if (currentClient() !== client) break;
    const [keysym, pressed] = events[i];
    client.sendKeyEvent(pressed ? 1 : 0, keysym);
    i++;
    progress(i);
    await new Promise((resolve) => setTimeout(resolve, PACE_MS));
  }
  if (i < events.length) releaseHeld(events.slice(0, i), client);
  return i;
}

/** After an interrupted send, lifts any key (Shift, AltGr) left pressed, if the client still listens. */
function releaseHeld(sent, client) {
  const held = new Set();
  for (const [keysym, pressed] of sent) {
    if (pressed) held.add(keysym);
    else held.delete(keysym);
  }
  try {
    for (const keysym of held) client.sendKeyEvent(0, keysym);
  } catch (e) {
    // the client is gone; guacd releases held keys of a user who leaves
  }
}
