// share.js: what the Share dialog offers and how it words a link's terms and state.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  clockTime, devicesText, expiryChoices, lifetimeName, linkState, modeName, readDevices, stateText, termsLines,
} from "../../src/main/resources/keyhole/webapp/js/share.js";

/** A local time today (or `days` from today) at hh:mm. */
function at(hh, mm, days = 0) {
  const d = new Date(2031, 4, 6 + days, hh, mm);
  return d.toISOString();
}
const NOW = new Date(2031, 4, 6, 12, 0);

const link = (more = {}) => ({ id: "L", target: "web-1", mode: "watch", stages: false, note: "", madeBy: "olga",
  createdAt: at(11, 0), expiresAt: at(12, 34), maxDevices: 1, revoked: false, live: true, devices: [], ...more });

test("the lifetimes offered: 15 minutes to 24 hours, none above the server's limit", () => {
  assert.deepEqual(expiryChoices(1440).map((c) => c.label), ["15 minutes", "1 hour", "4 hours", "8 hours", "24 hours"]);
  assert.deepEqual(expiryChoices(null).map((c) => c.minutes), [15, 60, 240, 480, 1440], "no limit said: all");
  assert.deepEqual(expiryChoices(43200).map((c) => c.minutes), [15, 60, 240, 480, 1440]);
  assert.deepEqual(expiryChoices(300).map((c) => c.minutes), [15, 60, 240]);
  assert.deepEqual(expiryChoices(60).map((c) => c.minutes), [15, 60]);
  assert.deepEqual(expiryChoices(10), [{ minutes: 10, label: "10 minutes" }], "never nothing to choose");
  assert.equal(lifetimeName(1), "1 minute");
  assert.equal(lifetimeName(90), "90 minutes");
});

test("the devices asked for: 1, or a whole number from 2 to 50", () => {
  assert.equal(readDevices(true, "junk"), 1, "a single device, whatever the number field says");
  assert.equal(readDevices(false, "3"), 3);
  assert.equal(readDevices(false, " 50 "), 50);
  for (const typed of ["1", "51", "0", "-2", "2.5", "", "three", "1e1", undefined]) {
    assert.equal(readDevices(false, typed), null, String(typed));
  }
});

test("times in local HH:MM, with the day when it is not today", () => {
  assert.equal(clockTime(at(12, 34), NOW), "12:34");
  assert.equal(clockTime(at(0, 5), NOW), "00:05");
  assert.equal(clockTime(at(9, 15, 1), NOW), "tomorrow 09:15");
  assert.equal(clockTime(at(23, 50, -1), NOW), "yesterday 23:50");
  assert.match(clockTime(at(8, 0, 5), NOW), /^\S.* 08:00$/);
  assert.doesNotMatch(clockTime(at(8, 0, 5), NOW), /tomorrow/);
});

test("a link's state: revoked, expired (by the server's word or the clock), else live", () => {
  assert.equal(linkState(link(), NOW), "live");
  assert.equal(stateText(link(), NOW), "expires 12:34");
  assert.equal(stateText(link({ revoked: true, live: false }), NOW), "revoked");
  assert.equal(stateText(link({ live: false }), NOW), "expired");
  assert.equal(stateText(link({ expiresAt: at(11, 59) }), NOW), "expired", "its time is past");
  assert.equal(stateText(link({ revoked: true, expiresAt: at(11, 0) }), NOW), "revoked", "revoked says more");
});

test("a link's devices: how many opened it, of how many, and when one was last seen", () => {
  assert.equal(devicesText(link(), NOW), "0 of 1 device opened");
  assert.equal(devicesText(link({ maxDevices: 3 }), NOW), "0 of 3 devices opened");
  const devices = [{ since: at(11, 1), lastSeen: at(11, 40), address: "10.0.0.5" },
    { since: at(11, 2), lastSeen: at(12, 3), address: "10.0.0.6" }];
  assert.equal(devicesText(link({ maxDevices: 3, devices }), NOW), "2 of 3 devices opened · last seen 12:03");
  assert.equal(devicesText(link({ devices: devices.slice(0, 1) }), NOW), "1 of 1 device opened · last seen 11:40");
});

test("a new link's terms and a mode's name", () => {
  assert.deepEqual(termsLines(link({ mode: "type", stages: true, maxDevices: 3 }), NOW),
    ["Type — may switch the keyboard stage", "Expires 12:34", "On up to 3 devices"]);
  assert.deepEqual(termsLines(link(), NOW),
    ["Watch — types nothing", "Expires 12:34", "On a single device: the first browser that opens it"]);
  assert.equal(termsLines(link({ mode: "type" }), NOW)[0], "Type — passphrase box and key bar only");
  assert.equal(modeName("watch"), "Watch");
  assert.equal(modeName("type"), "Type");
  assert.equal(modeName("drive"), "drive");
});
