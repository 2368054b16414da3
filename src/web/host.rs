//! The host contract: what a build must provide so that `Pool` (the JS
//! class `PoolscopePool`) runs on Web Workers. The core decides every
//! job's fate; a host only starts and ends the workers, carries what the
//! core cannot see by itself (a job to a worker with a memory of its own,
//! a worker's trap, a timeout) and turns the core's state into promises
//! for a page's main thread, which never blocks.
//!
//! Two hosts implement it, one per build:
//!
//! - `SharedMemoryHost` (feature `threads`): workers share this module's
//!   memory and run the core's worker loop themselves; a promise waits on
//!   the core's futex words with `Atomics.waitAsync`.
//! - `MessagePassingHost` (without it, for pages without cross-origin
//!   isolation): each worker has an instance of its own, and the host asks
//!   the core what each is to do next (`core::remote`) and tells it what
//!   each job did; the promises are checked after every reply.

use crate::core::options::PoolOptions;
use crate::core::pool::PoolCore;
use js_sys::Promise;
use std::sync::atomic::AtomicU32;
use std::sync::Arc;
use wasm_bindgen::prelude::{Closure, JsError, JsValue};

/// Queues what fits of a batch from an offset: `[first, queued]`.
pub(super) type TrySubmit = Closure<dyn Fn(u32) -> Result<Vec<f64>, JsError>>;

/// What one pool needs from the platform that runs its workers. The pool
/// owns its host, and drops it (after `dispose`) when it is freed.
pub(super) trait Host: Sized {
    /// The host of a new pool on `core`, with no workers yet. It keeps
    /// what it needs of `core` and `options` (the watchdog's period for a
    /// job timeout, the callbacks through which its JS half reports).
    fn new(core: &Arc<PoolCore>, options: &PoolOptions) -> Self;

    /// Starts a Web Worker for each id the core's `resize` returned;
    /// resolves once they run, or rejects with the first that cannot start
    /// (whose id the host hands back to the core: `abandon_worker`).
    fn spawn(&self, ids: Vec<u32>) -> Promise;

    /// Resolves once every worker started so far runs.
    fn ready(&self) -> Promise;

    /// The pool's state changed (a submit, a resize, a cancel, a stop): a
    /// host whose workers do not watch the core themselves hands out work
    /// or ends workers now. Shared-memory workers see it through the
    /// core's futexes: nothing to do.
    fn changed(&self) {}

    /// Jobs waiting were cancelled. A host that keeps work for the jobs it
    /// carries (the message-passing build's calls) settles theirs;
    /// closures' handles were told by the core.
    fn cancelled(&self) {}

    /// Resolves once `is_done()` holds, checked whenever the core bumps
    /// futex word `word` (a job ended, a worker started or ended, a call
    /// was reported), without blocking the page. The host keeps `is_done`
    /// until the promise settles, then drops it (`keep_until_settled`).
    fn when(&self, word: &AtomicU32, is_done: impl Fn() -> bool + 'static) -> Promise;

    /// Feeds a batch of `total` jobs in as a bounded queue makes room:
    /// `try_submit(offset)` queues what fits from `offset` and returns
    /// `[first, queued]`; resolves with the first job's number.
    /// The host keeps `try_submit` until the promise settles, then drops
    /// it: nothing of the pool waits on JavaScript's collector.
    fn submit_as_room_frees(&self, total: u32, try_submit: TrySubmit) -> Promise;

    /// Gives the host the page's half of call jobs (`www/lib/js-jobs/`): it
    /// hands their calls' messages from workers to `calls` (arguments
    /// asked for, values sent by message, progress).
    fn attach_calls(&self, calls: &JsValue);

    /// Jobs may now have a timeout of `timeout_ms` (a call's own): check
    /// for overdue ones often enough.
    fn watch_timeouts(&self, timeout_ms: f64);

    /// Tells worker `worker`, which runs call job `job`, that its caller aborted it.
    fn abort_call(&self, worker: u32, job: u64);

    /// Web Workers started and not yet ended.
    fn live_count(&self) -> u32;

    /// Worker threads lost (to a panic or a timeout) and replaced.
    fn lost_threads(&self) -> u32;

    /// Web Workers ended and started again because their module did not
    /// load in time; only a host that retries stalled starts counts them.
    fn stalled_starts(&self) -> u32 {
        0
    }

    /// The pool is freed: stop the watchdog, end what can be ended, and
    /// ignore whatever the workers report from now on.
    fn dispose(&self);

    /// The size of this instance's wasm memory in bytes (the shared one,
    /// or the page's own in the message-passing build): it only grows.
    fn memory_bytes() -> f64;
}
