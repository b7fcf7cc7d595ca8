#!/usr/bin/env node
/**
 * Generates webapp/src/main/resources/keyhole/webapp/js/keymaps.js: for every supported keyboard layout
 * (layouts.mjs), every printable character the layout types without a dead key and the modifier level
 * it needs (0 none, 1 Shift, 2 AltGr, 3 Shift+AltGr).
 *
 * Source: xkb-data, the keyboard descriptions from which console-setup builds the console keymap of a
 * Debian guest's initramfs and from which QEMU's VNC key maps are made. Each layout is compiled with
 * xkbcomp (pc105 model, like a default installation) into a fully resolved keymap; key symbol names are
 * turned into characters with X11's keysymdef.h.
 *
 * Rules: only the first group counts; a key's level for a modifier combination follows the key's type
 * (so AltGr on a two-level key types its base symbol); keypad keys are left out (they send keypad key
 * symbols whatever they print); AltGr exists only where the right Alt key is ISO_Level3_Shift; a character
 * on several keys or levels takes the lowest level. Only the keys of the typing block count (TYPING_KEYS). Dead keys produce no character, so what only a dead
 * key composes is not in the table (untypeable); so are the symbols in NOT_ON_CONSOLES.
 *
 * Over RDP the characters a layout types are also limited by guacd: it sends a character as a key press only
 * where its keymap for the connection's server-layout has a key for it (guacd-keymaps/, guacd 1.3.0's own
 * files), and any other as an RDP Unicode event that VirtualBox's console ignores. Each layout's `rdp` lists
 * the characters of its table that guacd's keymap has a key for.
 *
 * Usage: node webapp/tools/gen-keymaps.mjs           rewrites keymaps.js
 *        node webapp/tools/gen-keymaps.mjs --stdout  prints it
 * Needs: xkb-data, x11-xkb-utils (xkbcomp), x11proto-dev (keysymdef.h).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { LAYOUTS, isPrintable } from "./layouts.mjs";

const HERE = dirname(fileURLToPath(import.meta.url));
export const OUTPUT = join(HERE, "../src/main/resources/keyhole/webapp/js/keymaps.js");
const XKB_ROOT = "/usr/share/X11/xkb";
const KEYSYMDEF = "/usr/include/X11/keysymdef.h";
const GUACD_KEYMAPS = join(HERE, "guacd-keymaps");

/**
 * The keys of the typing block of a PC keyboard (pc105, plus the extra keys of Japanese and Brazilian
 * keyboards: <AE13> yen, <AB11> ro): the keys a console keymap gives characters. Keypad keys send keypad
 * symbols, and the multimedia keys (<I...>) exist on few keyboards and in no console keymap.
 */
/**
 * Key symbols a guest's console does not type as xkb says: console-setup's keymap compiler types an
 * apostrophe for the spacing acute accent, so a "´" sent there would arrive as "'". Left out (untypeable).
 */
export const NOT_ON_CONSOLES = new Set(["acute"]);

export const TYPING_KEYS = /^(TLDE|AE\d\d|AD\d\d|AC\d\d|AB\d\d|BKSL|LSGT|SPCE)$/;

/** The modifier combinations of the table's levels 0..3. */
const COMBOS = [[], ["Shift"], ["LevelThree"], ["Shift", "LevelThree"]];

/**
 * Key symbol name (without XK_) -> {cp, keysym}: the Unicode code point and the key symbol's value, for the
 * symbols keysymdef.h gives an exact code point.
 */
