// api.js: the one caller of fetch, and how each failure becomes an ApiError a page can show.
import { afterEach, test } from "node:test";
import assert from "node:assert/strict";
import {
  ApiError, fetchMachines, fetchTargets, performAction, switchKeyboardStage,
} from "../../src/main/resources/keyhole/webapp/js/api.js";

const realFetch = globalThis.fetch;
afterEach(() => {
  globalThis.fetch = realFetch;
});

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
