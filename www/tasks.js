// A module of job functions, as a page's own: jobs.html runs them on a
// pool (`pool.run('double', [21])`), and the end-to-end tests use them.
// Each function gets its arguments and then the job's context.

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The article's job without its sleep. */
export function double(n) {
  return n * 2;
}

/** The article's job: a second's wait, then twice the job's number. */
export async function article(n) {
  await sleep(1000);
  return n * 2;
}

/** Gives back what it got (any structured-clone value). */
export function echo(value) {
  return value;
}

/** The sum of an array of numbers (a typed array, say). */
export function sum(numbers) {
  let total = 0;
  for (const n of numbers) total += n;
  return total;
}

/** Doubles every number of a Float64Array and moves it back to the page. */
export function doubleAll(numbers, { transfer }) {
  for (let i = 0; i < numbers.length; i++) numbers[i] *= 2;
  return transfer(numbers, [numbers.buffer]);
}

class BadInput extends Error {
  name = 'BadInput';
}

/** Throws its own kind of error. */
export function refuse(why) {
  throw new BadInput(`refused: ${why}`);
}

/** Twice `n`, except 13, which it refuses. */
export function doubleBut13(n) {
  if (n === 13) throw new BadInput('refused: 13');
  return n * 2;
}

/** Twice `n`, after a wait of 5 to 15 ms: jobs finish out of order. */
export async function slowDouble(n) {
  await sleep(5 + (n % 3) * 5);
  return n * 2;
}

/** Waits `ms`, then gives `value`. */
export async function later(ms, value) {
  await sleep(ms);
  return value;
}

/** Never ends: a timeout must end it. */
export function forever() {
  for (;;);
}

/** Ends when its caller aborts it, saying so. */
export function untilAborted({ signal }) {
  const said = () => `aborted: ${signal.reason?.name}`;
  if (signal.aborted) return said(); // before it began
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(said())));
}

/** Reports progress `steps` times, then gives the number of steps. */
export async function stepwise(steps, { progress }) {
  for (let i = 1; i <= steps; i++) {
    await sleep(2);
    progress(i / steps);
  }
  return steps;
}

/** Says it is half done at once, then waits `ms` and ends. */
export async function halfway(ms, { progress }) {
  progress(0.5);
  await sleep(ms);
  return 'done';
}

/** What the job knows of itself. */
export function whoAmI({ job, worker, label }) {
  return { job, worker, label };
}

let calls = 0;
/** Counts its calls in this worker: module-level state is per worker. */
export function countCalls() {
  return ++calls;
}

/** When the job began, on the clock every thread shares; its argument is only carried. */
export function startedAt(_carried) {
  return performance.timeOrigin + performance.now();
}
