// api.js: the one caller of fetch, and how each failure becomes an ApiError a page can show.
import { afterEach, test } from "node:test";
import assert from "node:assert/strict";
import {
  ApiError, addUser, auditEvent, changeUser, closeTunnel, confirmTotp, createLink, endSession, fetchAdminSessions,
  fetchAdminUsers, fetchAllLinks, fetchAudit, issueUserLink, userAction, csrfToken, fetchLinks, fetchMachines, fetchPasskeys, fetchSession, fetchTargets,
  finishPasskeyRegistration, finishPasskeySecondFactor, finishPasskeySignIn, performAction, redeemLink,
  removePasskey, revokeLink, setUpFirstAdmin, signIn, signOut, signOutEverywhere, startPasskeyRegistration,
  startPasskeySecondFactor, startPasskeySignIn, startTotpEnrolment, submitCode, switchKeyboardStage,
  addSubscription, fetchSubscriptions, removeSubscription,
} from "../../src/main/resources/keyhole/webapp/js/api.js";

const realFetch = globalThis.fetch;
afterEach(() => {
  globalThis.fetch = realFetch;
  delete globalThis.document;
});

/** A page whose document.cookie is `cookie` (node has no document). */
function cookies(cookie) {
  globalThis.document = { cookie };
}

/** Answers every fetch with `answer(url, init)` and records the calls. */
function serve(answer) {
  const calls = [];
  globalThis.fetch = async (url, init) => {
    calls.push({ url, init });
    return answer(url, init);
  };
  return calls;
}

const json = (status, body, statusText = "") => new Response(JSON.stringify(body),
  { status, statusText, headers: { "Content-Type": "application/json" } });

test("the targets, read without the browser's cache", async () => {
  const calls = serve(() => json(200, { targets: [{ name: "web-1", title: "Web 1", protocol: "rdp" }] }));
  assert.deepEqual(await fetchTargets(), [{ name: "web-1", title: "Web 1", protocol: "rdp" }]);
  assert.equal(calls[0].url, "api/targets");
  assert.equal(calls[0].init.cache, "no-store");
  assert.equal(calls[0].init.headers.Accept, "application/json");
});

test("no server: an ApiError with status 0 that says so, not fetch's own words", async () => {
  serve(() => {
    throw new TypeError("Failed to fetch");
  });
  await assert.rejects(fetchTargets(), (e) => e instanceof ApiError && e.status === 0
    && e.message === "The Keyhole server is not reachable.");
});

test("an error status: the server's own words as a sentence, with the status", async () => {
  serve(() => json(409, { error: "The VM is not running: there is no screen to show." }));
  await assert.rejects(performAction("vm-1", "reset"),
    { name: "ApiError", status: 409, message: "The VM is not running: there is no screen to show." });
  serve(() => json(404, { error: "No such console" }));
  await assert.rejects(switchKeyboardStage("gone", "grub"), { status: 404, message: "No such console." });
});

test("an error status without the server's words names the status", async () => {
  serve(() => new Response("<html>proxy error</html>", { status: 502, statusText: "Bad Gateway" }));
  await assert.rejects(fetchMachines(), { status: 502, message: "The Keyhole server answered 502 Bad Gateway." });
});

test("an answer of the wrong shape is refused", async () => {
  serve(() => json(200, { consoles: [] }));
  await assert.rejects(fetchTargets(), { message: "The Keyhole server sent an unexpected list of consoles." });
  serve(() => new Response("not json", { status: 200 }));
  await assert.rejects(fetchTargets(), { message: "The Keyhole server sent an unreadable list of consoles." });
  serve(() => json(200, { machines: [] }));
  await assert.rejects(fetchMachines(), { message: "The Keyhole server sent an unexpected list of VMs." });
});

test("a stage switch posts JSON to the target's own URL and answers its keyboard state", async () => {
  const state = { stage: "initramfs", layout: "de-de-qwertz", stages: [] };
  const calls = serve(() => json(200, state));
  assert.deepEqual(await switchKeyboardStage("a b/c", "initramfs"), state);
  assert.equal(calls[0].url, "api/targets/a%20b%2Fc/stage");
  assert.equal(calls[0].init.method, "POST");
  assert.equal(calls[0].init.headers["Content-Type"], "application/json");
  assert.equal(calls[0].init.body, JSON.stringify({ stage: "initramfs" }));
});

