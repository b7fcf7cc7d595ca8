/**
 * Characters to key events for a guest's keyboard layout.
 *
 * The layout table (keymaps.js, generated from xkb-data) says, for every character a layout types
 * without a dead key, the modifier level it needs. Over VNC to QEMU nothing adds modifiers (QEMU maps a
 * key symbol to a key with its own layout map and adds no Shift or AltGr), so the plan presses Shift_L
 * and AltGr (ISO_Level3_Shift) around the character as its level needs. Over RDP guacd adds the
 * modifiers itself from the connection's server-layout, so the plan holds only the character's own key.
 * Over VNC a character is sent as the key symbol the layout itself has for it (the table's `keysyms`, e.g.
 * the legacy Greek_OMEGA 0x7d9 for "Ω"): QEMU looks key symbols up in a map made from the same layout and
 * knows no other form. Over RDP it is sent in its Unicode form (keysymOf), which guacd needs (e.g. for "€"),
 * and only the characters for which guacd presses a key that types them are typeable (the table's `rdp`):
 * guacd would send any other as an RDP Unicode event, which VirtualBox's console ignores, or press a key that
 * types something else. That depends on guacd's keymaps, so on its release, of which the server learns only the
 * Guacamole protocol version guacd negotiated: the table holds, for each version (GUACD), the characters every
 * release that speaks it types, and the page names the version (guacdKeymaps).
 *
 * The text given to planKeys is never logged, echoed or kept; untypeable characters are reported by
 * position only.
 */
import { GUACD, KEYMAPS } from "./keymaps.js";
import { KEYSYM } from "./keysym.js";

/** Modifier levels of the layout table. */
export const LEVEL = Object.freeze({ NONE: 0, SHIFT: 1, ALTGR: 2, SHIFT_ALTGR: 3 });

/**
 * The X11 key symbol of one character: Latin-1 printable code points are their own key symbol, every
 * other character is 0x01000000 + its code point (the form guacd needs for "€" over RDP), "\n" is Return.
 *
 * @param {string} char one character (one code point)
 * @returns {number}
 */
export function keysymOf(char) {
  if (char === "\n") return KEYSYM.RETURN;
  const cp = char.codePointAt(0);
  if ((cp >= 0x20 && cp <= 0x7e) || (cp >= 0xa0 && cp <= 0xff)) return cp;
  return 0x01000000 + cp;
}

/**
 * The key symbol to send for a character to a console with this layout over this protocol: over "vnc" the
 * layout's own key symbol for it (see the table's keysyms), otherwise keysymOf(char).
 */
export function keysymFor(char, layoutName, protocol) {
  if (protocol === "vnc") {
    const keysyms = layoutOf(layoutName).keysyms || {};
    if (Object.prototype.hasOwnProperty.call(keysyms, char)) return keysyms[char];
  }
  return keysymOf(char);
}

/** The layout names the table knows, in its order. */
export function layoutNames() {
  return Object.keys(KEYMAPS);
}

/**
 * The level a layout needs for a character (0 none, 1 Shift, 2 AltGr, 3 Shift+AltGr; "\n" is 0), or
 * undefined when the layout cannot type it.
 */
export function levelOf(char, layoutName) {
  if (char === "\n") return LEVEL.NONE;
  const levels = layoutOf(layoutName).levels;
  return Object.prototype.hasOwnProperty.call(levels, char) ? levels[char] : undefined;
}

/**
 * The guacd releases whose keymaps the table goes by for a Guacamole protocol version: the entry of GUACD for it,
 * e.g. {protocol: "VERSION_1_3_0", name: "guacd 1.3.0–1.4.0", releases: ["1.3.0", "1.4.0"], ...}.
 *
 * @param {string|null|undefined} guacdProtocol the version guacd negotiated with the server; null or undefined
 *        when unknown
 * @returns {{protocol: string, name: string, releases: string[], layouts: string[]}|null} null when the table
 *          knows no release that speaks it (or it is unknown)
 */
