/**
 * The sign-in page (sign-in.html): a name and a password, or a passkey alone (no name: the browser offers the
 * passkeys it has for this site); after a password the second factor (the user's passkey, a code from the
 * authenticator app, or a recovery code), or setting one up when the account needs it and has none yet (a passkey,
 * or TOTP with the recovery codes shown once). A link's token in the fragment (#link=TOKEN) signs in at once, or,
 * for the first admin's setup link, asks for their name and password first. Afterwards the page goes to `next`
 * when that is a path on this site (address.js), else to the consoles.
 *
 * #sign-in carries data-view = loading | sign-in | passkey | code | enrol | recovery | setup | done;
 * #sign-in-message (role="alert") says what went wrong. This page never sends itself to the sign-in page: a 401
 * here is an answer. Where passkeys cannot work (an IP address, no WebAuthn) their buttons give way to a note
 * that says why.
 */
import {
  confirmTotp, fetchSession, finishPasskeyRegistration, finishPasskeySecondFactor, finishPasskeySignIn, redeemLink,
  setUpFirstAdmin, signIn, signOut, startPasskeyRegistration, startPasskeySecondFactor, startPasskeySignIn,
  startTotpEnrolment, submitCode,
} from "./api.js";
import { byId, element } from "./dom.js";
import { joinToken, linkToken, nextAfterSignIn } from "./address.js";
import { groupSecret, readSignInCode, readTotpCode, svgDataUrl } from "./second-factor.js";
import { createPasskey, getPasskey, localhostAlternative, passkeysUnavailable } from "./passkey.js";

/** The server's own rule for passwords (POST api/setup answers 400 below it). */
const MIN_PASSWORD_LENGTH = 12;

const page = byId("sign-in");
const heading = byId("sign-in-heading");
const message = byId("sign-in-message");
const loading = byId("sign-in-loading");
const startOver = byId("start-over");

/** Each view: its element, its heading and the control that takes the focus when it shows. */
const VIEWS = {
  "sign-in": { node: byId("sign-in-form"), title: "Sign in", focus: "sign-in-name" },
  passkey: { node: byId("passkey-view"), title: "One more step", focus: "passkey-submit" },
  code: { node: byId("code-form"), title: "One more step", focus: "code-input" },
  enrol: { node: byId("enrol-view"), title: "Set up your second factor", focus: "enrol-passkey" },
  // The codes first, not Continue: an Enter pressed on the way must not skip them.
  recovery: { node: byId("recovery-view"), title: "Your recovery codes", focus: "recovery-codes" },
  setup: { node: byId("setup-form"), title: "Create the first admin", focus: "setup-name" },
};

/** Where to go once signed in: read once, before anything changes the address. */
const next = nextAfterSignIn(location.search);

/** The setup link's token while its form shows (POST api/setup sends it again); null otherwise. */
let setupToken = null;

/** Why passkeys cannot work on this page (its address, its browser); null when they can be tried. */
const passkeyReason = passkeysUnavailable(location, window);

/**
 * Shows why passkeys cannot work here in a note, the localhost address it names (if any) as a link to this page
 * there; hidden when they can.
 */
function passkeyNote(note) {
  note.hidden = !passkeyReason;
  if (!passkeyReason) return;
  const instead = localhostAlternative(location);
  const at = instead ? passkeyReason.indexOf(instead) : -1;
  if (at < 0) {
    note.textContent = passkeyReason;
    return;
  }
  const link = element("a", { href: instead + location.pathname + location.search, text: instead });
  note.replaceChildren(passkeyReason.slice(0, at), link, passkeyReason.slice(at + instead.length));
}

/** Shows one view (or, for loading and done, the waiting line alone). */
function show(view) {
  page.dataset.view = view;
  page.setAttribute("aria-busy", String(!VIEWS[view]));
  for (const [name, { node }] of Object.entries(VIEWS)) node.hidden = name !== view;
  loading.hidden = Boolean(VIEWS[view]);
  startOver.hidden = view !== "code" && view !== "enrol" && view !== "passkey";
  if (VIEWS[view]) {
    heading.textContent = VIEWS[view].title;
    const focus = byId(VIEWS[view].focus);
    (focus.disabled || focus.offsetParent === null ? VIEWS[view].node.querySelector("input, button:not([hidden])")
      : focus)?.focus();
  }
}

/** Shows the waiting line with what the page waits for. */
function wait(text) {
  loading.textContent = text;
  show("loading");
}

/** Says what went wrong, in the alert; "" clears it. */
function say(text) {
  message.textContent = text || "";
}

