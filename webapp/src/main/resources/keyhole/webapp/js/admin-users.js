/**
 * The admin pages' Users section (admin.html's #admin-users, js/admin.js): every user in a table (stacked cards on
 * a phone) with their role, consoles, second factors and status; "Add a user" (#user-add-dialog); and "Manage…" on
 * each, which opens #user-dialog: their role and consoles, Disable or Enable, Reset second factor, a one-time
 * sign-in link (shown there once), Remove. Resetting and removing ask first (confirm.js). What `keyhole-server user`
 * does on the command line, the server does the same way here.
 *
 * Each user is a tr[data-user=NAME][data-user-id=ID][data-disabled] of #user-rows; #admin-users carries data-state
 * = loading | ready | error; #users-message says what went wrong, #users-done what was done.
 */
import { addUser, changeUser, fetchAdminUsers, issueUserLink, userAction } from "./api.js";
import { byId, element } from "./dom.js";
import { clockTime } from "./share.js";

const ROLE_NAMES = { admin: "Admin", operator: "Operator", viewer: "Viewer" };

/**
 * The target patterns typed into a Consoles field.
 *
 * @param {string} text e.g. "web-*, db-1"; empty, or "*" alone, for every console
 * @returns {string[]} the patterns, trimmed, without empty ones; [] for every console
 */
export function patternsFrom(text) {
  const patterns = String(text ?? "").split(",").map((p) => p.trim()).filter((p) => p.length > 0);
  return patterns.length === 1 && patterns[0] === "*" ? [] : patterns;
}

/** "Every console", or the patterns: "web-*, db-1". */
export function consolesText(targets) {
  return targets.length === 0 ? "Every console" : targets.join(", ");
}

/**
 * A user's second factors in words: "Passkey", "2 passkeys · authenticator app", "None", with " · locked" when too
 * many wrong codes locked them.
 *
 * @param {{kinds: string[], passkeys: number, locked: boolean}} factors the user's secondFactors
 * @returns {string} the words
 */
export function factorsText(factors) {
  const parts = [];
  if (factors.kinds.includes("passkey")) {
    parts.push(factors.passkeys > 1 ? `${factors.passkeys} passkeys` : "Passkey");
  }
  if (factors.kinds.includes("totp")) parts.push(parts.length > 0 ? "authenticator app" : "Authenticator app");
  if (parts.length === 0) parts.push("None");
  if (factors.locked) parts.push("locked");
  return parts.join(" · ");
}

/**
 * What is wrong with a new password and its repetition, as far as the page can tell (the server checks again).
 *
 * @param {string} password the password
 * @param {string} again the same, typed again
 * @returns {string|null} why it cannot be used; null when it can
 */
export function passwordProblem(password, again) {
  if (String(password ?? "").length < 12) return "A password has at least 12 characters.";
  if (password !== again) return "The two passwords differ.";
  return null;
}

/**
 * A user's name as nodes with a line-break opportunity after each "@" and ".", so that a long name
 * (maximilian.longname@example.org) wraps at one of them on a phone rather than mid-word.
 *
 * @param {string} name the name
 * @returns {(string|HTMLElement)[]} text and <wbr> elements, to append
 */
export function breakableName(name) {
  return String(name).split(/(?<=[@.])/).flatMap((part, i) => (i === 0 ? [part] : [element("wbr"), part]));
}

/** "12 May 2031". */
function day(iso) {
  return new Date(iso).toLocaleDateString(undefined, { day: "numeric", month: "short", year: "numeric" });
}

/**
 * A table cell that a phone shows as "LABEL value" in the user's card: its content in one element, the second
 * column of the card's grid.
 */
function cell(label, ...content) {
  return element("td", { "data-label": label }, element("span", {}, ...content));
}

/** The Users section; see the module's comment. */
class UsersSection {
  id = "users";

  /** @type {import("./api.js").AdminUser[]} */
  users = [];

  /** The user #user-dialog shows; null while it is closed. */
  managed = null;

