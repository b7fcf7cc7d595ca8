/**
 * The notifications page (notifications.html, from the account menu's "Notifications…"): the signed-in user's
 * subscriptions — where each sends (an email address, an ntfy topic), through which channel, about which consoles —
 * with a button to remove each (pressed twice: the first press asks), and a form to add one: a channel of those
 * configured, the user's own address for it, and every console they may open or those they choose of the ones they
 * see now. With no channel configured (a fresh install) the page says so and offers no form.
 *
 * #notifications carries data-state = loading | ready | no-channels | adding | error; #notifications-message
 * (role="alert") says what went wrong; each subscription is an li[data-subscription=ID][data-available] of
 * #subscription-list; each console to choose an input[type=checkbox][value=NAME] of #console-choices.
 */
import { addSubscription, fetchSubscriptions, fetchTargets, removeSubscription } from "./api.js";
import { byId, element } from "./dom.js";
import { showAccount } from "./account.js";
import { goToSignInOn401 } from "./address.js";
import {
  EVERY_NOTICE, NO_CHANNELS, addressField, channelLabel, consolesText, formProblem, kindsText, suggestTopic,
} from "./subscriptions.js";

/** How long a remove button waits for its second press. */
const CONFIRM_MS = 5000;

const page = byId("notifications");
const message = byId("notifications-message");
const list = byId("subscription-list");
const form = byId("subscription-add");
const channelSelect = byId("subscription-channel");
const addressInput = byId("subscription-address");
const suggestButton = byId("subscription-suggest");
const addButton = byId("subscription-add-button");
const choices = byId("console-choices");
const added = byId("subscription-added");

/** The channels one may subscribe to, by name, as the server last listed them. */
let channels = new Map();
/** The signed-in user's name, for a suggested topic. */
let userName = "";

function state(value) {
  page.dataset.state = value;
  page.setAttribute("aria-busy", String(value === "loading" || value === "adding"));
}

function say(text) {
  message.textContent = text || "";
}

/** Shows the subscriptions, or that there are none (the section only where there is something to show). */
function render(subscriptions, offered) {
  list.replaceChildren(...subscriptions.map((subscription) => {
    const remove = element("button", { class: "button", type: "button", text: "Remove",
      "aria-label": `Remove the subscription to ${subscription.address}` });
    remove.addEventListener("click", () => removing(subscription, remove));
    const channel = channels.get(subscription.channel);
    const about = element("div", { class: "subscription-about" },
      element("span", { class: "subscription-address", text: subscription.address }),
      element("span", { class: "subscription-channel",
        text: channel ? channelLabel(channel) : subscription.channel }),
      element("span", { class: "subscription-consoles", text: consolesText(subscription.targets) }));
    if (kindsText(subscription.kinds) !== EVERY_NOTICE) {
      about.append(element("span", { class: "subscription-kinds", text: kindsText(subscription.kinds) }));
    }
    if (!subscription.available) {
      about.append(element("span", { class: "subscription-gone",
        text: "This channel is no longer configured: it tells you nothing until an admin adds it again." }));
    }
    return element("li", { class: "subscription-item", "data-subscription": subscription.id,
      "data-available": String(subscription.available !== false) }, about, remove);
  }));
  list.hidden = subscriptions.length === 0;
  byId("subscriptions-empty").hidden = subscriptions.length > 0;
  byId("subscriptions").hidden = !offered && subscriptions.length === 0;
}

/** The first press asks again; the second, within CONFIRM_MS, removes. */
async function removing(subscription, button) {
  if (!button.dataset.confirm) {
    button.dataset.confirm = "true";
    button.textContent = "Remove it?";
    setTimeout(() => {
      if (!button.isConnected || button.disabled) return;
      delete button.dataset.confirm;
      button.textContent = "Remove";
    }, CONFIRM_MS);
    return;
  }
  button.disabled = true;
  say("");
  added.textContent = "";
  try {
    await removeSubscription(subscription.id);
    await reload();
  } catch (e) {
    if (goToSignInOn401(e)) return;
    say(`Could not remove the subscription: ${e.message}`);
    button.disabled = false;
  }
}

