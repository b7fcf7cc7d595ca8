/**
 * The HTTP API of the Keyhole server, as the pages use it. This is the only module that calls fetch: every
 * answer passes call() below, which turns a failure (no server, an error status, an unreadable body) into an
 * ApiError with a sentence a page can show, and which sends every POST the CSRF header the server asks for.
 * URLs are relative so the app works under any host and any path prefix.
 *
 * A 401 (no session, or one still waiting for its second factor) is an ApiError like any other: the pages
 * decide what to do with it (address.js goToSignInOn401), so the sign-in page can call the same functions
 * without being sent to itself.
 */

/** The cookie whose value every POST sends back in CSRF_HEADER; the only cookie page JS reads. */
export const CSRF_COOKIE = "__Host-keyhole-csrf";

/** The header that carries CSRF_COOKIE's value. */
export const CSRF_HEADER = "X-Keyhole-CSRF";

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

/**
 * Who is signed in, and how far. state: "signed-in" (complete), "second-factor" (the password was right; a
 * passkey, the TOTP code or a recovery code is next), "enrol" (the password was right; the user must set up a
 * passkey or TOTP now) or "guest" (nobody is signed in, but this browser opened a share link: no user, a guest).
 * secondFactors: in state "second-factor" only, those the user has ("passkey", "totp").
 * idleTimeoutSeconds: only in GET api/session's answer. guest: the share link this browser opened, if any (in
 * state "guest", or beside a signed-in user where links need an account).
 * @typedef {{state: string, user?: User, secondFactors?: string[], idleTimeoutSeconds?: number,
 *     guest?: Guest}} Session
 */

/**
 * A share link's guest: the one console the link opens, "watch" or "type", whether it may switch the keyboard
 * stage, who made the link, since when this browser is in and when the link expires (ISO times).
 * @typedef {{target: string, mode: string, stages: boolean, maker: string, since: string, expiresAt: string}} Guest
 */

/**
 * The first step of a passkey ceremony: its id, which the second step sends back, and the options for
 * navigator.credentials (WebAuthn's JSON: binary values in base64url, see passkey.js).
 * @typedef {{ceremony: string, publicKey: object}} PasskeyOptions
 */

/**
 * One of the user's passkeys. id: the server's name for it (not the credential's id); createdAt, lastUsedAt: ISO
 * times, lastUsedAt null until it first signed in; synced: whether its authenticator may copy it to the user's
 * other devices.
 * @typedef {{id: string, nickname: string, createdAt: string, lastUsedAt: (string|null), synced: boolean}} Passkey
 */

/** @typedef {{name: string, role: string}} User  role: "admin", "operator" or "viewer" */

/**
 * A device that opened a share link: since (its first opening) and lastSeen, ISO instants; address, the network
 * address it came from.
 * @typedef {{since: string, lastSeen: string, address: string}} LinkDevice
 */

/**
 * A share link as its maker (or an admin) sees it: never its token. mode: "watch" or "type"; stages: whether it may
 * switch the keyboard stage (type only); note: "" for none; madeBy: its maker's name ("" when unknown); createdAt,
 * expiresAt: ISO instants; maxDevices: how many devices may open it; live: neither revoked nor expired.
 * @typedef {{id: string, target: string, mode: string, stages: boolean, note: string, madeBy: string,
 *     createdAt: string, expiresAt: string, maxDevices: number, revoked: boolean, live: boolean,
 *     devices: LinkDevice[]}} ShareLink
 */

/**
 * The terms of a new share link. minutes: how long it works; devices: how many devices may open it (1 to 50);
 * stages: may switch the keyboard stage (mode "type" only); note: "" for none, at most 200 characters.
 * @typedef {{mode: string, minutes: number, devices: number, stages: boolean, note: string}} LinkTerms
 */

/**
 * A share link just made: its token, its URL (…/join.html#TOKEN) and that URL as a QR code (an SVG document),
 * answered this once and never again, and the link as the list shows it.
 * @typedef {{token: string, url: string, qrCodeSvg: string, link: ShareLink}} CreatedLink
 */

/** The states of a session the server names (Session.state). */
const SESSION_STATES = new Set(["signed-in", "second-factor", "enrol"]);

