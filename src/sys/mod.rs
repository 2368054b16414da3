//! What the core needs from the platform, and nothing more:
//!
//! - `now_ms`: one clock for all threads, in ms since the Unix epoch
//!   (`performance.timeOrigin + performance.now()` in a browser);
//! - `sleep_ms`: wait without using the CPU;
//! - `wait` / `wake_all`: a futex on an `AtomicU32`.
//!
//! `native.rs` backs them with std, `wasm.rs` with wasm atomics and the
//! browser's `performance`.

#[cfg(not(target_arch = "wasm32"))]
mod native;
#[cfg(not(target_arch = "wasm32"))]
pub use native::*;

#[cfg(target_arch = "wasm32")]
mod wasm;
#[cfg(target_arch = "wasm32")]
pub use wasm::*;
