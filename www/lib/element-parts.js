// @ts-check
// The playground element's parts, built once when it is first added to a
// page and laid out in its shadow root: the form of controls and buttons,
// the status lines, and the panels with their views (timeline, numbers,
// log, comparison, result). This module builds and places them; element.js
// wires them (what a click or a change does, what a run draws).

import { element } from './dom.js';
import { CHOICES, MAX_POOL, formatSetting } from './settings.js';
import { setControl } from './controls.js';
import { CompareView } from './compare.js';
import { LogView, jobName } from './log.js';
import { ResultView } from './result-view.js';
import { Timeline } from './timeline.js';
import { Stats } from './stats.js';
import { ANNOUNCE_EACH_UP_TO } from './run-summary.js';

const TABLE_ROWS = 200;

/**
 * Builds the parts into `container`, replacing what it held.
 * @param {HTMLElement} container
 * @param {string} idPrefix makes the ids unique among several elements on a page
 * @param {import('./settings.js').Settings} settings the controls' first values
 * @param {Record<string, string>} refused per menu, a value it could not show (controls.js's setControl)
 */
export function buildParts(container, idPrefix, settings, refused) {
  /** @type {import('./controls.js').Controls} */
  const inputs = {};
  /** @type {Record<string, HTMLElement>} */
  const fields = {};
  const field = (name, label, input) => {
    inputs[name] = input;
    fields[name] = element('div', { class: `field field-${name}` }, element('label', { for: input.id }, label), input);
    return fields[name];
  };
  const number = (name, label, attributes = {}) => {
    const input = element('input', { name, id: `${idPrefix}-${name}`, type: 'number', inputmode: 'numeric', ...attributes });
    input.value = formatSetting(name, settings[name]);
    return field(name, label, input);
  };
  const choice = (name, label, options) => {
    const select = element('select', { name, id: `${idPrefix}-${name}` },
      ...options.map(([value, text]) => element('option', { value }, text)));
    const made = field(name, label, select);
    setControl(inputs, refused, name, formatSetting(name, settings[name]));
    return made;
  };
  const button = (text, attributes = {}) => element('button', { type: 'button', ...attributes }, text);

  const runButton = element('button', { type: 'submit', class: 'primary' }, 'Run');
  const stopButton = button('Stop', { disabled: true });
  const exportButton = button('Export trace', { disabled: true, title: 'Chrome trace-event JSON, for Perfetto or chrome://tracing' });
  const linkButton = button('Copy link', { title: 'a link that replays this run' });
  const compareButton = button('Compare strategies', { title: 'run these jobs with each strategy in turn' });
  const fewerButton = button('−', { 'aria-label': 'One worker less' });
  const moreButton = button('+', { 'aria-label': 'One worker more' });
  const form = element('form', { class: 'controls', part: 'controls' },
    element('div', { class: 'pool-size' },
      number('pool', 'Workers', { min: '1', max: String(MAX_POOL), title: `1 to ${MAX_POOL}; change it while jobs run` }),
      fewerButton, moreButton),
    choice('work', 'Work', CHOICES.work),
    number('jobs', 'Jobs', { min: '1' }),
    choice('view', 'View', CHOICES.view),
    choice('size', 'Size', CHOICES.size),
    choice('tile', 'Tile', CHOICES.tile),
    number('limit', 'Primes below', { min: '1' }),
    number('chunk', 'Range size', { min: '1000' }),
    choice('strategy', 'Strategy', CHOICES.strategy),
    choice('kind', 'Kind', CHOICES.kind),
    number('cost', 'Cost (ms)', { min: '0', step: 'any' }),
    choice('dist', 'Costs', CHOICES.dist),
    number('seed', 'Seed', { min: '0' }),
    element('details', { class: 'more' },
      element('summary', {}, 'Failures and limits'),
      element('div', { class: 'more-fields' },
        number('fail', 'Failing jobs', { type: 'text', inputmode: 'text', placeholder: 'e.g. 3 or 1,15,30', title: 'these jobs panic after their work' }),
        number('timeout', 'Job timeout (ms)', { min: '0', step: 'any', title: '0: none. A job running longer is reported as timed out and its worker replaced' }),
        number('capacity', 'Queue capacity', { min: '0', title: '0: unbounded. A full queue takes jobs as workers free room' }))),
    element('div', { class: 'buttons' }, runButton, stopButton, compareButton, exportButton, linkButton));

  const problems = element('ul', { class: 'problems', 'aria-live': 'assertive' });
  const status = element('p', { class: 'status', role: 'status', part: 'status' });
  const modeNotice = element('p', { class: 'mode-notice', part: 'mode' });
  const canvas = element('canvas', { class: 'timeline', role: 'img', 'aria-label': 'Timeline', 'data-lanes': '0', 'data-bars': '0',
    tabindex: '0', 'aria-describedby': `${idPrefix}-bar` });
  const barDetails = element('p', { class: 'hint bar-details', id: `${idPrefix}-bar`, 'aria-live': 'polite' },
    'Point at a bar, or focus the timeline and use the arrow keys, to see its job.');
  const jobTable = element('table');
  const timeline = new Timeline(canvas);
  const statsPanel = element('div', { class: 'stats' });
  const stats = new Stats(statsPanel);
  const compareSection = element('section', { class: 'panel compare', part: 'panel compare', 'data-results': '0' });
  const compareView = new CompareView(compareSection);
  const result = new ResultView(idPrefix);
  const logView = new LogView({ readEachUpTo: ANNOUNCE_EACH_UP_TO });
  // Screen readers: a line per job up to ANNOUNCE_EACH_UP_TO jobs, else a summary now and then.
  const announcer = element('p', { class: 'visually-hidden', role: 'status' });
  const progress = element('progress', { class: 'progress', max: '1', value: '0', 'aria-label': 'Jobs done' });

  // The code panel (`work=code`) goes here once made (element.js).
  const codeSlot = element('div', { class: 'code-slot' });
  container.replaceChildren(
    form, problems, modeNotice, status, progress, announcer, codeSlot,
    compareSection,
    result.panel,
    element('div', { class: 'views' },
      element('section', { class: 'panel timeline-panel', part: 'panel timeline' },
        element('h2', {}, 'Timeline'),
        element('p', { class: 'hint' }, 'One lane per worker, one bar per job from start to finish; the queue length is drawn underneath. A mark shows where the pool was resized.'),
        // Focusable: embedded, the box scrolls past five lanes, and keyboards must reach that too.
        element('div', { class: 'timeline-box', tabindex: '0' }, canvas), barDetails,
        element('div', { class: 'visually-hidden' }, jobTable)), // a table clips to 1 px only inside a box
      element('section', { class: 'panel stats-panel', part: 'panel stats' },
        element('h2', {}, 'Numbers'), statsPanel),
      element('section', { class: 'panel log-panel', part: 'panel log' },
        element('h2', {}, 'Log'), logView.note, logView.running, logView.box)),
    capabilities());

  return {
    form, inputs, fields, runButton, stopButton, exportButton, linkButton, compareButton, fewerButton, moreButton,
    problems, status, modeNotice, announcer, progress, canvas, barDetails, jobTable, compareSection,
    timeline, stats, compareView, result, logView, codeSlot,
  };
}

