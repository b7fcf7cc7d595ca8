// admin-audit.js: how the audit view words an event, and reads and writes its filters.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  KIND_NAMES, MAX_PAGE_SIZE, dayTime, detailsText, durationText, filtersFromHash, filtersProblem, filtersSummary,
  hashOf,
  isoFromLocalInput, kindName, localInputValue, matches, newEventsText, resultOf, whoText,
} from "../../src/main/resources/keyhole/webapp/js/admin-audit.js";

/** An event as GET api/admin/audit answers it, with what `more` changes. */
function event(more = {}) {
  return { seq: 7, id: "e7", occurredAt: "2031-05-06T10:00:00Z", kind: "sign-in", actor: "olga",
    address: "192.0.2.5", target: null, result: "ok", detail: {}, ...more };
}

/** Every kind the server names (AuditKind), in its order. */
const SERVER_KINDS = ["sign-in", "sign-in-failed", "sign-out", "session-ended", "second-factor-enrolled",
  "second-factor-reset", "user-added", "user-changed", "user-disabled", "user-enabled", "user-removed",
  "console-opened", "console-closed", "passphrase-box-used", "typed", "stage-switched", "vm-action", "link-created",
  "link-redeemed", "link-refused", "link-revoked", "link-expired", "configuration-loaded", "subscription-added",
  "subscription-removed", "notification-sent", "notification-failed", "retention"];

test("every kind the server names has a readable name; one this page does not know, its id in words", () => {
  assert.deepEqual(Object.keys(KIND_NAMES), SERVER_KINDS);
  assert.equal(kindName("console-opened"), "Console opened");
  assert.equal(kindName("sign-in-failed"), "Sign-in refused");
  assert.equal(kindName("link-created"), "Share link made");
  assert.equal(kindName("a-kind-from-later"), "A kind from later");
  assert.equal(kindName("toString"), "ToString", "not an Object's own property");
  assert.equal(kindName(""), "?");
  assert.equal(kindName(undefined), "?");
});

test("who: a user's name; a link's guest by whose link; the server and the command line in words", () => {
  assert.equal(whoText(event()), "olga");
  assert.equal(whoText(event({ actor: "link abcd1234", detail: { link: "abcd1234", maker: "alice" } })),
    "guest via alice's link (abcd1234)");
  assert.equal(whoText(event({ actor: "link abcd1234", detail: {} })), "guest via link abcd1234");
  assert.equal(whoText(event({ actor: "link abcd1234", detail: null })), "guest via link abcd1234");
  assert.equal(whoText(event({ actor: "keyhole" })), "Keyhole");
  assert.equal(whoText(event({ actor: "keyhole-server user" })), "the command line");
  assert.equal(whoText(event({ actor: "an unknown name" })), "an unknown name");
  assert.equal(whoText(event({ kind: "link-redeemed", actor: "192.0.2.5", address: "192.0.2.5" })), "not signed in",
    "a browser known by its address alone");
  assert.equal(whoText(event({ actor: "" })), "?");
});

test("how long a console was open, in a few words", () => {
  assert.equal(durationText(0), "0 s");
  assert.equal(durationText(45), "45 s");
  assert.equal(durationText(60), "1 min");
  assert.equal(durationText(133), "2 min 13 s");
  assert.equal(durationText(3600), "1 h");
  assert.equal(durationText(3900), "1 h 5 min");
  assert.equal(durationText(3 * 86400 + 4 * 3600 + 59), "3 d 4 h");
  assert.equal(durationText(undefined), "");
  assert.equal(durationText(-1), "");
});

test("the details of sign-ins, sessions and second factors", () => {
  assert.equal(detailsText(event({ detail: { factor: "totp", session: "AbCdEfGh" } })), "factor: totp");
  assert.equal(detailsText(event({ detail: { factor: "recovery-code" } })), "factor: recovery code");
  assert.equal(detailsText(event({ kind: "sign-in-failed", result: "wrong name or password" })), "",
    "the reason is the result, not a detail");
  assert.equal(detailsText(event({ kind: "sign-out", detail: { session: "AbCdEfGh" } })), "");
  assert.equal(detailsText(event({ kind: "sign-out", detail: { everywhere: true, sessions: 3 } })),
    "everywhere (3 sessions)");
  assert.equal(detailsText(event({ kind: "session-ended", detail: { session: "x", why: "ended by an admin",
    by: "tester" } })), "ended by an admin, by tester");
  assert.equal(detailsText(event({ kind: "session-ended", detail: { sessions: 2, why: "the account was disabled",
    by: "tester" } })), "the account was disabled, by tester, 2 sessions");
  assert.equal(detailsText(event({ kind: "second-factor-enrolled", detail: { factor: "passkey" } })),
    "factor: passkey");
});

