/**
 * Base64url (RFC 4648 §5, without padding) to and from bytes: how WebAuthn's JSON, and so the Keyhole server,
 * writes the binary values of a passkey ceremony (challenges, ids, signatures), which the browser's
 * navigator.credentials API takes and gives as ArrayBuffers.
 */

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const VALUE = new Map([...ALPHABET].map((c, i) => [c, i]));

/**
 * Writes bytes in base64url, without padding.
 *
 * @param {ArrayBuffer|ArrayBufferView} bytes e.g. a credential's rawId, or a Uint8Array
 * @returns {string} "" for no bytes
 */
export function toBase64Url(bytes) {
  const view = bytes instanceof ArrayBuffer ? new Uint8Array(bytes)
    : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let text = "";
  for (let i = 0; i < view.length; i += 3) {
    const chunk = (view[i] << 16) | ((view[i + 1] ?? 0) << 8) | (view[i + 2] ?? 0);
    const left = view.length - i;
    text += ALPHABET[(chunk >> 18) & 63] + ALPHABET[(chunk >> 12) & 63];
    if (left > 1) text += ALPHABET[(chunk >> 6) & 63];
    if (left > 2) text += ALPHABET[chunk & 63];
  }
  return text;
}

/**
 * Reads base64url (padding, if any, allowed at the end only).
 *
 * @param {string} text e.g. a challenge from the server's options
 * @returns {ArrayBuffer} its bytes, in a buffer of their own
 * @throws {TypeError} when it is not base64url: another character, or a length no bytes have (4n+1)
 */
export function fromBase64Url(text) {
  const plain = String(text).replace(/=+$/, "");
  if (plain.length % 4 === 1) throw new TypeError(`Not base64url (its length is impossible): ${plain.length} characters`);
  const bytes = new Uint8Array(Math.floor((plain.length * 3) / 4));
  let bits = 0;
  let count = 0;
  let at = 0;
  for (const c of plain) {
    const value = VALUE.get(c);
    if (value === undefined) throw new TypeError(`Not base64url: it has the character "${c}"`);
    bits = (bits << 6) | value;
    count += 6;
    if (count >= 8) {
      count -= 8;
      bytes[at++] = (bits >> count) & 0xff;
    }
  }
  return bytes.buffer;
}