test("a VM action carries the action header the server requires", async () => {
  const calls = serve(() => json(200, { ok: true }));
  await performAction("vm 1", "power-off");
  assert.equal(calls[0].url, "api/machines/vm%201/power-off");
  assert.equal(calls[0].init.method, "POST");
  assert.equal(calls[0].init.headers["X-Keyhole-Action"], "power-off");
});

// ---- accounts ----

const ALICE = { name: "alice", role: "admin" };

test("the CSRF token is the __Host-keyhole-csrf cookie's value, whatever cookies are beside it", () => {
  assert.equal(csrfToken("__Host-keyhole-csrf=tok123"), "tok123");
  assert.equal(csrfToken("theme=dark; __Host-keyhole-csrf=a-b_c; other=1"), "a-b_c");
  assert.equal(csrfToken("x__Host-keyhole-csrf=no; __Host-keyhole-csrf2=no"), null, "only that exact name");
  assert.equal(csrfToken("__Host-keyhole-csrf="), null, "empty");
  assert.equal(csrfToken(""), null);
  assert.equal(csrfToken(), null, "no document at all");
});

test("every POST sends the CSRF cookie back in X-Keyhole-CSRF; GETs do not", async () => {
  cookies("theme=dark; __Host-keyhole-csrf=tok123");
  const calls = serve((url) => {
    if (url === "api/session") return json(200, { state: "signed-in", user: ALICE });
    if (url === "api/sign-out-everywhere") return json(200, { ok: true, ended: 2 });
    if (url === "api/second-factor/totp") return json(200, { secret: "S", uri: "otpauth://totp/x", qrCodeSvg: "<svg/>" });
    if (url.endsWith("/stage")) return json(200, { stage: "grub", layout: "en-us-qwerty", stages: [] });
    return json(200, { state: "signed-in", user: ALICE, recoveryCodes: [], ok: true });
  });
  await fetchSession();
  await fetchTargets().catch(() => {});
  await signIn("alice", "pw");
  await submitCode("123456");
  await redeemLink("tok");
  await setUpFirstAdmin("tok", "alice", "a long password");
  await startTotpEnrolment();
  await confirmTotp("123456");
  await signOut();
  await signOutEverywhere();
  await switchKeyboardStage("web-1", "grub");
  await performAction("vm-1", "start");
  const posts = calls.filter((c) => c.init.method === "POST");
  assert.equal(posts.length, 10);
  for (const { url, init } of posts) assert.equal(init.headers["X-Keyhole-CSRF"], "tok123", url);
  for (const { url, init } of calls.filter((c) => c.init.method !== "POST")) {
    assert.equal("X-Keyhole-CSRF" in init.headers, false, url);
  }
  assert.equal(calls.find((c) => c.url === "api/machines/vm-1/start").init.headers["X-Keyhole-Action"], "start",
    "a call's own headers stay");
});

test("no CSRF cookie yet (before the first sign-in): no CSRF header at all", async () => {
  cookies("theme=dark");
  const calls = serve(() => json(200, { state: "second-factor", user: ALICE }));
  await signIn("alice", "pw");
  assert.equal("X-Keyhole-CSRF" in calls[0].init.headers, false);
  delete globalThis.document;
  await signIn("alice", "pw");
  assert.equal("X-Keyhole-CSRF" in calls[1].init.headers, false, "nor without a document");
});

test("each accounts route, with its JSON body", async () => {
  const calls = serve((url) => url === "api/second-factor/totp"
    ? json(200, { secret: "S", uri: "otpauth://totp/x", qrCodeSvg: "<svg/>" })
    : json(200, { state: "signed-in", user: ALICE, recoveryCodes: ["A"], ok: true, ended: 3 }));
  await signIn("alice", "correct horse");
  await submitCode("ABCD-EFGH-JKLM-NPQR");
  await redeemLink("t0k");
  await setUpFirstAdmin("t0k", "root", "a long password");
  await startTotpEnrolment();
  await confirmTotp("654321");
  await signOut();
  assert.equal(await signOutEverywhere(), 3);
  assert.deepEqual(calls.map((c) => [c.url, JSON.parse(c.init.body)]), [
    ["api/sign-in", { name: "alice", password: "correct horse" }],
    ["api/sign-in/code", { code: "ABCD-EFGH-JKLM-NPQR" }],
    ["api/sign-in/link", { token: "t0k" }],
    ["api/setup", { token: "t0k", name: "root", password: "a long password" }],
    ["api/second-factor/totp", {}],
    ["api/second-factor/totp/confirm", { code: "654321" }],
    ["api/sign-out", {}],
    ["api/sign-out-everywhere", {}],
  ]);
  for (const { init } of calls) {
    assert.equal(init.method, "POST");
    assert.equal(init.headers["Content-Type"], "application/json");
  }
});