test("the details of what is done to users", () => {
  assert.equal(detailsText(event({ kind: "user-added", detail: { user: "opal", role: "operator", consoles: "*" } })),
    "user opal, operator, every console");
  assert.equal(detailsText(event({ kind: "user-added", detail: { user: "ada", role: "admin", consoles: "*",
    firstAdmin: true } })), "user ada, admin, every console, the first admin");
  assert.equal(detailsText(event({ kind: "user-changed", detail: { user: "opal", role: "viewer",
    consoles: "web-*,db-1", fromRole: "operator", fromConsoles: "*" } })),
  "user opal, operator → viewer, every console → web-*, db-1");
  assert.equal(detailsText(event({ kind: "user-changed", detail: { user: "opal", role: "viewer", consoles: "*",
    fromRole: "viewer", fromConsoles: "*" } })), "user opal, viewer, every console");
  for (const kind of ["user-disabled", "user-enabled", "user-removed", "second-factor-reset"]) {
    assert.equal(detailsText(event({ kind, detail: { user: "opal" } })), "user opal", kind);
  }
});

test("the details of subscriptions: channel, consoles and kinds, of an email address its domain alone", () => {
  assert.equal(detailsText(event({ kind: "subscription-added", detail: { subscription: "s1", channel: "team-mail",
    type: "email", consoles: "web-*,db-1", kinds: "all", domain: "example.org" } })),
  "team-mail (email), to an address at example.org, web-*, db-1, every notice");
  assert.equal(detailsText(event({ kind: "subscription-removed", detail: { subscription: "s1", channel: "phones",
    type: "ntfy", consoles: "*", kinds: "waiting-for-passphrase,resolved" } })),
  "phones (ntfy), every console, waiting-for-passphrase, resolved");
  assert.equal(kindName("subscription-added"), "Subscribed to notices");
});

test("the details of consoles: how, how long and why; the fact of typing, never what", () => {
  assert.equal(detailsText(event({ kind: "console-opened", detail: { tunnel: "t1", mode: "watch", by: "link",
    link: "abcd1234", maker: "alice" } })), "watching, by link");
  assert.equal(detailsText(event({ kind: "console-opened", detail: { mode: "type", by: "account" } })),
    "typing, by account");
  assert.equal(detailsText(event({ kind: "console-closed", detail: { tunnel: "t1", seconds: 133,
    why: "the browser left" } })), "open 2 min 13 s — the browser left");
  assert.equal(detailsText(event({ kind: "console-closed", detail: { seconds: 5 } })), "open 5 s");
  assert.equal(detailsText(event({ kind: "typed", detail: { tunnel: "t1" } })), "a key reached the console (never what)");
  assert.equal(detailsText(event({ kind: "passphrase-box-used" })), "the box sent a passphrase (never what)");
  assert.equal(detailsText(event({ kind: "stage-switched", detail: { from: "boot", to: "luks" } })),
    "from boot to luks");
  assert.equal(detailsText(event({ kind: "vm-action", detail: { action: "start" } })), "start");
  assert.equal(detailsText(event({ kind: "vm-action", result: "failed",
    detail: { action: "reset", error: "The VM is not running" } })), "reset: The VM is not running");
});

test("the details of a notification: what, on which channel, to whom, how many tries, why not", () => {
  assert.equal(detailsText(event({ kind: "notification-sent", actor: "keyhole", target: "web-1",
    detail: { channel: "oncall", type: "ntfy", recipient: "configured recipients", notice: "waiting-for-passphrase",
      noticeId: "0123456789abcdef", attempts: 1 } })),
  "waiting-for-passphrase, on oncall (ntfy), to configured recipients, 1 attempt");
  assert.equal(detailsText(event({ kind: "notification-failed", result: "failed",
    detail: { channel: "hook", type: "webhook", recipient: "configured recipients", notice: "reminder",
      noticeId: "0123456789abcdef", attempts: 3, error: "HTTP 404: the receiver refused it" } })),
  "reminder, on hook (webhook), to configured recipients, 3 attempts, HTTP 404: the receiver refused it");
});

