// keyEvents: what each key bar button sends, press by press.
import { test } from "node:test";
import assert from "node:assert/strict";
import { keyEvents } from "../../src/main/resources/keyhole/webapp/js/keybar.js";

const CTRL = 0xffe3, ALT = 0xffe9, DELETE = 0xffff, SHIFT = 0xffe1;

test("Ctrl-Alt-Del: Ctrl, Alt and Delete pressed in that order, released in reverse, nothing else", () => {
  assert.deepEqual(keyEvents("ctrl-alt-del"), [
    [CTRL, true], [ALT, true], [DELETE, true],
    [DELETE, false], [ALT, false], [CTRL, false],
  ]);
});

test("Wake: a lone Shift press and release (types nothing, selects nothing)", () => {
  assert.deepEqual(keyEvents("wake"), [[SHIFT, true], [SHIFT, false]]);
});

test("the prompt keys: one press and its release each", () => {
  const keys = { enter: 0xff0d, escape: 0xff1b, backspace: 0xff08, left: 0xff51, up: 0xff52, right: 0xff53,
    down: 0xff54 };
  for (const [name, keysym] of Object.entries(keys)) {
    assert.deepEqual(keyEvents(name), [[keysym, true], [keysym, false]], name);
  }
});

test("an unknown button sends nothing", () => {
  assert.deepEqual(keyEvents("reboot"), []);
  assert.deepEqual(keyEvents("toString"), []);
});
