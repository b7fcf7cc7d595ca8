// The generated layout table against an independent compilation of each layout: console-setup's ckbcomp
// and the kernel's loadkeys (see console-keymap.mjs). Every printable character of the typing block must
// need the same modifier level in both; every other character must be untypeable in both. Over RDP, a
// character is typeable through a Guacamole protocol version exactly where, for every guacd release that speaks
// it, the key that release presses for it (guacd.mjs) types it on the console.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { GUACD, KEYMAPS } from "../../src/main/resources/keyhole/webapp/js/keymaps.js";
import { keysymOf, planKeys } from "../../src/main/resources/keyhole/webapp/js/keys.js";
import {
  CHANGED_KEYMAPS, GUACD_KEYMAPS, GUACD_RELEASES, guacdProtocols, keyFor, keyboardFor, layoutsOf, parseKeymap,
  readKeymapDirectory, readKeymaps,
} from "../guacd.mjs";
import { LAYOUTS, LEVEL_NAMES } from "../layouts.mjs";
import {
  TYPING_KEYCODES, compileConsoleKeymap, keycodeOfScancode, keysOfConsoleKeymap, levelsOfConsoleKeymap,
  readBinaryKeymap,
} from "./console-keymap.mjs";

const describe = (cp) => `${JSON.stringify(String.fromCodePoint(cp))} (U+${cp.toString(16).toUpperCase().padStart(4, "0")})`;

test("the table has every layout guacd knows (the keymaps of guacd-keymaps/), each with a title", () => {
  for (const { release } of GUACD_RELEASES) {
    for (const name of layoutsOf(readKeymaps(release))) {
      assert.ok(KEYMAPS[name], `no layout ${name} (guacd ${release} has a keymap for it)`);
      assert.ok(KEYMAPS[name].title, "no title for " + name);
    }
  }
  assert.deepEqual(Object.keys(KEYMAPS).sort(), LAYOUTS.map((l) => l.name).sort());
});

