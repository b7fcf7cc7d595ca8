/**
 * Passkeys in the browser: the server's ceremony options (WebAuthn's JSON, binary values in base64url) turned into
 * what navigator.credentials.create and .get take, and the credential they give back turned into the JSON the
 * server reads; whether this page can use passkeys at all, and what to tell people when it cannot or when the
 * authenticator said no. api.js sends and fetches; this module never calls fetch.
 *
 * A passkey belongs to a name (the relying party's id), never to an IP address: a page opened at
 * http://127.0.0.1:8080 cannot use one, while http://localhost:8080 can (a secure context without TLS).
 */
import { fromBase64Url, toBase64Url } from "./base64url.js";

/**
 * Why this page cannot use passkeys.
 *
 * @param {{hostname: string, host?: string, protocol?: string, port?: string}} where the page's location
 * @param {{isSecureContext?: boolean, PublicKeyCredential?: unknown}} [browser] the page's window
 * @returns {string|null} a sentence for people; null when passkeys can be tried here
 */
export function passkeysUnavailable(where, browser = globalThis) {
  if (isIpAddress(where.hostname)) {
    const instead = localhostAlternative(where);
    return "Passkeys need Keyhole opened under a name, not an IP address"
      + (instead ? `: open ${instead} to use one.` : " (localhost, or a DNS name with TLS).");
  }
  if (!browser.isSecureContext) return "Passkeys need Keyhole opened over HTTPS.";
  if (typeof browser.PublicKeyCredential === "undefined") return "This browser does not offer passkeys.";
  return null;
}

/**
 * @param {string} hostname a location's hostname ("127.0.0.1", "[::1]", "keyhole.lan")
 * @returns {boolean} whether it is an IP address rather than a name
 */
export function isIpAddress(hostname) {
  const host = String(hostname);
  return host.includes(":") || /^\d{1,3}(\.\d{1,3}){3}$/.test(host);
}

/**
 * The same Keyhole under the name localhost, for a page on a loopback address (where passkeys cannot work but
 * localhost's can).
 *
 * @param {{hostname: string, protocol?: string, port?: string}} where the page's location
 * @returns {string|null} e.g. "http://localhost:8080"; null when the page is not on a loopback address
 */
export function localhostAlternative(where) {
  const host = String(where.hostname);
  if (!/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host) && host !== "[::1]" && host !== "::1") return null;
  return `${where.protocol || "http:"}//localhost${where.port ? ":" + where.port : ""}`;
}

/**
 * The options for navigator.credentials.create, from the server's JSON.
 *
 * @param {object} publicKey the server's "publicKey" (challenge, user.id and excludeCredentials' ids in base64url)
 * @returns {PublicKeyCredentialCreationOptions} the same with those as ArrayBuffers
 */
export function creationOptions(publicKey) {
  return {
    ...publicKey,
    challenge: fromBase64Url(publicKey.challenge),
    user: { ...publicKey.user, id: fromBase64Url(publicKey.user.id) },
    excludeCredentials: (publicKey.excludeCredentials || []).map(descriptor),
  };
}

/**
 * The options for navigator.credentials.get, from the server's JSON. Without allowCredentials (a sign-in with a
 * passkey alone) the browser offers every passkey it has for this site.
 *
 * @param {object} publicKey the server's "publicKey" (challenge and allowCredentials' ids in base64url)
 * @returns {PublicKeyCredentialRequestOptions} the same with those as ArrayBuffers
 */
export function requestOptions(publicKey) {
  const options = { ...publicKey, challenge: fromBase64Url(publicKey.challenge) };
  if (publicKey.allowCredentials) options.allowCredentials = publicKey.allowCredentials.map(descriptor);
  return options;
}

function descriptor(credential) {
  return { ...credential, id: fromBase64Url(credential.id) };
}

/**
 * A credential as the server reads it: WebAuthn's JSON (PublicKeyCredential.toJSON's shape), binary values in
 * base64url. Works for a new credential (attestation) and a sign-in (assertion) alike.
 *
 * @param {PublicKeyCredential} credential what navigator.credentials.create or .get resolved to
 * @returns {object} {type, id, rawId, response: {…}, clientExtensionResults, authenticatorAttachment?}
 */
export function credentialJson(credential) {
  const r = credential.response;
  const response = { clientDataJSON: toBase64Url(r.clientDataJSON) };
  if (r.attestationObject) {
    response.attestationObject = toBase64Url(r.attestationObject);
    if (typeof r.getTransports === "function") response.transports = r.getTransports();
  } else {
    response.authenticatorData = toBase64Url(r.authenticatorData);
    response.signature = toBase64Url(r.signature);
    if (r.userHandle) response.userHandle = toBase64Url(r.userHandle);
  }
  const json = {
    type: credential.type,
    id: credential.id,
    rawId: toBase64Url(credential.rawId),
    response,
    clientExtensionResults: typeof credential.getClientExtensionResults === "function"
      ? credential.getClientExtensionResults() : {},
  };
  if (credential.authenticatorAttachment) json.authenticatorAttachment = credential.authenticatorAttachment;
  return json;
}

/**
 * What to tell people when the browser or the authenticator refused a ceremony (a DOMException).
 *
 * @param {Error} e what navigator.credentials.create or .get rejected with
 * @param {boolean} creating whether a passkey was being made (rather than used)
 * @returns {string} a sentence
 */
export function passkeyProblem(e, creating) {
  switch (e && e.name) {
    case "NotAllowedError":
    case "AbortError":
      return creating ? "No passkey was made: it was cancelled, or took too long. Try again when you are ready."
        : "No passkey was used: it was cancelled, took too long, or this device has none for Keyhole.";
    case "InvalidStateError":
      return "This device (or security key) has a passkey for your account already.";
    case "SecurityError":
      return "This address cannot use passkeys: open Keyhole under its name.";
    case "NotSupportedError":
      return "This device cannot make the kind of passkey Keyhole needs (one it unlocks with your fingerprint, "
        + "face or PIN).";
    default:
      return `The passkey did not work: ${(e && e.message) || e}`;
  }
}

/**
 * Makes a passkey: the browser asks its person to unlock their phone, computer or security key.
 *
 * @param {object} publicKey the server's registration options ("publicKey")
 * @returns {Promise<object>} the new credential, as credentialJson writes it
 * @throws {Error} with a sentence from passkeyProblem when the browser or the authenticator refused
 */
export async function createPasskey(publicKey) {
  let credential;
  try {
    credential = await navigator.credentials.create({ publicKey: creationOptions(publicKey) });
  } catch (e) {
    throw new Error(passkeyProblem(e, true));
  }
  return credentialJson(credential);
}

/**
 * Uses a passkey: the browser offers those it has for this site (or the ones the options name).
 *
 * @param {object} publicKey the server's sign-in options ("publicKey")
 * @returns {Promise<object>} the signed assertion, as credentialJson writes it
 * @throws {Error} with a sentence from passkeyProblem when the browser or the authenticator refused
 */
export async function getPasskey(publicKey) {
  let credential;
  try {
    credential = await navigator.credentials.get({ publicKey: requestOptions(publicKey) });
  } catch (e) {
    throw new Error(passkeyProblem(e, false));
  }
  return credentialJson(credential);
}
