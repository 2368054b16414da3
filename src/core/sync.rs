//! The atomics the queue is built on: std's, or loom's when the queue is
//! model-checked (`RUSTFLAGS="--cfg loom"`, see `queue.rs`).

#[cfg(loom)]
pub(crate) use loom::sync::atomic::{AtomicBool, AtomicPtr, AtomicU64, AtomicUsize, Ordering};
#[cfg(not(loom))]
pub(crate) use std::sync::atomic::{AtomicBool, AtomicPtr, AtomicU64, AtomicUsize, Ordering};

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

/// A lock held for a few instructions by any thread, including a browser's
/// main thread, which must never block: it spins instead of waiting.
pub(crate) struct SpinLock<T> {
    locked: AtomicBool,
    value: std::cell::UnsafeCell<T>,
}

// SAFETY: `value` is only reached through `with`, which holds the lock.
unsafe impl<T: Send> Sync for SpinLock<T> {}

impl<T: Default> Default for SpinLock<T> {
    fn default() -> Self {
        SpinLock::new(T::default())
    }
}

impl<T> SpinLock<T> {
    pub(crate) fn new(value: T) -> Self {
        SpinLock {
            locked: AtomicBool::new(false),
            value: std::cell::UnsafeCell::new(value),
        }
    }

    pub(crate) fn with<R>(&self, f: impl FnOnce(&mut T) -> R) -> R {
        while self.locked.swap(true, Ordering::Acquire) {
            std::hint::spin_loop();
            #[cfg(loom)]
            loom::thread::yield_now();
        }
        // SAFETY: the swap above made this thread the only holder.
        let result = f(unsafe { &mut *self.value.get() });
        self.locked.store(false, Ordering::Release);
        result
    }
}

/// One turn of a spin wait. Natively it lets other threads run now and
/// then; a browser's main thread may only spin.
pub(crate) fn relax(spins: u32) {
    std::hint::spin_loop();
    #[cfg(not(target_arch = "wasm32"))]
    if spins % 64 == 0 {
        std::thread::yield_now();
    }
    #[cfg(target_arch = "wasm32")]
    let _ = spins;
}
