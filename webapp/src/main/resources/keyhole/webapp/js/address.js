/**
 * The addresses around signing in: where the sign-in page sends a person afterwards (its `next` query parameter,
 * only ever a path on this site), the token of a link in its fragment (#link=TOKEN), and the way back to the
 * sign-in page from a page whose API call answered 401. No DOM here beyond the location a caller passes in.
 */

/** The sign-in page, relative to the other pages (they all live beside it). */
export const SIGN_IN_PAGE = "sign-in.html";

/** Where to go after signing in when `next` is missing or not a path on this site: the consoles. */
export const HOME = "./";

/**
 * Whether a `next` value is a path on this site. It must start with one "/": "//host" and "/\host" are other
 * sites to a browser, and so is anything with a scheme ("https:", "javascript:"). Control characters and
 * whitespace are refused too, since browsers drop tabs and newlines from URLs ("/\t/evil" becomes "//evil").
 *
 * @param {unknown} path the value of `next`
 * @returns {boolean} true only for a same-site path
 */
export function isSameSitePath(path) {
  return typeof path === "string"
    && path.startsWith("/")
    && !path.startsWith("//")
    && !path.startsWith("/\\")
    && !/[\s\u0000-\u001f\u007f]/.test(path);
}

/**
 * Where to go after signing in.
 *
 * @param {string} search the sign-in page's query ("?next=%2Fconsole.html%3Ftarget%3Dvm-1"), with or without "?"
 * @returns {string} the `next` path when it is a same-site path, else HOME
 */
export function nextAfterSignIn(search) {
  const next = new URLSearchParams(search).get("next");
  return isSameSitePath(next) ? next : HOME;
}

/**
 * The token of a link from a page's fragment: "#link=TOKEN" (other "&"-separated parts are ignored). Read by
 * hand rather than with URLSearchParams, which would turn a "+" in the token into a space.
 *
 * @param {string} hash location.hash, with or without "#"
 * @returns {string|null} the token, or null when the fragment holds none (or an empty or undecodable one)
 */
export function linkToken(hash) {
  const fragment = String(hash ?? "").replace(/^#/, "");
  for (const part of fragment.split("&")) {
    if (!part.startsWith("link=")) continue;
    try {
      const token = decodeURIComponent(part.slice("link=".length)).trim();
      return token || null;
    } catch (e) {
      return null; // a malformed %-escape: no token anyone could have meant
    }
  }
  return null;
}

/**
 * The token of a share link from the join page's fragment: "#TOKEN", base64url characters only.
 *
 * @param {string} hash location.hash, with or without "#"
 * @returns {string|null} the token, or null when the fragment holds none (or anything else)
 */
export function shareToken(hash) {
  const token = String(hash ?? "").replace(/^#/, "").trim();
  return /^[A-Za-z0-9_-]{16,128}$/.test(token) ? token : null;
}

/**
 * The token of a share link the sign-in page opens once signed in: "#join=TOKEN" (where links need an account,
 * the join page sends a guest to sign in first this way; the token stays out of every URL the server sees).
 *
 * @param {string} hash location.hash, with or without "#"
 * @returns {string|null} the token, or null when the fragment holds none
 */
export function joinToken(hash) {
  const fragment = String(hash ?? "").replace(/^#/, "");
  return fragment.startsWith("join=") ? shareToken(fragment.slice("join=".length)) : null;
}

/**
 * The sign-in page's address that comes back to a page afterwards.
 *
 * @param {{pathname: string, search: string}} location the page to come back to (window.location)
 * @returns {string} e.g. "sign-in.html?next=%2Fconsole.html%3Ftarget%3Dvm-1", relative like the page links
 */
export function signInUrl(location) {
  return `${SIGN_IN_PAGE}?next=${encodeURIComponent(location.pathname + location.search)}`;
}

/**
 * Sends the page to the sign-in page when an API call failed because it has no (complete) session: the one
 * thing to do with a 401 on the pages behind the sign-in. The sign-in page itself never calls this.
 *
 * @param {unknown} error what the API call threw (an ApiError)
 * @param {{pathname: string, search: string, assign: function(string): void}} [location] window.location
 * @returns {boolean} true when the page is on its way to the sign-in page (show nothing more), else false
 */
export function goToSignInOn401(error, location = globalThis.location) {
  if (!error || error.status !== 401 || !location) return false;
  location.assign(signInUrl(location));
  return true;
}