/** An API call that failed. */
export class ApiError extends Error {
  /**
   * @param {string} message a sentence for people: the server's own words when it gave any
   * @param {number} status the HTTP status; 0 when the server was not reached or its answer was unreadable
   * @param {{retryAfterSeconds?: (number|null)}} [details] retryAfterSeconds: how long the server refuses
   *     further tries (a 429's body, else its Retry-After header); null when it did not say
   */
  constructor(message, status, { retryAfterSeconds = null } = {}) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/**
 * The value of the CSRF cookie.
 *
 * @param {string} [cookies] a document.cookie string; the page's own by default ("" where there is no document)
 * @returns {string|null} the value, or null when there is no such cookie (before the first sign-in)
 */
export function csrfToken(cookies = globalThis.document?.cookie ?? "") {
  for (const pair of String(cookies).split(";")) {
    const at = pair.indexOf("=");
    if (at >= 0 && pair.slice(0, at).trim() === CSRF_COOKIE) {
      const value = pair.slice(at + 1).trim();
      return value || null;
    }
  }
  return null;
}

/** How long a refusal says to wait, in whole seconds: the body's retryAfterSeconds, else Retry-After; else null. */
function retryAfter(body, response) {
  const said = body && Number(body.retryAfterSeconds);
  if (Number.isFinite(said) && said >= 0) return Math.ceil(said);
  const header = Number(response.headers.get("Retry-After"));
  return response.headers.has("Retry-After") && Number.isFinite(header) && header >= 0 ? Math.ceil(header) : null;
}

/**
 * Calls the API. A POST carries the CSRF header whenever the CSRF cookie is there (the server ignores it on the
 * routes used before there is a session).
 *
 * @param {string} path e.g. "api/targets"
 * @param {RequestInit} [init] method, headers, body
 * @returns {Promise<Response>} the answer, with a 2xx status
 * @throws {ApiError} when the server cannot be reached or answers with an error status; the message is the
 *     server's {"error": …} when its answer has one
 */
async function call(path, init = {}) {
  const headers = { Accept: "application/json", ...init.headers };
  const csrf = init.method === "POST" ? csrfToken() : null;
  if (csrf) headers[CSRF_HEADER] = csrf;
  let response;
  try {
    response = await fetch(path, { ...init, headers, cache: "no-store" });
  } catch (e) {
    // fetch() only rejects on network failure; its own message ("Failed to fetch") says nothing useful.
    throw new ApiError("The Keyhole server is not reachable.", 0);
  }
  if (!response.ok) {
    const body = await response.json().catch(() => null);
    const said = body && typeof body.error === "string" ? body.error.trim() : "";
    throw new ApiError(said ? sentence(said)
      : `The Keyhole server answered ${response.status} ${response.statusText}`.trim() + ".", response.status,
    { retryAfterSeconds: retryAfter(body, response) });
  }
  return response;
}

/** Posts a JSON body ({} when the route takes none) and reads the JSON answer; `what` names it in errors. */
async function post(path, body, what) {
  return json(await call(path, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body ?? {}),
  }), what);
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

/** Checks an answer that names a session; `what` names it in the error ("answer to the sign-in"). */
function session(body, what) {
  const user = body && body.user;
  const guest = body && body.guest;
  const validUser = user && typeof user.name === "string" && typeof user.role === "string";
  const validGuest = guest && typeof guest.target === "string" && typeof guest.mode === "string";
  if (!body || !(SESSION_STATES.has(body.state) && validUser || body.state === "guest" && validGuest)
      || guest !== undefined && !validGuest) {
    throw new ApiError(`The Keyhole server sent an unexpected ${what}.`, 0);
  }
  return body;
}

/**
 * Asks who is signed in.
 *
 * @returns {Promise<Session|null>} the session, or null when there is none (the server answered 401)
 * @throws {ApiError} when the server cannot be reached or answers with something other than the documented JSON
 */
export async function fetchSession() {
  let response;
  try {
    response = await call("api/session");
  } catch (e) {
    if (e.status === 401) return null;
    throw e;
  }
  return session(await json(response, "session"), "session");
}

/**
 * Signs in with a name and a password (the first step).
 *
 * @param {string} name the user's name
 * @param {string} password the password
 * @returns {Promise<Session>} the session: "signed-in", or "second-factor" / "enrol" for the next step
 * @throws {ApiError} 401 for a wrong name or password (the same for an unknown name); 429 while further tries
 *     are refused, with retryAfterSeconds
 */
export async function signIn(name, password) {
  return session(await post("api/sign-in", { name, password }, "answer to the sign-in"), "answer to the sign-in");
}

