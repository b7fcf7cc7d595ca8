// keysymOf and planKeys: key symbols, modifiers per protocol, untypeable characters by position.
import { test } from "node:test";
import assert from "node:assert/strict";
import { isTypeable, keysymFor, keysymOf, layoutNames, levelOf, planKeys } from "../../src/main/resources/keyhole/webapp/js/keys.js";
import { KEYSYM } from "../../src/main/resources/keyhole/webapp/js/keysym.js";
import { KEYMAPS } from "../../src/main/resources/keyhole/webapp/js/keymaps.js";
import { layoutsOf, readKeymaps } from "../guacd.mjs";

const SHIFT = KEYSYM.SHIFT_L;
const ALTGR = KEYSYM.ALTGR;

test("keysymOf: Latin-1 is itself, the rest is 0x01000000 + code point, newline is Return", () => {
  assert.equal(keysymOf("a"), 0x61);
  assert.equal(keysymOf(" "), 0x20);
  assert.equal(keysymOf("~"), 0x7e);
  assert.equal(keysymOf("ß"), 0xdf);
  assert.equal(keysymOf("\u00a0"), 0xa0);
  assert.equal(keysymOf("€"), 0x010020ac);
  assert.equal(keysymOf("ł"), 0x01000142);
  assert.equal(keysymOf("😀"), 0x0101f600);
  assert.equal(keysymOf("\n"), 0xff0d);
});

test("vnc: Shift and AltGr are pressed around the character as the German layout needs", () => {
  // Ω goes as the layout's own (legacy) key symbol Greek_OMEGA: QEMU's key map knows no other form.
  const plan = planKeys("aA@€|Ω\n", "de-de-qwertz", "vnc");
  assert.deepEqual(plan, {
    ok: true,
    events: [
      [0x61, true], [0x61, false],
      [SHIFT, true], [0x41, true], [0x41, false], [SHIFT, false],
      [ALTGR, true], [0x40, true], [0x40, false], [ALTGR, false],
      [ALTGR, true], [0x20ac, true], [0x20ac, false], [ALTGR, false],
      [ALTGR, true], [0x7c, true], [0x7c, false], [ALTGR, false],
      [SHIFT, true], [ALTGR, true], [0x7d9, true], [0x7d9, false], [ALTGR, false], [SHIFT, false],
      [0xff0d, true], [0xff0d, false],
    ],
  });
});

test("vnc: the same character needs other modifiers in other layouts", () => {
  assert.deepEqual(planKeys("/", "en-us-qwerty", "vnc").events, [[0x2f, true], [0x2f, false]]);
  assert.deepEqual(planKeys("/", "de-de-qwertz", "vnc").events,
    [[SHIFT, true], [0x2f, true], [0x2f, false], [SHIFT, false]]);
  assert.deepEqual(planKeys("1", "fr-fr-azerty", "vnc").events,
    [[SHIFT, true], [0x31, true], [0x31, false], [SHIFT, false]]);
  assert.deepEqual(planKeys("é", "fr-fr-azerty", "vnc").events, [[0xe9, true], [0xe9, false]]);
});

test("rdp: only the character's own key symbol; guacd adds the modifiers", () => {
  assert.deepEqual(planKeys("A@€ß\n", "de-de-qwertz", "rdp"), {
    ok: true,
    events: [[0x41, true], [0x41, false], [0x40, true], [0x40, false],
      [0x010020ac, true], [0x010020ac, false], [0xdf, true], [0xdf, false], [0xff0d, true], [0xff0d, false]],
  });
});

test("rdp: characters guacd 1.3's keymap has no key for are untypeable, though the layout types them", () => {
  // guacd would send these as RDP Unicode events, which VirtualBox's console ignores (see guacd-keymaps/).
  assert.deepEqual(planKeys("aΩ«b—", "de-de-qwertz", "rdp"), { ok: false, untypeable: [1, 2, 4] });
  assert.equal(planKeys("aΩ«b—", "de-de-qwertz", "vnc").ok, true);
  assert.deepEqual(planKeys("ß", "fr-fr-azerty", "rdp"), { ok: false, untypeable: [0] });
  assert.equal(isTypeable("€", "fr-fr-azerty", "rdp"), true);
  assert.equal(isTypeable("\n", "fr-fr-azerty", "rdp"), true);
});

test("rdp: every layout's rdp characters are characters the layout types", () => {
  for (const name of layoutNames()) {
    for (const char of KEYMAPS[name].rdp) {
      assert.notEqual(levelOf(char, name), undefined, `${name}: ${JSON.stringify(char)}`);
    }
  }
});

