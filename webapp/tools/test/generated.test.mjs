// The committed keymaps.js and keyboard-layouts.json are what the generator makes from the xkb-data installed
// here; the list names exactly the table's layouts.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { KEYMAPS } from "../../src/main/resources/keyhole/webapp/js/keymaps.js";
import { LAYOUT_LIST, OUTPUT, generate, generateLayoutList } from "../gen-keymaps.mjs";

function installed(command) {
  try {
    execFileSync("sh", ["-c", "command -v " + command], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

const sourceInstalled = existsSync("/usr/share/X11/xkb/symbols/de") && existsSync("/usr/include/X11/keysymdef.h")
  && installed("xkbcomp");

test("keymaps.js equals a fresh generation (node webapp/tools/gen-keymaps.mjs)",
  { skip: sourceInstalled ? false : "xkb-data, x11-xkb-utils or x11proto-dev is not installed" }, () => {
    assert.equal(readFileSync(OUTPUT, "utf8"), generate(),
      "keymaps.js is stale or edited by hand: run node webapp/tools/gen-keymaps.mjs");
  });

test("keyboard-layouts.json equals a fresh generation and lists every layout of the table", () => {
  assert.equal(readFileSync(LAYOUT_LIST, "utf8"), generateLayoutList(),
    "keyboard-layouts.json is stale or edited by hand: run node webapp/tools/gen-keymaps.mjs");
  assert.deepEqual(JSON.parse(readFileSync(LAYOUT_LIST, "utf8")).layouts, Object.keys(KEYMAPS).sort());
});
