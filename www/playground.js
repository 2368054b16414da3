// <pool-playground>: the controls, the run and its views. It keeps the
// contract that docs pages and tests rely on: `data-state` is idle |
// running | done | error, and the log (role="log") holds one line per
// finished job, "Job 3 is done by worker 2".

import { loadPoolscope, threadsUnavailableReason } from './poolscope.js';
import { DEFAULTS, RULES, checkSetting, queryFromSettings, settingsFromQuery } from './settings.js';
import { Run } from './run.js';

function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
  node.append(...children);
  return node;
}

class PoolPlayground extends HTMLElement {
  connectedCallback() {
    if (this.run !== undefined) return;
    this.run = null;
    const { settings, autorun, problems } = settingsFromQuery(location.search);
    this.settings = settings;
    this.#render();
    this.#showProblems(problems);
    this.#setState('idle');
    const unavailable = threadsUnavailableReason();
    if (unavailable) {
      this.#fail(`Threads are unavailable: ${unavailable}.`);
      return;
    }
    if (autorun) this.start();
  }

  #render() {
    this.inputs = {};
    const field = (name, label, attributes) => {
      const input = element('input', { name, id: `ps-${name}`, inputmode: 'numeric', ...attributes });
      input.value = String(this.settings[name]);
      this.inputs[name] = input;
      return element('label', { for: `ps-${name}` }, label, input);
    };
    this.runButton = element('button', { type: 'submit' }, 'Run');
    const form = element('form', { class: 'controls' },
      field('pool', 'Workers', { type: 'number', min: '1', max: String(RULES.pool.max ?? 64) }),
      field('jobs', 'Jobs', { type: 'number', min: '1' }),
      this.runButton);
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.start();
    });
    this.problems = element('ul', { class: 'problems', 'aria-live': 'assertive' });
    this.status = element('p', { class: 'status', role: 'status' });
    this.log = element('ol', { class: 'log', role: 'log', 'aria-label': 'Finished jobs' });
    this.replaceChildren(form, this.problems, this.status, this.log);
  }

  #setState(state) {
    this.dataset.state = state;
  }

  #showProblems(problems) {
    this.problems.replaceChildren(...problems.map((text) => element('li', {}, text)));
  }

  #fail(message) {
    this.status.textContent = message;
    this.#setState('error');
  }

  #readControls() {
    const problems = [];
    for (const [name, input] of Object.entries(this.inputs)) {
      const { value, problem } = checkSetting(name, input.value);
      if (problem) problems.push(problem);
      else this.settings[name] = value;
    }
    this.#showProblems(problems);
    return problems.length === 0;
  }

  async start() {
    if (!this.#readControls()) return;
    history.replaceState(null, '', queryFromSettings(this.settings));
    this.run?.dispose();
    this.log.replaceChildren();
    this.#setState('running');
    this.status.textContent = `Running ${this.settings.jobs} jobs on ${this.settings.pool} workers…`;
    try {
      const api = await loadPoolscope();
      const run = new Run(api, { ...this.settings }, (model, first) => this.#showEvents(model, first));
      this.run = run;
      await run.start();
      if (this.run !== run) return; // a newer run replaced this one
      const { model } = run;
      this.status.textContent = `Done: ${model.count} jobs on ${model.workerIds.size} workers in ${(model.finishedMs - model.startedMs).toFixed(0)} ms.`;
      this.#setState('done');
    } catch (error) {
      this.#fail(`The run failed: ${error.message ?? error}`);
    }
  }

  #showEvents(model, first) {
    const lines = document.createDocumentFragment();
    for (let i = first; i < model.count; i++) {
      lines.append(element('li', {}, `Job ${model.get(i, 'job')} is done by worker ${model.get(i, 'worker')}`));
    }
    this.log.append(lines);
  }
}

customElements.define('pool-playground', PoolPlayground);
export { DEFAULTS };
