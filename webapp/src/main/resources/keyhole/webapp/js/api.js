/**
 * The HTTP API of the Keyhole server, as the pages use it. This is the only module that calls fetch: every
 * answer passes call() below, which turns a failure (no server, an error status, an unreadable body) into an
 * ApiError with a sentence a page can show.
 * URLs are relative so the app works under any host and any path prefix.
 */

/**
 * A console the server offers. The server never reveals host or port. guacdProtocol: the Guacamole protocol
 * version guacd negotiated (e.g. "VERSION_1_3_0"), null until a console has connected.
 * @typedef {{name: string, title: string, protocol: string, keyboard?: KeyboardState,
 *     guacdProtocol: (string|null)}} Target
 */

/**
 * A target's keyboard stage in effect, and all its stages in boot order.
 * @typedef {{stage: string, layout: string, stages: {name: string, layout: string}[]}} KeyboardState
 */

/** An API call that failed. */
export class ApiError extends Error {
  /**
   * @param {string} message a sentence for people: the server's own words when it gave any
   * @param {number} status the HTTP status; 0 when the server was not reached or its answer was unreadable
   */
  constructor(message, status) {
    super(message);
    this.name = "ApiError";
    this.status = status;
  }
}

/**
 * Calls the API.
 *
 * @param {string} path e.g. "api/targets"
 * @param {RequestInit} [init] method, headers, body
 * @returns {Promise<Response>} the answer, with a 2xx status
 * @throws {ApiError} when the server cannot be reached or answers with an error status; the message is the
 *     server's {"error": …} when its answer has one
 */
async function call(path, init = {}) {
  let response;
  try {
    response = await fetch(path, {
      ...init,
      headers: { Accept: "application/json", ...init.headers },
      cache: "no-store",
    });
  } catch (e) {
    // fetch() only rejects on network failure; its own message ("Failed to fetch") says nothing useful.
    throw new ApiError("The Keyhole server is not reachable.", 0);
  }
  if (!response.ok) {
    const body = await response.json().catch(() => null);
    const said = body && typeof body.error === "string" ? body.error.trim() : "";
    throw new ApiError(said ? sentence(said)
      : `The Keyhole server answered ${response.status} ${response.statusText}`.trim() + ".", response.status);
  }
  return response;
}

/** Reads a JSON answer; `what` names it in the error ("list of consoles"). */
async function json(response, what) {
  try {
    return await response.json();
  } catch (e) {
    throw new ApiError(`The Keyhole server sent an unreadable ${what}.`, 0);
  }
}

/** Ends a text with a full stop unless it ends with punctuation already. */
function sentence(text) {
  return /[.!?…]$/.test(text) ? text : text + ".";
}

/**
 * Fetches the configured targets.
 *
 * @returns {Promise<Target[]>} the targets, possibly empty (never null)
 * @throws {ApiError} when the server cannot be reached or answers with something other than the documented JSON
 */
export async function fetchTargets() {
  const body = await json(await call("api/targets"), "list of consoles");
  if (!body || !Array.isArray(body.targets)) {
    throw new ApiError("The Keyhole server sent an unexpected list of consoles.", 0);
  }
  return body.targets;
}

/**
 * Switches a target's keyboard stage, for everyone viewing it.
 *
 * @param {string} target the target's name
 * @param {string} stage one of its stages
 * @returns {Promise<KeyboardState>} the target's keyboard state afterwards
 * @throws {ApiError} e.g. for a stage the target does not have (the message names its stages)
 */
export async function switchKeyboardStage(target, stage) {
  const body = await json(await call(`api/targets/${encodeURIComponent(target)}/stage`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ stage }),
  }), "keyboard state");
  if (!body || typeof body.stage !== "string" || !Array.isArray(body.stages)) {
    throw new ApiError("The Keyhole server sent an unexpected keyboard state.", 0);
  }
  return body;
}

/**
 * Fetches the VirtualBox hosts and their VMs.
 *
 * @returns {Promise<{hosts: object[], machines: object[]}>} both possibly empty (no hosts configured)
 * @throws {ApiError} when the server cannot be reached or answers with something other than the documented JSON
 */
export async function fetchMachines() {
  const body = await json(await call("api/machines"), "list of VMs");
  if (!body || !Array.isArray(body.machines) || !Array.isArray(body.hosts)) {
    throw new ApiError("The Keyhole server sent an unexpected list of VMs.", 0);
  }
  return body;
}

/**
 * Asks the server to perform an action on a VM and waits for VirtualBox's result.
 *
 * @param {string} target the VM's target name
 * @param {string} action start, reset, power-button, power-off or enable-console
 * @returns {Promise<void>} resolves once VirtualBox has done it
 * @throws {ApiError} with VirtualBox's own text when it refused
 */
export async function performAction(target, action) {
  await call(`api/machines/${encodeURIComponent(target)}/${encodeURIComponent(action)}`, {
    method: "POST",
    headers: { "X-Keyhole-Action": action },
  });
}

/**
 * Fetches a thumbnail of a running VM's screen.
 *
 * @param {string} target the VM's target name
 * @returns {Promise<Blob>} a PNG
 * @throws {ApiError} e.g. when the VM is not running
 */
export async function fetchScreenshot(target) {
  const response = await call(`api/machines/${encodeURIComponent(target)}/screenshot`, {
    headers: { Accept: "image/png" },
  });
  return response.blob();
}

/**
 * Opens the server's event stream (server-sent events: machine, removed, host).
 *
 * @returns {EventSource} the stream; it reconnects by itself
 */
export function openEventStream() {
  return new EventSource("api/events");
}

/** The tunnel's WebSocket URL, relative to the page (guacamole-common-js makes it ws: or wss:). */
export const TUNNEL_URL = "tunnel";

/**
 * The data a tunnel's connect sends: which target to view.
 *
 * @param {string} name the target's name
 * @returns {string} for Guacamole.Client#connect
 */
export function tunnelData(name) {
  return "target=" + encodeURIComponent(name);
}

/**
 * The link to the console page of a target.
 *
 * @param {string} name the target's name
 * @returns {string} a relative URL
 */
export function consoleUrl(name) {
  return "console.html?target=" + encodeURIComponent(name);
}