test("guacd-keymaps/ holds the keymaps of the releases of GUACD_RELEASES and nothing else", () => {
  const dirs = readdirSync(GUACD_KEYMAPS, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
  const used = new Set(GUACD_RELEASES.map((r) => r.keymaps));
  for (const dir of [...used]) {
    for (let d = dir; CHANGED_KEYMAPS.has(d); d = CHANGED_KEYMAPS.get(d)) used.add(CHANGED_KEYMAPS.get(d));
  }
  assert.deepEqual(dirs.sort(), [...used].sort());
  for (const dir of dirs) {
    for (const file of readdirSync(join(GUACD_KEYMAPS, dir))) {
      assert.match(file, /\.keymap$/, `${dir}/${file}`);
      assert.notEqual(file, "failsafe.keymap", `${dir}/${file}: no layout, guacd sends every character as Unicode`);
    }
  }
});

test("a directory of changed keymaps holds only keymaps that differ from those of the directory it changes", () => {
  for (const [dir, over] of CHANGED_KEYMAPS) {
    const before = readKeymapDirectory(over);
    const files = readdirSync(join(GUACD_KEYMAPS, dir));
    assert.ok(files.length > 0, dir);
    for (const file of files) {
      const keymap = parseKeymap(readFileSync(join(GUACD_KEYMAPS, dir, file), "utf8"), file);
      assert.notDeepEqual(keymap, before.get(keymap.name), `${dir}/${file} is the same as ${over}'s`);
    }
  }
});

test("GUACD: every protocol version of the carried releases, with all its releases, named by them", () => {
  assert.deepEqual(GUACD.map(({ protocol, name, releases }) => ({ protocol, name, releases })), guacdProtocols());
  for (const { release, protocol } of GUACD_RELEASES) {
    assert.deepEqual(GUACD.filter((g) => g.releases.includes(release)).map((g) => g.protocol), [protocol], release);
  }
  for (const g of GUACD) {
    assert.equal(g.name, `guacd ${g.releases[0]}` + (g.releases.length > 1 ? `–${g.releases.at(-1)}` : ""));
  }
});

test("GUACD: a protocol version's layouts are those every one of its releases has a keymap for", () => {
  for (const g of GUACD) {
    const layouts = g.releases.map((release) => layoutsOf(readKeymaps(release)));
    assert.deepEqual(g.layouts, layouts[0].filter((name) => layouts.every((l) => l.includes(name))), g.protocol);
  }
});

test("every layout has characters for RDP for every protocol version of GUACD", () => {
  for (const [name, layout] of Object.entries(KEYMAPS)) {
    assert.deepEqual(Object.keys(layout.rdp), GUACD.map((g) => g.protocol), name);
    for (const [protocol, chars] of Object.entries(layout.rdp)) {
      assert.equal(typeof chars, "string", `${name}, ${protocol}`);
      assert.ok(Array.from(chars).length >= 50, `${name}, ${protocol}: only ${JSON.stringify(chars)}`);
    }
  }
});

for (const layout of LAYOUTS) {
  test(`${layout.name}: the table agrees with the console keymap of xkb layout ${layout.xkb}${layout.variant ? "(" + layout.variant + ")" : ""}`, () => {
    const console = levelsOfConsoleKeymap(readBinaryKeymap(compileConsoleKeymap(layout.xkb, layout.variant)));
    const table = KEYMAPS[layout.name].levels;
    const wrong = [];
    for (const [cp, level] of console) {
      const char = String.fromCodePoint(cp);
      if (table[char] !== level) {
        wrong.push(`${describe(cp)}: the console types it with ${LEVEL_NAMES[level]}, the table says `
          + (table[char] === undefined ? "untypeable" : LEVEL_NAMES[table[char]]));
      }
    }
    for (const char of Object.keys(table)) {
      if (!console.has(char.codePointAt(0))) {
        wrong.push(`${describe(char.codePointAt(0))}: the table says ${LEVEL_NAMES[table[char]]}, the console cannot type it`);
      }
    }
    assert.deepEqual(wrong, []);
    assert.ok(console.size >= 95, `only ${console.size} characters: the console keymap did not compile as expected`);

    // Every other printable character of the Basic Multilingual Plane is refused, by position.
    for (let cp = 0x20; cp < 0x3000; cp++) {
      if ((cp >= 0x7f && cp <= 0x9f) || console.has(cp)) continue;
      const plan = planKeys("a" + String.fromCodePoint(cp), layout.name, "vnc");
      assert.deepEqual(plan, { ok: false, untypeable: [1] }, describe(cp) + " should be untypeable");
    }
  });
}

/**
 * What a key guacd presses for a character types on the console: null when it types that very character, else
 * why not.
 */
function wrongKey(console, keyboard, char) {
  const key = keyFor(keyboard, keysymOf(char));
  if (!key) return "presses no key for it";
  const keycode = keycodeOfScancode(key.scancode, key.ext);
  const typed = keycode !== null && TYPING_KEYCODES.has(keycode) ? console.get(keycode)[key.level] : null;
  if (typed === char.codePointAt(0)) return null;
  return `presses scancode 0x${key.scancode.toString(16)} with ${LEVEL_NAMES[key.level]}, which types `
    + (typed === null ? "nothing" : describe(typed));
}

for (const layout of LAYOUTS) {
  for (const { protocol, name, releases } of GUACD) {
    test(`${layout.name}: over RDP through ${protocol} (${name}), the table's characters are those every release's key types on the console`, () => {
      const console = keysOfConsoleKeymap(readBinaryKeymap(compileConsoleKeymap(layout.xkb, layout.variant)));
      const keyboards = releases.map((release) => [release, keyboardFor(readKeymaps(release), layout.name)]);
      const rdp = KEYMAPS[layout.name].rdp[protocol];
      const wrong = [];
      for (const char of Object.keys(KEYMAPS[layout.name].levels)) {
        const why = keyboards.map(([release, keyboard]) => [release, wrongKey(console, keyboard, char)])
          .filter(([, reason]) => reason !== null);
        if (rdp.includes(char)) {
          for (const [release, reason] of why) {
            wrong.push(`${describe(char.codePointAt(0))}: the table says typeable; guacd ${release} ${reason}`);
          }
        } else if (why.length === 0) {
          wrong.push(`${describe(char.codePointAt(0))}: the table says untypeable; every release types it`);
        }
      }
      assert.deepEqual(wrong, []);
    });
  }
}
