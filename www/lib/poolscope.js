// @ts-check
// poolscope for any page: this one script defines <worker-pool-playground>
// (and <pool-playground>, the same element) and loads its stylesheet.
//
//   <script type="module" src="https://example.org/poolscope/poolscope.js"></script>
//   <worker-pool-playground pool="3" jobs="12" autorun></worker-pool-playground>
//
// It also exports the pool API: `const { Pool } = await loadPoolscope();`,
// and the element's class (`PoolPlayground.define('my-tag')`).
export { loadPoolscope, chooseMode } from './api.js';
export { PoolPlayground } from './element.js';
import './define.js';
