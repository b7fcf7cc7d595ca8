// ConsoleSession: connects, retries with backoff, stops for final refusals; with a stand-in Guacamole and clock.
import { test } from "node:test";
import assert from "node:assert/strict";
import { ConsoleSession } from "../../src/main/resources/keyhole/webapp/js/session.js";
import { KeyholeCode } from "../../src/main/resources/keyhole/webapp/js/status.js";

/** Guacamole.Client.State and Guacamole.Tunnel.State of guacamole-common-js 1.6. */
const CLIENT = Object.freeze({ IDLE: 0, CONNECTING: 1, WAITING: 2, CONNECTED: 3, DISCONNECTING: 4, DISCONNECTED: 5 });
const TUNNEL = Object.freeze({ CONNECTING: 0, OPEN: 1, CLOSED: 2, UNSTABLE: 3 });

/** A Guacamole namespace whose tunnels and clients the test drives; `clients` lists every client made. */
function fakeGuacamole() {
  const clients = [];

  class WebSocketTunnel {
    constructor(url) {
      this.url = url;
      this.state = TUNNEL.CONNECTING;
      this.onerror = null;
      this.onstatechange = null;
    }

    /** Closes as guacamole-common-js does: onerror for every code but SUCCESS (0), then CLOSED. */
    serverCloses(code, message) {
      if (this.state === TUNNEL.CLOSED) return;
      if (code !== 0 && this.onerror) this.onerror({ code, message });
      this.state = TUNNEL.CLOSED;
      if (this.onstatechange) this.onstatechange(TUNNEL.CLOSED);
    }
  }

  class Client {
    constructor(tunnel) {
      this.tunnel = tunnel;
      this.state = CLIENT.IDLE;
      this.connectedWith = null;
      this.onstatechange = null;
      this.onerror = null;
      clients.push(this);
    }

    setState(state) {
      this.state = state;
      if (this.onstatechange) this.onstatechange(state);
    }

    connect(data) {
      this.connectedWith = data;
      this.setState(CLIENT.CONNECTING);
      this.setState(CLIENT.WAITING);
    }

    disconnect() {
      if (this.state === CLIENT.DISCONNECTED || this.state === CLIENT.DISCONNECTING) return;
      this.setState(CLIENT.DISCONNECTING);
      this.tunnel.state = TUNNEL.CLOSED;
      this.setState(CLIENT.DISCONNECTED);
    }

    /** guacd's "error" instruction: onerror, then the client disconnects. */
    guacdFails(code, message) {
      if (this.onerror) this.onerror({ code, message });
      this.disconnect();
    }
  }
  Client.State = CLIENT;

  return { clients, guacamole: { Client, WebSocketTunnel, Tunnel: { State: TUNNEL } } };
}

/** A clock that runs timers only when the test advances it. */
function fakeClock() {
  let now = 1_000_000;
  let nextId = 1;
  const timers = new Map();
  return {
    now: () => now,
    pending: () => [...timers.values()].map((t) => t.at - now).sort((a, b) => a - b),
    timers: {
      setTimeout(fn, ms) {
        const id = nextId++;
        timers.set(id, { fn, at: now + ms });
        return id;
      },
      clearTimeout(id) {
        timers.delete(id);
      },
    },
    advance(ms) {
      const until = now + ms;
      for (;;) {
        const due = [...timers.entries()].filter(([, t]) => t.at <= until).sort((a, b) => a[1].at - b[1].at)[0];
        if (!due) break;
        timers.delete(due[0]);
        now = due[1].at;
        due[1].fn();
      }
      now = until;
    },
  };
}

/** A session on stand-ins, recording its events as [type, detail]. */
function session() {
  const { clients, guacamole } = fakeGuacamole();
  const clock = fakeClock();
  const s = new ConsoleSession({ guacamole, tunnelUrl: "tunnel", connectData: "target=web-1", timers: clock.timers,
    now: clock.now });
  const events = [];
  for (const type of ["connecting", "connected", "reconnecting", "ended"]) {
    s.addEventListener(type, (e) => events.push([type, e.detail]));
  }
  const last = () => clients[clients.length - 1];
  const types = () => events.map(([type]) => type);
  return { s, clients, clock, events, last, types };
}

test("connects through the tunnel to its target and reports connecting, then connected", () => {
  const { s, last, events, types } = session();
  s.connect();
  assert.equal(last().tunnel.url, "tunnel");
  assert.equal(last().connectedWith, "target=web-1");
  assert.equal(s.state, "connecting");
  assert.deepEqual(events[0], ["connecting", { client: last(), tunnel: last().tunnel, reconnecting: false }]);
  assert.equal(s.connectedClient(), null, "not connected yet");

  last().setState(CLIENT.CONNECTED);
  assert.deepEqual(types(), ["connecting", "connected"]);
  assert.equal(s.state, "connected");
  assert.equal(s.connectedClient(), last());
});