/**
 * Sends the second factor of a session in state "second-factor". The server rotates the session's cookies.
 *
 * @param {string} code a 6-digit TOTP code, or a recovery code ABCD-EFGH-JKLM-NPQR
 * @returns {Promise<Session>} the session, "signed-in"
 * @throws {ApiError} 401 for a wrong code (or no session); 423 when the second factor is locked
 */
export async function submitCode(code) {
  return session(await post("api/sign-in/code", { code }, "answer to the code"), "answer to the code");
}

/**
 * Redeems the token of a link (#link=TOKEN): a one-time sign-in link, or the first admin's setup link.
 *
 * @param {string} token the token from the page's fragment
 * @returns {Promise<Session|{state: "setup"}>} a session ("signed-in"), or {state: "setup"} for a setup link:
 *     no session yet, the page asks for the first admin's name and password (setUpFirstAdmin)
 * @throws {ApiError} 410 when the link was used already or has expired
 */
export async function redeemLink(token) {
  const body = await post("api/sign-in/link", { token }, "answer to the link");
  return body && body.state === "setup" ? { state: "setup" } : session(body, "answer to the link");
}

/**
 * Creates the first admin with a setup link's token, and signs them in.
 *
 * @param {string} token the setup link's token (the one redeemLink answered "setup" for)
 * @param {string} name the admin's name
 * @param {string} password their password, at least 12 characters
 * @returns {Promise<Session>} the session, "enrol": the admin sets up TOTP next
 * @throws {ApiError} 400 for a name or password the server refuses (the message says why); 410 for a used or
 *     expired link
 */
export async function setUpFirstAdmin(token, name, password) {
  return session(await post("api/setup", { token, name, password }, "answer to the setup"),
    "answer to the setup");
}

/**
 * Starts setting up TOTP: the server makes a new secret, unconfirmed until confirmTotp.
 *
 * @returns {Promise<{secret: string, uri: string, qrCodeSvg: string}>} the secret (base32), its otpauth: URI,
 *     and the URI as a QR code (an SVG document)
 * @throws {ApiError} e.g. 401 without a session in state "enrol" or "signed-in"
 */
export async function startTotpEnrolment() {
  const body = await post("api/second-factor/totp", {}, "TOTP secret");
  if (!body || typeof body.secret !== "string" || typeof body.uri !== "string"
      || typeof body.qrCodeSvg !== "string") {
    throw new ApiError("The Keyhole server sent an unexpected TOTP secret.", 0);
  }
  return body;
}

/**
 * Confirms the TOTP secret of startTotpEnrolment with a code from the authenticator app.
 *
 * @param {string} code the 6-digit code
 * @returns {Promise<Session & {recoveryCodes: string[]}>} the session, "signed-in", and the ten recovery codes,
 *     shown this once
 * @throws {ApiError} 401 for a wrong code
 */
export async function confirmTotp(code) {
  const body = session(await post("api/second-factor/totp/confirm", { code }, "answer to the code"),
    "answer to the code");
  if (!Array.isArray(body.recoveryCodes) || !body.recoveryCodes.every((c) => typeof c === "string")) {
    throw new ApiError("The Keyhole server sent unexpected recovery codes.", 0);
  }
  return body;
}

/** Checks a ceremony's first answer; `what` names it in the error. */
function passkeyOptions(body, what) {
  if (!body || typeof body.ceremony !== "string" || !body.publicKey || typeof body.publicKey !== "object"
      || typeof body.publicKey.challenge !== "string") {
    throw new ApiError(`The Keyhole server sent unexpected ${what}.`, 0);
  }
  return body;
}

/**
 * Begins signing in with a passkey alone: no name, the browser offers the passkeys it has for this site.
 *
 * @returns {Promise<PasskeyOptions>} the options for navigator.credentials.get
 * @throws {ApiError} 409 when this page's address cannot use passkeys (the message says why)
 */
export async function startPasskeySignIn() {
  return passkeyOptions(await post("api/sign-in/passkey/options", {}, "passkey options"), "passkey options");
}

/**
 * Signs in with the passkey the browser chose: a session of its user, complete at once (new cookies).
 *
 * @param {string} ceremony the id startPasskeySignIn answered
 * @param {object} credential the assertion, as passkey.js's credentialJson writes it
 * @returns {Promise<Session>} the session, "signed-in"
 * @throws {ApiError} 401 for a passkey Keyhole does not know (removed) or refuses; 410 when the ceremony expired
 */
export async function finishPasskeySignIn(ceremony, credential) {
  return session(await post("api/sign-in/passkey", { ceremony, credential }, "answer to the passkey"),
    "answer to the passkey");
}

