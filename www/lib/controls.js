// @ts-check
// The element's form and its settings: a value put into a control (at the
// start, or from an attribute), every control read back and checked, and
// the controls the chosen work reads. No state of its own: the element
// passes its controls, its settings and `refused`, the values per menu
// that a menu could not show.

import { element } from './dom.js';
import { WORK_SETTINGS, checkSetting, combinationProblem } from './settings.js';
import { STRATEGY_LIST, strategyProblem } from './strategies/index.js';

/** @typedef {Record<string, HTMLInputElement | HTMLSelectElement>} Controls */

/**
 * Shows `text` in control `name`. A menu gains a value its setting allows
 * but it does not list (tile=48; it offers powers of two): without it the
 * menu would read back as "" and the run be refused. A value not allowed
 * leaves the menu blank, and is kept in `refused` for the problem to name it.
 * @param {Controls} inputs
 * @param {Record<string, string>} refused
 * @param {string} name
 * @param {string} text
 */
export function setControl(inputs, refused, name, text) {
  const input = inputs[name];
  input.value = text;
  delete refused[name];
  if (!(input instanceof HTMLSelectElement) || input.value === text) return;
  if (checkSetting(name, text).problem) {
    refused[name] = text;
    return;
  }
  input.append(element('option', { value: text }, text));
  input.value = text;
}

/**
 * Reads every control into `settings`; a bad one keeps its last good value.
 * @param {Controls} inputs
 * @param {Record<string, string>} refused
 * @param {import('./settings.js').Settings} settings
 * @returns {string[]} the problems, each naming a control and why; none when all are good
 */
export function readControls(inputs, refused, settings) {
  const problems = [];
  for (const [name, input] of Object.entries(inputs)) {
    const { value, problem } = checkSetting(name, input.value === '' ? refused[name] ?? '' : input.value);
    if (problem) problems.push(problem);
    else settings[name] = value;
  }
  const combination = combinationProblem(settings);
  if (combination) problems.push(combination);
  return problems;
}

/**
 * Shows the fields `work` reads and hides the other works' fields; the
 * strategies that cannot run it are greyed out in the menu.
 * @param {Record<string, HTMLElement>} fields
 * @param {HTMLSelectElement | HTMLInputElement} strategyMenu
 * @param {import('./settings.js').Settings['work']} work
 */
export function showWorkControls(fields, strategyMenu, work) {
  const hidden = new Set(Object.values(WORK_SETTINGS).flat().filter((name) => !WORK_SETTINGS[work].includes(name)));
  for (const [name, field] of Object.entries(fields)) field.hidden = hidden.has(name);
  for (const strategy of STRATEGY_LIST) {
    const option = /** @type {HTMLOptionElement} */ (strategyMenu.querySelector(`option[value="${strategy.name}"]`));
    option.disabled = strategyProblem(strategy, work) !== null;
  }
}
