/**
 * Turns a Guacamole.Status into what the console page needs: a message a
 * person can read and whether trying again can help.
 */

/** Where a status came from: the Keyhole server closing the tunnel, or guacd's own "error" instruction. */
export const Source = Object.freeze({ TUNNEL: "tunnel", GUACD: "guacd" });

/**
 * Keyhole's own status codes, with which its server closes a tunnel for a normal event that the page should
 * reconnect after (README, "What the browser sees"). They lie in 0x0001–0x00FF, which Guacamole's own codes leave
 * free and guacamole-common-js counts as no error (Guacamole.Status#isError); its tunnel reports them through
 * onerror all the same, as every code but 0. The page reads the number; the words are only shown.
 */
export const KeyholeCode = Object.freeze({
  /** The target's keyboard stage was switched: its console reconnects with the new layout. */
  KEYBOARD_SWITCHED: 0x0080,
});

// Codes no retry can fix. 516 (resource not found) is final only when the Keyhole
// server says it ("No such console"); guacd uses it for connections that may come back.
const FINAL_FROM_TUNNEL = new Set([0x0204, 0x0300, 0x0301, 0x0303]);
const FINAL_FROM_GUACD = new Set([0x0300, 0x0301, 0x0303]);

// Used when a status has no text of its own, e.g. derived from a bare WebSocket close code.
const DEFAULT_MESSAGES = {
  0x0200: "The Keyhole server reported an internal error",
  0x0201: "The Keyhole server is busy",
  0x0202: "The Keyhole server stopped answering",
  0x0203: "The console connection failed",
  0x0204: "The console was not found",
  0x0205: "The console is in use",
  0x0206: "The console connection was closed",
  0x0207: "The Keyhole server is not reachable",
  0x0208: "The Keyhole server is unavailable",
  0x0300: "The server refused a request from this page",
  0x0301: "Not allowed to open this console",
  0x0303: "Not allowed to open this console",
};

/**
 * Strips the leading status code the server puts in its close reason
 * ("519 guacd is not reachable at …" → "guacd is not reachable at …").
 *
 * @param {string|undefined|null} text a status message
 * @returns {string} the message without a leading code; empty when there was none
 */
export function stripCode(text) {
  return String(text ?? "").replace(/^\s*\d+\s*/, "").trim();
}

/**
 * Describes a Guacamole.Status.
 *
 * @param {{code: number, message?: string}} status the status from tunnel.onerror or client.onerror
 * @param {string} source one of {@link Source}
 * @returns {{final: boolean, message: string, code: number}} whether to stop retrying, and what to show
 */
export function describeStatus(status, source) {
  const code = Number(status?.code) || 0;
  const text = stripCode(status?.message);
  // A code without the server's own words comes from the browser (e.g. WebSocket 1006): it is
  // never a server's verdict, so never final.
  const spokenByServer = text.length > 0;
  const finalCodes = source === Source.TUNNEL ? FINAL_FROM_TUNNEL : FINAL_FROM_GUACD;
  const final = spokenByServer && finalCodes.has(code);
  const message = text || DEFAULT_MESSAGES[code] || `The connection was lost (code ${code})`;
  return { final, message, code };
}
