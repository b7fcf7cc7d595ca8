// KEYSYM: every named key symbol is the one X11's keysymdef.h defines under that name.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { KEYSYM } from "../../src/main/resources/keyhole/webapp/js/keysym.js";

const KEYSYMDEF = "/usr/include/X11/keysymdef.h";

/** keysymdef.h's name (without XK_) of each entry. */
const X11_NAMES = {
  BACKSPACE: "BackSpace",
  RETURN: "Return",
  ESCAPE: "Escape",
  LEFT: "Left",
  UP: "Up",
  RIGHT: "Right",
  DOWN: "Down",
  SHIFT_L: "Shift_L",
  CONTROL_L: "Control_L",
  ALT_L: "Alt_L",
  DELETE: "Delete",
  ALTGR: "ISO_Level3_Shift",
};

test("every key symbol has its X11 name here", () => {
  assert.deepEqual(Object.keys(KEYSYM).sort(), Object.keys(X11_NAMES).sort());
});

test("the values are keysymdef.h's", { skip: existsSync(KEYSYMDEF) ? false : "x11proto-dev is not installed" }, () => {
  const header = readFileSync(KEYSYMDEF, "latin1");
  for (const [key, name] of Object.entries(X11_NAMES)) {
    const defined = new RegExp(`^#define XK_${name}\\s+0x([0-9a-fA-F]+)\\b`, "m").exec(header);
    assert.ok(defined, `keysymdef.h defines XK_${name}`);
    assert.equal(KEYSYM[key], parseInt(defined[1], 16), key);
  }
});
