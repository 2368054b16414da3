// @ts-check
// Defines the playground element, once: <worker-pool-playground>, its tag,
// and <pool-playground>, an alias kept for the pages and embeds written
// with it. Loaded twice (two copies of the script on a page, or a page
// that imports both poolscope.js and this), it leaves the first
// definitions in place (`PoolPlayground.define` checks `customElements.get`).
import { PoolPlayground, TAG } from './element.js';

PoolPlayground.define(TAG);
PoolPlayground.define('pool-playground');