/**
 * Begins proving the second factor of a session in state "second-factor" with one of its user's passkeys.
 *
 * @returns {Promise<PasskeyOptions>} the options for navigator.credentials.get, naming the user's passkeys
 * @throws {ApiError} 409 when the user has none, or this page's address cannot use passkeys
 */
export async function startPasskeySecondFactor() {
  return passkeyOptions(await post("api/second-factor/passkey/options", {}, "passkey options"),
    "passkey options");
}

/**
 * Proves the second factor with the passkey the browser used. The server rotates the session's cookies.
 *
 * @param {string} ceremony the id startPasskeySecondFactor answered
 * @param {object} credential the assertion, as passkey.js's credentialJson writes it
 * @returns {Promise<Session>} the session, "signed-in"
 * @throws {ApiError} 401 for another user's or a refused passkey; 410 when the ceremony expired
 */
export async function finishPasskeySecondFactor(ceremony, credential) {
  return session(await post("api/second-factor/passkey", { ceremony, credential }, "answer to the passkey"),
    "answer to the passkey");
}

/**
 * Begins adding a passkey: for a session signed in, or one enrolling its second factor.
 *
 * @returns {Promise<PasskeyOptions>} the options for navigator.credentials.create
 * @throws {ApiError} 409 when this page's address cannot use passkeys, or the user has too many
 */
export async function startPasskeyRegistration() {
  return passkeyOptions(await post("api/passkeys/register/options", {}, "passkey options"), "passkey options");
}

/**
 * Adds the passkey the browser made. A session that was enrolling its second factor is complete now (new
 * cookies).
 *
 * @param {string} ceremony the id startPasskeyRegistration answered
 * @param {object} credential the new credential, as passkey.js's credentialJson writes it
 * @param {string} [nickname] what the user calls it; "" names it after the device
 * @returns {Promise<Session & {passkey: Passkey}>} the session ("signed-in") and the new passkey
 * @throws {ApiError} 401 when the authenticator's answer does not verify; 410 when the ceremony expired
 */
export async function finishPasskeyRegistration(ceremony, credential, nickname = "") {
  const body = session(await post("api/passkeys/register", { ceremony, credential, nickname }, "new passkey"),
    "new passkey");
  if (!body.passkey || typeof body.passkey.id !== "string") {
    throw new ApiError("The Keyhole server sent an unexpected new passkey.", 0);
  }
  return body;
}

/**
 * The signed-in user's passkeys.
 *
 * @returns {Promise<Passkey[]>} oldest first, possibly none
 */
export async function fetchPasskeys() {
  const body = await json(await call("api/passkeys"), "list of passkeys");
  if (!body || !Array.isArray(body.passkeys)) {
    throw new ApiError("The Keyhole server sent an unexpected list of passkeys.", 0);
  }
  return body.passkeys;
}

/**
 * Removes one of the signed-in user's passkeys: it signs nobody in from now on.
 *
 * @param {string} id the passkey's id (Passkey.id)
 * @returns {Promise<void>}
 * @throws {ApiError} 404 when the user has no such passkey (removed already)
 */
export async function removePasskey(id) {
  await post(`api/passkeys/${encodeURIComponent(id)}/remove`, {}, "answer to the removal");
}

/**
 * Signs this browser out; the server clears its cookies.
 *
 * @returns {Promise<void>}
 * @throws {ApiError} e.g. 401 when it was signed out already
 */
export async function signOut() {
  await post("api/sign-out", {}, "answer to the sign-out");
}

/**
 * Ends every session of the signed-in user, this one too.
 *
 * @returns {Promise<number>} how many sessions ended; 0 when the server did not say
 * @throws {ApiError} e.g. 401 when this browser was signed out already
 */
