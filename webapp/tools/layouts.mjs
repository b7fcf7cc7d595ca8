/**
 * The keyboard layouts Keyhole supports: guacd's layout names (the values of a target's server-layout and
 * of a boot stage's layout), each with the xkb-data layout (and variant) it stands for, the one whose keys
 * guacd's keymap of that name describes, and a title for people. Every layout guacd knows is here (a test
 * checks it against the keymaps of guacd-keymaps/).
 *
 * Used by gen-keymaps.mjs (which reads the layouts from xkb-data) and by the tests (which compile the same
 * layouts with console-setup's ckbcomp and the kernel's loadkeys to check the generated table).
 */
export const LAYOUTS = [
  { name: "cs-cz-qwertz", xkb: "cz", variant: "", title: "Czech" },
  { name: "da-dk-qwerty", xkb: "dk", variant: "", title: "Danish" },
  { name: "de-ch-qwertz", xkb: "ch", variant: "", title: "German (Switzerland)" },
  { name: "de-de-qwertz", xkb: "de", variant: "", title: "German (QWERTZ)" },
  { name: "en-gb-qwerty", xkb: "gb", variant: "", title: "English (UK)" },
  { name: "en-us-qwerty", xkb: "us", variant: "", title: "English (US)" },
  { name: "es-es-qwerty", xkb: "es", variant: "", title: "Spanish" },
  { name: "es-latam-qwerty", xkb: "latam", variant: "", title: "Spanish (Latin American)" },
  { name: "fr-be-azerty", xkb: "be", variant: "", title: "Belgian (AZERTY)" },
  { name: "fr-ca-qwerty", xkb: "ca", variant: "fr", title: "French (Canada)" },
  { name: "fr-ch-qwertz", xkb: "ch", variant: "fr", title: "French (Switzerland)" },
  { name: "fr-fr-azerty", xkb: "fr", variant: "", title: "French (AZERTY)" },
  { name: "hu-hu-qwertz", xkb: "hu", variant: "", title: "Hungarian" },
  { name: "it-it-qwerty", xkb: "it", variant: "", title: "Italian" },
  { name: "ja-jp-qwerty", xkb: "jp", variant: "", title: "Japanese" },
  { name: "no-no-qwerty", xkb: "no", variant: "", title: "Norwegian" },
  { name: "pl-pl-qwerty", xkb: "pl", variant: "", title: "Polish" },
  { name: "pt-br-qwerty", xkb: "br", variant: "", title: "Portuguese (Brazil)" },
  { name: "pt-pt-qwerty", xkb: "pt", variant: "", title: "Portuguese" },
  { name: "ro-ro-qwerty", xkb: "ro", variant: "", title: "Romanian" },
  { name: "sv-se-qwerty", xkb: "se", variant: "", title: "Swedish" },
  { name: "tr-tr-qwerty", xkb: "tr", variant: "", title: "Turkish" },
];

/** The modifier levels of the table: what must be held down to type a character. */
export const LEVEL_NAMES = ["none", "Shift", "AltGr", "Shift+AltGr"];

/** True for a character a passphrase may hold: not a control character (C0, DEL, C1). */
export function isPrintable(codePoint) {
  return codePoint >= 0x20 && !(codePoint >= 0x7f && codePoint <= 0x9f);
}