  /** Wires the section's controls, once. */
  wire(root, page) {
    this.root = root;
    this.page = page;
    this.rows = byId("user-rows");
    this.message = byId("users-message");
    this.done = byId("users-done");
    this.addDialog = byId("user-add-dialog");
    this.dialog = byId("user-dialog");
    for (const dialog of [this.addDialog, this.dialog]) {
      for (const close of dialog.querySelectorAll("[data-close]")) {
        close.addEventListener("click", () => dialog.close());
      }
    }
    byId("user-add-button").addEventListener("click", () => this.openAdd());
    byId("user-add-form").addEventListener("submit", (event) => {
      event.preventDefault();
      this.add();
    });
    byId("user-change-form").addEventListener("submit", (event) => {
      event.preventDefault();
      this.change();
    });
    byId("user-disable").addEventListener("click", () => this.act("disable"));
    byId("user-enable").addEventListener("click", () => this.act("enable"));
    byId("user-reset").addEventListener("click", () => this.act("reset-second-factor"));
    byId("user-remove").addEventListener("click", () => this.act("remove"));
    byId("user-link").addEventListener("click", () => this.link());
    byId("user-link-copy").addEventListener("click", () => this.copyLink());
    // The link is shown only while the dialog is open: closing it forgets it.
    this.dialog.addEventListener("close", () => {
      this.managed = null;
      this.forgetLink();
    });
  }

  show(root, page) {
    if (!this.root) this.wire(root, page);
    this.state("loading");
    this.load();
  }

  hide() {
    if (this.dialog.open) this.dialog.close();
    if (this.addDialog.open) this.addDialog.close();
  }

  state(value) {
    this.root.dataset.state = value;
  }

  /** Reads the users again and draws them; keeps #user-dialog's user up to date. */
  async load() {
    try {
      this.users = await fetchAdminUsers();
    } catch (e) {
      if (this.page.failed(e)) return;
      this.message.textContent = `Could not read the users: ${e.message}`;
      this.state("error");
      return;
    }
    this.message.textContent = "";
    this.rows.replaceChildren(...this.users.map((user) => this.row(user)));
    if (this.managed) {
      const now = this.users.find((u) => u.id === this.managed.id);
      if (now) this.fillDialog(now);
      else this.dialog.close();
    }
    this.state("ready");
  }

  row(user) {
    const name = element("td", { class: "card-title" },
      element("span", { class: "user-name" }, ...breakableName(user.name)));
    if (user.you) name.append(" ", element("span", { class: "badge", text: "you" }));
    const status = cell("Status", element("span", { class: user.disabled ? "status bad" : "status ok",
      text: user.disabled ? "Disabled" : "Enabled" }));
    if (user.sessions > 0) {
      status.firstChild.append(element("span", { class: "muted small nowrap",
        text: ` · ${user.sessions} session${user.sessions === 1 ? "" : "s"}` }));
    }
    const manage = element("button", { class: "button", type: "button", text: "Manage…",
      "aria-label": `Manage ${user.name}`, "aria-haspopup": "dialog" });
    manage.addEventListener("click", () => this.openManage(user));
    return element("tr", { "data-user": user.name, "data-user-id": user.id,
      ...(user.disabled ? { "data-disabled": "" } : {}) },
    name,
    cell("Role", ROLE_NAMES[user.role] || user.role),
    cell("Consoles", element("span", { class: user.targets.length ? "mono" : "", text: consolesText(user.targets) })),
    cell("Second factor", factorsText(user.secondFactors)),
    status,
    cell("Added", element("span", { class: "nowrap", text: day(user.createdAt) })),
    element("td", { class: "row-actions" }, manage));
  }

  // --- adding --------------------------------------------------------------------------------------------------

  openAdd() {
    this.done.textContent = "";
    byId("user-add-form").reset();
    byId("user-add-message").textContent = "";
    this.addDialog.showModal();
    byId("user-add-name").focus();
  }

  async add() {
    const say = byId("user-add-message");
    const password = byId("user-add-password").value;
    const problem = passwordProblem(password, byId("user-add-password-again").value);
    if (problem) {
      say.textContent = problem;
      return;
    }
    const submit = byId("user-add-submit");
    submit.disabled = true;
    say.textContent = "";
    try {
      const user = await addUser({ name: byId("user-add-name").value.trim(), role: byId("user-add-role").value,
        targets: patternsFrom(byId("user-add-targets").value), password });
      byId("user-add-form").reset();
      this.addDialog.close();
      this.done.textContent = `Added ${user.name} (${ROLE_NAMES[user.role] || user.role}).`;
      await this.load();
    } catch (e) {
      if (this.page.failed(e)) return;
      say.textContent = e.message;
    } finally {
      submit.disabled = false;
    }
  }

  // --- one user ------------------------------------------------------------------------------------------------

  openManage(user) {
    this.done.textContent = "";
    this.managed = user;
    byId("user-dialog-message").textContent = "";
    byId("user-dialog-done").textContent = "";
    this.forgetLink();
    this.fillDialog(user);
    this.dialog.showModal();
  }

