/**
 * An independent reading of a keyboard layout, for checking the generated table: console-setup's ckbcomp
 * turns the xkb layout into a Linux console keymap (what a Debian guest's initramfs loads), the kernel's
 * loadkeys compiles that into a binary keymap, and this module reads the binary keymap. None of it shares
 * code with gen-keymaps.mjs (xkbcomp + keysymdef.h).
 */
import { execFileSync } from "node:child_process";

/** Linux key codes of the typing block (input-event-codes.h): grave, 1..=, q..], a..', backslash, z../, 102nd, space, ro, yen. */
export const TYPING_KEYCODES = new Set([
  41, ...range(2, 13), ...range(16, 27), ...range(30, 40), 43, ...range(44, 53), 86, 57, 89, 124,
]);
const KEYCODE_RIGHTALT = 100;

// Kernel key symbol types (linux/keyboard.h).
const KT_LATIN = 0;
const KT_SHIFT = 7;
const KT_LETTER = 11;
const KG_ALTGR = 1;
const NR_TYPES = 15;

function range(from, to) {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

/** The binary keymap (loadkeys -u -b) of an xkb layout, as ckbcomp builds its console keymap. */
export function compileConsoleKeymap(layout, variant) {
  const args = ["-model", "pc105", "-layout", layout];
  if (variant) args.push("-variant", variant);
  const source = execFileSync("ckbcomp", args, { stdio: ["ignore", "pipe", "ignore"], maxBuffer: 64 << 20 });
  return execFileSync("loadkeys", ["-u", "-b", "-"], { input: source, stdio: ["pipe", "pipe", "ignore"], maxBuffer: 64 << 20 });
}

/**
 * Reads a binary keymap: "bkeymap", 256 flags (which modifier combinations have a table), then for each
 * present table 128 little-endian 16-bit key symbols. Returns table index -> Uint16Array(128).
 */
export function readBinaryKeymap(buffer) {
  const magic = buffer.subarray(0, 7).toString("latin1");
  if (magic !== "bkeymap") throw new Error("not a binary keymap: " + JSON.stringify(magic));
  const tables = new Map();
  let offset = 7 + 256;
  for (let i = 0; i < 256; i++) {
    if (!buffer[7 + i]) continue;
    const table = new Uint16Array(128);
    for (let k = 0; k < 128; k++) table[k] = buffer.readUInt16LE(offset + 2 * k);
    offset += 256;
    tables.set(i, table);
  }
  return tables;
}

/** The character a console key symbol types, or null (function keys, modifiers, dead keys, keypad...). */
export function characterOf(keysym) {
  const type = keysym >> 8;
  if (type >= NR_TYPES) return keysym ^ 0xf000; // Unicode, stored as U(x) = x ^ 0xf000
  if (type === KT_LATIN || type === KT_LETTER) return keysym & 0xff;
  return null;
}

/**
 * What each key of the typing block types: key code -> the code point of each level 0..3 (0 none, 1 Shift,
 * 2 AltGr, 3 Shift+AltGr), or null where it types no printable character; levels 2 and 3 type none where
 * the right Alt key is not AltGr.
 */
export function keysOfConsoleKeymap(tables) {
  const plain = tables.get(0);
  const hasAltGr = plain[KEYCODE_RIGHTALT] === ((KT_SHIFT << 8) | KG_ALTGR);
  const keys = new Map();
  for (const keycode of TYPING_KEYCODES) {
    // Console modifier bits: shift = 1, altgr = 2; so the table index is the level.
    keys.set(keycode, [0, 1, 2, 3].map((level) => {
      const table = tables.get(level);
      if (!table || (level >= 2 && !hasAltGr)) return null;
      const cp = characterOf(table[keycode]);
      return cp === null || cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) ? null : cp;
    }));
  }
  return keys;
}

/** code point -> lowest modifier level (0 none, 1 Shift, 2 AltGr, 3 Shift+AltGr) over the typing block. */
export function levelsOfConsoleKeymap(tables) {
  const keys = keysOfConsoleKeymap(tables);
  const levels = new Map();
  for (let level = 0; level < 4; level++) {
    for (const keycode of TYPING_KEYCODES) {
      const cp = keys.get(keycode)[level];
      if (cp !== null && !levels.has(cp)) levels.set(cp, level);
    }
  }
  return levels;
}

/**
 * The Linux key code of the key guacd presses for a scancode (PC/AT set 1): the same number but for the
 * Japanese and Brazilian extra keys (ro 0x73, yen 0x7d); null for an extended scancode.
 */
export function keycodeOfScancode(scancode, ext) {
  if (ext) return null;
  return scancode === 0x73 ? 89 : scancode === 0x7d ? 124 : scancode;
}
