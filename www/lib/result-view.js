// @ts-check
// The Result panel of a real workload (`work=mandelbrot|primes`): its
// canvas, at the workload's size from the start (so that a run moves
// nothing), the tint toggle, the hover naming a tile's job, the legend of
// who made what, and the check against one thread.

import { element } from './dom.js';
import { countByWorker, fillLegend, plural } from './legend.js';

export class ResultView {
  /// `idPrefix`: unique per element, for the toggle's label.
  constructor(idPrefix) {
    this.run = null;
    this.canvas = element('canvas', { class: 'result', role: 'img', 'aria-label': 'The result, not computed yet' });
    this.tint = element('input', { type: 'checkbox', id: `${idPrefix}-tint`, checked: true });
    this.tint.addEventListener('change', () => this.run?.result?.setTint?.(this.tint.checked));
    this.canvas.addEventListener('mousemove', (event) => {
      const scale = this.canvas.width / this.canvas.clientWidth;
      const tile = this.run?.result?.tileAt?.(event.offsetX * scale, event.offsetY * scale);
      this.canvas.title = tile ? `Job ${tile.job}: the tile at ${tile.x},${tile.y}, computed by worker ${tile.worker}` : '';
    });
    this.toggle = element('p', { class: 'hint tint-toggle' }, this.tint,
      element('label', { for: this.tint.id }, ' Tint each tile in the colour of the worker that computed it'));
    this.legend = element('ul', { class: 'legend', 'aria-label': 'What each worker computed' });
    this.check = element('p', { class: 'check', 'data-check': 'pending' });
    this.panel = element('section', { class: 'panel result-panel', part: 'panel result', hidden: true },
      element('h2', {}, 'Result'), this.toggle, this.canvas, this.legend, this.check);
  }

  /// Shows the panel for `workload` (none: hidden), its canvas at size.
  shape(workload, settings) {
    this.panel.hidden = !workload;
    if (!workload) return;
    [this.canvas.width, this.canvas.height] = workload.canvasSize(settings);
    this.toggle.hidden = !workload.tints;
  }

  /// A run begins: nothing shown yet, the check pending.
  begin(run) {
    this.run = run;
    this.check.dataset.check = 'pending';
    this.check.textContent = run.workload ? 'The result is checked against one thread once every job is done.' : '';
    this.legend.replaceChildren();
  }

  /// The legend while the result fills in, then the check.
  update(run) {
    const { workload } = run;
    if (!workload || !run.result) return;
    if (run.result.setTint && run.result.tint !== this.tint.checked) run.result.setTint(this.tint.checked); // redraws every tile: only on a change
    fillLegend(this.legend, countByWorker(workload.results(run.result)), workload.noun);
    if (!run.check) return;
    this.check.dataset.check = run.check.matches ? 'passed' : 'failed';
    this.check.textContent = `${run.check.matches ? '✓' : '✗'} ${workload.checkSays[run.check.matches ? 0 : 1]}`;
    this.canvas.setAttribute('aria-label', `The result: ${workload.describe(run.settings)}, ${plural(run.model.ran, workload.noun)} computed by ${run.model.jobsByWorker.size} workers`);
  }
}