test("the session: its state and user, or null when there is none", async () => {
  const session = { state: "enrol", user: ALICE, idleTimeoutSeconds: 1800 };
  serve(() => json(200, session));
  assert.deepEqual(await fetchSession(), session);
  serve(() => json(401, { error: "Sign in first" }));
  assert.equal(await fetchSession(), null);
  serve(() => json(500, { error: "Database down" }));
  await assert.rejects(fetchSession(), { status: 500, message: "Database down." });
  serve(() => json(200, { state: "sideways", user: ALICE }));
  await assert.rejects(fetchSession(), { message: "The Keyhole server sent an unexpected session." });
  serve(() => json(200, { state: "signed-in" }));
  await assert.rejects(fetchSession(), { message: "The Keyhole server sent an unexpected session." });
});

test("a throttled sign-in keeps how long to wait, from the body or else from Retry-After", async () => {
  serve(() => json(429, { error: "Too many failed sign-ins: wait 5 minutes", retryAfterSeconds: 300 }));
  await assert.rejects(signIn("alice", "x"), (e) => e instanceof ApiError && e.status === 429
    && e.retryAfterSeconds === 300 && e.message === "Too many failed sign-ins: wait 5 minutes.");
  serve(() => new Response(JSON.stringify({ error: "Too many failed sign-ins" }),
    { status: 429, headers: { "Content-Type": "application/json", "Retry-After": "120" } }));
  await assert.rejects(signIn("alice", "x"), { retryAfterSeconds: 120 });
  serve(() => json(401, { error: "Wrong name or password" }));
  await assert.rejects(signIn("alice", "x"), { status: 401, retryAfterSeconds: null,
    message: "Wrong name or password." });
});

test("a link: a session, or the setup of the first admin", async () => {
  serve(() => json(200, { state: "setup" }));
  assert.deepEqual(await redeemLink("t"), { state: "setup" });
  serve(() => json(200, { state: "signed-in", user: ALICE }));
  assert.deepEqual(await redeemLink("t"), { state: "signed-in", user: ALICE });
  serve(() => json(410, { error: "This link was used already or has expired" }));
  await assert.rejects(redeemLink("t"), { status: 410, message: "This link was used already or has expired." });
});

test("the enrolment's answers of the wrong shape are refused", async () => {
  serve(() => json(200, { secret: "S", uri: "otpauth://totp/x" }));
  await assert.rejects(startTotpEnrolment(), { message: "The Keyhole server sent an unexpected TOTP secret." });
  serve(() => json(200, { state: "signed-in", user: ALICE }));
  await assert.rejects(confirmTotp("123456"), { message: "The Keyhole server sent unexpected recovery codes." });
  serve(() => json(200, { ok: true }));
  assert.equal(await signOutEverywhere(), 0, "ended missing: 0");
});

test("each passkey route, with its JSON body and the page's CSRF token", async () => {
  cookies("__Host-keyhole-csrf=T0K3N");
  const options = { ceremony: "C", publicKey: { challenge: "AAAA", rpId: "localhost" } };
  const user = { name: "olga", role: "operator" };
  const calls = serve((url) => {
    if (url.endsWith("/options")) return json(200, options);
    if (url === "api/passkeys") return json(200, { passkeys: [{ id: "P", nickname: "Phone" }] });
    if (url === "api/passkeys/register") return json(200, { passkey: { id: "P" }, state: "signed-in", user });
    if (url.endsWith("/remove")) return json(200, { ok: true });
    return json(200, { state: "signed-in", user });
  });
  assert.deepEqual(await startPasskeySignIn(), options);
  assert.equal((await finishPasskeySignIn("C", { id: "x" })).state, "signed-in");
  assert.deepEqual(await startPasskeySecondFactor(), options);
  assert.equal((await finishPasskeySecondFactor("C", { id: "x" })).state, "signed-in");
  assert.deepEqual(await startPasskeyRegistration(), options);
  assert.equal((await finishPasskeyRegistration("C", { id: "x" }, "Phone")).passkey.id, "P");
  assert.deepEqual(await fetchPasskeys(), [{ id: "P", nickname: "Phone" }]);
  await removePasskey("a/b");
  assert.deepEqual(calls.map((c) => c.url), ["api/sign-in/passkey/options", "api/sign-in/passkey",
    "api/second-factor/passkey/options", "api/second-factor/passkey", "api/passkeys/register/options",
    "api/passkeys/register", "api/passkeys", "api/passkeys/a%2Fb/remove"]);
  assert.equal(calls[1].init.body, JSON.stringify({ ceremony: "C", credential: { id: "x" } }));
  assert.equal(calls[5].init.body, JSON.stringify({ ceremony: "C", credential: { id: "x" }, nickname: "Phone" }));
  for (const c of calls.filter((c) => c.init.method === "POST")) {
    assert.equal(c.init.headers["X-Keyhole-CSRF"], "T0K3N", c.url);
  }
});

