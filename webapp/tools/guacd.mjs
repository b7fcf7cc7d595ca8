/**
 * guacd's RDP keymaps and what guacd types with them. Over RDP guacd turns a key symbol into a key press
 * (a scancode, with the Shift and AltGr it presses or lifts around it) by its keymap for the connection's
 * server-layout; a key symbol that keymap has no key for it sends as an RDP Unicode event, which
 * VirtualBox's console ignores. The keymaps are the files of guacamole-server's src/protocols/rdp/keymaps/
 * at each release (guacd-keymaps/: a directory per release whose keymaps differ from the release before),
 * read here as guacd reads them: generate.pl turns each file into key definitions, and keyboard.c chooses
 * among a key symbol's definitions.
 *
 * Used by gen-keymaps.mjs (which reads, for each layout, the characters guacd presses the right key for)
 * and by the tests (which check those keys against each layout's console keymap).
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const HERE = dirname(fileURLToPath(import.meta.url));
export const GUACD_KEYMAPS = join(HERE, "guacd-keymaps");

/**
 * The guacd releases whose keymaps Keyhole carries, oldest first, each with the Guacamole protocol version it
 * negotiates (its "args" instruction) and the directory of guacd-keymaps/ its keymaps are read from
 * (readKeymaps). That version is all a server learns of guacd's release, so every release that speaks a version
 * Keyhole goes by is listed: what the passphrase box types through that version is what all of them type.
 * Releases with the same keymaps share a directory.
 */
export const GUACD_RELEASES = [
  { release: "1.3.0", protocol: "VERSION_1_3_0", keymaps: "1.3.0" },
  { release: "1.4.0", protocol: "VERSION_1_3_0", keymaps: "1.4.0" },
  { release: "1.5.0", protocol: "VERSION_1_5_0", keymaps: "1.5.0" },
  { release: "1.5.1", protocol: "VERSION_1_5_0", keymaps: "1.5.0" },
  { release: "1.5.2", protocol: "VERSION_1_5_0", keymaps: "1.5.2" },
  { release: "1.5.3", protocol: "VERSION_1_5_0", keymaps: "1.5.2" },
  { release: "1.5.4", protocol: "VERSION_1_5_0", keymaps: "1.5.2" },
  // 1.5.5's hu_hu_qwertz.keymap and tr_tr_qwerty.keymap differ from 1.5.4's in blank lines only.
  { release: "1.5.5", protocol: "VERSION_1_5_0", keymaps: "1.5.2" },
  { release: "1.6.0", protocol: "VERSION_1_5_0", keymaps: "1.6.0" },
];

/**
 * The directories of guacd-keymaps/ that hold only the keymap files a release changed or added, each with the
 * directory of the keymaps it changes. Every other directory holds all of a release's keymaps.
 */
export const CHANGED_KEYMAPS = new Map([
  ["1.4.0", "1.3.0"],
  ["1.5.0", "1.4.0"],
  ["1.5.2", "1.5.0"],
]);

/**
 * The Guacamole protocol versions the releases speak, in the order of their first release: for each, the
 * releases that speak it (oldest first) and a name for them, e.g. "guacd 1.5.0–1.6.0" (first–last), or
 * "guacd 1.3.0" for one release. A guacd that negotiates the version is one of those releases, so what the
 * passphrase box may type through it is what every one of them types.
 *
 * @returns {{protocol: string, name: string, releases: string[]}[]}
 */
export function guacdProtocols(releases = GUACD_RELEASES) {
  const protocols = [];
  for (const { release, protocol } of releases) {
    let entry = protocols.find((p) => p.protocol === protocol);
    if (!entry) protocols.push((entry = { protocol, name: "", releases: [] }));
    entry.releases.push(release);
  }
  for (const entry of protocols) {
    const first = entry.releases[0];
    const last = entry.releases[entry.releases.length - 1];
    entry.name = "guacd " + (first === last ? first : `${first}–${last}`);
  }
  return protocols;
}

