/**
 * Who is in this console, live: the server sends a "keyhole-presence" instruction in the tunnel's stream whenever
 * someone comes, goes, or starts or stops typing (tunnel/Presence.java), and this module shows it in the page's
 * #presence strip: "You · alice (operator) — typing… · guest via alice's link — watching — since 12:03".
 * The typing mark says that someone types, never what.
 *
 * #presence carries data-count (how many people) and one .person per person, with data-you / data-typing.
 */
import { element } from "./dom.js";

/** The instruction's opcode. */
export const PRESENCE_OPCODE = "keyhole-presence";

/** "12:34", local time, of an ISO instant. */
function clock(iso) {
  return new Date(iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}

/**
 * How one person is named in the strip.
 *
 * @param {{name: (string|null), role: string, via: (string|null), mode: string, since: string, typing: boolean,
 *     you: boolean}} person one entry of the instruction's list
 * @param {(iso: string) => string} [time] formats "since"
 * @returns {string} e.g. "alice (operator)", "guest via alice's link — watching — since 12:03", "you"
 */
export function describePerson(person, time = clock) {
  const doing = person.mode === "type" ? "may type" : "watching";
  let text;
  if (person.you) {
    text = "you";
  } else if (person.name) {
    text = `${person.name} (${person.role})` + (person.via ? ` via ${person.via}'s link — ${doing}` : "");
  } else {
    text = `guest via ${person.via}'s link — ${doing} — since ${time(person.since)}`;
  }
  return person.typing ? `${text} — typing…` : text;
}

/**
 * Reads a presence instruction's argument.
 *
 * @param {string} text its JSON
 * @returns {object[]|null} the people, or null when it is not a list of them
 */
export function readPresence(text) {
  try {
    const people = JSON.parse(text);
    return Array.isArray(people) && people.every((p) => p && typeof p.mode === "string") ? people : null;
  } catch (e) {
    return null;
  }
}

/**
 * Shows the presence a tunnel receives. Call it after the Guacamole.Client is created (which installs its own
 * tunnel.oninstruction; this wraps it) for each attempt's tunnel.
 *
 * @param {Guacamole.Tunnel} tunnel the attempt's tunnel
 * @param {HTMLElement} strip the page's #presence
 */
export function showPresence(tunnel, strip) {
  const clientHandler = tunnel.oninstruction;
  tunnel.oninstruction = (opcode, args) => {
    if (opcode !== PRESENCE_OPCODE) {
      if (clientHandler) clientHandler(opcode, args);
      return;
    }
    const people = readPresence(args[0]);
    if (!people) return;
    strip.dataset.count = String(people.length);
    strip.replaceChildren(element("span", { class: "presence-caption", text: "Here:" }),
      ...people.map((person) => {
        const node = element("span", { class: "person", text: describePerson(person) });
        if (person.you) node.dataset.you = "true";
        if (person.typing) node.dataset.typing = "true";
        return node;
      }));
    strip.hidden = false;
  };
}
