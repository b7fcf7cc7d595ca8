// The committed keymaps.js is what the generator makes from the xkb-data installed here.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { OUTPUT, generate } from "../gen-keymaps.mjs";

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
