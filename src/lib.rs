//! poolscope: a worker pool on WebAssembly threads.
//!
//! - `core`: the pool itself (queue, worker loop, trace, counters), free of
//!   web types;
//! - `sys`: clock, sleep and futex for each platform;
//! - `native`: `Pool` on std threads;
//! - `web`: `Pool` on Web Workers sharing one wasm memory, exported to JS;
//! - `web_fallback`: the job runner of the message-passing fallback, for
//!   pages without cross-origin isolation (a build without shared memory).

#![cfg_attr(all(target_arch = "wasm32", feature = "threads"), feature(stdarch_wasm_atomic_wait))]

pub mod core;
pub mod sys;

#[cfg(not(target_arch = "wasm32"))]
pub mod native;
#[cfg(not(target_arch = "wasm32"))]
pub use native::Pool;

#[cfg(all(target_arch = "wasm32", feature = "threads"))]
pub mod web;
#[cfg(all(target_arch = "wasm32", not(feature = "threads")))]
pub mod web_fallback;

pub use crate::core::error::{JobError, PoolError};
pub use crate::core::events::{Event, TraceRead, DEFAULT_TRACE_CAPACITY, EVENT_FIELDS, MAX_TRACE_CAPACITY};
pub use crate::core::failure::{current_job, Failure};
pub use crate::core::handle::{Batch, JobHandle};
pub use crate::core::job::{cpu_checksum, cpu_iterations, JobKind, JobSpec, Outcome};
pub use crate::core::pool::{Counters, PoolOptions, MAX_JOBS, MAX_WORKERS};
pub use crate::core::task::MAX_LABEL_BYTES;
pub use crate::core::workers::WorkerStats;
