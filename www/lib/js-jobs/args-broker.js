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
// Messages from the page: `{ ticket, args, transfer }` (hold these),
// `{ drop: ticket }` (the job will never run: forget them), `{ port }` (a
// pool worker's line: it sends a ticket and gets `{ ticket, args }` back).
// It imports nothing: a bundler copies it as a file of its own, as runner.js.

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

self.onmessage = ({ data }) => {
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
};
