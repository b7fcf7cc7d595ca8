// keysymOf and planKeys: key symbols, modifiers per protocol, untypeable characters by position.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  guacdKeymaps, isTypeable, keysymFor, keysymOf, layoutNames, levelOf, planKeys, rdpCharacters,
} from "../../src/main/resources/keyhole/webapp/js/keys.js";
import { KEYSYM } from "../../src/main/resources/keyhole/webapp/js/keysym.js";
import { GUACD, KEYMAPS } from "../../src/main/resources/keyhole/webapp/js/keymaps.js";

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

const GUACD_1_3 = "VERSION_1_3_0";
const GUACD_1_5 = "VERSION_1_5_0";

test("rdp: characters guacd's keymap has no key for are untypeable, though the layout types them", () => {
  // guacd would send these as RDP Unicode events, which VirtualBox's console ignores (see guacd-keymaps/).
  for (const guacd of [GUACD_1_3, GUACD_1_5, null]) {
    assert.deepEqual(planKeys("aΩ«b—", "de-de-qwertz", "rdp", guacd), { ok: false, untypeable: [1, 2, 4] });
    assert.deepEqual(planKeys("ß", "fr-fr-azerty", "rdp", guacd), { ok: false, untypeable: [0] });
    assert.equal(isTypeable("€", "fr-fr-azerty", "rdp", guacd), true);
    assert.equal(isTypeable("\n", "fr-fr-azerty", "rdp", guacd), true);
  }
  assert.equal(planKeys("aΩ«b—", "de-de-qwertz", "vnc").ok, true);
});

test("rdp: every layout's rdp characters are characters the layout types", () => {
  for (const name of layoutNames()) {
    for (const [protocol, chars] of Object.entries(KEYMAPS[name].rdp)) {
      for (const char of chars) {
        assert.notEqual(levelOf(char, name), undefined, `${name}, ${protocol}: ${JSON.stringify(char)}`);
      }
    }
  }
});

test("rdp: a layout every release has a keymap for types its letters, digits and space", () => {
  // But where a keymap is wrong: it has "ı" where the key types "i", and types "i" only by turning Caps Lock on
  // (the Hungarian keymap of guacd 1.3.0 to 1.5.1).
  const wrongInGuacd = { [GUACD_1_3]: { "hu-hu-qwertz": "i" }, [GUACD_1_5]: { "hu-hu-qwertz": "i" } };
  for (const { protocol, name: guacd, layouts } of GUACD) {
    assert.ok(layouts.length >= 16, `${guacd}'s layouts: ${layouts}`);
    for (const name of layouts) {
      const wrong = wrongInGuacd[protocol][name] || "";
      for (const char of "abcdefghijklmnopqrstuvwxyz0123456789 ") {
        assert.equal(isTypeable(char, name, "rdp", protocol), !wrong.includes(char),
          `${name}, ${guacd}: ${JSON.stringify(char)}`);
      }
    }
  }
});

test("rdp: the characters of the guacd releases that speak the protocol version guacd negotiated", () => {
  assert.deepEqual(guacdKeymaps(GUACD_1_3).releases, ["1.3.0", "1.4.0"]);
  assert.equal(guacdKeymaps(GUACD_1_3).name, "guacd 1.3.0–1.4.0");
  assert.deepEqual(guacdKeymaps(GUACD_1_5).releases, ["1.5.0", "1.5.1", "1.5.2", "1.5.3", "1.5.4", "1.5.5", "1.6.0"]);
  assert.equal(guacdKeymaps(GUACD_1_5).name, "guacd 1.5.0–1.6.0");
  assert.equal(guacdKeymaps("VERSION_1_1_0"), null);
  assert.equal(guacdKeymaps(null), null);
  assert.equal(guacdKeymaps(undefined), null);
  assert.equal(rdpCharacters("fr-be-azerty", GUACD_1_3), KEYMAPS["fr-be-azerty"].rdp[GUACD_1_3]);
  assert.equal(rdpCharacters("fr-be-azerty", GUACD_1_5), KEYMAPS["fr-be-azerty"].rdp[GUACD_1_5]);
});

test("rdp: a protocol version types only what every release that speaks it types", () => {
  // guacd 1.3.0 and 1.4.0 speak VERSION_1_3_0. 1.4.0's Belgian keymap has "-" and "_" right and it has a
  // Norwegian keymap, but 1.3.0's swaps them and it types Norwegian with its US keys.
  assert.deepEqual(planKeys("a-_b", "fr-be-azerty", "rdp", GUACD_1_3), { ok: false, untypeable: [1, 2] });
  assert.deepEqual(planKeys("aø@", "no-no-qwerty", "rdp", GUACD_1_3), { ok: false, untypeable: [1, 2] });
  // guacd 1.5.0 to 1.6.0 speak VERSION_1_5_0. 1.6.0 has Czech, Canadian French, Portuguese and Romanian keymaps;
  // 1.5 has not and types those layouts with its US keys.
  assert.deepEqual(planKeys("aě1", "cs-cz-qwertz", "rdp", GUACD_1_5), { ok: false, untypeable: [1, 2] });
  assert.deepEqual(planKeys("aé@", "fr-ca-qwerty", "rdp", GUACD_1_5), { ok: false, untypeable: [1, 2] });
  assert.deepEqual(planKeys("aç-@", "pt-pt-qwerty", "rdp", GUACD_1_5), { ok: false, untypeable: [1, 2, 3] });
  assert.deepEqual(planKeys("aș€", "ro-ro-qwerty", "rdp", GUACD_1_5), { ok: false, untypeable: [1, 2] });
  // 1.6.0's Czech keymap types "i" only by turning Caps Lock on, 1.5's US keys type no "y" or "z" on the
  // Czech layout, and 1.5.0's and 1.5.1's Hungarian keymap types "i" only by turning Caps Lock on.
  assert.deepEqual(planKeys("iyzx", "cs-cz-qwertz", "rdp", GUACD_1_5), { ok: false, untypeable: [0, 1, 2] });
  assert.deepEqual(planKeys("aiő", "hu-hu-qwertz", "rdp", GUACD_1_5), { ok: false, untypeable: [1] });
});

