// admin-users.js, admin-sessions.js, admin-links.js: how the admin pages read what is typed and word what they show.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  consolesText, factorsText, passwordProblem, patternsFrom,
} from "../../src/main/resources/keyhole/webapp/js/admin-users.js";
import {
  browserName, factorName, modeText, timeOfDay,
} from "../../src/main/resources/keyhole/webapp/js/admin-sessions.js";
import { untilText } from "../../src/main/resources/keyhole/webapp/js/admin-links.js";

test("a Consoles field: patterns separated by commas; empty or * alone for every console", () => {
  assert.deepEqual(patternsFrom("web-*, db-1"), ["web-*", "db-1"]);
  assert.deepEqual(patternsFrom(" web-* ,, db-1 ,"), ["web-*", "db-1"], "empty parts go");
  assert.deepEqual(patternsFrom(""), []);
  assert.deepEqual(patternsFrom("   "), []);
  assert.deepEqual(patternsFrom("*"), [], "* alone: every console, as on the command line");
  assert.deepEqual(patternsFrom(" * "), []);
  assert.deepEqual(patternsFrom("*, db-1"), ["*", "db-1"], "the server judges the rest");
  assert.deepEqual(patternsFrom(undefined), []);
  assert.equal(consolesText([]), "Every console");
  assert.equal(consolesText(["web-*", "db-1"]), "web-*, db-1");
});

test("a user's second factors in words, never more than which kinds", () => {
  assert.equal(factorsText({ kinds: [], passkeys: 0, locked: false }), "None");
  assert.equal(factorsText({ kinds: ["passkey"], passkeys: 1, locked: false }), "Passkey");
  assert.equal(factorsText({ kinds: ["passkey"], passkeys: 3, locked: false }), "3 passkeys");
  assert.equal(factorsText({ kinds: ["totp"], passkeys: 0, locked: false }), "Authenticator app");
  assert.equal(factorsText({ kinds: ["passkey", "totp"], passkeys: 2, locked: false }),
    "2 passkeys · authenticator app");
  assert.equal(factorsText({ kinds: ["totp"], passkeys: 0, locked: true }), "Authenticator app · locked");
});

test("a new password: 12 characters at least, typed the same twice", () => {
  assert.equal(passwordProblem("short", "short"), "A password has at least 12 characters.");
  assert.equal(passwordProblem("twelve chars", "twelve chars"), null);
  assert.equal(passwordProblem("twelve chars", "twelve chars!"), "The two passwords differ.");
  assert.equal(passwordProblem(undefined, undefined), "A password has at least 12 characters.");
});

test("a session's browser in a few words", () => {
  assert.equal(browserName("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    + "Chrome/120.0.0.0 Safari/537.36"), "Chrome on Linux");
  assert.equal(browserName("Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) "
    + "Chrome/120.0.0.0 Mobile Safari/537.36"), "Chrome on Android");
  assert.equal(browserName("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
    + "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1"), "Safari on iPhone");
  assert.equal(browserName("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0"),
    "Firefox on Windows");
  assert.equal(browserName("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
    + "Chrome/120.0.0.0 Safari/537.36 Edg/120.0.0.0"), "Edge on macOS");
  assert.equal(browserName("Java-http-client/17.0.15"), "Java-http-client/17.0.15", "anything else, as it is");
  assert.equal(browserName("x".repeat(50)), `${"x".repeat(40)}…`, "cut at 40 characters");
  assert.equal(browserName(""), "Unknown browser");
  assert.equal(browserName(null), "Unknown browser");
});

test("a session's second factor, a console's mode and a time of day", () => {
  assert.equal(factorName("passkey"), "Passkey");
  assert.equal(factorName("link"), "One-time link");
  assert.equal(factorName("recovery-code"), "Recovery code");
  assert.equal(factorName(null), "None");
  assert.equal(factorName("something-new"), "something-new");
  assert.equal(modeText("type"), "typing");
  assert.equal(modeText("watch"), "watching");
  assert.equal(timeOfDay(new Date(2031, 4, 6, 7, 8, 9)), "07:08:09");
});

test("when a link stops working: its time, or that it expired or was revoked", () => {
  const now = new Date(2031, 4, 6, 12, 0);
  const link = { expiresAt: new Date(2031, 4, 6, 12, 34).toISOString() };
  assert.equal(untilText(link, "live", now), "12:34");
  assert.equal(untilText({ expiresAt: new Date(2031, 4, 6, 11, 30).toISOString() }, "expired", now),
    "expired 11:30");
  assert.equal(untilText(link, "revoked", now), "revoked");
  assert.equal(untilText({ expiresAt: new Date(2031, 4, 7, 9, 15).toISOString() }, "live", now), "tomorrow 09:15");
});
