//! poolscope: a worker pool on WebAssembly threads. Jobs go into one
//! shared queue and each is taken by exactly one worker; the pool keeps a
//! trace of who ran what, counters, and named errors. The same core runs on
//! std threads and on Web Workers sharing one wasm memory; either way the
//! type is `Pool` (on the web it is exported to JS as `PoolscopePool`).
//!
//! ```
//! # #[cfg(not(target_arch = "wasm32"))] { // natively a handle is joined; on the web, awaited
//! let pool = poolscope::Pool::new(2).unwrap();                // 2 workers; 0 or 65 is InvalidSize
//! let squares = pool.map_labeled(1..=4u64, |n| format!("square {n}"), |n| n * n).unwrap();
//! let jobs = squares.jobs();
//! let values: Vec<u64> = squares.join_all().unwrap().into_iter().map(Result::unwrap).collect();
//! assert_eq!(values, [1, 4, 9, 16]);
//! assert_eq!(pool.label(jobs[2]).as_deref(), Some("square 3"));
//! pool.wait_idle();
//! assert_eq!(pool.counters().completed, 4);
//! # }
//! ```
//!
//! A crate that targets both writes the same lines: `Pool::new(size)`,
//! `Pool::with_options(size, PoolOptions { .. })`, `spawn`, `map`, ... On
//! the web they are called from a page's main thread, and nothing blocks
//! it: a job's handle is awaited (`handle.await`, or `into_promise()` for
//! JS). Features: `threads` (default) is the shared-memory pool; `rayon`
//! (opt-in) adds `RayonPool` (`PoolscopePool.withRayon(size)` from JS, a
//! `PoolscopeRayonPool`) and wasm-bindgen-rayon's `init_thread_pool`.
//!
//! Everything public is at the crate root, plus `clock`. Inside (private;
//! `ARCHITECTURE.md` draws the layers):
//!
//! - `core`: the pool itself (queue, worker loop, trace, counters), free of
//!   web types;
//! - `sys`: clock, sleep and futex for each platform;
//! - `native`: `Pool` on std threads;
//! - `web`: `Pool` on Web Workers, exported to JS, with a host per build:
//!   sharing one wasm memory (feature `threads`), or, for pages without
//!   cross-origin isolation, workers with a memory each, driven by messages
//!   by the same core;
//! - `closure_api`: `spawn`, `map` and their kin, written once for both `Pool`s.

#![cfg_attr(all(target_arch = "wasm32", feature = "threads"), feature(stdarch_wasm_atomic_wait))]
// Every public item says what it is (cargo doc runs with -D warnings in scripts/test.sh).
#![warn(missing_docs)]

// Before the pools, which expand it.
#[macro_use]
mod closure_api;

mod core;
mod sys;

pub mod clock;

#[cfg(not(target_arch = "wasm32"))]
mod native;
#[cfg(not(target_arch = "wasm32"))]
pub use native::Pool;

#[cfg(target_arch = "wasm32")]
mod web;
#[cfg(feature = "rayon")]
pub use web::{init_thread_pool, RayonPool};
#[cfg(target_arch = "wasm32")]
pub use web::{job_error, pool_error, EventReader, Pool};

pub use crate::core::chunks::{Chunking, TARGET_CHUNK_NS};
pub use crate::core::counts::Counters;
pub use crate::core::error::{JobError, PoolError};
pub use crate::core::events::{Event, TraceRead, DEFAULT_TRACE_CAPACITY, EVENT_FIELDS, MAX_TRACE_CAPACITY};
pub use crate::core::failure_log::Failure;
pub use crate::core::handle::{Batch, InOrder, JobHandle, NextFinished, Reduction, Values};
pub use crate::core::items::RangeItem;
pub use crate::core::job::{cpu_checksum, cpu_iterations, JobKind, JobSpec, Outcome, MAX_COST_MS};
pub use crate::core::options::{PoolOptions, MAX_JOBS, MAX_TIMEOUT_MS, MAX_WORKERS};
pub use crate::core::running::{current_job, progress, should_stop};
pub use crate::core::stats::{Latency, PoolStats, WorkerLatency};
pub use crate::core::task::MAX_LABEL_BYTES;
pub use crate::core::trace_export::TraceOptions;
pub use crate::core::worker_slots::WorkerStats;