/** "4:05" for 245 seconds. */
function clock(seconds) {
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
}

/**
 * Keeps a button disabled while the server refuses further tries (429), its label counting down; then the
 * button, and the alert unless something else was said meanwhile, are as before.
 */
function holdBack(button, seconds) {
  const label = button.textContent;
  const said = message.textContent;
  const until = Date.now() + seconds * 1000;
  const tick = () => {
    const left = Math.ceil((until - Date.now()) / 1000);
    if (left > 0) {
      button.textContent = `Try again in ${clock(left)}`;
      return;
    }
    clearInterval(timer);
    button.textContent = label;
    button.disabled = false;
    if (message.textContent === said) say("");
  };
  const timer = setInterval(tick, 1000);
  tick();
}

/**
 * Runs a form's request with its button disabled, and says what went wrong.
 *
 * @param {HTMLButtonElement} button the form's submit button
 * @param {function(): Promise<void>} request the request and what follows it
 * @param {function(Error): (boolean|Promise<boolean>|void)} [refused] more to do when it failed, after the alert
 *     says why; true keeps the button disabled
 */
async function submitting(button, request, refused) {
  if (button.disabled) return;
  say("");
  button.disabled = true;
  let keepDisabled = false;
  try {
    await request();
  } catch (e) {
    say(e.message);
    keepDisabled = (refused && (await refused(e))) === true;
    if (e.status === 429 && e.retryAfterSeconds > 0) {
      holdBack(button, e.retryAfterSeconds);
      keepDisabled = true;
    }
  } finally {
    if (!keepDisabled) button.disabled = false;
  }
}

/** Goes on from an answer that names the session's state (or "setup" for a setup link). */
async function proceed(answer) {
  switch (answer.state) {
    case "signed-in":
      return done();
    case "second-factor":
      return askForSecondFactor(answer);
    case "enrol":
      return enrol();
    case "setup":
      return show("setup");
    default:
      throw new Error(`The Keyhole server answered an unknown state "${answer.state}".`);
  }
}

/**
 * A share link to open once signed in ("#join=TOKEN", from the join page where links need an account); taken
 * off the address bar at once like a sign-in link's token, kept only in this page's memory.
 */
const shareLink = joinToken(location.hash);

/**
 * Signed in: on to `next` (or to the share link this page was opened for), replacing this page in the history
 * (Back does not come back to it).
 */
function done() {
  wait("Signed in. Opening Keyhole…");
  page.dataset.view = "done";
  location.replace(shareLink ? `join.html#${shareLink}` : next);
}

/**
 * After a 401 on a step that needs the session (the code, the enrolment): whether the session is gone, expired
 * or ended elsewhere, rather than the code wrong. When it is gone, the sign-in form shows again.
 */
async function sessionGone() {
  const current = await fetchSession().catch(() => undefined);
  if (current !== null) return false;
  show("sign-in");
  say("Your sign-in ended before it was complete: sign in again.");
  return true;
}

// ---- name and password ----

const nameInput = byId("sign-in-name");
const passwordInput = byId("sign-in-password");

byId("sign-in-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const name = nameInput.value.trim();
  const password = passwordInput.value;
  if (!name || !password) {
    say("Enter your name and your password.");
    (name ? passwordInput : nameInput).focus();
    return;
  }
  submitting(byId("sign-in-submit"), async () => {
    const answer = await signIn(name, password);
    passwordInput.value = "";
    await proceed(answer);
  }, (e) => {
    if (e.status === 401) {
      passwordInput.value = "";
      passwordInput.focus();
    }
  });
});

// ---- a passkey alone ----

const passkeySignIn = byId("passkey-sign-in");
passkeySignIn.hidden = Boolean(passkeyReason);
passkeyNote(byId("passkey-sign-in-note"));

passkeySignIn.addEventListener("click", () => {
  submitting(passkeySignIn, async () => {
    const options = await startPasskeySignIn();
    const credential = await getPasskey(options.publicKey);
    await proceed(await finishPasskeySignIn(options.ceremony, credential));
  });
});

// ---- the second factor: the user's passkey ----

const passkeySubmit = byId("passkey-submit");
const passkeyToCode = byId("passkey-to-code");
const codeToPasskey = byId("code-to-passkey");

/**
 * Shows the second factor's step for a session whose password was right: the passkey when the user has one and
 * this page can use it, else the code; the other of the two behind a link when the user has both.
 */
