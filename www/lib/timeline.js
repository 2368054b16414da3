// @ts-check
// The timeline: one lane per worker, one bar per job from start to finish
// (a running job's grows until it ends, filled as far as its
// `progress(fraction)` says), and the queue length below. Drawn on a canvas so that 100,000 jobs stay
// smooth: past BAR_LIMIT bars, or once bars would be under 2 px wide on
// average, each lane is drawn as busy-time per pixel instead of bar by
// bar. `model` (and the canvas's data attributes) say what is drawn, for
// tests and assistive tech.

import { workerColour } from './worker-colours.js';

const BAR_LIMIT = 4000;
/// Narrower bars, on average, can't be told apart: busy time per column instead.
const MIN_BAR_PX = 2;
const LANE_HEIGHT = 26;
const QUEUE_HEIGHT = 48;
const AXIS_HEIGHT = 18;
const GUTTER = 84;
const SWATCH = 9;
const COLUMNS = 1024;
/** While jobs run and nothing else changes, the timeline is drawn again this often (`growRunning`). */
const RUNNING_REDRAW_MS = 100;

function palette(canvas) {
  const style = getComputedStyle(canvas);
  const read = (name) => style.getPropertyValue(name).trim();
  return {
    text: read('--text'), muted: read('--muted'), grid: read('--grid'),
    bar: read('--bar'), barAlt: read('--bar-alt'), barText: read('--bar-text'),
    failed: read('--bad'), timedOut: read('--timeout'),
    queue: read('--queue'), retired: read('--retired'), resize: read('--resize'),
  };
}

export class Timeline {
  constructor(canvas) {
    this.canvas = canvas;
    this.context = canvas.getContext('2d');
    /** @type {{ lanes: Array<{ worker: number, active: boolean, jobs: number }>, bars: number, queueSamples: number, running: Array<{ worker: number, job: number, progress: number | null }> }} */
    this.model = { lanes: [], bars: 0, queueSamples: 0, running: [] };
    this.colors = null; // read at the first draw, once the canvas is styled
    // The canvas's width, kept up to date: reading `clientWidth` in each
    // frame's draw forced a layout of the whole page per frame.
    this.width = 0;
    new ResizeObserver(([entry]) => { this.width = entry.contentRect.width; }).observe(canvas);
    this.geometry = null; // where the last draw put lanes and time, for `jobAt`
    this.drawnAt = 0;
  }

  /// Reads the colours again at the next draw (the theme changed).
  restyle() {
    this.colors = null;
  }

  /// The event under canvas point (`x`, `y`) in CSS px as of the last draw:
  /// its index in `run.model`, or -1.
  jobAt(run, x, y) {
    if (!this.geometry) return -1;
    const { laneWorkers, spanMs, plotWidth, startedMs } = this.geometry;
    const worker = laneWorkers[Math.floor((y - AXIS_HEIGHT) / LANE_HEIGHT)];
    if (worker === undefined || x < GUTTER) return -1;
    const atMs = startedMs + ((x - GUTTER) / plotWidth) * spanMs;
    const slack = (2 * spanMs) / plotWidth; // a bar is at least a pixel or two wide
    const { model } = run;
    for (let i = model.count - 1; i >= 0; i--) {
      if (model.get(i, 'worker') === worker && model.get(i, 'started') - slack <= atMs && atMs <= model.get(i, 'finished') + slack) return i;
    }
    return -1;
  }

