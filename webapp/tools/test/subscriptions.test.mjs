// subscriptions.js: what the notifications page says of subscriptions, and asks for each kind of channel.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  EVERY_CONSOLE, EVERY_NOTICE, addressField, channelLabel, consolesText, formProblem, kindsText, suggestTopic,
  typeName,
} from "../../src/main/resources/keyhole/webapp/js/subscriptions.js";

test("consoles and kinds in words: every one when none is named", () => {
  assert.equal(consolesText([]), EVERY_CONSOLE);
  assert.equal(consolesText(undefined), "Every console you may open");
  assert.equal(consolesText(["web-*", "db-1"]), "web-*, db-1");
  assert.equal(kindsText([]), EVERY_NOTICE);
  assert.equal(kindsText(["waiting-for-passphrase", "resolved"]), "waits for its passphrase, no longer waiting");
  assert.equal(kindsText(["a-kind-from-later"]), "a-kind-from-later");
  assert.equal(kindsText(["toString"]), "toString", "not an Object's own property");
});

test("a channel by its name and type", () => {
  assert.equal(channelLabel({ name: "team-mail", type: "email", description: "" }), "team-mail (Email)");
  assert.equal(channelLabel({ name: "phones", type: "ntfy", description: "" }), "phones (ntfy)");
  assert.equal(typeName("webhook"), "webhook");
  assert.equal(typeName(""), "?");
});

test("the address field: an email keyboard for email, a topic for ntfy", () => {
  const email = addressField("email");
  assert.equal(email.type, "email");
  assert.equal(email.autocomplete, "email");
  assert.equal(email.maxLength, 254);
  const ntfy = addressField("ntfy");
  assert.equal(ntfy.type, "text");
  assert.equal(ntfy.maxLength, 64);
  assert.match(ntfy.hint, /hard to guess/);
});

test("a suggested topic: the user's name and 12 random letters, within what ntfy takes", () => {
  const zeros = (bytes) => bytes.fill(0);
  assert.equal(suggestTopic("olga", zeros), "keyhole-olga-aaaaaaaaaaaa");
  assert.equal(suggestTopic("maximilian.longname@example.org", zeros),
    "keyhole-maximilian-longname-example-org-aaaaaaaaaaaa");
  assert.equal(suggestTopic("", zeros), "keyhole-aaaaaaaaaaaa");
  for (const name of ["olga", "x".repeat(64), "ä.ö@ü"]) {
    const topic = suggestTopic(name);
    assert.match(topic, /^[A-Za-z0-9_-]{1,64}$/, topic);
  }
  assert.notEqual(suggestTopic("olga"), suggestTopic("olga"), "random");
});

test("what the form lacks before it is sent", () => {
  const form = { channel: "team-mail", address: "olga@example.org", every: true, chosen: [] };
  assert.equal(formProblem(form), "");
  assert.equal(formProblem({ ...form, channel: "" }), "Choose a channel.");
  assert.equal(formProblem({ ...form, address: "  " }), "Give the address to send to.");
  assert.equal(formProblem({ ...form, every: false }), "Choose at least one console, or every console.");
  assert.equal(formProblem({ ...form, every: false, chosen: ["web-1"] }), "");
});
