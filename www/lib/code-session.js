// @ts-check
// What the element knows of `work=code`: the author's job (`job-src` or an
// inline <script type="text/poolscope-job">), the code panel (made and its
// editor loaded on first use), the code packed for a link (`code=`), and
// which code a run runs. The element asks; this holds the state, so the
// element's own file stays about runs and views. It loads code/ (the panel,
// its editor) only where a panel shows.

import { errorMessage } from './dom.js';

/**
 * What the session needs of its element.
 * @typedef {object} CodeHost
 * @property {{ work: string }} settings the element's settings (read live: `work` changes)
 * @property {boolean} syncUrl the playground page (`sync-url`): the URL carries the code
 * @property {() => boolean} editable whether an embed shows its code (`editable`)
 * @property {string} idPrefix
 * @property {HTMLElement} codeSlot where the panel goes
 * @property {(problems: string[]) => void} showProblems
 * @property {() => void} writeUrl
 * @property {(text: string) => void} say the status line
 */

export class CodeSession {
  /**
   * @param {CodeHost} host
   * @param {Element} element the playground element, read for its author's job
   */
  constructor(host, element) {
    this.host = host;
    /** @type {import('./code/panel.js').CodePanel | undefined} the code panel, once made */
    this.panel = undefined;
    /** @type {Promise<import('./code/panel.js').CodePanel> | undefined} */
    this.panelLoading = undefined;
    /** the code, packed for a link (`code=`), once known */
    this.param = '';
    /** @type {string | undefined} the `job-src` module's text, once fetched for the editor */
    this.jobSourceText = undefined;
    const jobSrc = element.getAttribute('job-src');
    const inline = element.querySelector('script[type="text/poolscope-job"]');
    /** @type {{ module?: string, code?: string } | null} the author's job, if any: it makes the work `code` */
    this.jobSource = jobSrc !== null ? { module: new URL(jobSrc, document.baseURI).href } : inline ? { code: inline.textContent ?? '' } : null;
  }

  /**
   * The query string `query` of the settings, with the code for `work=code`.
   * @param {string} query
   */
  query(query) {
    return this.host.settings.work === 'code' && this.param ? `${query}&code=${this.param}` : query;
  }

  /// Whether the code panel shows: on the playground page with `work=code`,
  /// and in an embed that says `editable`.
  shows() {
    return this.host.settings.work === 'code' && (this.host.syncUrl || this.host.editable());
  }

  /// What a run of `work=code` runs (`{ code }` or `{ module }`, spread
  /// into its settings): the panel's code if the editor's parser finds no
  /// syntax error in it (else null: the error is shown, named by its line
  /// and column, and marked), or the embed's own job; `{}` for other work.
  async checked() {
    if (this.host.settings.work !== 'code') return {};
    if (!this.shows()) return this.jobSource ?? { code: (await import('./code/examples.js')).FIRST_CODE };
    const panel = await this.load();
    const problem = await panel.check();
    if (problem) {
      this.host.showProblems([problem]);
      return null;
    }
    // The author's module as written runs from its own URL (no blob: needed).
    if (this.jobSource?.module && panel.code === this.jobSourceText) return { module: this.jobSource.module };
    return { code: panel.code };
  }

  /** The code panel, made and its editor loaded on first use. */
  load() {
    this.panelLoading ??= import('./code/panel.js').then(({ CodePanel }) => {
      const panel = new CodePanel(this.host.idPrefix);
      this.host.codeSlot.append(panel.section);
      this.panel = panel;
      this.#fillFromJobSource(panel);
      panel.onChange = () => this.#changed();
      return panel;
    });
    return this.panelLoading;
  }

  /** Shows the panel if the work is code (and loads it), else hides it. */
  showOrHide() {
    if (this.shows()) this.load().then((panel) => { panel.section.hidden = !this.shows(); panel.load(); });
    else if (this.panel) this.panel.section.hidden = true;
  }

  /// A link's `code`: shown in the panel, marked as from a link; nothing runs.
  /** @param {string} param */
  async takeLinkCode(param) {
    const [{ codeFromParam }, panel] = await Promise.all([import('./code/link.js'), this.load()]);
    const taken = await codeFromParam(param);
    if ('problem' in taken) {
      this.host.showProblems([taken.problem]);
      return;
    }
    this.param = param;
    panel.setCode(taken.code, true);
    if (this.host.settings.work !== 'code') return;
    this.host.say('This link contains code: read it in the code panel, then press Run.');
  }

  /** Packs the panel's code for a link now (Copy link), if it shows code. */
  async packForLink() {
    if (this.host.settings.work !== 'code' || !this.panel) return;
    const { codeToParam } = await import('./code/link.js');
    this.param = await codeToParam(this.panel.code);
  }

  /**
   * After a run of `work=code`: each job's value in the panel.
   * @param {any} model
   */
  showResults(model) {
    if (this.host.settings.work === 'code') this.panel?.showResults(model);
  }

  /// An editable embed shows its author's job: the inline code, or the
  /// `job-src` module's text (fetched; run from its URL while unedited).
  /** @param {import('./code/panel.js').CodePanel} panel */
  async #fillFromJobSource(panel) {
    if (!this.jobSource) return;
    const { code, module } = this.jobSource;
    if (code !== undefined || module === undefined) return panel.setCode(code ?? '');
    try {
      const response = await fetch(module);
      if (!response.ok) throw new Error(`${response.status} ${response.statusText}`);
      this.jobSourceText = await response.text();
      panel.setCode(this.jobSourceText);
    } catch (error) {
      this.host.showProblems([`job-src ${module} could not be read (${errorMessage(error)}): the editor shows the article's worker instead.`]);
    }
  }

  /// The code changed: the page's URL (`sync-url`) carries it, packed.
  async #changed() {
    if (!this.host.syncUrl || !this.panel) return;
    const { codeToParam } = await import('./code/link.js');
    const code = this.panel.code;
    const param = await codeToParam(code);
    if (this.panel.code !== code) return; // changed again meanwhile
    this.param = param;
    this.host.writeUrl();
  }
}
