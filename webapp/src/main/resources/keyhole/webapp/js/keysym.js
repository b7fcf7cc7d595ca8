/**
 * The X11 key symbols the page sends by name (keysymdef.h): the modifiers and the keys a boot prompt needs.
 * A character's own key symbol is computed, not listed (keys.js keysymOf).
 */
export const KEYSYM = Object.freeze({
  BACKSPACE: 0xff08,
  RETURN: 0xff0d,
  ESCAPE: 0xff1b,
  LEFT: 0xff51,
  UP: 0xff52,
  RIGHT: 0xff53,
  DOWN: 0xff54,
  SHIFT_L: 0xffe1,
  CONTROL_L: 0xffe3,
  ALT_L: 0xffe9,
  DELETE: 0xffff,
  ALTGR: 0xfe03, // ISO_Level3_Shift
});
