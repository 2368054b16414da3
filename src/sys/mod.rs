//! What the core needs from the platform, and nothing more:
//!
//! - `now_ms`: one clock for all threads, in ms since the Unix epoch
//!   (`performance.timeOrigin + performance.now()` in a browser), and
//!   `share_time`, which keeps it ordered across threads (`README.md` here
//!   says why WebKit needs it);
//! - `RunClock`: the same clock, cheaper to read for a run of trivial jobs
//!   (natively the CPU's time-stamp counter between two `now_ms` reads);
//! - `sleep_ms_until`: wait without using the CPU, stopping early when asked;
//! - `wait` / `wake_all`: a futex on an `AtomicU32`.
//!
//! `native.rs` backs them with std, `wasm.rs` with wasm atomics and the
//! browser's `performance`, `wasm_single.rs` (the fallback build, one
//! thread per instance) with `performance` alone.

/// How often a sleeping job checks whether it should stop (it timed out).
#[cfg_attr(all(target_arch = "wasm32", not(feature = "threads")), allow(dead_code))] // never sleeps there
pub const STOP_CHECK_MS: f64 = 5.0;

#[cfg(not(target_arch = "wasm32"))]
mod native;
#[cfg(not(target_arch = "wasm32"))]
pub use native::*;

#[cfg(target_arch = "wasm32")]
mod web_clock;

#[cfg(all(target_arch = "wasm32", feature = "threads"))]
mod wasm;
#[cfg(all(target_arch = "wasm32", feature = "threads"))]
pub use wasm::*;

/// On the web every read is `now_ms` (see `native.rs` for why natively not).
#[cfg(target_arch = "wasm32")]
pub struct RunClock;

#[cfg(target_arch = "wasm32")]
impl RunClock {
    /// A clock that starts now.
    pub fn start() -> RunClock {
        RunClock
    }

    /// Ms since the Unix epoch, as `now_ms`.
    pub fn now_ms(&self) -> f64 {
        now_ms()
    }
}

/// Nothing to measure on the web.
#[cfg(target_arch = "wasm32")]
pub fn ms_per_tick() -> Option<f64> {
    None
}

// The fallback build has one thread per instance: nothing ever waits.
#[cfg(all(target_arch = "wasm32", not(feature = "threads")))]
mod wasm_single;
#[cfg(all(target_arch = "wasm32", not(feature = "threads")))]
pub use wasm_single::*;
