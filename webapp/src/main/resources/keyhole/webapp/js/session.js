/**
 * One console's connection, kept up: connects a Guacamole client through the tunnel, retries with backoff when
 * the connection is lost, and stops for what no retry can fix. It knows no page: the console page listens to its
 * events and draws (as noVNC's app/ui.js listens to core/rfb.js).
 *
 * Events (CustomEvent, the facts in `detail`):
 *   connecting    {client, tunnel, reconnecting}  a new attempt, before it connects: show its display now
 *   connected     {client}                        the console is connected; the retry delays start over
 *   reconnecting  {status, at}                    the attempt ended and the next starts at `at` (ms, like now())
 *   ended         {reason, status}                no automatic retry: reason "refused" (status says why) or
 *                                                 "disconnected" (the console session ended; status null)
 * `status` is describeStatus's {code, message, final} (status.js).
 */
import { Backoff } from "./backoff.js";
import { describeStatus, Source } from "./status.js";

/** A close the server did not explain (no error, yet nobody asked for it). */
const CLOSED_UNEXPECTEDLY = Object.freeze({
  code: 0, final: false, message: "The connection to the Keyhole server closed unexpectedly",
});

export class ConsoleSession extends EventTarget {
  /**
   * @param {{guacamole: object, tunnelUrl: string, connectData: string, backoff?: Backoff,
   *          timers?: {setTimeout: Function, clearTimeout: Function}, now?: () => number}} options
   *     guacamole: the Guacamole namespace (Client, WebSocketTunnel, Client.State, Tunnel.State), or a stand-in;
   *     tunnelUrl and connectData: what each attempt opens (api.js TUNNEL_URL, tunnelData(name));
   *     backoff: the retry delays; timers and now: the clock (window's by default)
   */
  constructor({ guacamole, tunnelUrl, connectData, backoff = new Backoff(), timers = globalThis, now = Date.now }) {
    super();
    this.guacamole = guacamole;
    this.tunnelUrl = tunnelUrl;
    this.connectData = connectData;
    this.backoff = backoff;
    this.timers = timers;
    this.now = now;
    /** idle | connecting | connected | reconnecting | disconnected | error (the page's data-state values). */
    this.state = "idle";
    /** The live attempt: {client, tunnel, clientState}, or null between attempts. */
    this.attempt = null;
    /** The pending retry's timer, or null. */
    this.retryTimer = null;
  }

  /** Connects now: the first attempt, or a fresh one instead of whatever is going on. */
  connect() {
    this.cancelRetry();
    this.endAttempt();
    const reconnecting = this.state === "reconnecting";
    this.state = reconnecting ? "reconnecting" : "connecting";

    // A used client cannot be connected again: every attempt has its own tunnel and client.
    const { Client, WebSocketTunnel, Tunnel } = this.guacamole;
    const tunnel = new WebSocketTunnel(this.tunnelUrl);
    const client = new Client(tunnel);
    const current = { client, tunnel, clientState: Client.State.IDLE };
    this.attempt = current;
    const isCurrent = () => this.attempt === current;

    client.onstatechange = (state) => {
      current.clientState = state;
      if (!isCurrent()) return;
      if (state === Client.State.CONNECTED) {
        this.backoff.reset();
        this.state = "connected";
        this.emit("connected", { client });
      } else if (state === Client.State.DISCONNECTED) {
        // guacd ended the session cleanly ("disconnect"); errors arrive before this through onerror.
        this.endAttempt();
        this.state = "disconnected";
        this.emit("ended", { reason: "disconnected", status: null });
      }
    };

    // guacd's own "error" instruction: the console or guacd failed. The client disconnects right after.
    client.onerror = (status) => {
      if (isCurrent()) this.fail(describeStatus(status, Source.GUACD));
    };

    // The Keyhole server closed the tunnel with a status (its code leads the close reason), or the network or the
    // server went away.
    tunnel.onerror = (status) => {
      if (isCurrent()) this.fail(describeStatus(status, Source.TUNNEL));
    };

    // A close without error (e.g. WebSocket code 1000) that the client did not ask for.
    tunnel.onstatechange = (state) => {
      if (!isCurrent() || state !== Tunnel.State.CLOSED) return;
      if (current.clientState === Client.State.DISCONNECTING || current.clientState === Client.State.DISCONNECTED) {
        return;
      }
      this.fail(CLOSED_UNEXPECTEDLY);
    };

    this.emit("connecting", { client, tunnel, reconnecting });
    if (!isCurrent()) return; // a listener started another attempt
    try {
      client.connect(this.connectData);
    } catch (status) {
      if (isCurrent()) this.fail(describeStatus(status, Source.TUNNEL));
    }
  }

  /**
   * Stops for good: the current attempt ends and no retry follows, until connect() or reconnectNow(). For what
   * the page learns by other means, e.g. that its session ended: no attempt could connect then. Emits nothing.
   */
  stop() {
    this.cancelRetry();
    this.endAttempt();
    this.state = "error";
  }

  /** Connects now with the retry delays started over (a person asked for it). */
  reconnectNow() {
    this.backoff.reset();
    this.connect();
  }

  /** Connects now if a retry is pending (timers of a background tab run late); otherwise does nothing. */
  retryNowIfWaiting() {
    if (this.retryTimer !== null) this.connect();
  }

  /** @returns {object|null} the client while it is connected, else null */
  connectedClient() {
    const attempt = this.attempt;
    return attempt && attempt.clientState === this.guacamole.Client.State.CONNECTED ? attempt.client : null;
  }

  /** @returns {boolean} whether `client` is the current attempt's (events of earlier attempts are stale) */
  isCurrent(client) {
    return this.attempt !== null && this.attempt.client === client;
  }

  /** Ends the current attempt: a final status stops, anything else retries after the backoff's next delay. */
  fail(status) {
    this.endAttempt();
    if (status.final) {
      this.state = "error";
      this.emit("ended", { reason: "refused", status });
      return;
    }
    const delay = this.backoff.next();
    this.state = "reconnecting";
    this.retryTimer = this.timers.setTimeout(() => {
      this.retryTimer = null;
      this.connect();
    }, delay);
    this.emit("reconnecting", { status, at: this.now() + delay });
  }

  /** Tears the current attempt down; its late events are ignored (they fail isCurrent). */
  endAttempt() {
    const ending = this.attempt;
    this.attempt = null;
    if (!ending) return;
    // Deferred: this may run inside the tunnel's own error callback, before it marks itself closed.
    this.timers.setTimeout(() => ending.client.disconnect(), 0);
  }

  cancelRetry() {
    if (this.retryTimer === null) return;
    this.timers.clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }
}
