// The pool for JS, without the element: `loadPoolscope()` loads the
// shared-memory build where the page is cross-origin isolated, else the
// message-passing fallback, and gives both the same `Pool`.
export { loadPoolscope, chooseMode, SHARED_MODE_FIX } from './api.js';