test("a lost connection retries after the backoff's delay, with a new client", () => {
  const { s, clients, clock, events, last, types } = session();
  s.connect();
  last().setState(CLIENT.CONNECTED);
  const first = last();
  first.tunnel.serverCloses(0x0207, "519 guacd is not reachable at 127.0.0.1:4822");

  assert.equal(s.state, "reconnecting");
  assert.equal(s.connectedClient(), null);
  const [type, detail] = events[events.length - 1];
  assert.equal(type, "reconnecting");
  assert.deepEqual(detail, {
    status: { code: 0x0207, final: false, message: "guacd is not reachable at 127.0.0.1:4822" },
    at: clock.now() + 1000,
  });

  clock.advance(0);
  assert.equal(first.state, CLIENT.DISCONNECTED, "the old client is let go");
  clock.advance(999);
  assert.equal(clients.length, 1, "nothing before the delay");
  clock.advance(1);
  assert.equal(clients.length, 2);
  assert.deepEqual(events[events.length - 1], ["connecting", { client: last(), tunnel: last().tunnel,
    reconnecting: true }]);
  assert.deepEqual(types(), ["connecting", "connected", "reconnecting", "connecting"]);
});

test("retries wait 1, 2, 4, 8, then 10 s, and start over once connected", () => {
  const { s, clock, events, last } = session();
  const delays = [];
  s.addEventListener("reconnecting", (e) => delays.push(e.detail.at - clock.now()));
  s.connect();
  for (let i = 0; i < 6; i++) {
    last().tunnel.serverCloses(0x0208, "520 The console is not reachable");
    clock.advance(delays[delays.length - 1]);
  }
  assert.deepEqual(delays, [1000, 2000, 4000, 8000, 10000, 10000]);
  last().setState(CLIENT.CONNECTED);
  last().tunnel.serverCloses(0x0208, "520 The console is not reachable");
  assert.equal(delays[delays.length - 1], 1000);
  assert.equal(events.filter(([type]) => type === "ended").length, 0, "never gives up");
});

test("final refusals end the session: no retry", () => {
  const refusals = [
    [0x0301, "769 Not allowed"],
    [0x0303, "771 Instruction \"select\" is not allowed"],
    [0x0204, "516 No such console"],
    [0x0300, "768 Malformed instruction from the browser: …"],
  ];
  for (const [code, reason] of refusals) {
    const { s, clock, events, last } = session();
    s.connect();
    last().tunnel.serverCloses(code, reason);
    assert.equal(s.state, "error", reason);
    assert.deepEqual(events[events.length - 1], ["ended", { reason: "refused",
      status: { code, final: true, message: reason.replace(/^\d+ /, "") } }]);
    assert.deepEqual(clock.pending(), [0], `${reason}: only the old client's release is pending`);
    clock.advance(60_000);
    assert.equal(events.filter(([type]) => type === "connecting").length, 1, reason);
  }
});

test("guacd's 516 is not final (its connections come back), nor is a code the browser made up", () => {
  const { s, last, events } = session();
  s.connect();
  last().setState(CLIENT.CONNECTED);
  last().guacdFails(0x0204, "Connection not found");
  assert.equal(events[events.length - 1][0], "reconnecting");

  const other = session();
  other.s.connect();
  other.last().tunnel.serverCloses(0x0301, ""); // no server's words: a WebSocket code turned into a status
  assert.equal(other.events[other.events.length - 1][0], "reconnecting");
  assert.equal(other.events[other.events.length - 1][1].status.message, "Not allowed to open this console");
});

test("a console session guacd ended cleanly is reported as disconnected, without a retry", () => {
  const { s, clock, events, last } = session();
  s.connect();
  last().setState(CLIENT.CONNECTED);
  last().disconnect(); // guacd's "disconnect" instruction
  assert.equal(s.state, "disconnected");
  assert.deepEqual(events[events.length - 1], ["ended", { reason: "disconnected", status: null }]);
  clock.advance(60_000);
  assert.equal(events.filter(([type]) => type === "connecting").length, 1);
});

test("a close without a status that nobody asked for retries", () => {
  const { s, last, events } = session();
  s.connect();
  last().setState(CLIENT.CONNECTED);
  last().tunnel.serverCloses(0, "");
  assert.deepEqual(events[events.length - 1][1].status, { code: 0, final: false,
    message: "The connection to the Keyhole server closed unexpectedly" });
});

