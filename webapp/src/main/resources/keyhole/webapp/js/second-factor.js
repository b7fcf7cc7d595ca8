/**
 * What the sign-in page shows and reads for the second factor: the TOTP secret grouped for reading, its QR code
 * as an image URL the CSP allows (img-src data:, no inline SVG), and the codes people type.
 */

/** A recovery code as the server issues it: four groups of four, e.g. 7KQD-M3XA-PZ9H-V2CE. */
const RECOVERY_CODE = /^[A-Z0-9]{16}$/;

/**
 * A TOTP secret grouped by four for reading and typing ("JBSW Y3DP EHPK 3PXP"); an authenticator app ignores
 * the spaces.
 *
 * @param {string} secret the base32 secret
 * @returns {string} its characters in groups of four, separated by single spaces; "" for an empty secret
 */
export function groupSecret(secret) {
  const plain = String(secret ?? "").replace(/\s+/g, "");
  return (plain.match(/.{1,4}/g) || []).join(" ");
}

/**
 * An SVG document as a data: URL for an <img>: the CSP allows data: images, while inline SVG would need
 * inline styles. Base64 of its UTF-8, so any character survives.
 *
 * @param {string} svg the SVG document, e.g. the server's qrCodeSvg
 * @returns {string} "data:image/svg+xml;base64,…"
 */
export function svgDataUrl(svg) {
  const bytes = new TextEncoder().encode(String(svg));
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return "data:image/svg+xml;base64," + btoa(binary);
}

/**
 * A 6-digit TOTP code as typed, spaces and all ("123 456").
 *
 * @param {string} typed what the person typed
 * @returns {string|null} the six digits, or null when it is not six digits
 */
export function readTotpCode(typed) {
  const code = String(typed ?? "").replace(/\s+/g, "");
  return /^\d{6}$/.test(code) ? code : null;
}

/**
 * The code of the second sign-in step: a 6-digit TOTP code, or a recovery code in any case, with or without its
 * hyphens (the server reads both the same; the page sends the recovery code in its issued form).
 *
 * @param {string} typed what the person typed
 * @returns {string|null} "123456" or "7KQD-M3XA-PZ9H-V2CE", or null when it is neither
 */
export function readSignInCode(typed) {
  const totp = readTotpCode(typed);
  if (totp) return totp;
  const plain = String(typed ?? "").replace(/[\s-]+/g, "").toUpperCase();
  return RECOVERY_CODE.test(plain) ? plain.match(/.{4}/g).join("-") : null;
}