function askForSecondFactor(answer) {
  signingIn = answer.user.name;
  const factors = answer.secondFactors || ["totp"];
  const passkey = factors.includes("passkey");
  const totp = factors.includes("totp");
  passkeyToCode.hidden = !totp;
  codeToPasskey.hidden = !passkey || Boolean(passkeyReason);
  passkeySubmit.disabled = Boolean(passkeyReason);
  passkeyNote(byId("passkey-view-note"));
  byId("passkey-hint").textContent = `Signing in as ${signingIn}: confirm it is you with your passkey, on this `
    + "device, your phone or a security key.";
  if (passkey && (!passkeyReason || !totp)) show("passkey");
  else askForCode(answer.user);
}

passkeySubmit.addEventListener("click", () => {
  submitting(passkeySubmit, async () => {
    const options = await startPasskeySecondFactor();
    const credential = await getPasskey(options.publicKey);
    await proceed(await finishPasskeySecondFactor(options.ceremony, credential));
  }, async (e) => {
    if (e.status === 401 || e.status === 409) await sessionGone();
  });
});

passkeyToCode.addEventListener("click", () => {
  say("");
  askForCode({ name: signingIn });
});

codeToPasskey.addEventListener("click", () => {
  say("");
  show("passkey");
});

// ---- the second factor: a code from the app, or a recovery code ----

const codeInput = byId("code-input");
const codeKind = byId("code-kind");
let recoveryCode = false;
/** The name of the user whose password was right, for the code step's hint. */
let signingIn = "";

/** Switches the code field between the app's six digits and a recovery code (keyboard, label, hint). */
function codeMode(recovery) {
  recoveryCode = recovery;
  byId("code-hint").textContent = `Signing in as ${signingIn}: `
    + (recovery ? "enter one of the recovery codes you wrote down when you set up your app. Each works once."
      : "enter the 6-digit code your authenticator app shows for Keyhole.");
  codeInput.setAttribute("inputmode", recovery ? "text" : "numeric");
  codeInput.setAttribute("autocomplete", recovery ? "off" : "one-time-code");
  codeInput.placeholder = recovery ? "ABCD-EFGH-JKLM-NPQR" : "";
  byId("code-label").textContent = recovery ? "Recovery code" : "Code from your app";
  codeKind.textContent = recovery ? "Use a code from your app instead" : "Use a recovery code instead";
}

/** Shows the code step for the user whose password was right. */
function askForCode(user) {
  signingIn = user.name;
  codeMode(false);
  codeInput.disabled = false;
  codeInput.value = "";
  show("code");
}

codeKind.addEventListener("click", () => {
  codeMode(!recoveryCode);
  codeInput.value = "";
  codeInput.focus();
});

byId("code-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const code = readSignInCode(codeInput.value);
  if (!code) {
    say(recoveryCode ? "A recovery code has 16 letters and digits, like ABCD-EFGH-JKLM-NPQR."
      : "Enter the 6 digits your app shows (or use a recovery code).");
    codeInput.focus();
    return;
  }
  submitting(byId("code-submit"), async () => proceed(await submitCode(code)), async (e) => {
    if (e.status === 423) {
      codeInput.disabled = true; // no code can help now: an admin has to reset the second factor
      return true;
    }
    if (e.status === 401 && !(await sessionGone())) {
      codeInput.value = "";
      codeInput.focus();
    }
    return false;
  });
});

// ---- setting a passkey or TOTP up ----

const enrolCode = byId("enrol-code");
const enrolPasskey = byId("enrol-passkey");
enrolPasskey.hidden = Boolean(passkeyReason);
byId("enrol-or").hidden = Boolean(passkeyReason); // the app is then the one way, not one of two
passkeyNote(byId("enrol-passkey-hint"));
if (!passkeyReason) {
  byId("enrol-passkey-hint").hidden = false;
  byId("enrol-passkey-hint").textContent = "Your device keeps it and unlocks it with your fingerprint, face or PIN. "
    + "It then signs you in without a password.";
}

enrolPasskey.addEventListener("click", () => {
  submitting(enrolPasskey, async () => {
    const options = await startPasskeyRegistration();
    const credential = await createPasskey(options.publicKey);
    await proceed(await finishPasskeyRegistration(options.ceremony, credential));
  }, async (e) => {
    if (e.status === 401 || e.status === 410) await sessionGone();
  });
});

