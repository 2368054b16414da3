//! The platform-agnostic pool: no web types here, so the same code runs on
//! Web Workers in a browser and on std threads under `cargo test`.
//!
//! The pool, `PoolCore`, and what it is made of:
//!
//! - `pool`: `PoolCore`, the driving side: submitting, cancelling, closing, the counters;
//!   - `pool/workers`: the worker side: resizing, the worker loop, lost workers and timeouts;
//!   - `pool/remote`: the same loop's decisions for workers driven by messages (the web fallback);
//!   - `pool/closures`: `spawn`, `map` and `reduce`, closures queued as a `task::Group` of chunks;
//!   - `pool/calls`: call jobs: queued with their inputs, handed to the platform, reported;
//! - `options`: `PoolOptions` and the limits (`MAX_WORKERS`, `MAX_JOBS`, ...);
//! - `placement`: `Placement`, where a batch goes: the shared queue or fixed slices;
//! - `queue`: the shared job queue, claimed by one CAS per job (or per run of trivial jobs);
//! - `segmented`: the queue's and trace's slots, in segments that never move and are used again;
//! - `events`: the trace, a ring of the latest events, read without locks;
//! - `worker_slots`: a slot per worker id (state, share of work, current job, partition), the
//!   pool size and the futex word idle workers sleep on, and `WorkerStats`;
//! - `counts`: how many jobs started, finished each way, were cancelled or
//!   refused, and `Counters`, what the pool shows of them;
//! - `failure_log`: `Failure`s (panic messages) until the platform takes them;
//! - `stats`: `PoolStats`, waiting and running times as percentiles, computed on read from the trace;
//! - `trace_export`: the trace as Chrome trace-event JSON for Perfetto (`TraceOptions`);
//! - `labels`: closure jobs' labels, kept as long as the trace keeps their events;
//! - `sync`: `SpinLock`, `OwnLine`, and the atomics (loom's when model-checked).
//!
//! What runs on it, and what callers get back:
//!
//! - `job`: job kinds (`cpu`, `sleep`, `noop`, and `closure`, `call`), their cost and value;
//! - `calls`: call jobs' inputs and reports, for work the platform runs (JS functions);
//! - `chunks`: `Chunking`, how a batch's items are cut into jobs, and what the pool measured they cost;
//! - `items`: where a group's items come from: the caller's `Vec`, or an integer range (`RangeItem`);
//! - `task`: closure jobs (a chunk of items each), and how their outcome reaches their handle;
//! - `handle`: `JobHandle`, `Batch` and `Reduction`, what a caller awaits or joins;
//! - `running`: what this thread runs now, for code inside a job: `current_job`, `should_stop`, `progress`;
//! - `failure`: the panic hook, which files a panicking job's `Failure` under the job running;
//! - `error`: `PoolError` and `JobError`, the named errors.
//!
//! No module imports one that imports it back (`pool` and its children
//! count as one): shared types live in leaf modules (`options`, `placement`, `counts`,
//! `failure_log`, `worker_slots`), and a unit test checks it
//! (`core/tests.rs`, `no_import_circles_in_core`). `README.md` here
//! explains how jobs stay exactly-once.

// The message-passing build drives remote workers from the page's one
// thread and runs no closures: much of the core is unused there, and
// checked by the other builds.
#![cfg_attr(all(target_arch = "wasm32", not(feature = "threads")), allow(dead_code))]

// Private to the crate: the public items are re-exported from its root.
pub(crate) mod calls;
pub(crate) mod chunks;
pub(crate) mod counts;
pub(crate) mod error;
pub(crate) mod events;
pub(crate) mod failure;
pub(crate) mod failure_log;
pub(crate) mod handle;
pub(crate) mod items;
pub(crate) mod job;
mod labels;
pub(crate) mod options;
pub(crate) mod placement;
pub(crate) mod pool;
mod queue;
pub(crate) mod running;
mod segmented;
pub(crate) mod stats;
mod sync;
pub(crate) mod task;
pub(crate) mod trace_export;
pub(crate) mod worker_slots;

// Children of `pool`, so that `PoolCore`'s fields stay private to it.
pub(crate) use pool::workers;

#[cfg(all(test, not(target_arch = "wasm32")))]
mod call_tests;
#[cfg(all(test, not(target_arch = "wasm32")))]
mod chunk_tests;
#[cfg(all(test, not(target_arch = "wasm32")))]
mod closure_tests;
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;