test("a keyboard switch reconnects, reported with Keyhole's code and the server's words to show", () => {
  const { s, clock, clients, last, events } = session();
  s.connect();
  last().setState(CLIENT.CONNECTED);
  last().tunnel.serverCloses(KeyholeCode.KEYBOARD_SWITCHED, "128 Keyboard switched to initramfs (de-de-qwertz)");
  assert.deepEqual(events[events.length - 1], ["reconnecting", {
    status: { code: KeyholeCode.KEYBOARD_SWITCHED, final: false,
      message: "Keyboard switched to initramfs (de-de-qwertz)" },
    at: clock.now() + 1000,
  }]);
  clock.advance(1000);
  assert.equal(clients.length, 2);
});

test("the events of an attempt that ended are ignored", () => {
  const { s, clock, last, types } = session();
  s.connect();
  const old = last();
  old.tunnel.serverCloses(0x0207, "519 guacd is not reachable");
  clock.advance(1000);
  const current = last();
  assert.notEqual(current, old);
  old.onerror({ code: 0x0301, message: "769 late" });
  old.tunnel.onerror({ code: 0x0301, message: "769 late" });
  old.tunnel.onstatechange(TUNNEL.CLOSED);
  old.onstatechange(CLIENT.CONNECTED);
  old.onstatechange(CLIENT.DISCONNECTED);
  assert.deepEqual(types(), ["connecting", "reconnecting", "connecting"]);
  assert.equal(s.isCurrent(current), true);
  assert.equal(s.isCurrent(old), false);
});

test("a pending retry can be run at once (a tab seen again); otherwise that does nothing", () => {
  const { s, clients, clock, last } = session();
  s.connect();
  last().setState(CLIENT.CONNECTED);
  s.retryNowIfWaiting();
  assert.equal(clients.length, 1, "connected: nothing to retry");

  last().tunnel.serverCloses(0x0207, "519 guacd is not reachable");
  s.retryNowIfWaiting();
  assert.equal(clients.length, 2);
  clock.advance(60_000);
  assert.equal(clients.length, 2, "the retry that was pending does not run as well");
});

test("reconnecting by hand after a refusal starts over: connecting, with the first delay again", () => {
  const { s, clock, last, events } = session();
  s.connect();
  last().tunnel.serverCloses(0x0207, "519 guacd is not reachable");
  clock.advance(1000);
  last().tunnel.serverCloses(0x0207, "519 guacd is not reachable");
  clock.advance(2000);
  last().tunnel.serverCloses(0x0303, "771 Not allowed");
  assert.equal(s.state, "error");

  s.reconnectNow();
  assert.deepEqual(events[events.length - 1][1].reconnecting, false);
  last().tunnel.serverCloses(0x0207, "519 guacd is not reachable");
  assert.equal(events[events.length - 1][1].at - clock.now(), 1000);
});

test("a client whose connect throws is a lost connection like any other", () => {
  const { s, clients, events } = session();
  // Guacamole.Client#connect throws the status of a tunnel that cannot even start.
  s.guacamole.Client.prototype.connect = () => {
    throw { code: 0x0207, message: "519 guacd is not reachable" };
  };
  s.connect();
  assert.equal(clients.length, 1);
  assert.equal(events[events.length - 1][0], "reconnecting");
  assert.equal(events[events.length - 1][1].status.message, "guacd is not reachable");
});

test("stop: no retry follows, and the attempt is let go, until the page connects again", () => {
  const { s, clients, clock, last, types } = session();
  s.connect();
  last().setState(CLIENT.CONNECTED);
  last().tunnel.serverCloses(0x0207, "519 guacd is not reachable at 127.0.0.1:4822");
  assert.equal(s.state, "reconnecting");
  s.stop();
  assert.equal(s.state, "error");
  assert.deepEqual(clock.pending().filter((ms) => ms > 0), [], "the retry is cancelled");
  clock.advance(60_000);
  assert.equal(clients.length, 1, "nothing reconnects");
  s.retryNowIfWaiting();
  assert.equal(clients.length, 1, "not even when the page is seen again");
  assert.deepEqual(types(), ["connecting", "connected", "reconnecting"], "stopping emits nothing");

  s.connect();
  assert.equal(clients.length, 2, "connect() starts over");
  const live = last();
  s.stop();
  clock.advance(0);
  assert.equal(live.state, CLIENT.DISCONNECTED, "a live attempt is disconnected");
  assert.equal(s.connectedClient(), null);
});