test("passkey answers of the wrong shape, and a page that cannot use passkeys", async () => {
  serve(() => json(200, { ceremony: "C" }));
  await assert.rejects(startPasskeySignIn(), { message: "The Keyhole server sent unexpected passkey options." });
  serve(() => json(200, { passkeys: "none" }));
  await assert.rejects(fetchPasskeys(), { message: "The Keyhole server sent an unexpected list of passkeys." });
  serve(() => json(409, { error: "Passkeys are not available at http://127.0.0.1:8080: they belong to localhost" }));
  await assert.rejects(startPasskeyRegistration(), { status: 409,
    message: "Passkeys are not available at http://127.0.0.1:8080: they belong to localhost." });
});

const LINK = { id: "L1", target: "web 1", mode: "type", stages: false, note: "for Sam", madeBy: "olga",
  createdAt: "2031-05-06T10:00:00Z", expiresAt: "2031-05-06T11:00:00Z", maxDevices: 3, revoked: false, live: true,
  devices: [] };

test("each share link route, with its JSON body and the page's CSRF token", async () => {
  cookies("__Host-keyhole-csrf=T0K3N");
  const made = { token: "t".repeat(43), url: "https://k.example/join.html#" + "t".repeat(43), qrCodeSvg: "<svg/>",
    link: LINK };
  const calls = serve((url, init) => {
    if (init.method !== "POST") return json(200, { maxMinutes: 1440, links: [LINK] });
    return url.endsWith("/revoke") ? json(200, { ok: true }) : json(200, made);
  });
  const terms = { mode: "type", minutes: 60, devices: 3, stages: false, note: "for Sam" };
  assert.deepEqual(await createLink("web 1", terms), made);
  assert.deepEqual(await fetchLinks("web 1"), { maxMinutes: 1440, links: [LINK] });
  await revokeLink("a/b");
  assert.deepEqual(calls.map((c) => [c.init.method || "GET", c.url]), [["POST", "api/targets/web%201/links"],
    ["GET", "api/targets/web%201/links"], ["POST", "api/links/a%2Fb/revoke"]]);
  assert.equal(calls[0].init.body, JSON.stringify(terms));
  assert.equal(calls[2].init.body, "{}");
  assert.equal(calls[1].init.cache, "no-store", "a list read fresh each time");
  for (const c of calls.filter((c) => c.init.method === "POST")) {
    assert.equal(c.init.headers["X-Keyhole-CSRF"], "T0K3N", c.url);
  }
});

test("share link answers of the wrong shape, and terms the server refuses", async () => {
  serve(() => json(200, { token: "t", url: "u", link: LINK }));
  await assert.rejects(createLink("web-1", {}), { message: "The Keyhole server sent an unexpected new link." });
  serve(() => json(200, { links: [{ id: "L1" }] }));
  await assert.rejects(fetchLinks("web-1"), { message: "The Keyhole server sent an unexpected list of links." });
  serve(() => json(200, { links: [] }));
  assert.deepEqual(await fetchLinks("web-1"), { maxMinutes: null, links: [] }, "no limit said: null");
  serve(() => json(400, { error: "A link works from 1 minute to 1440 minutes (links.max-lifetime)" }));
  await assert.rejects(createLink("web-1", { minutes: 2000 }), { status: 400,
    message: "A link works from 1 minute to 1440 minutes (links.max-lifetime)." });
  serve(() => json(404, { error: "No such live link of yours" }));
  await assert.rejects(revokeLink("L1"), { status: 404, message: "No such live link of yours." });
});

const ADMIN_USER = { id: "u1", name: "opal", role: "operator", targets: ["web-*"], disabled: false,
  createdAt: "2031-05-06T10:00:00Z", secondFactors: { kinds: ["totp"], passkeys: 0, locked: false }, sessions: 1,
  you: false };

