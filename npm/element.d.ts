// Types of the element entry (`import 'poolscope/element'`, poolscope.js):
// it defines <worker-pool-playground> (and <pool-playground>, an alias),
// once, exports the element's class, and the pool API like the package's
// main entry.
export { chooseMode, loadPoolscope } from './index.js';

/**
 * Its attributes, each checked like a URL parameter: a bad one is named with its allowed range and nothing
 * runs until it is fixed. Numbers are given as strings, as HTML attributes are.
 */
export interface PoolPlaygroundAttributes {
  /** Workers, 1 to 64. Changing it resizes a running pool. */
  pool?: string;
  /** Jobs of a synthetic run, 1 to 200,000. */
  jobs?: string;
  kind?: 'cpu' | 'sleep';
  /** Ms per job, 0 to 10,000. */
  cost?: string;
  dist?: 'equal' | 'random' | 'heavy' | 'increasing';
  seed?: string;
  strategy?: 'pool' | 'partition' | 'unbounded' | 'rayon' | 'longest-first';
  /** Jobs that panic, e.g. `3,7`. */
  fail?: string;
  /** Job timeout in ms, 0 (none) to 60,000. */
  timeout?: string;
  /** Queue capacity, 0 (unbounded) to 200,000. */
  capacity?: string;
  mode?: 'auto' | 'shared' | 'fallback';
  work?: 'synthetic' | 'mandelbrot' | 'primes';
  view?: 'full' | 'seahorse' | 'spiral';
  size?: '512x384' | '768x512' | '1024x768';
  tile?: string;
  limit?: string;
  chunk?: string;
  /** Present: runs once it scrolls into view. */
  autorun?: '' | 'autorun';
  layout?: 'log' | 'timeline' | 'compact' | 'full';
  theme?: 'auto' | 'light' | 'dark';
}

/** `poolscope-state`: on each change of `data-state`. */
export interface PoolscopeStateDetail {
  state: 'idle' | 'running' | 'done' | 'error';
}

/** `poolscope-job`: one per finished job; times on `performance.timeOrigin + performance.now()`. */
export interface PoolscopeJobDetail {
  job: number;
  worker: number;
  label: string | null;
  queuedMs: number;
  startedMs: number;
  finishedMs: number;
  outcome: 'completed' | 'failed' | 'timed out' | 'cancelled';
}

/** `poolscope-run`: when a run ends. */
export interface PoolscopeRunDetail {
  summary: {
    strategy: string;
    work: string;
    workers: number;
    jobs: number;
    ran: number;
    completed: number;
    failed: number;
    cancelled: number;
    duplicates: number;
    missing: number;
    wallMs: number;
    speedup: number | null;
    stopped: boolean;
    resultMatches: boolean | null;
  };
}

/** The chrome trace-event object of a run (`JSON.stringify` it for Perfetto). */
export interface PoolscopeTrace {
  traceEvents: object[];
  displayTimeUnit: 'ms';
  otherData: object;
}

/**
 * The playground element. Removed from the page, it stops its run and ends its workers.
 * Its properties mirror its attributes: setting one sets the attribute; reading one gives
 * the checked value, or the default while the attribute is absent or refused.
 */
export class PoolPlayground extends HTMLElement {
  /**
   * Defines the element under `tag` (by default `worker-pool-playground`) once; a tag already
   * defined is left as it is. Returns the class defined under `tag`.
   */
  static define(tag?: string, registry?: CustomElementRegistry): CustomElementConstructor;
  readonly dataset: DOMStringMap & { state?: PoolscopeStateDetail['state'] };
  pool: number;
  jobs: number;
  kind: NonNullable<PoolPlaygroundAttributes['kind']>;
  cost: number;
  dist: NonNullable<PoolPlaygroundAttributes['dist']>;
  seed: number;
  fail: number[];
  timeout: number;
  capacity: number;
  strategy: NonNullable<PoolPlaygroundAttributes['strategy']>;
  mode: NonNullable<PoolPlaygroundAttributes['mode']>;
  work: NonNullable<PoolPlaygroundAttributes['work']>;
  view: NonNullable<PoolPlaygroundAttributes['view']>;
  size: NonNullable<PoolPlaygroundAttributes['size']>;
  tile: number;
  limit: number;
  chunk: number;
  autorun: boolean;
  layout: NonNullable<PoolPlaygroundAttributes['layout']>;
  theme: NonNullable<PoolPlaygroundAttributes['theme']>;
  /** Runs the jobs the settings describe; resolves once the run ended. Nothing while a run is on or a setting is refused. */
  start(): Promise<void>;
  /** Stops the run: running jobs finish, queued ones are dropped (`cancelled`). */
  stop(): void;
  /** Runs the same jobs with each strategy that can run here in turn, then shows them side by side. */
  compare(): Promise<void>;
  /** Resizes the running pool (not running: nothing; set `pool` for the next run). */
  resize(size: number): void;
  /** The last run as Chrome trace-event JSON, or null before a run. */
  exportTrace(): PoolscopeTrace | null;
}

declare global {
  interface HTMLElementTagNameMap {
    'worker-pool-playground': PoolPlayground;
    'pool-playground': PoolPlayground;
  }
  interface HTMLElementEventMap {
    'poolscope-state': CustomEvent<PoolscopeStateDetail>;
    'poolscope-job': CustomEvent<PoolscopeJobDetail>;
    'poolscope-run': CustomEvent<PoolscopeRunDetail>;
  }
}
