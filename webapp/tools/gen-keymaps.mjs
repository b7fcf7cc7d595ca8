#!/usr/bin/env node
/**
 * Generates webapp/src/main/resources/keyhole/webapp/js/keymaps.js: for every supported keyboard layout
 * (layouts.mjs), every printable character the layout types without a dead key and the modifier level
 * it needs (0 none, 1 Shift, 2 AltGr, 3 Shift+AltGr). Beside it, keyhole/keyboard-layouts.json lists the
 * layouts' names: the server reads it (on its class path, from the web app jar) and accepts no other layout
 * in its configuration.
 *
 * Source: xkb-data, the keyboard descriptions from which console-setup builds the console keymap of a
 * Debian guest's initramfs and from which QEMU's VNC key maps are made. Each layout is compiled with
 * xkbcomp (pc105 model, like a default installation) into a fully resolved keymap; key symbol names are
 * turned into characters with X11's keysymdef.h.
 *
 * Rules: only the first group counts; a key's level for a modifier combination follows the key's type
 * (so AltGr on a two-level key types its base symbol); keypad keys are left out (they send keypad key
 * symbols whatever they print); AltGr exists only where the right Alt key is ISO_Level3_Shift; a character
 * on several keys or levels takes the lowest level. Only the keys of the typing block count (TYPING_KEYS).
 * Dead keys produce no character, so what only a dead key composes is not in the table (untypeable); so are
 * the symbols in NOT_ON_CONSOLES.
 *
 * Over RDP the characters a layout types are also limited by guacd: it presses a key for a character only
 * where its keymap for the connection's server-layout has one (guacd.mjs, guacd-keymaps/), and sends any
 * other as an RDP Unicode event that VirtualBox's console ignores. guacd's keymaps differ between releases,
 * and a server learns of guacd's release only the Guacamole protocol version it negotiates, which several
 * releases speak. So each layout's `rdp` holds, for each protocol version of the releases Keyhole carries the
 * keymaps of (guacd.mjs guacdProtocols), the characters of its table for which the key that every one of those
 * releases presses types that very character on the layout (rdpCharacters). `GUACD` names each version's
 * releases.
 *
 * Usage: node webapp/tools/gen-keymaps.mjs           rewrites keymaps.js and keyboard-layouts.json
 *        node webapp/tools/gen-keymaps.mjs --stdout  prints keymaps.js
 * Needs: xkb-data, x11-xkb-utils (xkbcomp), x11proto-dev (keysymdef.h).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { guacdProtocols, keyFor, keyboardFor, layoutsOf, readKeymaps } from "./guacd.mjs";
import { LAYOUTS, isPrintable } from "./layouts.mjs";

const HERE = dirname(fileURLToPath(import.meta.url));
export const OUTPUT = join(HERE, "../src/main/resources/keyhole/webapp/js/keymaps.js");
export const LAYOUT_LIST = join(HERE, "../src/main/resources/keyhole/keyboard-layouts.json");
const XKB_ROOT = "/usr/share/X11/xkb";
const KEYSYMDEF = "/usr/include/X11/keysymdef.h";

/**
 * Key symbols a guest's console does not type as xkb says: console-setup's keymap compiler types an
 * apostrophe for the spacing acute accent, so a "´" sent there would arrive as "'". Left out (untypeable).
 */
export const NOT_ON_CONSOLES = new Set(["acute"]);

/**
 * The keys of the typing block of a PC keyboard (pc105, plus the extra keys of Japanese and Brazilian
 * keyboards: <AE13> yen, <AB11> ro): the keys a console keymap gives characters. Keypad keys send keypad
 * symbols, and the multimedia keys (<I...>) exist on few keyboards and in no console keymap.
 */
export const TYPING_KEYS = /^(TLDE|AE\d\d|AD\d\d|AC\d\d|AB\d\d|BKSL|LSGT|SPCE)$/;

/**
 * The keys of the typing block by the scancode guacd sends for them (PC/AT set 1, not extended), as xkb
 * names them.
 */
export const SCANCODE_KEYS = new Map([
  [0x29, "TLDE"], [0x2b, "BKSL"], [0x39, "SPCE"], [0x56, "LSGT"], [0x73, "AB11"], [0x7d, "AE13"],
  ...row(0x02, 0x0d, "AE"), ...row(0x10, 0x1b, "AD"), ...row(0x1e, 0x28, "AC"), ...row(0x2c, 0x35, "AB"),
]);

function row(first, last, prefix) {
  return Array.from({ length: last - first + 1 }, (_, i) => [first + i, prefix + String(i + 1).padStart(2, "0")]);
}

