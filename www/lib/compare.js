// @ts-check
// The compare view: the same job set run with each strategy in turn, side
// by side: wall time, start-up cost, each worker's busy time and the idle
// share, as a chart, with one sentence on the outcome.

import { element } from './dom.js';
import { STRATEGY_LIST, sentenceName, strategyNamed } from './strategies/index.js';

const SVG = 'http://www.w3.org/2000/svg';

function svg(tag, attributes = {}, ...children) {
  const node = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, String(value));
  node.append(...children);
  return node;
}

/// What one finished run says, reduced to what the comparison shows.
export function summarize(strategy, run) {
  const { model } = run;
  const wallMs = model.wallMs;
  const busy = [...model.busyByWorker.entries()].sort((a, b) => a[0] - b[0]).map(([worker, ms]) => ({ worker, ms }));
  // Idle: the time of the workers the strategy counts not spent on jobs.
  const { countedWorkers } = strategyNamed(strategy);
  const workers = countedWorkers ? countedWorkers(model.settings, busy.length) : model.settings.pool;
  const busyMs = busy.reduce((sum, b) => sum + b.ms, 0);
  return {
    strategy,
    wallMs,
    startupMs: run.startupMs,
    busy,
    idlePercent: Math.max(0, 100 * (1 - busyMs / (workers * wallMs || 1))),
    jobs: model.ran,
  };
}

/// One plain sentence on why the fastest won: the first strategy (in the
/// menu's order) with something of its own to say, else the plain result.
export function explain(results, settings) {
  const by = Object.fromEntries(results.map((r) => [r.strategy, r]));
  const fastest = results.reduce((a, b) => (b.wallMs < a.wallMs ? b : a));
  for (const strategy of STRATEGY_LIST) {
    const sentence = strategy.explain?.(by, settings, sentenceName);
    if (sentence) return sentence;
  }
  return `${sentenceName(fastest.strategy)} was fastest (${(fastest.wallMs / 1000).toFixed(2)} s); with ${settings.dist} costs every strategy keeps ` +
    'its workers busy, so they finish close together: try dist=heavy or increasing to see the fixed partition fall behind.';
}

export class CompareView {
  constructor(container) {
    this.container = container;
  }

  clear() {
    this.container.replaceChildren();
    this.container.dataset.results = '0';
  }

  show(results, settings) {
    this.container.dataset.results = String(results.length);
    const longest = Math.max(...results.map((r) => r.startupMs + r.wallMs), 1);
    const rowHeight = 58;
    const width = 640;
    const labelWidth = 170;
    const scale = (ms) => ((width - labelWidth - 90) * ms) / longest;
    const chart = svg('svg', { viewBox: `0 0 ${width} ${rowHeight * results.length + 10}`, role: 'img', class: 'compare-chart',
      'aria-label': 'Wall time and start-up of each strategy, with each worker\'s busy time' });
    results.forEach((result, row) => {
      const y = 6 + row * rowHeight;
      chart.append(
        svg('text', { x: 0, y: y + 14, class: 'label' }, sentenceName(result.strategy)),
        svg('rect', { x: labelWidth, y, width: Math.max(1, scale(result.startupMs)), height: 18, class: 'startup' },
          svg('title', {}, `start-up ${result.startupMs.toFixed(0)} ms`)),
        svg('rect', { x: labelWidth + scale(result.startupMs), y, width: Math.max(1, scale(result.wallMs)), height: 18, class: 'wall' },
          svg('title', {}, `wall ${result.wallMs.toFixed(0)} ms`)),
        svg('text', { x: labelWidth + scale(result.startupMs + result.wallMs) + 6, y: y + 14, class: 'value' },
          `${(result.wallMs / 1000).toFixed(2)} s`));
      // Each worker's busy time, as a share of the wall time, in a strip below.
      const strip = (width - labelWidth - 90) * (result.wallMs / longest);
      const step = strip / Math.max(1, result.busy.length);
      result.busy.forEach(({ worker, ms }, i) => {
        const height = Math.max(1, 26 * Math.min(1, ms / (result.wallMs || 1)));
        chart.append(svg('rect', { x: labelWidth + scale(result.startupMs) + i * step, y: y + 48 - height,
          width: Math.max(1, step - 1), height, class: 'busy' }, svg('title', {}, `worker ${worker}: busy ${ms.toFixed(0)} ms`)));
      });
      chart.append(svg('text', { x: 0, y: y + 38, class: 'note' }, `idle ${result.idlePercent.toFixed(0)}%`));
    });
    const table = element('table', { class: 'compare-table' },
      element('thead', {}, element('tr', {}, ...['strategy', 'wall', 'start-up', 'workers', 'idle'].map((h) => element('th', { scope: 'col' }, h)))),
      element('tbody', {}, ...results.map((r) => element('tr', { 'data-strategy': r.strategy },
        element('th', { scope: 'row' }, sentenceName(r.strategy)),
        element('td', {}, `${r.wallMs.toFixed(0)} ms`),
        element('td', {}, `${r.startupMs.toFixed(0)} ms`),
        element('td', {}, String(r.busy.length)),
        element('td', {}, `${r.idlePercent.toFixed(0)}%`)))));
    this.container.replaceChildren(
      element('h2', {}, 'Strategies compared'),
      element('p', { class: 'explanation' }, explain(results, settings)),
      chart, table,
      element('p', { class: 'hint' }, 'Dark: wall time from the first job queued to the last finished; light: start-up. The small bars: each worker\'s busy time.'));
  }
}
