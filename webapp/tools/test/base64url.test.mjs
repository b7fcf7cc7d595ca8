// base64url.js: the binary values of a passkey ceremony, as WebAuthn's JSON writes them and the browser takes them.
import { test } from "node:test";
import assert from "node:assert/strict";
import { fromBase64Url, toBase64Url } from "../../src/main/resources/keyhole/webapp/js/base64url.js";

const bytes = (...values) => new Uint8Array(values);

test("bytes to base64url, without padding, as Node's own encoder writes it", () => {
  assert.equal(toBase64Url(new Uint8Array(0)), "");
  assert.equal(toBase64Url(bytes(0xfb)), "-w");
  assert.equal(toBase64Url(bytes(0xfb, 0xff)), "-_8");
  assert.equal(toBase64Url(bytes(0xfb, 0xff, 0xbf)), "-_-_");
  for (let length = 0; length < 70; length++) {
    const random = crypto.getRandomValues(new Uint8Array(length));
    assert.equal(toBase64Url(random), Buffer.from(random).toString("base64url"), `${length} bytes`);
    assert.equal(toBase64Url(random.buffer), Buffer.from(random).toString("base64url"), "an ArrayBuffer too");
  }
});

test("a view into a larger buffer writes its own bytes only", () => {
  const buffer = bytes(1, 2, 3, 4, 5, 6).buffer;
  assert.equal(toBase64Url(new Uint8Array(buffer, 2, 3)), Buffer.from([3, 4, 5]).toString("base64url"));
  assert.equal(toBase64Url(new DataView(buffer, 1, 2)), Buffer.from([2, 3]).toString("base64url"));
});

test("base64url to an ArrayBuffer of its own, padding or not", () => {
  for (let length = 0; length < 70; length++) {
    const random = crypto.getRandomValues(new Uint8Array(length));
    const text = Buffer.from(random).toString("base64url");
    const read = fromBase64Url(text);
    assert.ok(read instanceof ArrayBuffer);
    assert.deepEqual(new Uint8Array(read), random, text);
    assert.deepEqual(new Uint8Array(fromBase64Url(Buffer.from(random).toString("base64").replace(/\+/g, "-")
      .replace(/\//g, "_"))), random, "with padding");
    assert.equal(toBase64Url(read), text, "round trip");
  }
});

test("what is not base64url is refused, not misread", () => {
  for (const text of ["a+b/", "ab cd", "abc!", "A", "ABCDE", "=ab"]) {
    assert.throws(() => fromBase64Url(text), TypeError, text);
  }
});