/** GUAC_DEFAULT_KEYMAP: the keymap guacd uses when it has none of the server-layout's name. */
export const DEFAULT_LAYOUT = "en-us-qwerty";

/** Keymaps that are no keyboard layout: the parents, and failsafe (every character as a Unicode event). */
const NOT_LAYOUTS = new Set(["base", "base_altgr", "failsafe"]);

const LSHIFT = 0xffe1;
const ALTGR = 0xfe03;
/** GUAC_RDP_KEY_MAX_DEFINITIONS: guacd drops a key symbol's definitions beyond this many. */
const MAX_DEFINITIONS = 4;

/**
 * The keymaps of one release of GUACD_RELEASES: name -> {name, parent (a name or null), definitions: [{keysym,
 * scancode, ext, set: {shift, altgr, caps, num}, clear: {shift, altgr, caps, num}}]}, the definitions in the
 * file's order.
 *
 * @param {string} release e.g. "1.3.0"
 */
export function readKeymaps(release) {
  const entry = GUACD_RELEASES.find((r) => r.release === release);
  if (!entry) throw new Error(`no guacd release ${release} in GUACD_RELEASES`);
  return readKeymapDirectory(entry.keymaps);
}

/**
 * The keymaps of a directory of guacd-keymaps/: those of its files, over those of the directory it changes
 * (CHANGED_KEYMAPS), a file replacing the keymap of its name.
 */
export function readKeymapDirectory(name) {
  const keymaps = CHANGED_KEYMAPS.has(name) ? readKeymapDirectory(CHANGED_KEYMAPS.get(name)) : new Map();
  const dir = join(GUACD_KEYMAPS, name);
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".keymap")).sort()) {
    const keymap = parseKeymap(readFileSync(join(dir, file), "utf8"), file);
    keymaps.set(keymap.name, keymap);
  }
  return keymaps;
}

