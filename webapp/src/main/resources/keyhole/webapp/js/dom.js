/**
 * Tiny DOM helpers shared by the pages. Text always goes in through
 * textContent, never innerHTML, so names from the server cannot inject markup.
 */

/**
 * Creates an element.
 *
 * @param {string} tag the tag name
 * @param {Object<string, string>} [attributes] attributes to set; "text" sets textContent
 * @param {...Node} children nodes to append
 * @returns {HTMLElement} the new element
 */
export function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (key === "text") node.textContent = value;
    else node.setAttribute(key, value);
  }
  node.append(...children);
  return node;
}

/**
 * Returns the element with the given id, failing loudly when the page lacks it
 * (a missing id is a bug in the HTML, better seen at once than as a null later).
 *
 * @param {string} id the element id
 * @returns {HTMLElement} the element
 */
export function byId(id) {
  const node = document.getElementById(id);
  if (!node) throw new Error(`The page has no element #${id}`);
  return node;
}
