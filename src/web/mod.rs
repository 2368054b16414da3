//! The web glue: `Pool` (`poolscope::Pool` on wasm), exported to
//! JavaScript as `PoolscopePool`, on Web Workers. All pool logic lives in
//! `crate::core`; one pool type and one JS API for both builds, each with
//! a host of its own (`host::Host`, the contract both implement):
//!
//! - `pool`: `Pool`, the JS class, on the core and the build's host;
//!   - `pool/closures` (feature `threads`): Rust closures on the pool, and
//!     a job handle as a JS `Promise`;
//!   - `pool/calls` (without it): calls of a module's functions, the
//!     message-passing build's stand-in for closures;
//!   - `pool/rayon_pool` (feature `rayon`): `RayonPool`, the JS class
//!     `PoolscopeRayonPool`, the playground's rayon strategy: a type of its
//!     own with `Pool`'s read side (`PoolBase`, `pool_class_methods!`);
//!   - `pool/reader`: `EventReader`, the JS class `PoolscopeEventReader`
//!     (`pool.reader()`): the trace read with a cursor of its own;
//! - `statics`: the class's static methods (limits, event fields, clocks);
//! - `options`: sizes, counts, kinds and the options object from JS, checked;
//! - `errors`: named JS errors from `PoolError` and `JobError`;
//! - `interop`: a field of a plain object, and a promise that owns the
//!   closures JS calls until it settles (nothing waits on JS's collector);
//! - `host`: the `Host` trait, what a build must provide to run workers;
//! - `shared_host` (feature `threads`): Web Workers that share this
//!   module's memory and run the core's worker loop themselves (bindings
//!   to `worker_host.js`, which starts, watches and replaces them, and the
//!   workers' entry point);
//! - `remote_host` (without it, for pages without cross-origin isolation):
//!   Web Workers with an instance each, driven by messages; this instance's
//!   core decides for them (`core::remote`, `remote_host.js`, and the
//!   workers' entry points);
//! - `labels.js`: labels across the boundary in one call.

mod errors;
mod host;
mod interop;
mod options;
mod pool;
mod statics;

// Both builds' pools: the same core and the same JS API; the host differs.
#[cfg(not(feature = "threads"))]
mod remote_host;
#[cfg(feature = "threads")]
mod shared_host;
#[cfg(not(feature = "threads"))]
type BuildHost = remote_host::MessagePassingHost;
#[cfg(feature = "threads")]
type BuildHost = shared_host::SharedMemoryHost;

pub use errors::{job_error, pool_error};
#[cfg(feature = "rayon")]
pub use pool::RayonPool;
pub use pool::{EventReader, Pool};
#[cfg(feature = "rayon")]
pub use wasm_bindgen_rayon::init_thread_pool;