/** Asks the server for a new TOTP secret and shows it as a QR code, as text and as an otpauth: link. */
async function enrol() {
  wait("Making a key for your authenticator app…");
  let totp;
  try {
    totp = await startTotpEnrolment();
  } catch (e) {
    show("sign-in");
    say(`Could not start setting up your authenticator app: ${e.message} Sign in again to retry.`);
    return;
  }
  byId("enrol-qr").src = svgDataUrl(totp.qrCodeSvg);
  byId("enrol-secret").textContent = groupSecret(totp.secret);
  // On a phone the QR code is on the screen the app would scan: the link hands the key to the app instead.
  byId("enrol-open").href = totp.uri;
  enrolCode.value = "";
  show("enrol");
}

byId("enrol-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const code = readTotpCode(enrolCode.value);
  if (!code) {
    say("Enter the 6 digits your app shows for Keyhole now.");
    enrolCode.focus();
    return;
  }
  submitting(byId("enrol-submit"), async () => {
    const answer = await confirmTotp(code);
    showRecoveryCodes(answer.recoveryCodes);
  }, async (e) => {
    if (e.status === 401 && !(await sessionGone())) {
      enrolCode.value = "";
      enrolCode.focus();
    }
  });
});

// ---- the recovery codes, shown once ----

const recoveryList = byId("recovery-codes");
const copyButton = byId("recovery-copy");

/** Shows the recovery codes; the session is complete already, Continue goes on. */
function showRecoveryCodes(codes) {
  recoveryList.replaceChildren(...codes.map((code) => element("li", { text: code })));
  copyButton.hidden = !(navigator.clipboard && window.isSecureContext);
  show("recovery");
}

copyButton.addEventListener("click", async () => {
  const codes = [...recoveryList.children].map((li) => li.textContent).join("\n");
  try {
    await navigator.clipboard.writeText(codes + "\n");
    copyButton.textContent = "Copied";
  } catch (e) {
    say("Could not copy the codes: select them and copy them by hand.");
  }
});

byId("recovery-continue").addEventListener("click", () => done());

// ---- the first admin ----

const setupName = byId("setup-name");
const setupPassword = byId("setup-password");
const setupAgain = byId("setup-password-again");

byId("setup-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const name = setupName.value.trim();
  const password = setupPassword.value;
  // Characters as people count them (code points): never fewer than the server counts.
  const problem = !name ? [setupName, "Choose a name for the admin."]
    : [...password].length < MIN_PASSWORD_LENGTH
      ? [setupPassword, `The password needs at least ${MIN_PASSWORD_LENGTH} characters.`]
      : password !== setupAgain.value ? [setupAgain, "The two passwords differ: type the same password twice."]
        : null;
  if (problem) {
    say(problem[1]);
    problem[0].focus();
    return;
  }
  submitting(byId("setup-submit"), async () => {
    const answer = await setUpFirstAdmin(setupToken, name, password);
    setupToken = null;
    setupPassword.value = "";
    setupAgain.value = "";
    await proceed(answer);
  }, (e) => {
    if (e.status === 410) { // the link is spent: only signing in is left
      setupToken = null;
      show("sign-in");
    }
  });
});

// ---- someone else, links, and the start ----

startOver.addEventListener("click", async () => {
  startOver.disabled = true;
  try {
    await signOut();
  } catch (e) {
    // Signed out either way: a session that is gone cannot be ended twice.
  } finally {
    startOver.disabled = false;
  }
  say("");
  show("sign-in");
});

/** Takes a link's token from the fragment, and the fragment off the address bar (and history) before any use. */
function takeLinkToken() {
  const token = linkToken(location.hash);
  if (location.hash) history.replaceState(history.state, "", location.pathname + location.search);
  return token;
}

/** Redeems a link: signs in at once, or asks for the first admin (a setup link). */
async function useLink(token) {
  say("");
  wait("Checking your sign-in link…");
  try {
    const answer = await redeemLink(token);
    setupToken = answer.state === "setup" ? token : null;
    await proceed(answer);
  } catch (e) {
    show("sign-in");
    say(e.message);
  }
}

// A link opened in a tab that shows this page already changes the fragment only: no new page load.
window.addEventListener("hashchange", () => {
  const token = takeLinkToken();
  if (token) useLink(token);
});

async function start() {
  const token = takeLinkToken();
  if (shareLink) say("Sign in to open the console shared with you.");
  if (token) {
    await useLink(token);
    return;
  }
  let current;
  try {
    current = await fetchSession();
  } catch (e) {
    show("sign-in");
    say(`Could not ask the server whether you are signed in: ${e.message}`);
    return;
  }
  if (current) await proceed(current);
  else show("sign-in");
}

start();
