// One worker of the message-passing fallback: its own wasm instance (no
// shared memory), one job per message, the result in the reply. Jobs of
// kind 3 call a kernel of examples/tiles (www/fallback-workloads.js).
import init, { __poolscopeCpuWork as cpuWork, __poolscopeFailJob as failJob } from './pkg-fallback/poolscope_fallback.js';

// `timeOrigin` read once: WebKit recomputes it on every read (src/sys/README.md).
const ORIGIN = performance.timeOrigin;
const now = () => ORIGIN + performance.now();
const ready = init();
let kernels = null; // examples/tiles' kernels, loaded on the first job that calls one
let panicMessage = null;
globalThis.__poolscopePanic = (message) => { panicMessage = message; };

self.onmessage = async ({ data: job }) => {
  await ready;
  if (job.kind === 3) {
    // Loaded before the job's clock starts: its time is the kernel's.
    kernels ??= import('./tiles-pkg-fallback/poolscope_tiles_fallback.js').then(async (module) => { await module.default(); return module; });
    await kernels;
  }
  const started = now();
  let value = 0;
  try {
    if (job.kind === 0) value = cpuWork(job.job, job.iterations);
    else if (job.kind === 1) await new Promise((resolve) => setTimeout(resolve, job.cost));
    else if (job.kind === 3) value = (await kernels)[job.work](...job.args);
    else value = job.job;
    if (job.fail) failJob(job.job); // panics: wasm32 aborts, like the shared-memory pool
  } catch (error) {
    postMessage({ type: 'crashed', job: job.job, started, finished: now(), message: panicMessage ?? String(error) });
    return; // this instance is spent: the page replaces the worker
  }
  // A picture's pixels move to the page rather than being copied.
  postMessage({ type: 'done', job: job.job, started, finished: now(), value }, ArrayBuffer.isView(value) ? [value.buffer] : []);
};
init().then(() => postMessage({ type: 'ready' }));
