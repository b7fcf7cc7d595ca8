/**
 * The HTTP API of the Keyhole server, as the pages use it.
 * URLs are relative so the app works under any host and any path prefix.
 */

/**
 * A console the server offers. The server never reveals host or port.
 * @typedef {{name: string, title: string, protocol: string}} Target
 */

/**
 * Fetches the configured targets.
 *
 * @returns {Promise<Target[]>} the targets, possibly empty (never null)
 * @throws {Error} with a human-readable message when the server cannot be
 *     reached or answers with something other than the documented JSON
 */
export async function fetchTargets() {
  let response;
  try {
    response = await fetch("api/targets", { headers: { Accept: "application/json" }, cache: "no-store" });
  } catch (e) {
    // fetch() only rejects on network failure; its own message ("Failed to fetch") says nothing useful.
    throw new Error("The Keyhole server is not reachable.");
  }
  if (!response.ok) {
    throw new Error(`The Keyhole server answered ${response.status} ${response.statusText}`.trim() + ".");
  }
  let body;
  try {
    body = await response.json();
  } catch (e) {
    throw new Error("The Keyhole server sent an unreadable list of consoles.");
  }
  if (!body || !Array.isArray(body.targets)) {
    throw new Error("The Keyhole server sent an unexpected list of consoles.");
  }
  return body.targets;
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