export function readKeysymNames(file = KEYSYMDEF) {
  const names = new Map();
  const line = /^#define XK_(\w+)\s+0x([0-9a-fA-F]+)\s*\/\*\s*U\+([0-9A-Fa-f]{4,6})\s/;
  for (const text of readFileSync(file, "latin1").split("\n")) {
    const m = line.exec(text);
    if (m && !names.has(m[1])) names.set(m[1], { cp: parseInt(m[3], 16), keysym: parseInt(m[2], 16) });
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
 * The table of one layout, from its resolved xkb keymap: {levels: code point -> level (0..3), keysyms: code
 * point -> the key symbol the layout uses for it, where that is not the character's Unicode form}.
 */
export function levelsOfXkb(xkb, names) {
  const types = parseTypes(xkb);
  const keys = parseKeys(xkb);
  const ralt = keys.find((k) => k.name === "RALT");
  const hasAltGr = !!ralt && ralt.symbols[0] === "ISO_Level3_Shift";
  const levels = new Map();
  const keysyms = new Map();
  for (const key of keys) {
    if (!TYPING_KEYS.test(key.name)) continue;
    const n = key.symbols.length;
    const typeName = key.type || (n === 1 ? "ONE_LEVEL" : n === 2 ? "TWO_LEVEL" : "FOUR_LEVEL");
    const type = types.get(typeName);
    if (!type) throw new Error(`key <${key.name}> has the unknown type ${typeName}`);
    for (let combo = 0; combo < (hasAltGr ? 4 : 2); combo++) {
      const symbol = key.symbols[levelOf(type, COMBOS[combo])];
      if (!symbol || NOT_ON_CONSOLES.has(symbol)) continue;
      const info = symbolInfo(symbol, names);
      if (info === null || !isPrintable(info.cp)) continue;
      if (!levels.has(info.cp) || levels.get(info.cp) > combo) {
        levels.set(info.cp, combo);
        if (info.keysym !== unicodeKeysym(info.cp)) keysyms.set(info.cp, info.keysym);
        else keysyms.delete(info.cp);
      }
    }
  }
  return { levels, keysyms };
}

/**
 * The characters guacd's RDP keymap for a layout (a guacd layout name) has keys for, with its parents':
 * every character of its `map ... ~ "characters"` lines (read as guacd's generate.pl reads them: between
 * the first and the last quote of the line).
 */
export function guacdCharacters(layoutName, dir = GUACD_KEYMAPS) {
  const characters = new Set();
  let file = layoutName.replaceAll("-", "_");
  while (file) {
    let parent = null;
    for (const line of readFileSync(join(dir, file + ".keymap"), "utf8").split("\n")) {
      const p = /^\s*parent\s+"(.*)"/.exec(line);
      if (p) parent = p[1];
      const m = /^\s*map\s+[^~]*\s+~\s+"(.*)"\s*(?:#.*)?$/.exec(line);
      if (m) for (const char of m[1]) characters.add(char.codePointAt(0));
    }
    file = parent;
  }
  return characters;
}

function packageVersion(name) {
  try {
    return execFileSync("dpkg-query", ["-W", "-f=${Version}", name], { encoding: "utf8" }).trim();
  } catch {
    return "unknown";
  }
}

/** The text of keymaps.js. */
export function generate() {
  const names = readKeysymNames();
  const out = [];
  out.push("// Generated by webapp/tools/gen-keymaps.mjs from xkb-data " + packageVersion("xkb-data")
    + " (pc105); do not edit.");
  out.push("// For each keyboard layout (guacd's names): every printable character it types without a dead key and");
  out.push("// the modifier level it needs: 0 none, 1 Shift, 2 AltGr, 3 Shift+AltGr. Any other character is untypeable.");
  out.push("// keysyms: the X11 key symbol the layout has for a character where it is not the character's Unicode form");
  out.push("// (legacy symbols such as Greek_OMEGA 0x7d9): VNC servers that map key symbols with such a layout know only it.");
  out.push("// rdp: the characters of levels that guacd 1.3.0's RDP keymap for the layout has a key for (webapp/tools/");
  out.push("// guacd-keymaps/); guacd sends any other as an RDP Unicode event, which VirtualBox's console ignores.");
  out.push("export const KEYMAPS = {");
  for (const layout of LAYOUTS) {
    const { levels, keysyms } = levelsOfXkb(compileXkb(layout.xkb, layout.variant), names);
    const entries = [...levels.entries()].sort((a, b) => a[0] - b[0])
      .map(([cp, level]) => JSON.stringify(String.fromCodePoint(cp)) + ": " + level);
    const symbols = [...keysyms.entries()].sort((a, b) => a[0] - b[0])
      .map(([cp, keysym]) => JSON.stringify(String.fromCodePoint(cp)) + ": 0x" + keysym.toString(16));
    const guacd = guacdCharacters(layout.name);
    const rdp = [...levels.keys()].filter((cp) => guacd.has(cp)).sort((a, b) => a - b)
      .map((cp) => String.fromCodePoint(cp)).join("");
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
    out.push(`    rdp: ${JSON.stringify(rdp)},`);
    out.push("  },");
  }
  out.push("};");
  return out.join("\n") + "\n";
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const text = generate();
  if (process.argv.includes("--stdout")) process.stdout.write(text);
  else writeFileSync(OUTPUT, text);
}
