use std::arch::wasm32::{memory_atomic_notify, memory_atomic_wait32};
use std::cell::Cell;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};

thread_local! {
    // Pool workers and dedicated workers may block; a browser's main thread
    // must never `Atomics.wait` (Chromium traps, Firefox freezes the page),
    // nor may shared or service workers and worklets.
    static MAY_BLOCK: Cell<bool> = Cell::new(
        js_sys::Reflect::has(&js_sys::global(), &"DedicatedWorkerGlobalScope".into()).unwrap_or(false),
    );
}

/// The latest time one thread handed to others (`share_time`), as f64
/// bits: for times >= 0 the bits order like the numbers.
static SHARED_MARK: AtomicU64 = AtomicU64::new(0);

/// Times a thread that may not block asked to: tests check it stays 0.
pub static REFUSED_WAITS: AtomicU64 = AtomicU64::new(0);

/// Ms since the Unix epoch: this thread's `timeOrigin` (read once) plus its
/// `performance.now()`, never less than a time another thread shared.
pub fn now_ms() -> f64 {
    super::web_clock::thread_now_ms().max(f64::from_bits(SHARED_MARK.load(Ordering::Acquire)))
}

/// Raises the mark that `now_ms` never goes below on any thread: call it
/// with the latest time this thread wrote before others may read it.
pub fn share_time(ms: f64) {
    if ms > 0.0 {
        SHARED_MARK.fetch_max(ms.to_bits(), Ordering::AcqRel);
    }
}

/// Whether this thread may block: a worker may, a page's main thread never.
pub fn may_block() -> bool {
    MAY_BLOCK.with(Cell::get)
}

/// Marks this thread as a worker, which may block.
pub fn allow_blocking_on_this_thread() {
    MAY_BLOCK.with(|b| b.set(true));
}

fn wait_ns(word: &AtomicU32, expected: u32, timeout_ns: i64) {
    if !may_block() {
        REFUSED_WAITS.fetch_add(1, Ordering::Relaxed);
        return;
    }
    // SAFETY: `word` is a live, aligned u32 in the shared memory.
    unsafe { memory_atomic_wait32(word.as_ptr() as *mut i32, expected as i32, timeout_ns) };
}

/// Waits `ms` without using the CPU, or until `stop()`, if given, says so
/// (checked every `STOP_CHECK_MS`). Only a thread that may block waits at all.
pub fn sleep_ms_until(ms: f64, stop: Option<&dyn Fn() -> bool>) {
    let deadline = now_ms() + ms;
    let never_woken = AtomicU32::new(0);
    loop {
        let left = deadline - now_ms();
        if left <= 0.0 || stop.is_some_and(|stop| stop()) {
            return;
        }
        if !may_block() {
            REFUSED_WAITS.fetch_add(1, Ordering::Relaxed);
            return;
        }
        let chunk = if stop.is_some() {
            left.min(super::STOP_CHECK_MS)
        } else {
            left
        };
        wait_ns(&never_woken, 0, (chunk * 1e6) as i64);
    }
}

/// Blocks while `word` holds `expected`, or until `timeout_ms` passes.
pub fn wait(word: &AtomicU32, expected: u32, timeout_ms: Option<f64>) {
    wait_ns(word, expected, timeout_ms.map_or(-1, |ms| (ms.max(0.0) * 1e6) as i64));
}

/// Wakes every thread waiting on `word`; never blocks, so the main thread may call it.
pub fn wake_all(word: &AtomicU32) {
    // SAFETY: as in `wait_ns`.
    unsafe { memory_atomic_notify(word.as_ptr() as *mut i32, u32::MAX) };
}
