/**
 * The question a page asks before an action it cannot take back (remove a user, end someone's session): a modal
 * <dialog> like the console page's Ctrl-Alt-Del question, with Cancel focused first. The page holds one such
 * dialog (admin.html's #admin-confirm):
 *   dialog > form[method=dialog] > h2 (the title), p (the text), button[value=cancel], button[value=yes]
 */

/**
 * Asks, and waits for the answer.
 *
 * @param {HTMLDialogElement} dialog the page's question dialog
 * @param {{title: string, text: string, yes: string}} question what to ask, and the confirming button's words
 *     ("Remove alice")
 * @returns {Promise<boolean>} true when the person pressed the confirming button; false for Cancel or Escape
 */
export function askToConfirm(dialog, { title, text, yes }) {
  dialog.querySelector("h2").textContent = title;
  dialog.querySelector("p").textContent = text;
  dialog.querySelector("button[value=yes]").textContent = yes;
  dialog.returnValue = "";
  return new Promise((resolve) => {
    dialog.addEventListener("close", () => resolve(dialog.returnValue === "yes"), { once: true });
    dialog.showModal();
  });
}
