//! The atomics the queue is built on: std's, or loom's when the queue is
//! model-checked (`RUSTFLAGS="--cfg loom"`, see `queue.rs`).

#[cfg(loom)]
pub(crate) use loom::sync::atomic::{AtomicPtr, AtomicU64, AtomicUsize, Ordering};
#[cfg(not(loom))]
pub(crate) use std::sync::atomic::{AtomicPtr, AtomicU64, AtomicUsize, Ordering};
