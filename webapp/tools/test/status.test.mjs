// describeStatus: what a close or error status means for the page (retry or not, what to show), by its code.
import { test } from "node:test";
import assert from "node:assert/strict";
import { describeStatus, KeyholeCode, Source, stripCode } from "../../src/main/resources/keyhole/webapp/js/status.js";

test("the server's words are shown without the code that leads them", () => {
  assert.equal(stripCode("519 guacd is not reachable at 127.0.0.1:4822"), "guacd is not reachable at 127.0.0.1:4822");
  assert.equal(stripCode(undefined), "");
});

test("a keyboard switch is known by its code, whatever the words", () => {
  for (const message of ["128 Keyboard switched to initramfs (de-de-qwertz)", "128 Die Tastatur ist jetzt deutsch"]) {
    const status = describeStatus({ code: KeyholeCode.KEYBOARD_SWITCHED, message }, Source.TUNNEL);
    assert.equal(status.code, KeyholeCode.KEYBOARD_SWITCHED);
    assert.equal(status.final, false, "the page reconnects");
    assert.equal(status.message, message.replace(/^128 /, ""));
  }
  // The words alone, under another code, are no keyboard switch.
  const prose = describeStatus({ code: 0x0200, message: "512 Keyboard switched to initramfs (de-de-qwertz)" },
    Source.TUNNEL);
  assert.notEqual(prose.code, KeyholeCode.KEYBOARD_SWITCHED);
});

test("Keyhole's codes are in the range guacamole-common-js counts as no error, and are not 0", () => {
  for (const code of Object.values(KeyholeCode)) {
    assert.ok(code > 0 && code <= 0x00ff, code.toString(16));
  }
});

test("refusals from the server are final; the same codes without its words are not", () => {
  assert.equal(describeStatus({ code: 0x0301, message: "769 Not allowed" }, Source.TUNNEL).final, true);
  assert.equal(describeStatus({ code: 0x0204, message: "516 No such console" }, Source.TUNNEL).final, true);
  assert.equal(describeStatus({ code: 0x0204, message: "Connection not found" }, Source.GUACD).final, false);
  assert.deepEqual(describeStatus({ code: 0x0301 }, Source.TUNNEL),
    { code: 0x0301, final: false, message: "Not allowed to open this console" });
  assert.equal(describeStatus({ code: 1234 }, Source.TUNNEL).message, "The connection was lost (code 1234)");
});
