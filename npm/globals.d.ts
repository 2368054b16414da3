// The one part of the package's types written by hand: what JSDoc cannot
// declare, the element's tags and events on the DOM's own maps. The rest
// (index.d.ts, poolscope.d.ts, watch.d.ts, ...) is generated from the
// modules' JSDoc by tsc (scripts/package.sh), and poolscope.d.ts refers here.
import type { PoolPlayground, PoolscopeJobDetail, PoolscopeJobProgressDetail, PoolscopeRunDetail, PoolscopeStateDetail } from './element.js';

declare global {
  interface HTMLElementTagNameMap {
    'worker-pool-playground': PoolPlayground;
    /** An alias of `worker-pool-playground` (define.js). */
    'pool-playground': PoolPlayground;
  }
  interface HTMLElementEventMap {
    'poolscope-state': CustomEvent<PoolscopeStateDetail>;
    'poolscope-job': CustomEvent<PoolscopeJobDetail>;
    'poolscope-job-progress': CustomEvent<PoolscopeJobProgressDetail>;
    'poolscope-run': CustomEvent<PoolscopeRunDetail>;
  }
}
