// The generated layout table against an independent compilation of each layout: console-setup's ckbcomp
// and the kernel's loadkeys (see console-keymap.mjs). Every printable character of the typing block must
// need the same modifier level in both; every other character must be untypeable in both. Over RDP, a
// character is typeable exactly where the key guacd presses for it (guacd.mjs) types it on the console.
import { test } from "node:test";
import assert from "node:assert/strict";
import { GUACD, KEYMAPS } from "../../src/main/resources/keyhole/webapp/js/keymaps.js";
import { keysymOf, planKeys } from "../../src/main/resources/keyhole/webapp/js/keys.js";
import { GUACD_RELEASES, keyFor, keyboardFor, layoutsOf, readKeymaps } from "../guacd.mjs";
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

test("every layout has characters for RDP for every guacd release, and GUACD names each release's layouts", () => {
  assert.deepEqual(GUACD.map((g) => [g.release, g.protocol]), GUACD_RELEASES.map((g) => [g.release, g.protocol]));
  for (const g of GUACD) assert.deepEqual(g.layouts, layoutsOf(readKeymaps(g.release)), g.release);
  for (const [name, layout] of Object.entries(KEYMAPS)) {
    assert.deepEqual(Object.keys(layout.rdp), GUACD.map((g) => g.release), name);
    for (const [release, chars] of Object.entries(layout.rdp)) {
      assert.equal(typeof chars, "string", `${name}, guacd ${release}`);
      assert.ok(Array.from(chars).length >= 50, `${name}, guacd ${release}: only ${JSON.stringify(chars)}`);
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

for (const layout of LAYOUTS) {
  for (const { release } of GUACD_RELEASES) {
    test(`${layout.name}: over RDP with guacd ${release}, the table's characters are those guacd's key types on the console`, () => {
      const console = keysOfConsoleKeymap(readBinaryKeymap(compileConsoleKeymap(layout.xkb, layout.variant)));
      const keyboard = keyboardFor(readKeymaps(release), layout.name);
      const rdp = KEYMAPS[layout.name].rdp[release];
      const wrong = [];
      for (const char of Object.keys(KEYMAPS[layout.name].levels)) {
        const key = keyFor(keyboard, keysymOf(char));
        const keycode = key && keycodeOfScancode(key.scancode, key.ext);
        const typed = keycode !== null && TYPING_KEYCODES.has(keycode) ? console.get(keycode)[key.level] : null;
        const expected = typed === char.codePointAt(0);
        if (rdp.includes(char) !== expected) {
          wrong.push(`${describe(char.codePointAt(0))}: the table says ${expected ? "untypeable" : "typeable"}; guacd `
            + (key ? `presses scancode 0x${key.scancode.toString(16)} with ${LEVEL_NAMES[key.level]}, which types `
              + (typed === null ? "nothing" : describe(typed)) : "presses no key for it"));
        }
      }
      assert.deepEqual(wrong, []);
    });
  }
}
