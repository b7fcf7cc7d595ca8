// followVisualViewport: which viewport changes mean "an on-screen keyboard covers the page" (viewport.js), with a
// stand-in window whose visual viewport the test moves as Safari's keyboard and a pinch would.
import { test } from "node:test";
import assert from "node:assert/strict";

class FakeVisualViewport extends EventTarget {
  constructor() {
    super();
    Object.assign(this, { width: 390, height: 844, offsetTop: 0, offsetLeft: 0, scale: 1 });
  }

  move(changes) {
    Object.assign(this, changes);
    this.dispatchEvent(new Event("resize"));
  }
}

function page() {
  const vv = new FakeVisualViewport();
  const classes = new Set();
  const vars = new Map();
  const scrolled = [];
  const focused = { scrollIntoView: (options) => scrolled.push(options) };
  const panel = Object.assign(new EventTarget(), { contains: (node) => node === focused });
  globalThis.window = { visualViewport: vv, innerHeight: 844 };
  globalThis.document = {
    activeElement: null,
    documentElement: {
      style: { setProperty: (name, value) => vars.set(name, value) },
      classList: { toggle: (name, on) => (on ? classes.add(name) : classes.delete(name)) },
    },
  };
  globalThis.requestAnimationFrame = (callback) => callback();
  return { vv, classes, vars, scrolled, focused, panel };
}

const { followVisualViewport } = await import("../../src/main/resources/keyhole/webapp/js/viewport.js");

test("a keyboard over the page (only the visual viewport shrinks) pins the page to what is visible", () => {
  const p = page();
  followVisualViewport(p.panel);
  assert.equal(p.classes.has("keyboard-open"), false);
  p.vv.move({ height: 500, offsetTop: 120 });
  assert.equal(p.classes.has("keyboard-open"), true);
  assert.equal(p.vars.get("--visible-height"), "500px");
  assert.equal(p.vars.get("--visible-top"), "120px");
  p.vv.move({ height: 844, offsetTop: 0 });
  assert.equal(p.classes.has("keyboard-open"), false);
});

test("a page the browser shrank for the keyboard (resizes-content) needs no pinning", () => {
  const p = page();
  followVisualViewport(p.panel);
  window.innerHeight = 508;
  p.vv.move({ height: 508 });
  assert.equal(p.classes.has("keyboard-open"), false);
});

test("a pinch zoom shrinks the visual viewport too, but is no keyboard", () => {
  const p = page();
  followVisualViewport(p.panel);
  p.vv.move({ width: 260, height: 562, scale: 1.5 });
  assert.equal(p.classes.has("keyboard-open"), false);
});

test("the typing panel's focused control is scrolled into view when the viewport changes", () => {
  const p = page();
  followVisualViewport(p.panel);
  p.scrolled.length = 0;
  document.activeElement = p.focused;
  p.vv.move({ height: 500 });
  assert.deepEqual(p.scrolled, [{ block: "nearest", inline: "nearest" }]);
  document.activeElement = { id: "elsewhere" };
  p.vv.move({ height: 844 });
  assert.equal(p.scrolled.length, 1, "a control outside the panel is left alone");
});
