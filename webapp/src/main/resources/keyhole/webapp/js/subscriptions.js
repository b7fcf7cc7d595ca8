/**
 * What the notifications page (notifications.html, js/notifications.js) says of subscriptions, and what it asks for
 * each kind of channel: words and field settings only, no DOM, so that node's tests read them as the page does.
 */

/** What a subscription to every console says: the server checks, at each notice, which the user may open. */
export const EVERY_CONSOLE = "Every console you may open";

/** What a subscription to every kind of notice says. */
export const EVERY_NOTICE = "Every notice";

/** What a page with no channel to subscribe to says (the server's Subscriptions.NO_CHANNELS). */
export const NO_CHANNELS = "No notification channels are configured: ask an admin.";

/** Each kind of notice in words (the server's Subscription.NOTICE_KINDS). */
export const NOTICE_NAMES = {
  "waiting-for-passphrase": "waits for its passphrase",
  "wrong-passphrase": "a wrong passphrase",
  reminder: "still waiting (reminders)",
  resolved: "no longer waiting",
  "vm-aborted": "its VM stopped unexpectedly",
  "vm-restarted": "its VM was started again",
  "vm-restart-failed": "its VM could not be started again",
};

/** Each channel type's name. */
const TYPE_NAMES = { email: "Email", ntfy: "ntfy" };

/**
 * @param {string[]} targets console names or patterns; none: every console
 * @returns {string} "Every console you may open", or "web-*, db-1"
 */
export function consolesText(targets) {
  return !Array.isArray(targets) || targets.length === 0 ? EVERY_CONSOLE : targets.join(", ");
}

/**
 * @param {string[]} kinds kinds of notice; none: every kind
 * @returns {string} "Every notice", or "waits for its passphrase, no longer waiting" (an unknown kind by its id)
 */
export function kindsText(kinds) {
  if (!Array.isArray(kinds) || kinds.length === 0) return EVERY_NOTICE;
  return kinds.map((kind) => (Object.hasOwn(NOTICE_NAMES, kind) ? NOTICE_NAMES[kind] : String(kind))).join(", ");
}

/**
 * @param {string} type a channel's type
 * @returns {string} "Email", "ntfy"; another type as it is
 */
export function typeName(type) {
  return Object.hasOwn(TYPE_NAMES, type) ? TYPE_NAMES[type] : String(type || "?");
}

/**
 * How a channel appears in the form's choice: "team-mail (Email)".
 *
 * @param {import("./api.js").NotificationChannel} channel the channel
 * @returns {string} the words
 */
export function channelLabel(channel) {
  return `${channel.name} (${typeName(channel.type)})`;
}

/**
 * The address field for a kind of channel: its label, input type, keyboard, autocomplete, example and hint.
 *
 * @param {string} type "email" or "ntfy"
 * @returns {{label: string, type: string, inputMode: string, autocomplete: string, placeholder: string,
 *     maxLength: number, hint: string}} the field's settings
 */
export function addressField(type) {
  if (type === "ntfy") {
    return { label: "Your ntfy topic", type: "text", inputMode: "text", autocomplete: "off",
      placeholder: "keyhole-you-7f3k", maxLength: 64,
      hint: "The topic alone (letters, digits, - and _): subscribe to it in the ntfy app, on this channel's server. "
        + "Whoever knows a topic can read it: choose one hard to guess." };
  }
  return { label: "Your email address", type: "email", inputMode: "email", autocomplete: "email",
    placeholder: "you@example.org", maxLength: 254, hint: "One address, without a name." };
}

/** Base32's letters without the ones that look alike: what a suggested topic is made of. */
const TOPIC_LETTERS = "abcdefghjkmnpqrstuvwxyz23456789";

/**
 * A topic hard to guess, for a user who has none yet: "keyhole-olga-" and 12 random letters and digits.
 *
 * @param {string} userName the user's name (its letters and digits go in, to tell topics apart)
 * @param {(bytes: Uint8Array) => Uint8Array} [random] fills bytes with random values (crypto.getRandomValues)
 * @returns {string} a topic of at most 64 characters ([A-Za-z0-9_-])
 */
export function suggestTopic(userName, random = (bytes) => globalThis.crypto.getRandomValues(bytes)) {
  const name = String(userName ?? "").toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "")
    .slice(0, 32);
  const bytes = random(new Uint8Array(12));
  const tail = Array.from(bytes, (b) => TOPIC_LETTERS[b % TOPIC_LETTERS.length]).join("");
  return ["keyhole", name, tail].filter((part) => part !== "").join("-");
}

/**
 * What is missing from the form before it is sent (the server checks the rest, and says so in its own words).
 *
 * @param {{channel: string, address: string, every: boolean, chosen: string[]}} form what the form holds
 * @returns {string} a sentence; "" when it can be sent
 */
export function formProblem(form) {
  if (!form.channel) return "Choose a channel.";
  if (!String(form.address ?? "").trim()) return "Give the address to send to.";
  if (!form.every && (!Array.isArray(form.chosen) || form.chosen.length === 0)) {
    return "Choose at least one console, or every console.";
  }
  return "";
}