export function guacdKeymaps(guacdProtocol) {
  return GUACD.find((g) => g.protocol === guacdProtocol) || null;
}

/**
 * The characters guacd types right into a console with this layout over RDP: those every guacd release that
 * speaks `guacdProtocol` types, or, when the table knows no release that does, those every release of the table
 * types.
 *
 * @returns {string} the characters, each once
 */
export function rdpCharacters(layoutName, guacdProtocol) {
  const rdp = layoutOf(layoutName).rdp;
  const keymaps = guacdKeymaps(guacdProtocol);
  if (keymaps) return rdp[keymaps.protocol];
  const [first, ...others] = GUACD.map((g) => rdp[g.protocol]);
  return Array.from(first).filter((char) => others.every((chars) => chars.includes(char))).join("");
}

/**
 * True when a character can be typed into a console with this layout over this protocol (over RDP, through
 * the guacd that speaks `guacdProtocol`: see rdpCharacters).
 */
export function isTypeable(char, layoutName, protocol, guacdProtocol) {
  if (levelOf(char, layoutName) === undefined) return false;
  return protocol !== "rdp" || char === "\n" || rdpCharacters(layoutName, guacdProtocol).includes(char);
}

function layoutOf(layoutName) {
  const layout = Object.prototype.hasOwnProperty.call(KEYMAPS, layoutName) ? KEYMAPS[layoutName] : null;
  if (!layout) throw new Error("unknown keyboard layout: " + layoutName);
  return layout;
}

/**
 * Plans the key events that type `text` in a guest with the layout `layoutName`.
 *
 * @param {string} text what to type; "\n" presses Return
 * @param {string} layoutName a guacd layout name, e.g. "de-de-qwertz" (a key of KEYMAPS)
 * @param {"vnc"|"rdp"} protocol "vnc": Shift_L / AltGr pressed around each character as its level needs,
 *        the layout's own key symbol for it (keysymFor); "rdp": only the character's key symbol in its Unicode
 *        form (keysymOf; guacd adds the modifiers)
 * @param {string|null} [guacdProtocol] over RDP, the Guacamole protocol version guacd negotiated (e.g.
 *        "VERSION_1_3_0"), which says which releases' keymaps guacd may type with; omitted or null when unknown:
 *        then only what every guacd release of the table types is typeable
 * @returns {{ok: true, events: Array<[number, boolean]>} | {ok: false, untypeable: number[]}}
 *          events are [keysym, pressed] in order, every press released; untypeable lists the positions
 *          (0-based, counted in characters = code points, as Array.from(text) counts them) of the
 *          characters that cannot be typed (isTypeable). Nothing is planned when any character is untypeable.
 * @throws {Error} for an unknown layout or protocol
 */
export function planKeys(text, layoutName, protocol, guacdProtocol = null) {
  layoutOf(layoutName);
  if (protocol !== "vnc" && protocol !== "rdp") throw new Error("unknown protocol: " + protocol);
  const chars = Array.from(text);
  const untypeable = [];
  const events = [];
  chars.forEach((char, position) => {
    if (!isTypeable(char, layoutName, protocol, guacdProtocol)) {
      untypeable.push(position);
      return;
    }
    const level = levelOf(char, layoutName);
    const keysym = keysymFor(char, layoutName, protocol);
    const modifiers = [];
    if (protocol === "vnc") {
      if (level & LEVEL.SHIFT) modifiers.push(KEYSYM.SHIFT_L);
      if (level & LEVEL.ALTGR) modifiers.push(KEYSYM.ALTGR);
    }
    for (const m of modifiers) events.push([m, true]);
    events.push([keysym, true], [keysym, false]);
    for (const m of modifiers.reverse()) events.push([m, false]);
  });
  return untypeable.length ? { ok: false, untypeable } : { ok: true, events };
}