  /// Lanes: every worker id that took a job or is in the pool now, in order.
  #lanes(run) {
    const { model } = run;
    const ids = new Set(model.jobsByWorker.keys());
    const active = new Set();
    for (const worker of run.workers) {
      if (worker.active) { ids.add(worker.id); active.add(worker.id); }
    }
    return [...ids].sort((a, b) => a - b).map((worker) => ({
      worker, active: active.has(worker), jobs: model.jobsByWorker.get(worker) ?? 0,
    }));
  }

  /// Draws again if jobs run and the last draw is RUNNING_REDRAW_MS old:
  /// their bars grow though no event came (a few draws a second, not
  /// one a frame: on 2 cores a frame painted is CPU taken from the workers).
  growRunning(run) {
    if ((run.counters?.running ?? 0) > 0 && performance.now() - this.drawnAt >= RUNNING_REDRAW_MS) this.update(run);
  }

  /// Draws the whole timeline again (a view: poller.js's PoolState).
  update(run) {
    this.drawnAt = performance.now();
    const { model } = run;
    const lanes = this.#lanes(run);
    this.colors ??= palette(this.canvas);
    const running = this.#running(run);
    this.model = { lanes, bars: model.count, queueSamples: model.queue.length, running };
    this.canvas.dataset.lanes = String(lanes.length);
    this.canvas.dataset.bars = String(model.count);
    this.canvas.setAttribute('aria-label',
      `Timeline: ${lanes.length} worker lanes, ${model.count} jobs finished, ${run.counters?.waiting ?? 0} waiting.`);

    const ratio = devicePixelRatio || 1;
    const width = this.width || this.canvas.clientWidth; // before the first observation
    const height = AXIS_HEIGHT + lanes.length * LANE_HEIGHT + QUEUE_HEIGHT + 8;
    if (this.canvas.width !== Math.round(width * ratio) || this.canvas.height !== Math.round(height * ratio)) {
      this.canvas.width = Math.round(width * ratio);
      this.canvas.height = Math.round(height * ratio);
      this.canvas.style.height = `${height}px`;
      this.fontSet = false; // resizing a canvas resets its context
    }
    const g = this.context;
    g.setTransform(ratio, 0, 0, ratio, 0, 0);
    g.clearRect(0, 0, width, height);
    if (!this.fontSet) { // setting a font resolves styles: not once a frame
      g.font = '12px system-ui, sans-serif';
      g.textBaseline = 'middle';
      this.fontSet = true;
    }

    // Time axis: the whole run; while it runs, rounded up to a power of two
    // so the scale moves rarely.
    const spanMs = model.endedMs ? Math.max(1, model.wallMs) : Math.max(1000, 2 ** Math.ceil(Math.log2(model.wallMs * 1.1)));
    const plotWidth = Math.max(10, width - GUTTER - 8);
    const x = (atMs) => GUTTER + ((atMs - model.startedMs) / spanMs) * plotWidth;
    this.#axis(g, spanMs, plotWidth, height);

    const laneY = new Map(lanes.map((lane, i) => [lane.worker, AXIS_HEIGHT + i * LANE_HEIGHT]));
    this.geometry = { laneWorkers: lanes.map((lane) => lane.worker), spanMs, plotWidth, startedMs: model.startedMs };
    lanes.forEach((lane, i) => {
      const y = AXIS_HEIGHT + i * LANE_HEIGHT;
      // The worker's own colour, as pages that tint its work use it.
      g.fillStyle = workerColour(lane.worker, lane.active ? 1 : 0.4);
      g.fillRect(4, y + (LANE_HEIGHT - SWATCH) / 2, SWATCH, SWATCH);
      g.fillStyle = lane.active ? this.colors.text : this.colors.muted;
      g.fillText(`worker ${lane.worker}${lane.active ? '' : ' ✕'}`, 8 + SWATCH, y + LANE_HEIGHT / 2);
      g.fillStyle = this.colors.grid;
      g.fillRect(GUTTER, y + LANE_HEIGHT - 1, plotWidth, 1);
    });
    // Bars cost a draw each per frame: only while they can be told apart.
    if (model.count <= Math.min(BAR_LIMIT, (lanes.length * plotWidth) / MIN_BAR_PX)) this.#bars(g, model, x, laneY);
    else this.#density(g, model, laneY, plotWidth, spanMs);
    this.#runningBars(g, run, running, x, laneY);

    // Resizes: a vertical mark where the pool size changed.
    g.fillStyle = this.colors.resize;
    for (const { atMs, size } of model.resizes.slice(1)) {
      const at = x(atMs);
      g.fillRect(at, AXIS_HEIGHT, 2, lanes.length * LANE_HEIGHT);
      g.fillText(`→${size}`, at + 3, AXIS_HEIGHT - 8);
    }
    this.#queue(g, model, x, AXIS_HEIGHT + lanes.length * LANE_HEIGHT + 4, plotWidth);
  }

  /// Each worker's job now, with its progress as a fraction where its last
  /// `progress(value)` was a number from 0 to 1.
  #running(run) {
    if (run.model.endedMs) return [];
    const progress = run.model.progress;
    return (run.workers ?? []).filter((worker) => worker.runningJob > 0).map((worker) => {
      const value = progress?.get(worker.runningJob) ?? worker.progress; // a JS job's, or a closure's (`poolscope::progress`)
      return { worker: worker.id, job: worker.runningJob, sinceMs: worker.runningSinceMs, progress: typeof value === 'number' && value >= 0 && value <= 1 ? value : null };
    });
  }

  /// Running jobs: an outlined bar from their start to now, filled as far
  /// as their progress; one draw per worker, whatever the number of jobs.
  #runningBars(g, run, running, x, laneY) {
    const nowMs = run.model.startedMs + run.model.wallMs;
    for (const { worker, job, sinceMs, progress } of running) {
      const y = laneY.get(worker);
      if (y === undefined) continue;
      const left = x(Math.max(run.model.startedMs, sinceMs));
      const barWidth = Math.max(2, x(nowMs) - left);
      const colour = job % 2 ? this.colors.bar : this.colors.barAlt;
      g.strokeStyle = colour;
      g.lineWidth = 1.5;
      g.strokeRect(left + 0.75, y + 3.75, barWidth - 1.5, LANE_HEIGHT - 8.5);
      if (progress !== null) {
        g.fillStyle = colour;
        g.fillRect(left, y + 3, barWidth * progress, LANE_HEIGHT - 7);
      }
    }
  }

  #axis(g, spanMs, plotWidth, height) {
    for (let quarter = 0; quarter <= 4; quarter++) {
      const t = (spanMs * quarter) / 4;
      const at = GUTTER + (plotWidth * quarter) / 4;
      g.fillStyle = this.colors.grid;
      g.fillRect(at, AXIS_HEIGHT - 2, 1, height - AXIS_HEIGHT);
      g.fillStyle = this.colors.muted;
      g.fillText(t >= 1000 ? `${+(t / 1000).toFixed(2)} s` : `${Math.round(t)} ms`, Math.min(at + 2, GUTTER + plotWidth - 40), 8);
    }
  }

  #bars(g, model, x, laneY) {
    const digitWidth = g.measureText('0').width;
    const { failed: FAILED, timedOut: TIMED_OUT } = model.code; // the module's numbers (RunModel)
    for (let i = 0; i < model.count; i++) {
      const y = laneY.get(model.get(i, 'worker'));
      if (y === undefined) continue; // cancelled: never ran
      const left = x(model.get(i, 'started'));
      const barWidth = Math.max(1, x(model.get(i, 'finished')) - left);
      const job = model.get(i, 'job');
      const outcome = model.get(i, 'outcome');
      g.fillStyle = outcome === FAILED ? this.colors.failed : outcome === TIMED_OUT ? this.colors.timedOut : job % 2 ? this.colors.bar : this.colors.barAlt;
      g.fillRect(left, y + 3, barWidth, LANE_HEIGHT - 7);
      if (outcome === FAILED || outcome === TIMED_OUT) { // failed: a cross-hatch, not colour alone
        g.fillStyle = this.colors.barText;
        for (let hatch = left; hatch < left + barWidth; hatch += 6) g.fillRect(hatch, y + 3, 1.5, LANE_HEIGHT - 7);
      }
      const label = String(job);
      if (barWidth > label.length * digitWidth + 6) {
        g.fillStyle = this.colors.barText;
        g.fillText(label, left + 3, y + LANE_HEIGHT / 2 - 1);
      }
    }
  }

  /// Busy time per column, drawn as opacity: a frame costs the new events
  /// plus lanes x COLUMNS, however many jobs ran. The columns are rebuilt
  /// only when the time axis changes (a few times per run).
  #density(g, model, laneY, plotWidth, spanMs) {
    let bins = this.bins;
    if (!bins || bins.model !== model || bins.spanMs !== spanMs) {
      bins = this.bins = { model, spanMs, perLane: new Map(), consumed: 0 };
    }
    const msPerColumn = spanMs / COLUMNS;
    // `consumed` counts every event ever added: a model that keeps only the
    // latest events (`keep`) drops the oldest, which were binned already.
    bins.consumed = Math.max(bins.consumed, model.dropped);
    for (; bins.consumed < model.dropped + model.count; bins.consumed++) {
      const i = bins.consumed - model.dropped;
      if (model.get(i, 'outcome') === model.code.cancelled) continue; // never ran
      const worker = model.get(i, 'worker');
      let row = bins.perLane.get(worker);
      if (!row) bins.perLane.set(worker, (row = new Float32Array(COLUMNS)));
      const start = model.get(i, 'started') - model.startedMs;
      const end = model.get(i, 'finished') - model.startedMs;
      const last = Math.min(COLUMNS - 1, Math.floor(end / msPerColumn));
      for (let c = Math.max(0, Math.floor(start / msPerColumn)); c <= last; c++) {
        const overlap = Math.min(end, (c + 1) * msPerColumn) - Math.max(start, c * msPerColumn);
        if (overlap > 0) row[c] += overlap;
      }
    }
    const columnWidth = plotWidth / COLUMNS;
    g.fillStyle = this.colors.bar;
    for (const [worker, row] of bins.perLane) {
      const y = laneY.get(worker);
      if (y === undefined) continue;
      for (let c = 0; c < COLUMNS; c++) {
        if (row[c] <= 0) continue;
        g.globalAlpha = Math.min(1, 0.15 + row[c] / msPerColumn);
        g.fillRect(GUTTER + c * columnWidth, y + 3, Math.max(1, columnWidth), LANE_HEIGHT - 7);
      }
    }
    g.globalAlpha = 1;
  }

  #queue(g, model, x, top, plotWidth) {
    const peak = Math.max(1, ...model.queue.map((s) => s.waiting));
    g.fillStyle = this.colors.muted;
    g.fillText(`queue`, 4, top + 10);
    g.fillText(`${peak}`, 4, top + 26);
    g.fillStyle = this.colors.queue;
    g.beginPath();
    g.moveTo(GUTTER, top + QUEUE_HEIGHT);
    let lastY = top + QUEUE_HEIGHT;
    for (const { atMs, waiting } of model.queue) {
      const at = Math.min(GUTTER + plotWidth, x(atMs));
      g.lineTo(at, lastY);
      lastY = top + QUEUE_HEIGHT - (waiting / peak) * (QUEUE_HEIGHT - 4);
      g.lineTo(at, lastY);
    }
    g.lineTo(Math.min(GUTTER + plotWidth, x(model.queue.at(-1)?.atMs ?? model.startedMs)), top + QUEUE_HEIGHT);
    g.closePath();
    g.fill();
  }
}
