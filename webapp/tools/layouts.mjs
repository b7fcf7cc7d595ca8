/**
 * The keyboard layouts Keyhole supports: guacd's layout names (the values of a target's server-layout and
 * of a boot stage's layout), each with the xkb-data layout (and variant) it stands for and a title for
 * people. Every layout guacd 1.3 knows is here.
 *
 * Used by gen-keymaps.mjs (which reads the layouts from xkb-data) and by the tests (which compile the same
 * layouts with console-setup's ckbcomp and the kernel's loadkeys to check the generated table).
 */
export const LAYOUTS = [
  { name: "da-dk-qwerty", xkb: "dk", variant: "", title: "Danish" },
  { name: "de-ch-qwertz", xkb: "ch", variant: "", title: "German (Switzerland)" },
  { name: "de-de-qwertz", xkb: "de", variant: "", title: "German (QWERTZ)" },
  { name: "en-gb-qwerty", xkb: "gb", variant: "", title: "English (UK)" },
  { name: "en-us-qwerty", xkb: "us", variant: "", title: "English (US)" },
  { name: "es-es-qwerty", xkb: "es", variant: "", title: "Spanish" },
  { name: "es-latam-qwerty", xkb: "latam", variant: "", title: "Spanish (Latin American)" },
  { name: "fr-be-azerty", xkb: "be", variant: "", title: "Belgian (AZERTY)" },
  { name: "fr-ch-qwertz", xkb: "ch", variant: "fr", title: "French (Switzerland)" },
  { name: "fr-fr-azerty", xkb: "fr", variant: "", title: "French (AZERTY)" },
  { name: "hu-hu-qwertz", xkb: "hu", variant: "", title: "Hungarian" },
  { name: "it-it-qwerty", xkb: "it", variant: "", title: "Italian" },
  { name: "ja-jp-qwerty", xkb: "jp", variant: "", title: "Japanese" },
  { name: "pt-br-qwerty", xkb: "br", variant: "", title: "Portuguese (Brazil)" },
  { name: "sv-se-qwerty", xkb: "se", variant: "", title: "Swedish" },
  { name: "tr-tr-qwerty", xkb: "tr", variant: "", title: "Turkish" },
];

/** The modifier levels of the table: what must be held down to type a character. */
export const LEVEL_NAMES = ["none", "Shift", "AltGr", "Shift+AltGr"];

/** True for a character a passphrase may hold: not a control character (C0, DEL, C1). */
export function isPrintable(codePoint) {
  return codePoint >= 0x20 && !(codePoint >= 0x7f && codePoint <= 0x9f);
}
