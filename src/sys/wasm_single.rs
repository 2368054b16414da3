use std::sync::atomic::AtomicU32;
use wasm_bindgen::JsCast;
use web_sys::Performance;

thread_local! {
    static PERFORMANCE: Performance = js_sys::Reflect::get(&js_sys::global(), &"performance".into())
        .expect("this thread has no `performance`")
        .unchecked_into();
}

/// `performance.timeOrigin + performance.now()`: the clock every worker shares.
pub fn now_ms() -> f64 {
    PERFORMANCE.with(|p| p.time_origin() + p.now())
}

/// The fallback's workers do `sleep` jobs in JavaScript (`setTimeout`):
/// without shared memory a wasm thread has nothing to wait on.
pub fn sleep_ms(_ms: f64) {
    unreachable!("sleep jobs run in JavaScript in the fallback");
}

/// One thread per instance: no waiting on another.
pub fn wait(_word: &AtomicU32, _expected: u32, _timeout_ms: Option<f64>) {}
pub fn wake_all(_word: &AtomicU32) {}
pub fn may_block() -> bool {
    false
}
pub fn allow_blocking_on_this_thread() {}