test("rdp: a layout guacd has a keymap for types its letters, digits and space", () => {
  const guacd = layoutsOf(readKeymaps("1.3.0"));
  assert.ok(guacd.length >= 16, "guacd 1.3.0's layouts: " + guacd);
  for (const name of guacd) {
    // But where guacd's keymap is wrong: guacd 1.3.0's Hungarian keymap has "ı" where the key types "i",
    // and types "i" only by turning Caps Lock on.
    const wrongInGuacd = name === "hu-hu-qwertz" ? "i" : "";
    for (const char of "abcdefghijklmnopqrstuvwxyz0123456789 ") {
      assert.equal(isTypeable(char, name, "rdp"), !wrongInGuacd.includes(char), `${name}: ${JSON.stringify(char)}`);
    }
  }
});

test("rdp: a layout guacd has no keymap for types what guacd's US keys type on it", () => {
  // guacd 1.3.0 has no Polish keymap and types with its US one: the Polish (programmer) layout has US keys
  // for ASCII, and its letters with AltGr guacd has no key for.
  assert.deepEqual(planKeys("Zaq1@ą", "pl-pl-qwerty", "rdp"), { ok: false, untypeable: [5] });
  assert.equal(planKeys("Zaq1@ą", "pl-pl-qwerty", "vnc").ok, true);
  // The Norwegian layout has "-" and "@" on other keys than the US one: the US keys would type "+" and '"'.
  assert.deepEqual(planKeys("a-@", "no-no-qwerty", "rdp"), { ok: false, untypeable: [1, 2] });
});

test("vnc: the AltGr letters of the Polish and Romanian layouts, as their legacy or Unicode key symbols", () => {
  assert.deepEqual(planKeys("ą", "pl-pl-qwerty", "vnc").events,
    [[ALTGR, true], [0x1b1, true], [0x1b1, false], [ALTGR, false]]);
  assert.deepEqual(planKeys("Ș", "ro-ro-qwerty", "vnc").events,
    [[SHIFT, true], [ALTGR, true], [0x01000218, true], [0x01000218, false], [ALTGR, false], [SHIFT, false]]);
});

test("rdp: a character guacd's keymap puts on another key than the layout's is untypeable", () => {
  // guacd 1.3.0's Belgian keymap swaps "-" and "_" (Shift+"-" would type "_"); its Brazilian one puts "/"
  // and "?" on the right Shift key.
  assert.deepEqual(planKeys("a-_b", "fr-be-azerty", "rdp"), { ok: false, untypeable: [1, 2] });
  assert.equal(planKeys("a-_b", "fr-be-azerty", "vnc").ok, true);
  assert.deepEqual(planKeys("/?", "pt-br-qwerty", "rdp"), { ok: false, untypeable: [0, 1] });
});

test("untypeable characters are reported by position (in characters) and nothing is planned", () => {
  assert.deepEqual(planKeys("ab€ö😀c", "en-us-qwerty", "vnc"), { ok: false, untypeable: [2, 3, 4] });
  assert.deepEqual(planKeys("😀€", "en-us-qwerty", "rdp"), { ok: false, untypeable: [0, 1] });
  // Dead keys: the German ^ and ` are dead, so they cannot be typed alone.
  assert.deepEqual(planKeys("^`", "de-de-qwertz", "vnc"), { ok: false, untypeable: [0, 1] });
  assert.deepEqual(planKeys("\t", "de-de-qwertz", "vnc"), { ok: false, untypeable: [0] });
});

test("an empty text plans nothing", () => {
  assert.deepEqual(planKeys("", "en-us-qwerty", "vnc"), { ok: true, events: [] });
});

test("unknown layouts and protocols are errors", () => {
  assert.throws(() => planKeys("a", "xx-yy", "vnc"), /unknown keyboard layout: xx-yy/);
  assert.throws(() => planKeys("a", "en-us-qwerty", "ssh"), /unknown protocol: ssh/);
  assert.throws(() => planKeys("a", "__proto__", "vnc"), /unknown keyboard layout/);
});

test("levelOf and layoutNames", () => {
  assert.equal(levelOf("@", "de-de-qwertz"), 2);
  assert.equal(levelOf("@", "en-us-qwerty"), 1);
  assert.equal(levelOf("€", "en-us-qwerty"), undefined);
  assert.equal(layoutNames().length, 22);
});

test("keysymFor: the layout's own key symbol over VNC, the Unicode form over RDP", () => {
  assert.equal(keysymFor("ł", "de-de-qwertz", "vnc"), 0x1b3);
  assert.equal(keysymFor("ł", "de-de-qwertz", "rdp"), 0x01000142);
  assert.equal(keysymFor("€", "de-de-qwertz", "vnc"), 0x20ac);
  assert.equal(keysymFor("€", "de-de-qwertz", "rdp"), 0x010020ac);
  assert.equal(keysymFor("a", "en-us-qwerty", "vnc"), 0x61);
});
