use std::sync::atomic::{AtomicU32, AtomicU64};

/// How often a thread that must not block asked to: never here, where
/// nothing waits on another thread.
pub static REFUSED_WAITS: AtomicU64 = AtomicU64::new(0);

/// Ms since the Unix epoch: `timeOrigin` (read once) plus `performance.now()`.
pub fn now_ms() -> f64 {
    super::web_clock::thread_now_ms()
}

/// One thread per instance: the page orders times across workers.
pub fn share_time(_ms: f64) {}

/// The fallback's workers do `sleep` jobs in JavaScript (`setTimeout`):
/// without shared memory a wasm thread has nothing to wait on.
pub fn sleep_ms_until(_ms: f64, _stop: Option<&dyn Fn() -> bool>) {
    unreachable!("sleep jobs run in JavaScript in the fallback");
}

/// One thread per instance: no waiting on another.
pub fn wait(_word: &AtomicU32, _expected: u32, _timeout_ms: Option<f64>) {}
/// Nobody else waits in this instance.
pub fn wake_all(_word: &AtomicU32) {}
/// Never: there is nothing to wait for.
pub fn may_block() -> bool {
    false
}
/// Nothing to allow (see `may_block`).
pub fn allow_blocking_on_this_thread() {}
