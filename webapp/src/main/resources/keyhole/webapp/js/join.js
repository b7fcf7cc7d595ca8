/**
 * The page a share link opens (join.html#TOKEN). The token is in the fragment, which browsers send to no server
 * and put in no Referer; this page takes it out of the address bar at once (so it is not in the history, nor in a
 * bookmark or a screenshot of the bar), posts it once, and goes to the console with the cookie it got instead.
 *
 * Without a token (the server sends a guest whose link ended here) it says that the link does not open any more.
 * #join carries data-state = joining | refused | sign-in | left | ended.
 */
import { consoleUrl, joinLink } from "./api.js";
import { byId } from "./dom.js";
import { shareToken } from "./address.js";

const box = byId("join");
const heading = byId("join-heading");
const message = byId("join-message");
const signIn = byId("join-sign-in");

/** Shows a state: its heading, its sentence, and whether to offer signing in. */
function show(state, title, text, offerSignIn = false) {
  box.dataset.state = state;
  box.removeAttribute("aria-busy");
  heading.textContent = title;
  message.textContent = text;
  signIn.hidden = !offerSignIn;
}

async function join() {
  const token = shareToken(location.hash);
  // Out of the address bar and the history before anything else happens.
  if (location.hash) history.replaceState(null, "", location.pathname);
  const search = new URLSearchParams(location.search);
  if (!token) {
    if (search.has("left")) {
      show("left", "You left the console", "This browser no longer holds the link. Open the link again to come back.");
    } else {
      show("ended", "This link does not open any more",
        "It was revoked or it expired. Ask whoever sent it for a new one. If you have an account, sign in.", true);
    }
    return;
  }
  try {
    const { target } = await joinLink(token);
    location.replace(consoleUrl(target));
  } catch (e) {
    if (e.status === 401) {
      // Links here open only for someone signed in: the sign-in page comes back with the token, in its fragment.
      show("sign-in", "Sign in first", "Links here open only for someone signed in.", true);
      location.replace(`sign-in.html#join=${token}`);
    } else if (e.status === 403) {
      show("refused", "This link does not open", e.message);
    } else {
      show("refused", "Could not open the link", `${e.message} Open the link again to retry.`);
    }
  }
}

join();
