// @ts-check
// The worker that holds JS jobs' large or non-plain arguments (shared-
// memory mode) until the pool worker that takes the job asks for them.
//
// Why a worker of its own: which pool worker takes a job is known only
// when one claims it from the shared queue, after the page queued it. Kept
// on the page, the arguments would wait for the page's next free turn
// (behind whatever it is doing) while the claiming worker idles; here the
// page hands them over once, when it queues the job, and a worker gets
// them in one hop that never touches the page's thread. Buffers given in
// `transfer` are moved at each hop, never copied (bench/js-jobs.mjs).
//
// The page talks to it on a line of its own (a MessagePort), handed over
// once this worker says it listens: a page or a test harness may wrap a
// worker in a script that awaits an import first (wasm-bindgen-test's
// console shim does), and a message to the worker itself before then is
// lost, where a port keeps what is posted to it until it is read. On that
// line: `{ ticket, args, transfer }` (hold these), `{ drop: ticket }` (the
// job will never run: forget them), `{ port }` (a pool worker's line: it
// sends a ticket and gets `{ ticket, args }` back).
// It imports nothing: a bundler copies it as a file of its own, as runner.js.
// The page imports its name from here; the code below runs only in a
// worker of that name.

/** The broker worker's name. */
export const BROKER_NAME = 'poolscope-args';

/** @typedef {{ ticket: number, args: unknown[], transfer?: Transferable[] }} Held */

/** @type {Map<number, Held>} arguments no worker has asked for yet */
const held = new Map();
/** @type {Map<number, MessagePort>} tickets asked for before the page's message came (they cross on two lines) */
const asked = new Map();

/**
 * @param {Held} arguments_
 * @param {MessagePort} port
 */
function give({ ticket, args, transfer }, port) {
  port.postMessage({ ticket, args }, transfer ?? []);
}

/** @param {any} data a message on the page's line */
function fromPage(data) {
  if (data.port instanceof MessagePort) {
    const port = data.port;
    port.onmessage = ({ data: ticket }) => {
      const arguments_ = held.get(ticket);
      if (!arguments_) return void asked.set(ticket, port);
      held.delete(ticket);
      give(arguments_, port);
    };
  } else if (data.drop !== undefined) {
    held.delete(data.drop);
    asked.delete(data.drop);
  } else {
    const port = asked.get(data.ticket);
    if (!port) return void held.set(data.ticket, data);
    asked.delete(data.ticket);
    give(data, port);
  }
}

const scope = /** @type {any} */ (globalThis);
if (typeof scope.WorkerGlobalScope === 'function' && scope instanceof scope.WorkerGlobalScope && scope.name === BROKER_NAME) {
  scope.onmessage = (/** @type {MessageEvent} */ { data }) => {
    if (data?.page instanceof MessagePort) data.page.onmessage = ({ data: message }) => fromPage(message);
  };
  scope.postMessage({ type: 'broker-ready' }); // the page hands over its line now
}