/// What this browser offers the pool, at the element's foot.
function capabilities() {
  const isolated = globalThis.crossOriginIsolated === true;
  const shared = typeof SharedArrayBuffer !== 'undefined';
  const cores = navigator.hardwareConcurrency || 1;
  const item = (label, value, good) => element('li', { class: good ? 'ok' : 'bad' }, `${label}: `, element('strong', {}, value));
  return element('div', { class: 'capabilities' },
    element('ul', {},
      item('Cross-origin isolated', isolated ? 'yes' : 'no', isolated),
      item('Shared memory', shared ? 'yes' : 'no', shared),
      item('Cores (as the browser reports them)', String(cores), true)),
    // WebKit rounds this figure (4 on a 2-core machine), so it is the browser's word, not the machine's.
    element('p', { class: 'hint' }, `More cpu workers than the ${cores} cores the browser reports cannot all run at once; sleep workers can, since they wait instead of computing.`));
}

/**
 * The same data as the timeline's bars, for screen readers: the latest
 * TABLE_ROWS jobs, filled in once the run ends.
 * @param {HTMLTableElement} table
 * @param {import('./run.js').RunModel} model
 */
export function fillJobTable(table, model) {
  const rows = [];
  for (let i = Math.max(0, model.count - TABLE_ROWS); i < model.count; i++) {
    const at = (name) => `${Math.round(model.get(i, name) - model.startedMs)} ms`;
    rows.push(element('tr', {}, element('th', { scope: 'row' }, jobName(model, model.get(i, 'job'))),
      element('td', {}, String(model.get(i, 'worker'))), element('td', {}, at('started')), element('td', {}, at('finished')),
      element('td', {}, model.outcomeName(i))));
  }
  table.replaceChildren(
    element('caption', {}, `The timeline's jobs in the order they finished${model.count > TABLE_ROWS ? ` (the latest ${TABLE_ROWS})` : ''}`),
    element('thead', {}, element('tr', {}, ...['job', 'worker', 'started', 'finished', 'outcome'].map((name) => element('th', { scope: 'col' }, name)))),
    element('tbody', {}, ...rows));
}