/** The modifier combinations of the table's levels 0..3. */
const COMBOS = [[], ["Shift"], ["LevelThree"], ["Shift", "LevelThree"]];

/**
 * Key symbol name (without XK_) -> {cp, keysym}: the Unicode code point and the key symbol's value, for the
 * symbols keysymdef.h gives an exact code point, and those whose value is the Unicode form of a character
 * (0x01000000 + code point, e.g. approxeq).
 */
export function readKeysymNames(file = KEYSYMDEF) {
  const names = new Map();
  const line = /^#define XK_(\w+)\s+0x([0-9a-fA-F]+)\s*\/\*\s*U\+([0-9A-Fa-f]{4,6})\s/;
  const unicode = /^#define XK_(\w+)\s+0x(1[0-9a-fA-F]{6})\b/;
  for (const text of readFileSync(file, "latin1").split("\n")) {
    const m = line.exec(text);
    if (m && !names.has(m[1])) names.set(m[1], { cp: parseInt(m[3], 16), keysym: parseInt(m[2], 16) });
    const u = unicode.exec(text);
    if (u && !names.has(u[1])) {
      const keysym = parseInt(u[2], 16);
      names.set(u[1], { cp: keysym - 0x01000000, keysym });
    }
  }
  return names;
}

/** The Unicode form of a character's key symbol: Latin-1 as itself, the rest 0x01000000 + code point. */
export function unicodeKeysym(cp) {
  return (cp >= 0x20 && cp <= 0x7e) || (cp >= 0xa0 && cp <= 0xff) ? cp : 0x01000000 + cp;
}

/**
 * What a key symbol (a name, Uxxxx or 0x.... as xkbcomp writes it) types: {cp, keysym}, or null when it
 * types no character.
 */
export function symbolInfo(symbol, names) {
  if (names.has(symbol)) return names.get(symbol);
  let m = /^U([0-9A-Fa-f]{4,6})$/.exec(symbol);
  if (m) {
    const cp = parseInt(m[1], 16);
    return { cp, keysym: unicodeKeysym(cp) };
  }
  m = /^0x([0-9A-Fa-f]+)$/.exec(symbol);
  if (m) {
    const value = parseInt(m[1], 16);
    if (value >= 0x01000000 && value <= 0x0110ffff) return { cp: value - 0x01000000, keysym: value };
    if ((value >= 0x20 && value <= 0x7e) || (value >= 0xa0 && value <= 0xff)) return { cp: value, keysym: value };
  }
  return null;
}

/** Compiles one layout with xkbcomp and returns the resolved keymap as text. */
export function compileXkb(layout, variant) {
  const dir = mkdtempSync(join(tmpdir(), "keyhole-xkb-"));
  try {
    const symbols = "pc+" + layout + (variant ? "(" + variant + ")" : "") + "+inet(evdev)";
    const source = join(dir, "in.xkb");
    const out = join(dir, "out.xkb");
    writeFileSync(source, `xkb_keymap {
  xkb_keycodes { include "evdev+aliases(qwerty)" };
  xkb_types { include "complete" };
  xkb_compat { include "complete" };
  xkb_symbols { include "${symbols}" };
};
`);
    execFileSync("xkbcomp", ["-w0", "-I" + XKB_ROOT, "-xkb", source, out], { stdio: ["ignore", "ignore", "pipe"] });
    return readFileSync(out, "utf8");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function modSet(text) {
  return text.split("+").map((s) => s.trim()).filter((s) => s && s.toLowerCase() !== "none");
}

/** Key types of a resolved keymap: name -> {modifiers: [...], map: [{mods: [...], level: n}]} (level 0-based). */
export function parseTypes(xkb) {
  const types = new Map();
  const block = /type "([^"]+)" \{([^}]*)\};/g;
  let m;
  while ((m = block.exec(xkb))) {
    const body = m[2];
    const modifiers = modSet((/modifiers=\s*([^;]*);/.exec(body) || [, ""])[1]);
    const map = [];
    for (const e of body.matchAll(/map\[([^\]]*)\]=\s*Level(\d+);/g)) {
      map.push({ mods: modSet(e[1]), level: Number(e[2]) - 1 });
    }
    types.set(m[1], { modifiers, map });
  }
  return types;
}

