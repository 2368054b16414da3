//! The pool's clock, for code that compares its own times with the
//! events' (`queued`, `started`, `finished`) or paces itself between jobs.
//! One clock for every thread: ms since the Unix epoch, monotonic on each
//! thread and ordered across threads (on the web,
//! `performance.timeOrigin + performance.now()`, with the origin read once
//! per thread, since WebKit recomputes it on every read).
//!
//! ```
//! let before = poolscope::clock::now_ms();
//! poolscope::clock::sleep_ms_until(5.0, None);
//! assert!(poolscope::clock::now_ms() - before >= 5.0);
//! ```

/// Ms since the Unix epoch on the clock of the pool's events.
pub fn now_ms() -> f64 {
    crate::sys::now_ms()
}

/// Waits `ms` without using the CPU, or until `stop()`, if given, says
/// so (checked every few ms). Blocks the calling thread, so on the web
/// only a pool's worker waits: on a page's main thread it returns at once
/// (counted in `PoolscopePool.refusedWaits()`), and in the message-passing
/// build, which has no shared memory to wait on, it always does.
pub fn sleep_ms_until(ms: f64, stop: Option<&dyn Fn() -> bool>) {
    crate::sys::sleep_ms_until(ms, stop)
}