test("each admin route, with its JSON body and the page's CSRF token", async () => {
  cookies("__Host-keyhole-csrf=T0K3N");
  const sessions = { sessions: [{ id: "AbCdEfGh", user: "opal", consoles: [] }], guests: [] };
  const calls = serve((url, init) => {
    if (url === "api/admin/users" && init.method !== "POST") return json(200, { users: [ADMIN_USER] });
    if (url === "api/admin/users" || url.endsWith("/change")) {
      return json(200, { user: ADMIN_USER, sessionsEnded: 1 });
    }
    if (url.endsWith("/link")) return json(200, { url: "http://k/sign-in.html#link=x", expiresAt: "2031" });
    if (url === "api/admin/sessions") return json(200, sessions);
    if (url === "api/admin/links") return json(200, { links: [LINK] });
    return json(200, { ok: true });
  });
  assert.deepEqual(await fetchAdminUsers(), [ADMIN_USER]);
  const added = { name: "opal", role: "operator", targets: [], password: "twelve chars" };
  assert.deepEqual(await addUser(added), ADMIN_USER);
  assert.deepEqual(await changeUser("u 1", { role: "viewer", targets: ["web-*"] }),
    { user: ADMIN_USER, sessionsEnded: 1 });
  await userAction("u1", "reset-second-factor");
  assert.equal((await issueUserLink("u1")).url, "http://k/sign-in.html#link=x");
  assert.deepEqual(await fetchAdminSessions(), sessions);
  await endSession("AbCd/Gh");
  await closeTunnel("t-1");
  assert.deepEqual(await fetchAllLinks(), [LINK]);
  assert.deepEqual(calls.map((c) => [c.init.method || "GET", c.url]), [["GET", "api/admin/users"],
    ["POST", "api/admin/users"], ["POST", "api/admin/users/u%201/change"],
    ["POST", "api/admin/users/u1/reset-second-factor"], ["POST", "api/admin/users/u1/link"],
    ["GET", "api/admin/sessions"], ["POST", "api/admin/sessions/AbCd%2FGh/end"],
    ["POST", "api/admin/tunnels/t-1/close"], ["GET", "api/admin/links"]]);
  assert.equal(calls[1].init.body, JSON.stringify(added));
  assert.equal(calls[4].init.body, JSON.stringify({ minutes: 60 }), "an hour unless asked");
  for (const c of calls.filter((c) => c.init.method === "POST")) {
    assert.equal(c.init.headers["X-Keyhole-CSRF"], "T0K3N", c.url);
  }
});

test("admin answers of the wrong shape, and a caller who is no admin", async () => {
  serve(() => json(200, { users: [{ id: "u1", name: "opal" }] }));
  await assert.rejects(fetchAdminUsers(), { message: "The Keyhole server sent an unexpected list of users." });
  serve(() => json(200, { sessions: [{ id: "x" }], guests: [] }));
  await assert.rejects(fetchAdminSessions(), { message: "The Keyhole server sent an unexpected list of sessions." });
  serve(() => json(403, { error: "The admin pages are for admins only" }));
  await assert.rejects(fetchAllLinks(), { status: 403, message: "The admin pages are for admins only." });
  serve(() => json(409, { error: "You cannot disable yourself: another admin can" }));
  await assert.rejects(userAction("u1", "disable"), { status: 409,
    message: "You cannot disable yourself: another admin can." });
});

const AUDIT_EVENT = { seq: 12, id: "Ab3", occurredAt: "2031-05-06T10:00:00.123Z", kind: "console-opened",
  actor: "olga", address: "192.0.2.5", target: "locked", result: "ok",
  detail: { tunnel: "t1", mode: "watch", by: "account" } };

test("the audit trail: only the filters given, in the query; its events, next page and kinds", async () => {
  const answer = { events: [AUDIT_EVENT], next: 12, kinds: ["sign-in", "console-opened"] };
  const calls = serve(() => json(200, answer));
  assert.deepEqual(await fetchAudit(), answer);
  assert.deepEqual(await fetchAudit({ actor: "link abcd1234", target: " locked ", kind: "console-opened",
    from: "2031-05-06T08:00:00.000Z", to: "2031-05-06T09:00:00.000Z", before: 40, limit: 5 }), answer);
  assert.deepEqual(await fetchAudit({ actor: "", target: "  ", kind: undefined, before: null, limit: null }), answer);
  assert.deepEqual(calls.map((c) => c.url), ["api/admin/audit",
    "api/admin/audit?actor=link+abcd1234&target=locked&kind=console-opened&from=2031-05-06T08%3A00%3A00.000Z"
      + "&to=2031-05-06T09%3A00%3A00.000Z&before=40&limit=5",
    "api/admin/audit"]);
  assert.equal(calls[0].init.method, undefined, "a GET");
  assert.equal(calls[0].init.cache, "no-store");
  serve(() => json(200, { events: [], next: null, kinds: ["sign-in"] }));
  assert.deepEqual(await fetchAudit({}), { events: [], next: null, kinds: ["sign-in"] }, "the last page");
  serve(() => json(200, { events: [], kinds: [] }));
  assert.equal((await fetchAudit()).next, null, "no next: the last page");
});