  /** Shows a user in #user-dialog: their terms, and only the actions that make sense for them. */
  fillDialog(user) {
    this.managed = user;
    this.dialog.dataset.user = user.name;
    byId("user-dialog-title").textContent = user.name;
    byId("user-dialog-summary").textContent = [ROLE_NAMES[user.role] || user.role, consolesText(user.targets),
      `second factor: ${factorsText(user.secondFactors).toLowerCase()}`, user.disabled ? "disabled" : "enabled"]
      .join(" · ");
    byId("user-change-role").value = user.role;
    byId("user-change-targets").value = user.targets.join(", ");
    byId("user-disable").hidden = user.disabled;
    byId("user-enable").hidden = !user.disabled;
    byId("user-link").hidden = user.disabled;
    // What an admin cannot do to themselves, the server refuses; the page does not offer it.
    for (const id of ["user-disable", "user-reset", "user-remove"]) byId(id).disabled = user.you;
    if (user.you) byId("user-disable").title = "Another admin can disable you; you cannot";
  }

  async change() {
    const user = this.managed;
    if (!user) return;
    await this.busy(async () => {
      const { sessionsEnded } = await changeUser(user.id, { role: byId("user-change-role").value,
        targets: patternsFrom(byId("user-change-targets").value) });
      return sessionsEnded > 0 ? `Saved. ${user.name} was signed out (${sessionsEnded} session`
        + `${sessionsEnded === 1 ? "" : "s"}) and signs in again under the new terms.` : "Saved.";
    });
  }

  /** Disables, enables, resets the second factor of, or removes the user #user-dialog shows. */
  async act(action) {
    const user = this.managed;
    if (!user) return;
    if (action === "remove" && !(await this.page.confirm({ title: `Remove ${user.name}?`,
      text: `${user.name} can no longer sign in; their sessions end and their share links stop working. `
        + "This cannot be undone.", yes: `Remove ${user.name}` }))) return;
    if (action === "reset-second-factor" && !(await this.page.confirm({
      title: `Reset ${user.name}'s second factor?`,
      text: "Their passkeys, authenticator app and recovery codes are forgotten and they are signed out "
        + "everywhere; they set up a new second factor at their next sign-in.", yes: "Reset it" }))) return;
    await this.busy(async () => {
      await userAction(user.id, action);
      if (action === "remove") {
        this.dialog.close();
        this.done.textContent = `Removed ${user.name}.`;
        return null;
      }
      return { disable: `Disabled ${user.name}: they were signed out everywhere.`, enable: `Enabled ${user.name}.`,
        "reset-second-factor": `Reset ${user.name}'s second factor: they set up a new one at their next sign-in.` }[
        action];
    });
  }

  /**
   * Runs one of #user-dialog's actions with its buttons disabled, then reads the users again.
   *
   * @param {function(): Promise<string|null>} work does it; answers what to say it did
   */
  async busy(work) {
    const controls = this.dialog.querySelectorAll("button:not([data-close]), select, input");
    const wasDisabled = [...controls].map((c) => c.disabled);
    controls.forEach((c) => { c.disabled = true; });
    byId("user-dialog-message").textContent = "";
    byId("user-dialog-done").textContent = "";
    try {
      const said = await work();
      if (said) byId("user-dialog-done").textContent = said;
    } catch (e) {
      if (this.page.failed(e)) return;
      byId("user-dialog-message").textContent = e.message;
    } finally {
      controls.forEach((c, i) => { c.disabled = wasDisabled[i]; });
    }
    await this.load();
  }

  // --- the one-time sign-in link -------------------------------------------------------------------------------

  async link() {
    const user = this.managed;
    if (!user) return;
    await this.busy(async () => {
      const made = await issueUserLink(user.id);
      byId("user-link-url").value = made.url;
      byId("user-link-note").textContent = `It signs ${user.name} in once, without password or second factor, `
        + `until ${clockTime(made.expiresAt)}. Hand it only to them, by a channel you trust.`;
      byId("user-link-box").hidden = false;
      return null;
    });
    byId("user-link-url").select();
  }

  async copyLink() {
    const field = byId("user-link-url");
    field.focus();
    field.select();
    try {
      await navigator.clipboard.writeText(field.value);
      byId("user-link-note").textContent = "Copied.";
    } catch (e) {
      byId("user-link-note").textContent = "The link is selected: press Ctrl-C (⌘-C) to copy it.";
    }
  }

  forgetLink() {
    byId("user-link-url").value = "";
    byId("user-link-note").textContent = "";
    byId("user-link-box").hidden = true;
  }
}

/** The section js/admin.js shows as "Users". */
export const usersSection = new UsersSection();
