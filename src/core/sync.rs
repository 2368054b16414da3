//! The atomics the queue is built on: std's, or loom's when the queue is
//! model-checked (`RUSTFLAGS="--cfg loom"`, see `queue.rs`).

#[cfg(loom)]
pub(crate) use loom::sync::atomic::{AtomicPtr, AtomicU64, AtomicUsize, Ordering};
#[cfg(not(loom))]
pub(crate) use std::sync::atomic::{AtomicPtr, AtomicU64, AtomicUsize, Ordering};

/// Keeps a value on a cache line of its own, so that threads writing it
/// don't slow down threads reading its neighbours (false sharing).
#[derive(Default)]
#[repr(align(64))]
pub(crate) struct OwnLine<T>(pub(crate) T);

impl<T> std::ops::Deref for OwnLine<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}
