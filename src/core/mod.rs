//! The platform-agnostic pool: no web types here, so the same code runs on
//! Web Workers in a browser and on std threads under `cargo test`.
//!
//! - `segmented`: slots in segments that never move and are used again once done with;
//! - `job`: job kinds (`cpu`, `sleep`, `noop`), their cost and value;
//! - `queue`: the shared job queue, claimed by one CAS per job (or per run of trivial jobs);
//! - `events`: the trace, a ring of the latest events, read without locks;
//! - `pool`: `PoolCore`: submitting, cancelling, closing, the counters;
//! - `workers`: worker slots, resizing, the worker loop, lost workers;
//! - `remote`: the worker loop's decisions for workers driven by messages (the web fallback);
//! - `failure`: panicking jobs and their messages;
//! - `task`: closure jobs, and how their outcome reaches their handle;
//! - `handle`: `JobHandle` and `Batch`, what a caller awaits or joins;
//! - `error`: `PoolError` and `JobError`, the named errors.
//!
//! `README.md` here explains how jobs stay exactly-once.

pub mod error;
pub mod events;
pub mod failure;
// The message-passing fallback's build runs built-in jobs only: no closures there.
#[cfg_attr(all(target_arch = "wasm32", not(feature = "threads")), allow(dead_code))]
pub mod handle;
pub mod job;
pub mod pool;
pub mod queue;
pub mod remote;
pub mod segmented;
mod sync;
#[cfg_attr(all(target_arch = "wasm32", not(feature = "threads")), allow(dead_code))]
pub mod task;
pub mod workers;

#[cfg(all(test, not(target_arch = "wasm32")))]
mod closure_tests;
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;
