// presence.js: how the people in a console are named, and what is taken as a presence list.
import { test } from "node:test";
import assert from "node:assert/strict";
import { describePerson, readPresence } from "../../src/main/resources/keyhole/webapp/js/presence.js";

const at = () => "12:03";
const person = (fields) => ({ name: null, role: "guest", via: null, mode: "watch", since: "2026-12-03T12:03:00Z",
  typing: false, you: false, ...fields });

test("people are named by account, by link, or as you", () => {
  assert.equal(describePerson(person({ you: true, name: "alice", role: "operator", mode: "type" }), at), "you");
  assert.equal(describePerson(person({ name: "alice", role: "operator", mode: "type" }), at), "alice (operator)");
  assert.equal(describePerson(person({ via: "alice" }), at), "guest via alice's link — watching — since 12:03");
  assert.equal(describePerson(person({ via: "alice", mode: "type" }), at),
    "guest via alice's link — may type — since 12:03");
  assert.equal(describePerson(person({ name: "bob", role: "viewer", via: "alice" }), at),
    "bob (viewer) via alice's link — watching");
});

test("someone typing is marked, and nothing more is said of it", () => {
  assert.equal(describePerson(person({ name: "alice", role: "operator", mode: "type", typing: true }), at),
    "alice (operator) — typing…");
});

test("only a list of people is a presence", () => {
  assert.deepEqual(readPresence('[{"mode":"watch"}]'), [{ mode: "watch" }]);
  for (const text of ["", "{}", "null", "[1]", "[{}]", "not json", '{"mode":"watch"}']) {
    assert.equal(readPresence(text), null, text);
  }
});
