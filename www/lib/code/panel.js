// @ts-check
// The code panel (`work=code`): the job function in a real editor
// (CodeMirror 6, ../editor/codemirror.js, loaded on first use), a menu of
// examples, the first syntax error found before anything runs, and each
// job's value once a run ends. The element (element.js) owns the run; this
// panel owns the text.

import { element, errorMessage } from '../dom.js';
import { EXAMPLES, FIRST_CODE } from './examples.js';

const EDITOR_URL = new URL('../editor/codemirror.js', import.meta.url).href;
/** Values listed at most in the results. */
const MOST_RESULTS = 1000;

export class CodePanel {
  /**
   * @param {string} idPrefix makes ids unique among several elements on a page
   */
  constructor(idPrefix) {
    this.text = FIRST_CODE;
    /** @type {any} the editor (an EditorView), once loaded */
    this.view = null;
    /** @type {any} the editor module */
    this.editor = null;
    /** @type {Promise<void> | undefined} */
    this.loading = undefined;
    this.examples = element('select', { id: `${idPrefix}-example`, name: 'example' },
      element('option', { value: '' }, 'Pick an example…'),
      ...EXAMPLES.map(({ name, label }) => element('option', { value: name }, label)));
    this.mount = element('div', { class: 'editor', 'data-loaded': 'false' });
    this.error = element('p', { class: 'code-error', role: 'alert', id: `${idPrefix}-code-error` });
    this.notice = element('p', { class: 'code-notice', hidden: true });
    this.results = element('ol', { class: 'code-results' });
    this.resultsNote = element('p', { class: 'hint' }, 'Each job\'s value shows here once a run ends.');
    this.section = element('section', { class: 'panel code-panel', part: 'panel code', hidden: true },
      element('h2', {}, 'Your job'),
      element('p', { class: 'hint' },
        'A module whose ', element('code', {}, 'job(n, context)'), ' is one job: it gets the job\'s number and returns its value (it may be async). ',
        'Tab indents; Esc then Tab leaves the editor. A job runs at most the job timeout (5 s unless you set one).'),
      this.notice,
      element('div', { class: 'field' }, element('label', { for: this.examples.id }, 'Example'), this.examples),
      this.mount, this.error,
      element('details', { class: 'code-results-box' }, element('summary', {}, 'Results'), this.resultsNote, this.results));
    /** Called when the reader changes the code (the element keeps its link up to date). */
    this.onChange = () => {};
    this.examples.addEventListener('change', () => {
      const example = EXAMPLES.find(({ name }) => name === this.examples.value);
      if (example) this.setCode(example.code);
    });
  }

  /** Loads the editor into the panel (once); resolves when it shows. */
  load() {
    this.loading ??= import(EDITOR_URL).then((editor) => {
      this.editor = editor;
      this.mount.replaceChildren();
      this.view = editor.createEditor(this.mount, {
        doc: this.text,
        label: 'The job\'s code (JavaScript)',
        root: /** @type {ShadowRoot | Document} */ (this.mount.getRootNode()),
        onChange: (/** @type {string} */ text) => {
          this.text = text;
          this.error.textContent = '';
          this.examples.value = '';
          this.onChange();
        },
      });
      this.mount.dataset.loaded = 'true';
    }, (error) => {
      // The text stays usable without the editor: a plain text area.
      const area = element('textarea', { 'aria-label': 'The job\'s code (JavaScript)', spellcheck: 'false', rows: '12' });
      area.value = this.text;
      area.addEventListener('input', () => { this.text = area.value; });
      this.mount.replaceChildren(area);
      this.error.textContent = `The editor could not load (${errorMessage(error)}): edit the code as plain text.`;
    });
    return this.loading;
  }

  /** The job's code now. */
  get code() {
    return this.text;
  }

  /**
   * Replaces the code (an example picked, or a link's code).
   * @param {string} code
   * @param {boolean} [fromLink] the code came in a link: say so, and that it runs only on Run
   */
  setCode(code, fromLink = false) {
    this.text = code;
    if (this.view) this.editor.setText(this.view, code);
    this.error.textContent = '';
    if (!fromLink) this.onChange();
    this.notice.hidden = !fromLink;
    this.notice.textContent = fromLink
      ? 'This link contains code. Read it before you press Run: nothing of it runs until you do.'
      : '';
  }

  /**
   * The first syntax error of the code, named with its line and column and
   * marked in the editor, found by the editor's parser (nothing runs); null
   * when there is none.
   * @returns {Promise<string | null>}
   */
  async check() {
    await this.load();
    if (!this.view) return null; // plain text: the module's own load names the error
    const found = this.editor.firstSyntaxError(this.view);
    if (!found) {
      this.error.textContent = '';
      return null;
    }
    const problem = `Your code has a syntax error at line ${found.line}, column ${found.column} (near ${JSON.stringify(found.near)}): nothing ran.`;
    this.editor.markError(this.view, found.from, `Syntax error near ${JSON.stringify(found.near)}`);
    this.error.textContent = problem;
    return problem;
  }

  /**
   * Lists each job's value, or how it ended, once a run of this code ended.
   * @param {import('../run.js').RunModel} model
   */
  showResults(model) {
    const rows = [];
    const order = Array.from({ length: model.count }, (_, i) => i).sort((a, b) => model.get(a, 'job') - model.get(b, 'job'));
    for (const i of order.slice(0, MOST_RESULTS)) {
      const job = model.get(i, 'job');
      const outcome = model.outcomeName(i);
      const value = model.values.get(job);
      const said = outcome === 'completed' ? (value ?? '…') : `${outcome}${model.messages.get(job) ? `: ${model.messages.get(job)}` : ''}`;
      rows.push(element('li', { 'data-job': String(job), 'data-outcome': outcome }, `Job ${job}: ${said}`));
    }
    this.results.replaceChildren(...rows);
    this.resultsNote.textContent = model.count > MOST_RESULTS ? `The first ${MOST_RESULTS.toLocaleString('en-US')} of ${model.count.toLocaleString('en-US')} jobs:` : '';
  }
}
