// @ts-check
// The playground element's class, <worker-pool-playground>: the controls,
// the run and its views, in an open shadow root (playground.css,
// stylesheet.js): the host page's styles don't reach in, and the element's
// don't leak out. Importing this module defines nothing: `define.js` (or
// poolscope.js, which imports it) does, or `PoolPlayground.define(tag)`.
// Its contract with docs pages and tests:
// `data-state` on the element is idle | running | done | error, and the log
// (role="log", inside the shadow root) holds one line per finished job,
// "Job 3 is done by worker 2". Events (bubbling, composed):
// `poolscope-state` { state }, `poolscope-job` { job, worker, label,
// queuedMs, startedMs, finishedMs, outcome } for each finished job, and
// `poolscope-run` { summary } when a run ends.
// This module is the element's behaviour: a run's life, what it draws and
// the events it sends. Its properties are its base class's
// (element-properties.js); it builds its parts with element-parts.js,
// keeps its form and settings in step with controls.js, and words a run
// with run-summary.js.

import { element, errorMessage } from './dom.js';
import { SHARED_MODE_FIX, chooseMode, loadPoolscope } from './api.js';
import { MAX_POOL, isRealWorkload, jobCount, layoutProblem, queryFromSettings, runWorkers, settingsFromAttributes, settingsFromQuery } from './settings.js';
import { PlaygroundProperties } from './element-properties.js';
import { readControls, setControl, showWorkControls } from './controls.js';
import { buildParts, fillJobTable } from './element-parts.js';
import { comparedText, endedText, jobEventDetail, progressLine, resizedText, runningText, summaryData } from './run-summary.js';
import { CompareView, summarize } from './compare.js';
import { STRATEGY_LIST, strategyProblem } from './strategies/index.js';
import { reserveWorkers } from './budget.js';
import { Run } from './run.js';
import { CodeSession } from './code-session.js';
import { LogView, jobDetails } from './log.js';
import { ResultView } from './result-view.js';
import { Timeline } from './timeline.js';
import { Stats } from './stats.js';
import { chromeTrace, downloadTrace, poolTrace } from './trace.js';
import { THEMES, resolveTheme, watchPageTheme } from './theme.js';
import { style } from './stylesheet.js';

const STATS_INTERVAL_MS = 100;

let instances = 0;

/// The element's one tag; `pool-playground` is its alias (define.js), kept
/// for the pages and embeds that use it.
export const TAG = 'worker-pool-playground';

// The events' details, for the npm types (globals.d.ts puts them on the DOM's event map).
/** @typedef {{ state: 'idle' | 'running' | 'done' | 'error' }} PoolscopeStateDetail `poolscope-state`: on each change of `data-state` */
/**
 * `poolscope-job`: one per finished job (cancelled ones too); times in ms on the pool's clock.
 * @typedef {{ job: number, worker: number, label: string | null, queuedMs: number, startedMs: number, finishedMs: number,
 *   outcome: 'completed' | 'failed' | 'timed out' | 'cancelled' }} PoolscopeJobDetail
 */
/**
 * `poolscope-job-progress`: a running job said how far it got (a JS job's
 * `context.progress(value)`, a closure's `poolscope::progress(fraction)`);
 * one per change, as the views see it (at most once a frame).
 * @typedef {{ job: number, worker: number, progress: unknown }} PoolscopeJobProgressDetail
 */
/**
 * `poolscope-run`: when a run ends.
 * @typedef {{ summary: { strategy: string, work: string, workers: number, jobs: number, ran: number, completed: number,
 *   failed: number, cancelled: number, duplicates: number, missing: number, wallMs: number, speedup: number | null,
 *   stopped: boolean, resultMatches: boolean | null } }} PoolscopeRunDetail
 */

/**
 * `<worker-pool-playground sync-url>` (the playground page) takes its
 * settings from the URL and keeps the URL in step; without `sync-url`
 * (embedded in a page, several at once) it takes them from its attributes,
 * and `autorun` starts it once it scrolls into view.
 *
 * Properties mirror the attributes: `pool`, `jobs`, `kind`, `cost`, `dist`,
 * `seed`, `fail`, `timeout`, `capacity`, `strategy`, `mode`, `work`,
 * `view`, `size`, `tile`, `limit`, `chunk`, `layout`, `theme`, `autorun`.
 * Methods: `start()`, `stop()`, `compare()`, `resize(size)`, `exportTrace()`.
 */
