// @ts-check
// The playground element's attributes as properties, the base class of
// element.js's PoolPlayground: each setting of settings.js's RULES, and
// `autorun`, `layout`, `theme`. Setting a property sets its attribute
// (which the element observes, and acts on); reading one gives the
// attribute's checked value, or the default while the attribute is absent
// or refused. Each property has its JSDoc type: the npm package's types
// are generated from it (tsc --declaration). A unit test checks that every
// rule of settings.js has its property here, and is observed.

import { DEFAULTS, RULES, checkSetting, formatSetting } from './settings.js';

/** The attributes of `<worker-pool-playground>` as typed properties (PoolPlayground's base class). */
export class PlaygroundProperties extends HTMLElement {
  /** Workers, 1 to 64; set while a run goes, it resizes the pool. @returns {number} */
  get pool() { return this.#setting('pool'); }
  set pool(value) { this.#reflect('pool', value); }

  /** Jobs of a synthetic run, 1 to 200,000. @returns {number} */
  get jobs() { return this.#setting('jobs'); }
  set jobs(value) { this.#reflect('jobs', value); }

  /** What a synthetic job does: busy work, or a wait like I/O. @returns {'cpu' | 'sleep'} */
  get kind() { return this.#setting('kind'); }
  set kind(value) { this.#reflect('kind', value); }

  /** Ms per job, 0 to 10,000. @returns {number} */
  get cost() { return this.#setting('cost'); }
  set cost(value) { this.#reflect('cost', value); }

  /** How the costs are spread. @returns {'equal' | 'random' | 'heavy' | 'increasing'} */
  get dist() { return this.#setting('dist'); }
  set dist(value) { this.#reflect('dist', value); }

  /** The seed of the costs, 0 to 4294967295. @returns {number} */
  get seed() { return this.#setting('seed'); }
  set seed(value) { this.#reflect('seed', value); }

  /** Jobs that panic (`fail="3,7"`). @returns {number[]} */
  get fail() { return this.#setting('fail'); }
  set fail(value) { this.#reflect('fail', value); }

  /** Job timeout in ms, 0 (none) to 60,000. @returns {number} */
  get timeout() { return this.#setting('timeout'); }
  set timeout(value) { this.#reflect('timeout', value); }

  /** Queue capacity, 0 (unbounded) to 200,000. @returns {number} */
  get capacity() { return this.#setting('capacity'); }
  set capacity(value) { this.#reflect('capacity', value); }

  /** How the jobs reach the workers (www/lib/strategies/). @returns {import('./strategies/index.js').StrategyName} */
  get strategy() { return this.#setting('strategy'); }
  set strategy(value) { this.#reflect('strategy', value); }

  /** Which build runs: `auto` picks shared memory where the page allows it. @returns {'auto' | 'shared' | 'fallback'} */
  get mode() { return this.#setting('mode'); }
  set mode(value) { this.#reflect('mode', value); }

  /** What the jobs compute (`js`: the synthetic jobs as JS jobs; `code`: a job the author or reader wrote). @returns {'synthetic' | 'js' | 'code' | 'mandelbrot' | 'primes'} */
  get work() { return this.#setting('work'); }
  set work(value) { this.#reflect('work', value); }

  /** The Mandelbrot's view. @returns {'full' | 'seahorse' | 'spiral'} */
  get view() { return this.#setting('view'); }
  set view(value) { this.#reflect('view', value); }

  /** The Mandelbrot's size in px. @returns {'512x384' | '768x512' | '1024x768'} */
  get size() { return this.#setting('size'); }
  set size(value) { this.#reflect('size', value); }

  /** The Mandelbrot's tile side, 8 to 256 px. @returns {number} */
  get tile() { return this.#setting('tile'); }
  set tile(value) { this.#reflect('tile', value); }

  /** Primes below this, 1 to 20,000,000. @returns {number} */
  get limit() { return this.#setting('limit'); }
  set limit(value) { this.#reflect('limit', value); }

  /** Numbers per range of primes, 1,000 to 10,000,000. @returns {number} */
  get chunk() { return this.#setting('chunk'); }
  set chunk(value) { this.#reflect('chunk', value); }

  /** The checked value of setting `name`'s attribute, or its default. @param {keyof typeof RULES} name */
  #setting(name) {
    const text = this.getAttribute(name);
    const checked = text === null ? null : checkSetting(name, text);
    return checked && !checked.problem ? checked.value : DEFAULTS[name];
  }

  /** @param {keyof typeof RULES} name @param {unknown} value */
  #reflect(name, value) {
    this.setAttribute(name, Array.isArray(value) ? formatSetting(name, value) : String(value));
  }

  /// `autorun`, mirrored: set, the element runs once it scrolls into view
  /// (read when it is added to the page).
  get autorun() {
    return this.hasAttribute('autorun');
  }

  set autorun(on) {
    this.toggleAttribute('autorun', Boolean(on));
  }

  /// `layout` (log | timeline | compact | full), mirrored.
  get layout() {
    return this.getAttribute('layout') ?? 'compact';
  }

  set layout(layout) {
    this.setAttribute('layout', String(layout));
  }

  /// `theme` (light | dark | auto), mirrored.
  get theme() {
    return this.getAttribute('theme') ?? 'auto';
  }

  set theme(theme) {
    this.setAttribute('theme', String(theme));
  }

  /// `job-src`, mirrored: a module of the page's site whose `job(n,
  /// context)` the element runs as its jobs (it implies `work="code"`;
  /// read when the element is added to the page).
  get jobSrc() {
    return this.getAttribute('job-src');
  }

  set jobSrc(url) {
    if (url === null) this.removeAttribute('job-src');
    else this.setAttribute('job-src', String(url));
  }

  /// `editable`, mirrored: the element shows its job's code in an editor,
  /// and runs it as edited (read when the element is added to the page).
  get editable() {
    return this.hasAttribute('editable');
  }

  set editable(on) {
    this.toggleAttribute('editable', Boolean(on));
  }

  /// Properties a page set on the element before it was defined (a
  /// framework, or `Object.assign(document.createElement(tag), ...)` before
  /// the module loaded) are plain fields that hide the setters: they are
  /// moved onto the attributes once the element is upgraded.
  upgradeProperties() {
    for (const name of [...Object.keys(RULES), 'autorun', 'layout', 'theme', 'jobSrc', 'editable']) {
      if (!Object.prototype.hasOwnProperty.call(this, name)) continue;
      const value = /** @type {any} */ (this)[name];
      delete (/** @type {any} */ (this))[name];
      /** @type {any} */ (this)[name] = value;
    }
  }

  static get observedAttributes() {
    return [...Object.keys(RULES), 'layout', 'theme'];
  }
}