/** The address field as the chosen channel's type wants it. */
function fitAddress() {
  const channel = channels.get(channelSelect.value);
  const type = channel ? channel.type : "email";
  const field = addressField(type);
  byId("subscription-address-label").textContent = field.label;
  if (addressInput.type !== field.type) addressInput.value = "";
  addressInput.type = field.type;
  addressInput.inputMode = field.inputMode;
  addressInput.autocomplete = field.autocomplete;
  addressInput.placeholder = field.placeholder;
  addressInput.maxLength = field.maxLength;
  byId("subscription-address-hint").textContent = field.hint;
  suggestButton.hidden = type !== "ntfy";
  const hint = byId("subscription-channel-hint");
  hint.textContent = channel && channel.description ? channel.description : "";
  hint.hidden = !hint.textContent;
}

/** The channels to choose from, keeping the one chosen when it is still there. */
function offerChannels(offered) {
  const chosen = channelSelect.value;
  channels = new Map(offered.map((channel) => [channel.name, channel]));
  channelSelect.replaceChildren(...offered.map((channel) => element("option", { value: channel.name,
    text: channelLabel(channel) })));
  if (channels.has(chosen)) channelSelect.value = chosen;
  fitAddress();
}

/** A checkbox per console the user may open now. */
function offerConsoles(targets) {
  choices.replaceChildren(...targets.map((target) => element("label", { class: "subscription-choice" },
    element("input", { type: "checkbox", name: "console", value: target.name }),
    element("span", {},
      element("span", { class: "console-title", text: target.title || target.name }),
      element("span", { class: "console-name", text: target.title && target.title !== target.name
        ? target.name : "" })))));
  byId("console-choices-empty").hidden = targets.length > 0;
}

function showChoices() {
  const some = byId("subscription-some").checked;
  choices.hidden = !some;
  byId("console-choices-empty").hidden = !some || choices.childElementCount > 0;
}

/** Reads the subscriptions and the channels again, and shows them. */
async function reload() {
  const { subscriptions, channels: offered } = await fetchSubscriptions();
  offerChannels(offered);
  render(subscriptions, offered.length > 0);
  form.hidden = offered.length === 0;
  byId("no-channels").hidden = offered.length > 0;
  byId("no-channels-text").textContent = NO_CHANNELS;
  state(offered.length > 0 ? "ready" : "no-channels");
}

async function load() {
  try {
    const [targets] = await Promise.all([fetchTargets().catch((e) => {
      if (e.status === 401) throw e;
      say(`Could not list the consoles to choose from: ${e.message}`);
      return [];
    }), reload()]);
    offerConsoles(targets);
    showChoices();
    byId("notifications-loading").hidden = true;
  } catch (e) {
    if (goToSignInOn401(e)) return;
    byId("notifications-loading").hidden = true;
    state("error");
    say(`Could not load your subscriptions: ${e.message} Reload the page to try again.`);
  }
}

channelSelect.addEventListener("change", fitAddress);
for (const radio of form.querySelectorAll("input[name=consoles]")) radio.addEventListener("change", showChoices);
suggestButton.addEventListener("click", () => {
  addressInput.value = suggestTopic(userName);
  addressInput.focus();
});

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  if (addButton.disabled) return;
  const every = byId("subscription-every").checked;
  const chosen = [...choices.querySelectorAll("input[type=checkbox]:checked")].map((box) => box.value);
  const terms = { channel: channelSelect.value, address: addressInput.value.trim(), every, chosen };
  const problem = formProblem(terms);
  added.textContent = "";
  if (problem) {
    say(problem);
    return;
  }
  addButton.disabled = true;
  say("");
  state("adding");
  try {
    const subscription = await addSubscription({ channel: terms.channel, address: terms.address,
      targets: every ? [] : chosen });
    addressInput.value = "";
    for (const box of choices.querySelectorAll("input[type=checkbox]")) box.checked = false;
    await reload();
    added.textContent = `Subscribed: ${subscription.address}, ${consolesText(subscription.targets).toLowerCase()}.`;
  } catch (e) {
    if (goToSignInOn401(e)) return;
    say(e.message);
    state("ready");
  } finally {
    addButton.disabled = false;
  }
});

showAccount().then((session) => {
  userName = session && session.user ? session.user.name : "";
});
load();