export class PoolPlayground extends PlaygroundProperties {
  /**
   * Defines the element under `tag` in `registry`, once: a tag already
   * defined (this module loaded twice, or another element of that name)
   * is left as it is. A second tag gets a subclass of its own, since a
   * class can be defined only once per registry.
   * @param {string} [tag]
   * @param {CustomElementRegistry} [registry]
   * @returns {CustomElementConstructor} the class defined under `tag`
   */
  static define(tag = TAG, registry = customElements) {
    const defined = registry.get(tag);
    if (defined) return defined;
    try {
      registry.define(tag, this);
    } catch {
      registry.define(tag, class extends this {}); // this class has a tag already
    }
    return /** @type {CustomElementConstructor} */ (registry.get(tag));
  }

  // Made in connectedCallback (a custom element's constructor may not touch
  // its attributes or children), declared here for their types.
  /** @type {import('./settings.js').Settings} */ settings;
  /** @type {ReturnType<typeof chooseMode>} */ modeChoice;
  /** @type {Run | null} */ run;
  /** @type {import('./controls.js').Controls} */ inputs;
  /** @type {Record<string, HTMLElement>} */ fields;
  /** @type {Timeline} */ timeline;
  /** @type {Stats} */ stats;
  /** @type {CompareView} */ compareView;
  /** @type {ResultView} */ result;
  /** @type {LogView} */ logView;
  /** @type {IntersectionObserver | undefined} */ seen;
  /** @type {Record<string, string>} */ refused = {}; // per menu, a value it could not show
  /** @type {HTMLDivElement} */ container;
  /** @type {HTMLParagraphElement} */ status;
  /** @type {HTMLParagraphElement} */ modeNotice;
  /** @type {HTMLParagraphElement} */ barDetails;
  /** @type {HTMLParagraphElement} */ announcer;
  /** @type {HTMLUListElement} */ problems;
  /** @type {HTMLCanvasElement} */ canvas;
  /** @type {HTMLTableElement} */ jobTable;
  /** @type {HTMLProgressElement} */ progress;
  /** @type {HTMLElement} */ compareSection;
  /** @type {HTMLButtonElement} */ runButton;
  /** @type {HTMLButtonElement} */ stopButton;
  /** @type {HTMLButtonElement} */ compareButton;
  /** @type {HTMLButtonElement} */ exportButton;
  /** @type {HTMLButtonElement} */ linkButton;
  /** @type {(() => void) | undefined} */ releaseWorkers;
  /** @type {(() => void) | null | undefined} */ stopWatchingTheme;
  /** @type {HTMLDivElement} */ codeSlot;
  /** @type {CodeSession} `work=code`: the author's job, the code panel, the code in links */ code;
  idPrefix = '';
  syncUrl = false;
  comparing = false;
  lastSignature = '';
  /** @type {Map<number, unknown>} each running job's progress as last told to the page */
  progressSaid = new Map();
  statsShownAt = 0;
  announcedAt = 0;

