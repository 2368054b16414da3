//! The browser's clock for one thread, shared by both wasm builds:
//! `performance.timeOrigin` read once (WebKit recomputes it on every read
//! and it went backwards by up to 16 ms; README.md here) plus
//! `performance.now()`.

use wasm_bindgen::JsCast;
use web_sys::Performance;

struct ThreadClock {
    performance: Performance,
    origin_ms: f64,
}

thread_local! {
    static CLOCK: ThreadClock = {
        let performance: Performance = js_sys::Reflect::get(&js_sys::global(), &"performance".into())
            .expect("this thread has no `performance`")
            .unchecked_into();
        ThreadClock { origin_ms: performance.time_origin(), performance }
    };
}

/// Ms since the Unix epoch on this thread's clock: monotonic on the thread.
pub fn thread_now_ms() -> f64 {
    CLOCK.with(|clock| clock.origin_ms + clock.performance.now())
}
