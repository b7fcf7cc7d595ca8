/**
 * What Keyhole reads on a console's screen, in words: "Waiting for its passphrase since 03:12". The server sends
 * it as a target's `screen` (GET api/targets) and as `event: console` on the event stream; the targets page (its
 * cards and VM rows) and the console page show it.
 *
 * An element showing it is p.screen-state[data-screen=STATE][data-watching=true|false], STATE one of
 * waiting-for-passphrase | wrong-passphrase | grub-menu | booting | unknown.
 */
import { element } from "./dom.js";

/** @typedef {{state: string, words: string, since: string, watching: boolean, problem: string|null}} Screen */

const SENTENCES = {
  "waiting-for-passphrase": (time) => `Waiting for its passphrase since ${time}`,
  "wrong-passphrase": (time) => `Wrong passphrase at ${time}`,
  "grub-menu": (time) => `At the GRUB menu since ${time}`,
  booting: (time) => `Booting or running since ${time}`,
  unknown: () => "Keyhole does not recognise what its screen shows",
};

/** @returns {string} e.g. "03:12", in the reader's time zone */
function time(iso) {
  return new Date(iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}

/**
 * @param {Screen} screen
 * @returns {string} the sentence for people
 */
export function screenSentence(screen) {
  if (screen.problem) return screen.problem;
  const sentence = (SENTENCES[screen.state] || (() => screen.words))(time(screen.since));
  return screen.watching ? sentence : `${sentence} (no longer watched)`;
}

/**
 * @param {Screen|null|undefined} screen
 * @returns {HTMLElement|null} the line showing it; null when Keyhole has read nothing there
 */
export function screenLine(screen) {
  if (!screen) return null;
  return element("p", { class: `screen-state${screen.problem ? " problem" : ""}`, role: "status",
    "data-screen": screen.state, "data-watching": String(screen.watching), text: screenSentence(screen) });
}

/**
 * Calls `onScreen(target, screen)` for each console event of a stream.
 *
 * @param {EventSource} events
 * @param {(target: string, screen: Screen) => void} onScreen
 */
export function followScreens(events, onScreen) {
  events.addEventListener("console", (e) => {
    const data = JSON.parse(e.data);
    onScreen(data.target, data.screen);
  });
}