  connectedCallback() {
    this.upgradeProperties();
    this.#watchTheme();
    if (this.container) {
      this.#setState(this.dataset.state === 'running' ? 'idle' : this.dataset.state);
      return; // added back after a removal: ready to run again
    }
    this.run = null;
    this.idPrefix = `ps${++instances}`;
    this.syncUrl = this.hasAttribute('sync-url');
    const { settings, autorun, problems } = this.syncUrl ? settingsFromQuery(location.search) : settingsFromAttributes(this);
    this.settings = settings;
    // Code in a link is shown, never run by opening the link: `autorun` is
    // ignored for it, and the panel says to read it first.
    const linkCode = this.syncUrl ? new URLSearchParams(location.search).get('code') : null;
    // An author's job: a module of the site (`job-src`), or code inline in
    // the element (<script type="text/poolscope-job">); either makes the work `code`.
    const playground = this;
    this.code = new CodeSession({
      get settings() { return playground.settings; }, get codeSlot() { return playground.codeSlot; },
      syncUrl: this.syncUrl, idPrefix: this.idPrefix,
      editable: () => this.hasAttribute('editable'),
      showProblems: (problems) => this.#showProblems(problems),
      writeUrl: () => this.#writeUrl(),
      say: (text) => { this.status.textContent = text; },
    }, this);
    if (this.code.jobSource) this.settings.work = 'code';
    const root = this.attachShadow({ mode: 'open' });
    style(root);
    this.container = element('div', { class: 'ps', part: 'root' });
    root.append(this.container);
    this.#render();
    this.#showWorkFields();
    this.#applyTheme();
    problems.push(...this.#checkLayout());
    this.#showProblems(problems);
    this.#setState('idle');
    this.modeChoice = chooseMode(/** @type {'auto' | import('./api.js').Mode} */ (this.settings.mode));
    this.dataset.mode = this.modeChoice.mode ?? 'none';
    if (!this.modeChoice.mode) {
      this.#fail(`Nothing can run here: ${this.modeChoice.reason}.`);
      this.runButton.disabled = this.compareButton.disabled = true;
      return;
    }
    this.#showMode();
    this.#writeUrl();
    // A bad setting is shown, not run: the reader fixes it or presses Run.
    if (linkCode !== null) {
      this.code.takeLinkCode(linkCode);
      return;
    }
    if (!autorun || problems.length > 0) return;
    if (this.syncUrl) {
      this.start();
    } else {
      const seen = this.seen = new IntersectionObserver((entries) => {
        if (!entries.some((entry) => entry.isIntersecting)) return;
        seen.disconnect();
        this.start();
      });
      seen.observe(this);
    }
  }

  /// Removed from the page (single-page docs sites do it as the reader
  /// navigates): the run stops, its Web Workers end, and its share of the
  /// page's worker budget returns. Adding the element back makes it ready
  /// to run again.
  disconnectedCallback() {
    this.seen?.disconnect();
    this.stopWatchingTheme?.();
    this.stopWatchingTheme = null;
    this.run?.dispose();
    this.run = null;
    this.releaseWorkers?.();
    if (this.dataset.state === 'running') this.status.textContent = 'Stopped: the element was removed from the page.';
  }

  /// An attribute changed after the element started: `pool` resizes a
  /// running pool (else applies to the next run), the other settings apply
  /// to the next run, `layout` and `theme` at once. The playground page
  /// (`sync-url`) takes its settings from the URL instead.
  attributeChangedCallback(name, old, value) {
    if (!this.container || old === value) return;
    if (name === 'theme') return this.#applyTheme();
    if (name === 'layout') return this.#showProblems(this.#checkLayout());
    if (this.syncUrl || value === null || !(name in this.inputs)) return;
    setControl(this.inputs, this.refused, name, value);
    this.#onChange(name);
  }

  #watchTheme() {
    this.stopWatchingTheme ??= watchPageTheme(() => this.#applyTheme());
  }

  /// `theme` (light | dark | auto, the default) as `data-theme` on the
  /// element, which its stylesheet reads; the canvases are redrawn in it.
  #applyTheme() {
    const asked = this.getAttribute('theme') ?? 'auto';
    const theme = resolveTheme(this, THEMES.includes(asked) ? asked : 'auto');
    if (this.dataset.theme === theme) return;
    this.dataset.theme = theme;
    this.timeline.restyle();
    if (this.run?.model) this.timeline.update(this.run);
  }