test("the details of share links, the server's start and retention", () => {
  const now = new Date(2031, 4, 6, 9, 0);
  const expires = new Date(2031, 4, 6, 17, 46).toISOString();
  assert.equal(detailsText(event({ kind: "link-created", detail: { link: "abcd1234", mode: "type", stages: true,
    devices: 3, expiresAt: expires } }), now), "link abcd1234, to type, may switch the stage, 3 devices, until 17:46");
  assert.equal(detailsText(event({ kind: "link-created", detail: { link: "abcd1234", mode: "watch", stages: false,
    devices: 1, expiresAt: expires } }), now), "link abcd1234, to watch, 1 device, until 17:46");
  assert.equal(detailsText(event({ kind: "link-redeemed", detail: { link: "abcd1234", mode: "watch" } })),
    "link abcd1234, to watch");
  for (const kind of ["link-refused", "link-revoked", "link-expired"]) {
    assert.equal(detailsText(event({ kind, detail: { link: "abcd1234" } })), "link abcd1234", kind);
  }
  assert.equal(detailsText(event({ kind: "link-refused", result: "not signed in" })), "");
  assert.equal(detailsText(event({ kind: "configuration-loaded", detail: { targets: 3, virtualboxHosts: 1,
    tls: "self-signed", database: "sqlite", auditKeepDays: 400 } })),
  "3 consoles, 1 VirtualBox host, TLS self-signed, sqlite, events kept 400 days");
  assert.equal(detailsText(event({ kind: "configuration-loaded", detail: { targets: 1, virtualboxHosts: 0,
    tls: "off", database: "postgresql", auditKeepDays: 1 } })), "1 console, TLS off, postgresql, events kept 1 day");
  assert.equal(detailsText(event({ kind: "retention", detail: { keepDays: 400, deletedThrough: 340,
    lastHash: "ab12", deleted: 120, before: "2030-04-01T00:00:00Z" } })),
  "deleted 120 events, through #340, older than 400 days");
});

test("the details of a kind this page does not know: its facts as they are, as text", () => {
  assert.equal(detailsText(event({ kind: "new-kind", detail: { tunnel: "t1", colour: "blue", n: 2, ok: false } })),
    "colour: blue, n: 2, ok: false");
  assert.equal(detailsText(event({ kind: "new-kind", detail: { nested: { a: 1 } } })), "");
  assert.equal(detailsText(event({ kind: "new-kind", detail: "not an object" })), "");
  assert.equal(detailsText(event({ kind: "console-opened", detail: { mode: "<img src=x onerror=alert(1)>" } })),
    "<img src=x onerror=alert(1)>", "a text stays a text (the page sets it as textContent)");
});

test("the result: ok, or the reason it was not", () => {
  assert.deepEqual(resultOf(event()), { ok: true, text: "ok" });
  assert.deepEqual(resultOf(event({ result: "" })), { ok: true, text: "ok" });
  assert.deepEqual(resultOf(event({ result: "wrong name or password" })),
    { ok: false, text: "wrong name or password" });
});

test("a time: of day today, with its day otherwise, and its year when not this one", () => {
  const now = new Date(2031, 4, 6, 18, 0, 0);
  assert.equal(dayTime(new Date(2031, 4, 6, 9, 5, 7).toISOString(), now), "09:05:07");
  assert.equal(dayTime(new Date(2031, 4, 5, 23, 59, 59).toISOString(), now), "5 May 23:59:59");
  assert.equal(dayTime(new Date(2030, 11, 3, 4, 12, 0).toISOString(), now), "3 Dec 2030 04:12:00");
  assert.equal(dayTime(new Date(2031, 4, 6, 9, 5, 7).toISOString(), now, false), "09:05");
  assert.equal(dayTime("not a time", now), "not a time");
});

test("the filters in the address's fragment, and back", () => {
  assert.deepEqual(filtersFromHash("#audit"), {});
  assert.deepEqual(filtersFromHash(""), {});
  assert.deepEqual(filtersFromHash("#audit?actor=olga"), { actor: "olga" });
  assert.deepEqual(filtersFromHash("audit?actor=link%20abcd1234&kind=sign-in&target=web-1"),
    { actor: "link abcd1234", target: "web-1", kind: "sign-in" });
  assert.deepEqual(filtersFromHash("#audit?actor=link+abcd1234"), { actor: "link abcd1234" }, "+ is a space");
  assert.deepEqual(filtersFromHash("#audit?from=2031-05-06T08:00:00.000Z&to=2031-05-06T09:00:00.000Z&limit=5"),
    { from: "2031-05-06T08:00:00.000Z", to: "2031-05-06T09:00:00.000Z", limit: 5 });
  assert.deepEqual(filtersFromHash("#audit?actor=&kind=%20&colour=blue"), {}, "empty and unknown ones go");
  for (const limit of ["0", "201", "2.5", "ten"]) {
    assert.deepEqual(filtersFromHash(`#audit?limit=${limit}`), {}, limit);
  }
  assert.deepEqual(filtersFromHash(`#audit?limit=${MAX_PAGE_SIZE}`), { limit: MAX_PAGE_SIZE });

  assert.equal(hashOf({}), "audit");
  assert.equal(hashOf({ actor: "", kind: "", target: undefined, from: null }), "audit");
  assert.equal(hashOf({ actor: "olga" }), "audit?actor=olga");
  assert.equal(hashOf({ limit: 5, kind: "sign-in", actor: "link abcd1234" }),
    "audit?actor=link+abcd1234&kind=sign-in&limit=5", "in a fixed order");
  const filters = { actor: "o'lga&x=1", target: "web-1", kind: "console-opened", from: "2031-05-06T08:00:00.000Z",
    to: "2031-05-06T09:00:00.000Z", limit: 10 };
  assert.deepEqual(filtersFromHash(`#${hashOf(filters)}`), filters, "what it writes, it reads");
});