/** Keys of a resolved keymap: [{name, type (or null), symbols: [...]}], first group only. */
export function parseKeys(xkb) {
  const keys = [];
  const block = /key\s+<([^>]+)>\s*\{([\s\S]*?)\};/g;
  let m;
  while ((m = block.exec(xkb))) {
    const body = m[2];
    const type = /type(?:\[Group1\])?=\s*"([^"]+)"/.exec(body);
    let list = /symbols\[Group1\]=\s*\[([^\]]*)\]/.exec(body);
    if (!list && !/=/.test(body.split("[")[0])) list = /\[([^\]]*)\]/.exec(body);
    if (!list) continue;
    keys.push({ name: m[1], type: type ? type[1] : null, symbols: list[1].split(",").map((s) => s.trim()) });
  }
  return keys;
}

/** The level (0-based) a key of this type takes with these modifiers held down. */
export function levelOf(type, held) {
  const effective = held.filter((mod) => type.modifiers.includes(mod));
  for (const entry of type.map) {
    if (entry.mods.length === effective.length && entry.mods.every((mod) => effective.includes(mod))) {
      return entry.level;
    }
  }
  return 0;
}

/**
 * What each key of the typing block types in a resolved xkb keymap: key name -> the character ({cp, keysym},
 * or null) of each level 0..3 (none, Shift, AltGr, Shift+AltGr). A level types no character when its symbol
 * is none, a dead key, a control character or in NOT_ON_CONSOLES; levels 2 and 3 type none where the right
 * Alt key is not AltGr (ISO_Level3_Shift).
 */
export function keysOfXkb(xkb, names) {
  const types = parseTypes(xkb);
  const keys = parseKeys(xkb);
  const ralt = keys.find((k) => k.name === "RALT");
  const hasAltGr = !!ralt && ralt.symbols[0] === "ISO_Level3_Shift";
  const result = new Map();
  for (const key of keys) {
    if (!TYPING_KEYS.test(key.name)) continue;
    const n = key.symbols.length;
    const typeName = key.type || (n === 1 ? "ONE_LEVEL" : n === 2 ? "TWO_LEVEL" : "FOUR_LEVEL");
    const type = types.get(typeName);
    if (!type) throw new Error(`key <${key.name}> has the unknown type ${typeName}`);
    result.set(key.name, COMBOS.map((combo, level) => {
      if (level >= 2 && !hasAltGr) return null;
      const symbol = key.symbols[levelOf(type, combo)];
      if (!symbol || NOT_ON_CONSOLES.has(symbol)) return null;
      const info = symbolInfo(symbol, names);
      return info === null || !isPrintable(info.cp) ? null : info;
    }));
  }
  return result;
}

/**
 * The table of one layout, from what its keys type (keysOfXkb): {levels: code point -> level (0..3),
 * keysyms: code point -> the key symbol the layout uses for it, where that is not the character's Unicode
 * form}.
 */
export function levelsOfKeys(keys) {
  const levels = new Map();
  const keysyms = new Map();
  for (const chars of keys.values()) {
    chars.forEach((info, level) => {
      if (info === null || (levels.has(info.cp) && levels.get(info.cp) <= level)) return;
      levels.set(info.cp, level);
      if (info.keysym !== unicodeKeysym(info.cp)) keysyms.set(info.cp, info.keysym);
      else keysyms.delete(info.cp);
    });
  }
  return { levels, keysyms };
}

/** The table of one layout, from its resolved xkb keymap (keysOfXkb, then levelsOfKeys). */
export function levelsOfXkb(xkb, names) {
  return levelsOfKeys(keysOfXkb(xkb, names));
}

/**
 * The characters of a layout's table that guacd types right over RDP, sorted by code point: those for which
 * the key guacd presses (guacd.mjs keyFor) types that very character on the layout's keys. guacd sends any
 * other as a Unicode event, or presses a key that types something else.
 *
 * @param {Map<number, number>} levels the layout's table (levelsOfKeys)
 * @param {Map<string, Array>} keys what the layout's keys type (keysOfXkb)
 * @param {{keys: Map}} keyboard the keyboard guacd builds for the layout's name (guacd.mjs keyboardFor)
 */
export function rdpCharacters(levels, keys, keyboard) {
  return [...levels.keys()].filter((cp) => {
    const key = keyFor(keyboard, unicodeKeysym(cp));
    if (key === null || key.ext || !SCANCODE_KEYS.has(key.scancode)) return false;
    const chars = keys.get(SCANCODE_KEYS.get(key.scancode));
    return !!chars && chars[key.level] !== null && chars[key.level].cp === cp;
  }).sort((a, b) => a - b);
}

function packageVersion(name) {
  try {
    return execFileSync("dpkg-query", ["-W", "-f=${Version}", name], { encoding: "utf8" }).trim();
  } catch {
    return "unknown";
  }
}