test("rdp: with no known guacd release, what every release types", () => {
  // guacd 1.3.0's Belgian keymap swaps "-" and "_"; those of 1.4.0 and later have them right.
  assert.equal(planKeys("a-_b", "fr-be-azerty", "rdp", GUACD_1_5).ok, true);
  assert.deepEqual(planKeys("a-_b", "fr-be-azerty", "rdp"), { ok: false, untypeable: [1, 2] });
  assert.deepEqual(planKeys("a-_b", "fr-be-azerty", "rdp", "VERSION_1_1_0"), { ok: false, untypeable: [1, 2] });
  for (const name of layoutNames()) {
    const every = rdpCharacters(name, null);
    for (const { protocol } of GUACD) {
      for (const char of every) assert.ok(rdpCharacters(name, protocol).includes(char), `${name}: ${char}`);
    }
  }
});

test("rdp: a layout guacd has no keymap for types what guacd's US keys type on it", () => {
  // guacd 1.3.0 has no Polish keymap and types with its US one: the Polish (programmer) layout has US keys
  // for ASCII, and its letters with AltGr guacd has no key for.
  assert.deepEqual(planKeys("Zaq1@ą", "pl-pl-qwerty", "rdp", GUACD_1_3), { ok: false, untypeable: [5] });
  assert.equal(planKeys("Zaq1@ą", "pl-pl-qwerty", "vnc").ok, true);
  // The Norwegian layout has "-" and "@" on other keys than the US one: the US keys would type "+" and '"'.
  assert.deepEqual(planKeys("a-@", "no-no-qwerty", "rdp", GUACD_1_3), { ok: false, untypeable: [1, 2] });
  assert.equal(planKeys("a-@", "no-no-qwerty", "rdp", GUACD_1_5).ok, true);
  // The Romanian (standard) layout has the US keys for ASCII.
  assert.deepEqual(planKeys("aș", "ro-ro-qwerty", "rdp", GUACD_1_3), { ok: false, untypeable: [1] });
  assert.equal(planKeys("Zaq1@-", "ro-ro-qwerty", "rdp", GUACD_1_5).ok, true);
});

test("rdp: guacd 1.6.0's Polish keymap has no AltGr key, so its AltGr letters are untypeable through VERSION_1_5_0", () => {
  // Its parent is "base", not "base_altgr": guacd cannot press AltGr, and the key alone would type "a". (1.5's
  // "base" has the AltGr key.)
  assert.deepEqual(planKeys("Zaq1@ą€", "pl-pl-qwerty", "rdp", GUACD_1_5), { ok: false, untypeable: [5, 6] });
});

test("vnc: the AltGr letters of the Polish and Romanian layouts, as their legacy or Unicode key symbols", () => {
  assert.deepEqual(planKeys("ą", "pl-pl-qwerty", "vnc").events,
    [[ALTGR, true], [0x1b1, true], [0x1b1, false], [ALTGR, false]]);
  assert.deepEqual(planKeys("Ș", "ro-ro-qwerty", "vnc").events,
    [[SHIFT, true], [ALTGR, true], [0x01000218, true], [0x01000218, false], [ALTGR, false], [SHIFT, false]]);
});

test("rdp: a character guacd's keymap puts on another key than the layout's is untypeable", () => {
  // guacd 1.3.0's Brazilian keymap puts "/" and "?" on the right Shift key; 1.6.0's on the ABNT2 key.
  assert.deepEqual(planKeys("/?", "pt-br-qwerty", "rdp", GUACD_1_3), { ok: false, untypeable: [0, 1] });
  assert.equal(planKeys("/?", "pt-br-qwerty", "rdp", GUACD_1_5).ok, true);
  // guacd's Danish keymap swaps "§" and "½" (every release).
  assert.deepEqual(planKeys("§½", "da-dk-qwerty", "rdp", GUACD_1_5), { ok: false, untypeable: [0, 1] });
});

test("untypeable characters are reported by position (in characters) and nothing is planned", () => {
  assert.deepEqual(planKeys("ab€ö😀c", "en-us-qwerty", "vnc"), { ok: false, untypeable: [2, 3, 4] });
  assert.deepEqual(planKeys("😀€", "en-us-qwerty", "rdp", GUACD_1_3), { ok: false, untypeable: [0, 1] });
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