/** One keymap file, read as generate.pl reads it. */
export function parseKeymap(text, file = "keymap") {
  let name = null;
  let parent = null;
  const definitions = [];
  text.split("\n").forEach((line, index) => {
    let m;
    if (/^\s*#/.test(line) || !/\S/.test(line)) return;
    if ((m = /^\s*name\s+"(.*)"\s*(?:#.*)?$/.exec(line))) name = m[1];
    else if ((m = /^\s*parent\s+"(.*)"\s*(?:#.*)?$/.exec(line))) parent = m[1];
    else if (/^\s*freerdp\s+"(.*)"\s*(?:#.*)?$/.test(line)) return;
    else if ((m = /^\s*map\s+([^~]*)\s+~\s+(".*"|0x[0-9A-Fa-f]+)\s*(?:#.*)?$/.exec(line))) {
      const set = { shift: false, altgr: false, caps: false, num: false };
      const clear = { shift: false, altgr: false, caps: false, num: false };
      let ext = false;
      const scancodes = [];
      for (const token of m[1].trim().split(/\s+/)) {
        let t;
        if ((t = /^\+([a-z]+)$/.exec(token))) {
          if (t[1] === "ext") ext = true;
          else if (t[1] in set) set[t[1]] = true;
          else throw new Error(`${file}:${index + 1}: unknown option ${token}`);
        } else if ((t = /^-([a-z]+)$/.exec(token)) && t[1] in clear) {
          clear[t[1]] = true;
        } else if ((t = /^(0x[0-9A-Fa-f]+)\.\.(0x[0-9A-Fa-f]+)$/.exec(token))) {
          for (let s = parseInt(t[1], 16); s <= parseInt(t[2], 16); s++) scancodes.push(s);
        } else if (/^0x[0-9A-Fa-f]+$/.test(token)) {
          scancodes.push(parseInt(token, 16));
        } else {
          throw new Error(`${file}:${index + 1}: unknown token ${token}`);
        }
      }
      // A quoted list is read between its first and last quote, so a '"' inside it is a character.
      const keysyms = m[2].startsWith("0x") ? [parseInt(m[2], 16)]
        : Array.from(m[2].slice(1, -1), (c) => {
          const cp = c.codePointAt(0);
          return cp >= 0x100 ? 0x01000000 | cp : cp;
        });
      if (keysyms.length !== scancodes.length) {
        throw new Error(`${file}:${index + 1}: ${keysyms.length} key symbols for ${scancodes.length} scancodes`);
      }
      keysyms.forEach((keysym, i) => definitions.push({ keysym, scancode: scancodes[i], ext, set, clear }));
    } else {
      throw new Error(`${file}:${index + 1}: not a keymap line: ${line}`);
    }
  });
  if (!name) throw new Error(`${file}: no name`);
  return { name, parent, definitions };
}

/** The names of the keyboard layouts a release has keymaps for, sorted. */
export function layoutsOf(keymaps) {
  return [...keymaps.keys()].filter((name) => !NOT_LAYOUTS.has(name)).sort();
}

/** guacd's index of a key symbol (guac_rdp_keyboard_map_key), or null for one it cannot map. */
function keysymIndex(keysym) {
  if (keysym >= 0 && keysym <= 0xffff) return keysym;
  if (keysym >= 0x1000000 && keysym <= 0x100ffff) return 0x10000 + (keysym & 0xffff);
  return null;
}

/**
 * The keyboard guacd builds for a server-layout (guac_rdp_keyboard_load_keymap): the layout's keymap, or
 * DEFAULT_LAYOUT's when the release has none of that name, with its parents' definitions first; for each key
 * symbol its first MAX_DEFINITIONS definitions.
 *
 * @returns {{keymap: string, keys: Map<number, object[]>}} keymap: the name of the keymap guacd uses
 */
export function keyboardFor(keymaps, layoutName) {
  const keymap = keymaps.has(layoutName) ? layoutName : DEFAULT_LAYOUT;
  const chain = [];
  for (let name = keymap; name; name = keymaps.get(name).parent) {
    if (!keymaps.has(name)) throw new Error(`no keymap ${name}`);
    chain.unshift(keymaps.get(name));
  }
  const keys = new Map();
  for (const { definitions } of chain) {
    for (const definition of definitions) {
      const index = keysymIndex(definition.keysym);
      if (index === null) continue;
      if (!keys.has(index)) keys.set(index, []);
      if (keys.get(index).length < MAX_DEFINITIONS) keys.get(index).push(definition);
    }
  }
  return { keymap, keys };
}

function bits(flags) {
  return Object.values(flags).filter(Boolean).length;
}

/**
 * The key guacd presses for a key symbol typed on its own, with no key held and no lock on (as the
 * passphrase box types): the definition keyboard.c finds cheapest (guac_rdp_keyboard_get_cost: one event,
 * two per lock to change, one per modifier to press; the first of equals wins).
 *
 * @returns {{scancode: number, ext: boolean, level: number} | null} level: 0 none, 1 Shift, 2 AltGr,
 *     3 Shift+AltGr held by guacd; null when guacd sends no key press for it (no definition: a Unicode
 *     event), or the press needs what Keyhole does not rely on: a lock turned on, or AltGr in a keymap
 *     without an AltGr key (guacd then presses nothing for it, and the key types its level without AltGr)
 */
export function keyFor(keyboard, keysym) {
  const index = keysymIndex(keysym);
  const definitions = index === null ? undefined : keyboard.keys.get(index);
  if (!definitions) return null;
  let best = null;
  let bestCost = Infinity;
  for (const definition of definitions) {
    const set = definition.set;
    const cost = 1 + 2 * bits({ caps: set.caps, num: set.num }) + bits({ shift: set.shift, altgr: set.altgr });
    if (cost < bestCost) {
      best = definition;
      bestCost = cost;
    }
  }
  if (best.scancode === 0 || best.set.caps || best.set.num) return null;
  if (best.set.shift && !keyboard.keys.has(LSHIFT)) return null;
  if (best.set.altgr && !keyboard.keys.has(ALTGR)) return null;
  return { scancode: best.scancode, ext: best.ext, level: (best.set.shift ? 1 : 0) | (best.set.altgr ? 2 : 0) };
}
