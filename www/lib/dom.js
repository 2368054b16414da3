// @ts-check
// The DOM helpers: text goes in as text nodes, never as HTML.

/**
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Record<string, string | number | boolean | undefined>} [attributes]
 * @param {Array<Node | string>} children
 * @returns {HTMLElementTagNameMap[K]}
 */
export function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (value !== false && value !== undefined) node.setAttribute(key, value === true ? '' : String(value));
  }
  node.append(...children);
  return node;
}

/// The element a page is built around: a missing one is named at once
/// rather than failing later as "null has no property".
/**
 * @template {Element} [T=HTMLElement]
 * @param {string} selector
 * @param {ParentNode} [root]
 * @returns {T}
 */
export function required(selector, root = document) {
  const node = root.querySelector(selector);
  if (!node) throw new Error(`the page has no ${selector}`);
  return /** @type {T} */ (node);
}

/// What was thrown, for the page: an Error's message, else the value.
/** @param {unknown} error */
export const errorMessage = (error) => (error instanceof Error ? error.message : String(error));

/// The same with the Error's name first (the pool's errors are named
/// after its Rust error: `QueueFull`, `PoolStopped`...).
/** @param {unknown} error */
export const errorText = (error) => (error instanceof Error ? `${error.name}: ${error.message}` : String(error));