  /// One short line; the why and the fix behind a disclosure.
  #showMode() {
    if (this.modeChoice.mode === 'shared') {
      this.modeNotice.textContent = 'Shared-memory mode: the workers share one WebAssembly memory and take jobs from one queue in it.';
      return;
    }
    this.modeNotice.replaceChildren('Message-passing mode (slower). ', element('details', {},
      element('summary', {}, 'Why?'),
      ` ${this.modeChoice.reason[0].toUpperCase()}${this.modeChoice.reason.slice(1)}. Each worker has its own WebAssembly instance and jobs travel ` +
      `by postMessage, so every job costs a message each way. For the shared-memory mode, ${SHARED_MODE_FIX}.`));
  }

  /// The timeline's bars by pointer (the bar under it) and by keyboard
  /// (arrows: the previous or next job to finish; Home, End).
  #inspectBars() {
    let selected = -1;
    const show = (index) => {
      const model = this.run?.model;
      if (!model || index < 0 || index >= model.count) return;
      selected = index;
      this.barDetails.textContent = jobDetails(model, index);
      this.canvas.title = this.barDetails.textContent;
    };
    this.canvas.addEventListener('mousemove', (event) => this.run?.model && show(this.timeline.jobAt(this.run, event.offsetX, event.offsetY)));
    this.canvas.addEventListener('keydown', (event) => {
      const count = this.run?.model?.count ?? 0;
      const next = { ArrowRight: selected + 1, ArrowDown: selected + 1, ArrowLeft: selected - 1, ArrowUp: selected - 1, Home: 0, End: count - 1 }[event.key];
      if (next === undefined || count === 0) return;
      event.preventDefault();
      show(Math.min(count - 1, Math.max(0, next)));
    });
  }

  /// Tells the host page: `poolscope-state`, `poolscope-job`, `poolscope-job-progress`, `poolscope-run`.
  #emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
  }

  /// Builds the parts (element-parts.js) and wires them to the element.
  #render() {
    const parts = buildParts(this.container, this.idPrefix, this.settings, this.refused);
    // The parts the element reads again later, as its fields (typed above).
    ({
      inputs: this.inputs, fields: this.fields, problems: this.problems, status: this.status, modeNotice: this.modeNotice,
      announcer: this.announcer, progress: this.progress, canvas: this.canvas, barDetails: this.barDetails, jobTable: this.jobTable,
      runButton: this.runButton, stopButton: this.stopButton, compareButton: this.compareButton, exportButton: this.exportButton,
      linkButton: this.linkButton, compareSection: this.compareSection, timeline: this.timeline, stats: this.stats,
      compareView: this.compareView, result: this.result, logView: this.logView, codeSlot: this.codeSlot,
    } = parts);
    const onClick = (button, action) => button.addEventListener('click', action);
    onClick(this.stopButton, () => this.stop());
    onClick(this.exportButton, () => this.run?.model && downloadTrace(this.run.model, undefined, this.exportTrace() ?? undefined));
    onClick(this.linkButton, () => this.#copyLink());
    onClick(this.compareButton, () => this.compare());
    onClick(parts.fewerButton, () => this.#stepPool(-1));
    onClick(parts.moreButton, () => this.#stepPool(+1));
    parts.form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.start();
    });
    parts.form.addEventListener('change', (event) => {
      const { name } = /** @type {HTMLInputElement} */ (event.target);
      delete this.refused[name]; // the reader chose
      this.#onChange(name);
    });
    this.#inspectBars();
    // Redraw at the new width when the layout changes (rotation, narrow windows).
    new ResizeObserver(() => this.run?.model && this.timeline.update(this.run)).observe(this.canvas);
  }

  /// `layout`: a bad one is named, the attribute left as given.
  #checkLayout() {
    const problem = layoutProblem(this.getAttribute('layout'));
    return problem ? [problem] : [];
  }

  #setState(state) {
    if (this.dataset.state !== state) {
      this.dataset.state = state;
      this.#emit('poolscope-state', { state });
    }
    const running = state === 'running';
    this.runButton.disabled = this.compareButton.disabled = running;
    this.stopButton.disabled = !running || this.comparing;
    this.exportButton.disabled = !this.run?.model;
    for (const [name, input] of Object.entries(this.inputs)) if (name !== 'pool') input.disabled = running;
  }

  #showProblems(problems) {
    this.problems.replaceChildren(...problems.map((text) => element('li', {}, text)));
  }

  #fail(message) {
    this.status.textContent = message;
    this.#setState('error');
  }

  #writeUrl() {
    if (this.syncUrl) history.replaceState(null, '', this.#query(false));
  }

  /// The query string of these settings, and of the code with `work=code`.
  #query(autorun) {
    return this.code.query(queryFromSettings(this.settings, autorun && this.settings.work !== 'code'));
  }

  /// Reads every control; a bad one keeps its last good value and says why.
  #readControls() {
    const problems = readControls(this.inputs, this.refused, this.settings);
    this.#showProblems(problems);
    return problems.length === 0;
  }

  /// Shows the controls the chosen work reads, and hides the others; a real
  /// workload's result panel shows from the start, at its size, so that the
  /// page does not move when a run begins.
  #showWorkFields() {
    showWorkControls(this.fields, this.inputs.strategy, this.settings.work);
    this.code.showOrHide();
    if (this.dataset.state === 'running') return;
    const { work } = this.settings;
    if (!isRealWorkload(work)) return this.result.shape(null, this.settings);
    this.#workloadPart().then(({ WORKLOADS }) => {
      if (this.settings.work === work && this.dataset.state !== 'running') this.result.shape(WORKLOADS[work], this.settings);
    }, (error) => this.#fail(`The workloads could not load: ${errorMessage(error)}`));
  }

  /// The real workloads' part (www/workloads.js and examples/tiles' wasm),
  /// imported on the first use of `work=mandelbrot|primes`.
  #workloadPart() {
    return import('./workloads.js');
  }

  #onChange(name) {
    if (!(name in this.inputs)) return;
    const ok = this.#readControls();
    this.#showWorkFields();
    this.#writeUrl();
    if (ok && name === 'pool' && this.dataset.state === 'running') this.resize(this.settings.pool);
  }

  #stepPool(delta) {
    const next = Math.min(MAX_POOL, Math.max(1, this.settings.pool + delta));
    this.inputs.pool.value = String(next);
    this.#onChange('pool');
  }

  /**
   * Resizes the running pool: new workers take jobs at once, retiring ones
   * finish their current job first. Not running: nothing (set `pool` for
   * the next run). A bad size is shown as a problem, not thrown.
   * @param {number} size workers, 1 to the module's `maxWorkers()`
   */
  resize(size) {
    if (!this.run) return; // not running: `pool` applies to the next run
    try {
      this.run.resize(size);
      this.status.textContent = resizedText(size);
    } catch (error) {
      this.#showProblems([errorMessage(error)]);
    }
  }

  async #copyLink() {
    const page = this.syncUrl ? location.href : new URL('./', import.meta.url).href;
    await this.code.packForLink();
    const url = new URL(this.#query(true), page).href;
    try {
      await navigator.clipboard.writeText(url);
      this.status.textContent = 'Link copied: it replays this run with the same jobs.';
    } catch {
      this.status.textContent = `Link to this run: ${url}`;
    }
  }

  /**
   * Runs the jobs the settings describe, with the live views; resolves
   * once the run ended (`data-state` done or error). Does nothing while a
   * run is on, or while a setting is refused (the problem is shown).
   * @returns {Promise<void>}
   */
  async start() {
    if (this.dataset.state === 'running' || !this.#readControls()) return;
    const code = await this.code.checked();
    if (code === null) return;
    this.#writeUrl();
    this.compareView.clear();
    this.#setState('running');
    try {
      const run = await this.#runOnce({ ...this.settings, ...code });
      if (!run) return; // a newer run replaced this one, or the element was removed
      const ended = /** @type {import('./run-summary.js').EndedRun} */ (run); // #runOnce returns only runs with their model
      this.status.textContent = endedText(ended);
      this.#setState('done');
      this.#emit('poolscope-run', { summary: summaryData(ended) });
    } catch (error) {
      this.#fail(`The run failed: ${errorMessage(error)}`);
    }
  }

  /**
   * Runs the same job set with each strategy that can run here in turn,
   * then shows them side by side (the compare view); resolves at the end.
   * @returns {Promise<void>}
   */
  async compare() {
    if (this.dataset.state === 'running' || !this.#readControls()) return;
    const code = await this.code.checked();
    if (code === null) return;
    this.#writeUrl();
    this.compareView.clear();
    this.comparing = true;
    this.#setState('running');
    const results = [];
    try {
      // Each strategy that can run here: rayon needs shared memory and
      // synthetic jobs, longest-first the jobs' costs (strategyProblem).
      for (const strategy of STRATEGY_LIST.filter((s) => !strategyProblem(s, this.settings.work, this.modeChoice.mode))) {
        const run = await this.#runOnce({ ...this.settings, ...code, strategy: strategy.name, fail: strategy.makesNoFailures ? [] : this.settings.fail });
        if (!run) return;
        results.push(summarize(strategy.name, run));
        this.compareView.show(results, this.settings);
      }
      this.status.textContent = comparedText(this.settings, results.length, this.run?.workload);
      this.#setState('done');
    } catch (error) {
      this.#fail(`The comparison failed: ${errorMessage(error)}`);
    } finally {
      this.comparing = false;
    }
  }

  /// One run with the live views; resolves to it, or to null if a newer run replaced it.
  async #runOnce(settings) {
    this.run?.dispose();
    const { work } = settings;
    const jobs = jobCount(settings);
    this.logView.reset(jobs);
    const part = isRealWorkload(work) ? await this.#workloadPart() : null;
    const workload = part?.WORKLOADS[work] ?? null;
    this.result.shape(workload, settings); // at its size before the run draws (#showWorkFields may not have had the part yet)
    this.status.textContent = runningText(settings, workload, jobs);
    this.statsShownAt = 0;
    this.announcedAt = 0;
    this.lastSignature = '';
    this.progress.max = jobs;
    this.progress.value = 0;
    this.#showWorkFields();
    const mode = /** @type {'shared' | 'fallback'} */ (this.modeChoice.mode);
    const api = part ? await part.loadWorkloadApi(mode) : await loadPoolscope(mode);
    const run = new Run(api, settings, (r, first) => this.#onFrame(r, first), workload);
    this.run = run;
    this.result.begin(run);
    this.exportButton.disabled = true;
    const release = await reserveWorkers(runWorkers(settings), () => {
      this.status.textContent = 'Waiting for other playgrounds on this page to free their workers…';
    });
    if (this.run !== run) return release(); // removed while it waited
    this.releaseWorkers = release;
    try {
      await run.start(this.result.canvas);
    } finally {
      release();
    }
    if (this.run !== run || !run.model) return null;
    this.#onFrame(run, run.model.count);
    this.stats.update(run);
    this.result.update(run);
    fillJobTable(this.jobTable, run.model);
    this.code.showResults(run.model);
    return run;
  }

  /**
   * Stops the run: running jobs finish, queued ones are dropped (reported
   * `cancelled`). Nothing when no run is on.
   */
  stop() {
    if (this.dataset.state !== 'running' || !this.run?.model) return;
    this.run.stop();
    this.status.textContent = 'Stopping: running jobs finish, queued ones are dropped…';
  }

  /**
   * The last run as Chrome trace-event JSON (what Export trace downloads;
   * `JSON.stringify` it for Perfetto): its pool's own export while the
   * pool lives, else the views' events; null before a run.
   * @returns {{ traceEvents: Array<Record<string, unknown>>, otherData?: Record<string, unknown> } | null}
   */
  exportTrace() {
    if (!this.run?.model) return null;
    const trace = poolTrace(this.run.pool);
    return trace ? { ...trace, otherData: { ...trace.otherData, settings: this.run.model.settings } } : chromeTrace(this.run.model);
  }

  /// Draws only what changed: on a 2-core machine every frame the page
  /// paints is CPU taken from the workers.
  #onFrame(run, first) {
    const { model, counters } = run;
    this.#emitProgress(run);
    const signature = `${model.count}|${counters.waiting}|${counters.running}|${model.resizes.length}|${run.workers.length}|${model.endedMs}`;
    if (signature === this.lastSignature) {
      this.timeline.growRunning(run); // nothing new, but running jobs' bars grow
      this.logView.fillValues(model); // and JS jobs' values come a moment after their events
      return;
    }
    this.lastSignature = signature;
    this.#emitJobs(model, first);
    this.logView.update(run, first);
    this.progress.value = model.count + model.dropped;
    this.#announce(model);
    this.timeline.update(run);
    const now = performance.now();
    if (now - this.statsShownAt >= STATS_INTERVAL_MS || model.endedMs) {
      this.statsShownAt = now;
      this.stats.update(run);
      this.result.update(run);
    }
  }

  /// On long runs, a summary for screen readers every few seconds and at the end.
  #announce(model) {
    const now = performance.now();
    const line = progressLine(model, now - this.announcedAt);
    if (line === null) return;
    this.announcedAt = now;
    this.announcer.textContent = line;
  }

  /// `poolscope-job-progress` for each running job whose progress changed
  /// since the last frame; the log's running line shows them all.
  #emitProgress(run) {
    const said = this.progressSaid;
    const running = new Set();
    const shown = [];
    for (const { id, runningJob, progress: fraction } of run.workers) {
      if (!runningJob) continue;
      running.add(runningJob);
      const progress = run.model.progress?.get(runningJob) ?? fraction;
      if (progress === undefined || progress === null) continue;
      shown.push({ job: runningJob, worker: id, progress });
      if (said.get(runningJob) === progress) continue;
      said.set(runningJob, progress);
      this.#emit('poolscope-job-progress', { job: runningJob, worker: id, progress });
    }
    for (const job of said.keys()) if (!running.has(job)) said.delete(job);
    this.logView.showRunning(run.model.endedMs ? [] : shown);
  }

  /// `poolscope-job` for each event from `first` on (cancelled jobs too:
  /// `outcome` says how each ended).
  #emitJobs(model, first) {
    for (let i = first; i < model.count; i++) this.#emit('poolscope-job', jobEventDetail(model, i));
  }
}
