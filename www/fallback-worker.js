// One worker of the message-passing fallback: its own wasm instance (no
// shared memory), one job per message, the result in the reply.
import init, { cpuWork, failJob } from './pkg-fallback/poolscope_fallback.js';

// `timeOrigin` read once: WebKit recomputes it on every read (src/sys/README.md).
const ORIGIN = performance.timeOrigin;
const now = () => ORIGIN + performance.now();
const ready = init();
let panicMessage = null;
globalThis.__poolscopePanic = (message) => { panicMessage = message; };

self.onmessage = async ({ data: job }) => {
  await ready;
  const started = now();
  let value = 0;
  try {
    if (job.kind === 0) value = cpuWork(job.job, job.iterations);
    else if (job.kind === 1) await new Promise((resolve) => setTimeout(resolve, job.cost));
    else value = job.job;
    if (job.fail) failJob(job.job); // panics: wasm32 aborts, like the shared-memory pool
  } catch (error) {
    postMessage({ type: 'crashed', job: job.job, started, finished: now(), message: panicMessage ?? String(error) });
    return; // this instance is spent: the page replaces the worker
  }
  postMessage({ type: 'done', job: job.job, started, finished: now(), value });
};
init().then(() => postMessage({ type: 'ready' }));
