use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Condvar, Mutex, OnceLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// The process's base: an `Instant` and the Unix time in ms read with it.
/// `Instant` is monotonic across all threads (see README.md here).
fn base() -> &'static (Instant, f64) {
    static BASE: OnceLock<(Instant, f64)> = OnceLock::new();
    BASE.get_or_init(|| {
        let unix_ms = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0.0, |d| d.as_secs_f64() * 1e3);
        (Instant::now(), unix_ms)
    })
}

/// Ms since the Unix epoch, on one monotonic clock for every thread.
pub fn now_ms() -> f64 {
    let (instant, unix_ms) = base();
    unix_ms + instant.elapsed().as_secs_f64() * 1e3
}

/// Nothing to do: `now_ms` is one monotonic clock for the whole process.
#[inline]
pub fn share_time(_ms: f64) {}

/// Waits `ms` without using the CPU, or until `stop()`, if given, says so
/// (checked every `STOP_CHECK_MS`).
pub fn sleep_ms_until(ms: f64, stop: Option<&dyn Fn() -> bool>) {
    let deadline = now_ms() + ms;
    loop {
        let left = deadline - now_ms();
        if left <= 0.0 || stop.is_some_and(|stop| stop()) {
            return;
        }
        let chunk = if stop.is_some() { left.min(super::STOP_CHECK_MS) } else { left };
        std::thread::sleep(Duration::from_secs_f64(chunk / 1e3));
    }
}

// One lock and condition variable for every futex word: wake-ups are rare
// (idle workers only), so sharing them costs nothing measurable.
static LOCK: Mutex<()> = Mutex::new(());
static WOKEN: Condvar = Condvar::new();

/// Blocks while `word` holds `expected`, or until `timeout_ms` passes.
pub fn wait(word: &AtomicU32, expected: u32, timeout_ms: Option<f64>) {
    let guard = LOCK.lock().unwrap_or_else(|e| e.into_inner());
    // Checked under the lock, and `wake_all` takes it: no wake-up is lost.
    if word.load(Ordering::Acquire) != expected {
        return;
    }
    match timeout_ms {
        Some(ms) => drop(WOKEN.wait_timeout(guard, Duration::from_secs_f64(ms.max(0.0) / 1e3))),
        None => drop(WOKEN.wait(guard)),
    }
}

/// Wakes every thread waiting on `word`; the caller changed it first.
pub fn wake_all(_word: &AtomicU32) {
    let _guard = LOCK.lock().unwrap_or_else(|e| e.into_inner());
    WOKEN.notify_all();
}

/// Native threads may always block.
pub fn may_block() -> bool {
    true
}

pub fn allow_blocking_on_this_thread() {}