/** The characters of `first` that are in every one of `others`, in the order of `first`. */
function common(first, ...others) {
  return first.filter((cp) => others.every((chars) => chars.includes(cp)));
}

/** The text of keymaps.js. */
export function generate() {
  const names = readKeysymNames();
  const guacd = guacdProtocols().map((entry) => ({
    ...entry, keymaps: entry.releases.map((release) => readKeymaps(release)),
  }));
  const out = [];
  out.push("// Generated by webapp/tools/gen-keymaps.mjs from xkb-data " + packageVersion("xkb-data")
    + " (pc105); do not edit.");
  out.push("// GUACD: for each Guacamole protocol version guacd negotiates, the guacd releases that speak it whose RDP");
  out.push("// keymaps (webapp/tools/guacd-keymaps/) the table knows, a name for them, and the layouts every one of them has");
  out.push("// a keymap of its own for (a release types any other with en-us-qwerty's).");
  out.push("export const GUACD = [");
  for (const { protocol, name, releases, keymaps } of guacd) {
    out.push("  {", `    protocol: ${JSON.stringify(protocol)},`, `    name: ${JSON.stringify(name)},`);
    out.push(`    releases: [${releases.map((release) => JSON.stringify(release)).join(", ")}],`);
    out.push("    layouts: [");
    const layouts = common(...keymaps.map(layoutsOf)).map((layout) => JSON.stringify(layout));
    for (let i = 0; i < layouts.length; i += 7) out.push("      " + layouts.slice(i, i + 7).join(", ") + ",");
    out.push("    ],", "  },");
  }
  out.push("];");
  out.push("");
  out.push("// For each keyboard layout (guacd's names): every printable character it types without a dead key and");
  out.push("// the modifier level it needs: 0 none, 1 Shift, 2 AltGr, 3 Shift+AltGr. Any other character is untypeable.");
  out.push("// keysyms: the X11 key symbol the layout has for a character where it is not the character's Unicode form");
  out.push("// (legacy symbols such as Greek_OMEGA 0x7d9): VNC servers that map key symbols with such a layout know only it.");
  out.push("// rdp: for each protocol version of GUACD, the characters of levels for which the key that every release");
  out.push("// speaking it presses over RDP types that character; guacd sends those it has no key for as RDP Unicode");
  out.push("// events, which VirtualBox's console ignores.");
  out.push("export const KEYMAPS = {");
  for (const layout of LAYOUTS) {
    const keys = keysOfXkb(compileXkb(layout.xkb, layout.variant), names);
    const { levels, keysyms } = levelsOfKeys(keys);
    const entries = [...levels.entries()].sort((a, b) => a[0] - b[0])
      .map(([cp, level]) => JSON.stringify(String.fromCodePoint(cp)) + ": " + level);
    const symbols = [...keysyms.entries()].sort((a, b) => a[0] - b[0])
      .map(([cp, keysym]) => JSON.stringify(String.fromCodePoint(cp)) + ": 0x" + keysym.toString(16));
    out.push(`  ${JSON.stringify(layout.name)}: {`);
    out.push(`    title: ${JSON.stringify(layout.title)},`);
    out.push("    levels: {");
    for (let i = 0; i < entries.length; i += 12) {
      out.push("      " + entries.slice(i, i + 12).join(", ") + ",");
    }
    out.push("    },");
    out.push("    keysyms: {");
    for (let i = 0; i < symbols.length; i += 8) {
      out.push("      " + symbols.slice(i, i + 8).join(", ") + ",");
    }
    out.push("    },");
    out.push("    rdp: {");
    for (const { protocol, keymaps } of guacd) {
      const rdp = common(...keymaps.map((k) => rdpCharacters(levels, keys, keyboardFor(k, layout.name))));
      out.push(`      ${JSON.stringify(protocol)}: ${JSON.stringify(String.fromCodePoint(...rdp))},`);
    }
    out.push("    },");
    out.push("  },");
  }
  out.push("};");
  return out.join("\n") + "\n";
}

/** The text of keyboard-layouts.json: the names of the layouts keymaps.js has, sorted. */
export function generateLayoutList() {
  return JSON.stringify({
    "generated-by": "webapp/tools/gen-keymaps.mjs, with js/keymaps.js; do not edit",
    about: "The keyboard layouts Keyhole has a key table for (guacd's names): all a configuration may name.",
    layouts: LAYOUTS.map((l) => l.name).sort(),
  }, null, 2) + "\n";
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const text = generate();
  if (process.argv.includes("--stdout")) {
    process.stdout.write(text);
  } else {
    writeFileSync(OUTPUT, text);
    writeFileSync(LAYOUT_LIST, generateLayoutList());
  }
}