test("audit answers of the wrong shape, a filter the server refuses, a caller who is no admin", async () => {
  for (const body of [{ events: [{ seq: "1", kind: "sign-in", occurredAt: "x", actor: "a" }], next: null, kinds: [] },
    { events: [AUDIT_EVENT], next: "12", kinds: [] }, { events: [AUDIT_EVENT], next: null },
    { events: null, next: null, kinds: [] }, null]) {
    serve(() => json(200, body));
    await assert.rejects(fetchAudit(), { status: 0, message: "The Keyhole server sent an unexpected audit trail." },
      JSON.stringify(body));
  }
  serve(() => json(400, { error: "from is a time like 2026-12-03T03:12:00Z" }));
  await assert.rejects(fetchAudit({ from: "yesterday" }), { status: 400,
    message: "from is a time like 2026-12-03T03:12:00Z." });
  serve(() => json(403, { error: "The audit trail is for admins only" }));
  await assert.rejects(fetchAudit(), { status: 403, message: "The audit trail is for admins only." });
  assert.ok(auditEvent(AUDIT_EVENT));
  assert.ok(auditEvent({ ...AUDIT_EVENT, detail: undefined }));
  assert.ok(!auditEvent({ ...AUDIT_EVENT, seq: 1.5 }));
  assert.ok(!auditEvent({ ...AUDIT_EVENT, kind: 3 }));
  assert.ok(!auditEvent(null));
});

test("each subscription route, with its JSON body and the page's CSRF token", async () => {
  cookies("__Host-keyhole-csrf=T0K3N");
  const mine = { id: "S", channel: "team-mail", type: "email", address: "olga@example.org", targets: [], kinds: [],
    createdAt: "2031-05-06T10:00:00Z", available: true };
  const calls = serve((url, init) => {
    if (url.endsWith("/remove")) return json(200, { ok: true });
    if (init.method === "POST") return json(200, { subscription: mine });
    return json(200, { subscriptions: [mine], channels: [{ name: "team-mail", type: "email", description: "" }],
      kinds: ["resolved"], maxSubscriptions: 20 });
  });
  assert.deepEqual(await fetchSubscriptions(), { subscriptions: [mine],
    channels: [{ name: "team-mail", type: "email", description: "" }], kinds: ["resolved"], maxSubscriptions: 20 });
  assert.deepEqual(await addSubscription({ channel: "team-mail", address: "olga@example.org", targets: ["web-*"] }),
    mine);
  await removeSubscription("a/b");
  assert.deepEqual(calls.map((c) => c.url), ["api/me/subscriptions", "api/me/subscriptions",
    "api/me/subscriptions/a%2Fb/remove"]);
  assert.equal(calls[1].init.body, JSON.stringify({ channel: "team-mail", address: "olga@example.org",
    targets: ["web-*"] }));
  for (const c of calls.filter((c) => c.init.method === "POST")) {
    assert.equal(c.init.headers["X-Keyhole-CSRF"], "T0K3N", c.url);
  }
});

test("subscription answers of the wrong shape, and an address the server refuses", async () => {
  serve(() => json(200, { subscriptions: "none", channels: [] }));
  await assert.rejects(fetchSubscriptions(), { message: "The Keyhole server sent an unexpected list of subscriptions." });
  serve(() => json(200, { subscriptions: [], channels: [{ type: "email" }] }));
  await assert.rejects(fetchSubscriptions(), { status: 0 });
  serve(() => json(200, { ok: true }));
  await assert.rejects(addSubscription({ channel: "c", address: "a", targets: [] }),
    { message: "The Keyhole server sent an unexpected new subscription." });
  serve(() => json(400, { error: "An email address has an @, like alice@example.org" }));
  await assert.rejects(addSubscription({ channel: "team-mail", address: "olga", targets: [] }),
    { status: 400, message: "An email address has an @, like alice@example.org." });
});
