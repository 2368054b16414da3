//! The platform-agnostic pool: no web types here, so the same code runs on
//! Web Workers in a browser and on std threads under `cargo test`.
//!
//! The pool, `PoolCore`, and what it is made of:
//!
//! - `pool`: `PoolCore`, the driving side: submitting, cancelling, closing, the counters;
//!   - `pool/workers`: the worker side: resizing, the worker loop, lost workers and timeouts;
//!   - `pool/remote`: the same loop's decisions for workers driven by messages (the web fallback);
//! - `queue`: the shared job queue, claimed by one CAS per job (or per run of trivial jobs);
//! - `segmented`: the queue's and trace's slots, in segments that never move and are used again;
//! - `events`: the trace, a ring of the latest events, read without locks;
//! - `worker_slots`: a slot per worker id (state, share of work, current job, partition), the
//!   pool size and the futex word idle workers sleep on;
//! - `counts`: how many jobs started, finished each way, were cancelled or refused;
//! - `failure_log`: panic messages until the platform takes them;
//! - `labels`: closure jobs' labels, kept as long as the trace keeps their events;
//! - `sync`: `SpinLock`, `OwnLine`, and the atomics (loom's when model-checked).
//!
//! What runs on it, and what callers get back:
//!
//! - `job`: job kinds (`cpu`, `sleep`, `noop`), their cost and value;
//! - `task`: closure jobs, and how their outcome reaches their handle;
//! - `handle`: `JobHandle` and `Batch`, what a caller awaits or joins;
//! - `failure`: a panicking job's `Failure`, the panic hook, `current_job`;
//! - `error`: `PoolError` and `JobError`, the named errors.
//!
//! `README.md` here explains how jobs stay exactly-once.

mod counts;
pub mod error;
pub mod events;
pub mod failure;
mod failure_log;
// The message-passing fallback's build runs built-in jobs only: no closures there.
#[cfg_attr(all(target_arch = "wasm32", not(feature = "threads")), allow(dead_code))]
pub mod handle;
pub mod job;
mod labels;
pub mod pool;
pub mod queue;
pub mod segmented;
mod sync;
#[cfg_attr(all(target_arch = "wasm32", not(feature = "threads")), allow(dead_code))]
pub mod task;
mod worker_slots;

// Children of `pool`, so that `PoolCore`'s fields stay private to it; their
// paths stay `core::remote` and `core::workers`.
pub use pool::{remote, workers};

#[cfg(all(test, not(target_arch = "wasm32")))]
mod closure_tests;
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;