export async function signOutEverywhere() {
  const body = await post("api/sign-out-everywhere", {}, "answer to the sign-out");
  return Number.isInteger(body && body.ended) ? body.ended : 0;
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
 * Reads one target, for its console page (a share link's guest may read the link's console only).
 *
 * @param {string} name the target's name
 * @returns {Promise<Target|null>} the target; null when there is none the caller may see (404), or when the
 *     name is no path segment the server takes (400: e.g. a "/" in a link someone wrote)
 * @throws {ApiError} when the server cannot be reached or answers with another error
 */
export async function fetchTarget(name) {
  let response;
  try {
    response = await call(`api/targets/${encodeURIComponent(name)}`);
  } catch (e) {
    if (e.status === 404 || e.status === 400) return null;
    throw e;
  }
  const body = await json(response, "console");
  if (!body || typeof body.name !== "string") {
    throw new ApiError("The Keyhole server sent an unexpected console.", 0);
  }
  return body;
}

/**
 * Tells the server that this page's passphrase box sent a passphrase into a console, for the audit trail: the
 * fact, nothing of what was sent. A failure is no one's concern but the trail's: it is not reported.
 *
 * @param {string} target the console's name
 */
export async function notePassphraseBoxUsed(target) {
  try {
    await post(`api/targets/${encodeURIComponent(target)}/passphrase-box`, {}, "answer");
  } catch (e) {
    // the passphrase went to the console all the same
  }
}

/**
 * Opens a share link in this browser: trades the token of its fragment for a cookie of this browser's own.
 *
 * @param {string} token the token from join.html#TOKEN
 * @returns {Promise<{target: string}>} the console the link opens
 * @throws {ApiError} 403 for every reason a link does not open (the message says to ask for a new one); 401 when
 *     links need an account here and nobody is signed in
 */
export async function joinLink(token) {
  const body = await post("api/join", { token }, "answer to the link");
  if (!body || typeof body.target !== "string") {
    throw new ApiError("The Keyhole server sent an unexpected answer to the link.", 0);
  }
  return body;
}

/** Forgets the share link this browser opened. */
export async function leaveLink() {
  await post("api/join/leave", {}, "answer");
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
  const body = await post(`api/targets/${encodeURIComponent(target)}/stage`, { stage }, "keyboard state");
  if (!body || typeof body.stage !== "string" || !Array.isArray(body.stages)) {
    throw new ApiError("The Keyhole server sent an unexpected keyboard state.", 0);
  }
  return body;
}

/**
 * Makes a share link to a target. Its token, URL and QR code are in this answer only: a page shows them and keeps
 * them nowhere.
 *
 * @param {string} target the target's name
 * @param {LinkTerms} terms what the link allows, for how long and on how many devices
 * @returns {Promise<CreatedLink>} the new link
 * @throws {ApiError} 400 for terms beyond the limits (the message says them); 403 for a viewer; 404 for a console
 *     the user does not see
 */
export async function createLink(target, terms) {
  const body = await post(`api/targets/${encodeURIComponent(target)}/links`, terms, "new link");
  if (!body || typeof body.token !== "string" || typeof body.url !== "string"
      || typeof body.qrCodeSvg !== "string" || !shareLink(body.link)) {
    throw new ApiError("The Keyhole server sent an unexpected new link.", 0);
  }
  return body;
}

/**
 * The share links of a target the user may manage: their own, an admin's everyone's; live or not.
 *
 * @param {string} target the target's name
 * @returns {Promise<{maxMinutes: (number|null), links: ShareLink[]}>} the links, newest first, possibly none; the
 *     longest a new link may work, null when the server did not say
 * @throws {ApiError} 404 for a console the user does not see
 */
export async function fetchLinks(target) {
  const body = await json(await call(`api/targets/${encodeURIComponent(target)}/links`), "list of links");
  if (!body || !Array.isArray(body.links) || !body.links.every(shareLink)) {
    throw new ApiError("The Keyhole server sent an unexpected list of links.", 0);
  }
  const max = body.maxMinutes;
  return { maxMinutes: Number.isInteger(max) && max > 0 ? max : null, links: body.links };
}

/**
 * Revokes a share link: nobody opens it from now on, and the consoles opened with it close.
 *
 * @param {string} id the link's id (ShareLink.id)
 * @returns {Promise<void>}
 * @throws {ApiError} 404 when it is not the user's to revoke, or was revoked already
 */
export async function revokeLink(id) {
  await post(`api/links/${encodeURIComponent(id)}/revoke`, {}, "answer to the revocation");
}

/** Whether a value has what a page reads of a ShareLink. */
function shareLink(link) {
  return !!link && typeof link.id === "string" && typeof link.mode === "string"
    && typeof link.expiresAt === "string" && Number.isInteger(link.maxDevices) && Array.isArray(link.devices);
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
 * Opens the server's event stream (server-sent events: machine, removed, host; and, to admins, audit: each new
 * AuditEvent as soon as the trail has written it).
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

// --- the admin pages (admin.html; admins only: anyone else gets 403) ------------------------------------------------

/**
 * A user as the admin pages see them. targets: their target-name patterns, [] for every console; createdAt: an ISO
 * instant; secondFactors.kinds: "passkey", "totp", those they have, with how many passkeys and whether too many
 * wrong codes locked them; sessions: how many live sessions they have; you: whether it is the admin who asks.
 * @typedef {{id: string, name: string, role: string, targets: string[], disabled: boolean, createdAt: string,
 *     secondFactors: {kinds: string[], passkeys: number, locked: boolean}, sessions: number, you: boolean}} AdminUser
 */

/**
 * A console held open now: its tunnel's id (for closeTunnel), the target, since when (ISO), "watch" or "type", and
 * the fingerprint of the share link it came through (null for none).
 * @typedef {{tunnel: string, target: string, since: string, mode: string, link: (string|null)}} OpenConsole
 */

/**
 * A live session: id, its token hash's short fingerprint (for endSession); its user's name and role; the address and
 * browser it signed in from; createdAt and lastSeenAt, ISO; secondFactor: what it proved ("totp", "recovery-code",
 * "passkey", "link"; null: none); state: "signed-in", "second-factor" or "enrol"; you: the admin's own session.
 * @typedef {{id: string, user: string, role: string, address: string, userAgent: string, createdAt: string,
 *     lastSeenAt: string, secondFactor: (string|null), state: string, you: boolean,
 *     consoles: OpenConsole[]}} AdminSession
 */

/**
 * A share link's guest without an account in a console now: its tunnel's id, the link's fingerprint and id, whose
 * link, which console, "watch" or "type", since when (ISO) and from where.
 * @typedef {{tunnel: string, link: string, linkId: string, maker: string, target: string, mode: string,
 *     since: string, address: string}} LinkGuestNow
 */

/** Whether a value has what the admin pages read of an AdminUser. */
function adminUser(user) {
  return !!user && typeof user.id === "string" && typeof user.name === "string" && typeof user.role === "string"
    && Array.isArray(user.targets) && !!user.secondFactors && Array.isArray(user.secondFactors.kinds);
}

/**
 * Every user.
 *
 * @returns {Promise<AdminUser[]>} by name
 * @throws {ApiError} 403 for anyone but an admin
 */
export async function fetchAdminUsers() {
  const body = await json(await call("api/admin/users"), "list of users");
  if (!body || !Array.isArray(body.users) || !body.users.every(adminUser)) {
    throw new ApiError("The Keyhole server sent an unexpected list of users.", 0);
  }
  return body.users;
}

/**
 * Adds a user with a password.
 *
 * @param {{name: string, role: string, targets: string[], password: string}} user targets: [] for every console
 * @returns {Promise<AdminUser>} the new user
 * @throws {ApiError} 400 for a name, pattern or password the server refuses (the message says why); 409 for a
 *     taken name
 */
export async function addUser(user) {
  const body = await post("api/admin/users", user, "new user");
  if (!body || !adminUser(body.user)) throw new ApiError("The Keyhole server sent an unexpected new user.", 0);
  return body.user;
}

/**
 * Changes a user's role and consoles; less than before ends their sessions.
 *
 * @param {string} id the user's id
 * @param {{role: string, targets: string[]}} change targets: [] for every console
 * @returns {Promise<{user: AdminUser, sessionsEnded: number}>} the user afterwards, and how many sessions ended
 * @throws {ApiError} 400 for a pattern the server refuses; 409 for taking rights away from oneself
 */
export async function changeUser(id, change) {
  const body = await post(`api/admin/users/${encodeURIComponent(id)}/change`, change, "changed user");
  if (!body || !adminUser(body.user)) throw new ApiError("The Keyhole server sent an unexpected changed user.", 0);
  return { user: body.user, sessionsEnded: Number(body.sessionsEnded) || 0 };
}

/**
 * One of the actions on a user that take no more than its name: "disable" (and sign them out everywhere),
 * "enable", "reset-second-factor" (their app, recovery codes and passkeys; they enrol anew) or "remove" (with
 * their sessions, second factors and links).
 *
 * @param {string} id the user's id
 * @param {string} action the action
 * @returns {Promise<void>}
 * @throws {ApiError} 404 for a user removed meanwhile; 409 for disabling, removing or resetting oneself
 */
export async function userAction(id, action) {
  await post(`api/admin/users/${encodeURIComponent(id)}/${encodeURIComponent(action)}`, {}, "answer");
}

/**
 * Makes a one-time sign-in link for a user (it signs them in once, without password or second factor). Shown once.
 *
 * @param {string} id the user's id
 * @param {number} [minutes] how long it works (1 to 10080; 60 by default)
 * @returns {Promise<{url: string, expiresAt: string}>} the link and when it stops working
 * @throws {ApiError} 409 for a disabled user
 */
export async function issueUserLink(id, minutes = 60) {
  const body = await post(`api/admin/users/${encodeURIComponent(id)}/link`, { minutes }, "sign-in link");
  if (!body || typeof body.url !== "string") throw new ApiError("The Keyhole server sent an unexpected link.", 0);
  return body;
}

/**
 * Every live session with the consoles it holds open, and the share links' guests in consoles.
 *
 * @returns {Promise<{sessions: AdminSession[], guests: LinkGuestNow[]}>} sessions oldest first
 * @throws {ApiError} 403 for anyone but an admin
 */
export async function fetchAdminSessions() {
  const body = await json(await call("api/admin/sessions"), "list of sessions");
  if (!body || !Array.isArray(body.sessions) || !Array.isArray(body.guests)
      || !body.sessions.every((s) => s && typeof s.id === "string" && Array.isArray(s.consoles))) {
    throw new ApiError("The Keyhole server sent an unexpected list of sessions.", 0);
  }
  return body;
}

/**
 * Ends someone's session: their consoles close at once, saying an admin ended it.
 *
 * @param {string} id the session's id (AdminSession.id)
 * @returns {Promise<void>}
 * @throws {ApiError} 404 when it ended meanwhile; 409 for the admin's own session
 */
export async function endSession(id) {
  await post(`api/admin/sessions/${encodeURIComponent(id)}/end`, {}, "answer");
}

/**
 * Closes one person's view of a console (their session goes on; their page offers to reconnect).
 *
 * @param {string} tunnel the tunnel's id (OpenConsole.tunnel)
 * @returns {Promise<void>}
 * @throws {ApiError} 404 when it closed meanwhile
 */
export async function closeTunnel(tunnel) {
  await post(`api/admin/tunnels/${encodeURIComponent(tunnel)}/close`, {}, "answer");
}

/**
 * Every share link of every console, live or not (revoke one with revokeLink).
 *
 * @returns {Promise<ShareLink[]>} newest first
 * @throws {ApiError} 403 for anyone but an admin
 */
export async function fetchAllLinks() {
  const body = await json(await call("api/admin/links"), "list of links");
  if (!body || !Array.isArray(body.links) || !body.links.every(shareLink)) {
    throw new ApiError("The Keyhole server sent an unexpected list of links.", 0);
  }
  return body.links;
}

/**
 * An event of the audit trail. seq: its place in the chain (later events have greater ones); occurredAt: an ISO
 * instant; kind: e.g. "console-opened" (README "The audit trail"); actor: a user's name, "link FINGERPRINT" for a
 * share link's guest, "keyhole" for the server itself, "an unknown name" for a refused name nobody has; address: ""
 * when from nowhere on the network; target: the console, null for none; result: "ok" or why not; detail: names,
 * numbers and flags (factor, mode, by, link, maker, why, seconds, action, from, to, …), never a secret.
 * @typedef {{seq: number, id: string, occurredAt: string, kind: string, actor: string, address: string,
 *     target: (string|null), result: string, detail: Object<string, (string|number|boolean|null)>}} AuditEvent
 */

/**
 * What the audit view asks for; every field may be missing or "" (no filter). actor, target: exact; kind: one
 * kind's id; from, to: ISO instants (to exclusive); before: the `next` of the page before; limit: 1 to 200.
 * @typedef {{actor?: string, target?: string, kind?: string, from?: string, to?: string,
 *     before?: (number|string|null), limit?: (number|string|null)}} AuditFilters
 */

/** The order of the audit route's query parameters. */
const AUDIT_PARAMETERS = ["actor", "target", "kind", "from", "to", "before", "limit"];

/**
 * Whether a value has what the audit view reads of an AuditEvent (the view checks the event stream's with it too).
 *
 * @param {unknown} event a parsed answer
 * @returns {boolean} true for an AuditEvent
 */
export function auditEvent(event) {
  return !!event && Number.isInteger(event.seq) && typeof event.kind === "string"
    && typeof event.occurredAt === "string" && typeof event.actor === "string"
    && (event.detail === undefined || event.detail === null || typeof event.detail === "object");
}

/**
 * A page of the audit trail: the events that match every filter given, newest first.
 *
 * @param {AuditFilters} [filters] which events, and which page
 * @returns {Promise<{events: AuditEvent[], next: (number|null), kinds: string[]}>} the events; next: the `before`
 *     of the page after this one, null on the last; kinds: the id of every kind
 * @throws {ApiError} 400 for a filter the server refuses (the message says why); 403 for anyone but an admin
 */
export async function fetchAudit(filters = {}) {
  const query = new URLSearchParams();
  for (const name of AUDIT_PARAMETERS) {
    const value = filters[name];
    if (value !== undefined && value !== null && String(value).trim() !== "") query.set(name, String(value).trim());
  }
  const asked = query.toString();
  const body = await json(await call(asked ? `api/admin/audit?${asked}` : "api/admin/audit"), "audit trail");
  if (!body || !Array.isArray(body.events) || !body.events.every(auditEvent)
      || !(body.next === null || body.next === undefined || Number.isInteger(body.next))
      || !Array.isArray(body.kinds) || !body.kinds.every((k) => typeof k === "string")) {
    throw new ApiError("The Keyhole server sent an unexpected audit trail.", 0);
  }
  return { events: body.events, next: body.next ?? null, kinds: body.kinds };
}

/**
 * A notification channel the signed-in user may subscribe to: its name as configured, its type ("email": to their
 * own address; "ntfy": to their own topic on the channel's server) and a line about it ("" for none).
 * @typedef {{name: string, type: string, description: string}} NotificationChannel
 */

/**
 * One of the signed-in user's subscriptions. type: its channel's type, "" when the channel is no longer configured
 * (available is then false: it tells no one); address: their email address or ntfy topic; targets: console names or
 * patterns, [] for every console they may open; kinds: kinds of notice, [] for every kind; createdAt: an ISO instant.
 * @typedef {{id: string, channel: string, type: string, address: string, targets: string[], kinds: string[],
 *     createdAt: string, available: boolean}} Subscription
 */

/**
 * What a new subscription asks for. targets: [] (or ["*"]) for every console the user may open; kinds: [] (or
 * ["all"]) for every kind of notice.
 * @typedef {{channel: string, address: string, targets: string[], kinds?: string[]}} SubscriptionTerms
 */

/** Whether a value has what the notifications page reads of a Subscription. */
function subscription(value) {
  return !!value && typeof value.id === "string" && typeof value.channel === "string"
    && typeof value.address === "string" && Array.isArray(value.targets) && Array.isArray(value.kinds);
}

/**
 * The signed-in user's subscriptions, and what they may subscribe to.
 *
 * @returns {Promise<{subscriptions: Subscription[], channels: NotificationChannel[], kinds: string[],
 *     maxSubscriptions: number}>} subscriptions oldest first; channels: none when no channel is configured
 * @throws {ApiError} when the server cannot be reached or answers with something other than the documented JSON
 */
export async function fetchSubscriptions() {
  const body = await json(await call("api/me/subscriptions"), "list of subscriptions");
  if (!body || !Array.isArray(body.subscriptions) || !body.subscriptions.every(subscription)
      || !Array.isArray(body.channels) || !body.channels.every((c) => c && typeof c.name === "string"
        && typeof c.type === "string")) {
    throw new ApiError("The Keyhole server sent an unexpected list of subscriptions.", 0);
  }
  return { subscriptions: body.subscriptions, channels: body.channels,
    kinds: Array.isArray(body.kinds) ? body.kinds : [], maxSubscriptions: Number(body.maxSubscriptions) || 0 };
}

/**
 * Subscribes the signed-in user to notices.
 *
 * @param {SubscriptionTerms} terms where to, about which consoles
 * @returns {Promise<Subscription>} the subscription as kept
 * @throws {ApiError} 400 with a sentence saying what to change (an address, a console they may not open, no
 *     channel configured…)
 */
export async function addSubscription(terms) {
  const body = await post("api/me/subscriptions", terms, "new subscription");
  if (!body || !subscription(body.subscription)) {
    throw new ApiError("The Keyhole server sent an unexpected new subscription.", 0);
  }
  return body.subscription;
}

/**
 * Removes one of the signed-in user's subscriptions.
 *
 * @param {string} id the subscription's id
 * @returns {Promise<void>}
 * @throws {ApiError} 404 when the user has no such subscription (removed already)
 */
export async function removeSubscription(id) {
  await post(`api/me/subscriptions/${encodeURIComponent(id)}/remove`, {}, "answer to the removal");
}