test("which live events the filters let through, as the server would", () => {
  assert.ok(matches(event(), {}));
  assert.ok(matches(event(), { actor: "olga", kind: "sign-in" }));
  assert.ok(!matches(event(), { actor: "Olga" }), "exactly");
  assert.ok(!matches(event(), { actor: "olg" }), "exactly");
  assert.ok(!matches(event(), { target: "web-1" }), "no console is no match for a console");
  assert.ok(matches(event({ target: "web-1" }), { target: "web-1" }));
  assert.ok(!matches(event(), { kind: "sign-out" }));
  assert.ok(matches(event(), { from: "2031-05-06T10:00:00Z" }), "from is inclusive");
  assert.ok(!matches(event(), { to: "2031-05-06T10:00:00Z" }), "to is exclusive");
  assert.ok(matches(event(), { from: "2031-05-06T09:00:00Z", to: "2031-05-06T10:00:00.001Z" }));
  assert.ok(!matches(event(), { from: "2031-05-06T10:00:00.001Z" }));
});

test("a datetime-local field's value is this browser's time; the filter is an ISO instant in UTC", () => {
  const local = new Date(2031, 4, 6, 9, 5);
  assert.equal(localInputValue(local.toISOString()), "2031-05-06T09:05");
  assert.equal(isoFromLocalInput("2031-05-06T09:05"), local.toISOString());
  assert.equal(isoFromLocalInput("2031-05-06T09:05:30"), new Date(2031, 4, 6, 9, 5, 30).toISOString());
  assert.equal(isoFromLocalInput(localInputValue("2031-12-03T03:12:00Z")), "2031-12-03T03:12:00.000Z");
  assert.ok(isoFromLocalInput("2031-05-06T09:05").endsWith("Z"));
  assert.equal(isoFromLocalInput(""), null);
  assert.equal(isoFromLocalInput("yesterday"), null);
  assert.equal(localInputValue(""), "");
  assert.equal(localInputValue(undefined), "");
  assert.equal(localInputValue("garbage"), "");
});

test("a time range that ends before it begins is refused before asking", () => {
  assert.equal(filtersProblem({}), null);
  assert.equal(filtersProblem({ from: "2031-05-06T09:00:00Z" }), null);
  assert.equal(filtersProblem({ from: "2031-05-06T09:00:00Z", to: "2031-05-06T10:00:00Z" }), null);
  assert.match(filtersProblem({ from: "2031-05-06T10:00:00Z", to: "2031-05-06T10:00:00Z" }), /ends before it begins/);
  assert.match(filtersProblem({ from: "2031-05-06T11:00:00Z", to: "2031-05-06T10:00:00Z" }), /ends before it begins/);
});

test("the new events an older page counts", () => {
  assert.equal(newEventsText(1), "1 new event — show");
  assert.equal(newEventsText(3), "3 new events — show");
  assert.equal(newEventsText(50, true), "50+ new events — show");
});

test("the filters in effect, in a few words", () => {
  const now = new Date(2031, 4, 6, 18, 0);
  assert.equal(filtersSummary({}, now), "none");
  assert.equal(filtersSummary({ limit: 5 }, now), "none", "the page size is no filter");
  assert.equal(filtersSummary({ actor: "olga", target: "web-1", kind: "sign-in-failed",
    from: new Date(2031, 4, 3, 10, 0).toISOString(), to: new Date(2031, 4, 6, 11, 0).toISOString() }, now),
  "olga · web-1 · Sign-in refused · from 3 May 10:00 · until 11:00");
});
