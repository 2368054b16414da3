//! Append-only storage whose slots never move, so that readers on other
//! threads can index it while one writer grows it, without locks.
//!
//! Segment `k` holds `FIRST << k` slots; a segment, once allocated, lives
//! until the storage is dropped. Only `grow_to` allocates, and callers
//! serialise it (the pool's producer lock). Segments come zeroed from the
//! allocator (`ZeroIsDefault`): a million-job batch writes its slots once,
//! not twice.

use super::sync::{AtomicPtr, AtomicUsize, Ordering};

const FIRST: usize = 1024;
const SEGMENTS: usize = 24; // 1024 * (2^24 - 1) slots: far beyond any memory

/// Slot types whose all-zero bytes are their `Default`: structs of atomics.
///
/// # Safety
/// An implementor's all-zero bit pattern must be a valid value equal to
/// `T::default()`. (Loom's atomics are not, so under `cfg(loom)` segments
/// are filled with `Default` instead.)
pub unsafe trait ZeroIsDefault: Default {}

// SAFETY: std's atomics are plain integers in memory; zero is their default.
unsafe impl ZeroIsDefault for std::sync::atomic::AtomicU64 {}

fn allocate<T: ZeroIsDefault>(len: usize) -> *mut T {
    #[cfg(loom)]
    {
        Box::into_raw((0..len).map(|_| T::default()).collect::<Box<[T]>>()) as *mut T
    }
    #[cfg(not(loom))]
    {
        let layout = std::alloc::Layout::array::<T>(len).expect("segment size");
        // SAFETY: `layout` has a non-zero size (FIRST > 0, T is no ZST here);
        // zeroed memory is a valid `[T; len]` (`ZeroIsDefault`), and `Drop`
        // frees it as the `Box<[T]>` of that length it is.
        let base = unsafe { std::alloc::alloc_zeroed(layout) };
        if base.is_null() {
            std::alloc::handle_alloc_error(layout);
        }
        base as *mut T
    }
}

pub struct Segmented<T> {
    segments: [AtomicPtr<T>; SEGMENTS],
    capacity: AtomicUsize,
}

fn locate(index: usize) -> (usize, usize) {
    let j = index / FIRST + 1;
    let segment = (usize::BITS - 1 - j.leading_zeros()) as usize;
    (segment, index - FIRST * ((1 << segment) - 1))
}

fn segment_len(segment: usize) -> usize {
    FIRST << segment
}

impl<T: ZeroIsDefault> Segmented<T> {
    pub fn new() -> Self {
        Segmented {
            segments: std::array::from_fn(|_| AtomicPtr::new(std::ptr::null_mut())),
            capacity: AtomicUsize::new(0),
        }
    }

    /// Slots below `capacity()` exist and stay where they are.
    pub fn capacity(&self) -> usize {
        self.capacity.load(Ordering::Acquire)
    }

    /// Makes slots `0..len` exist. Must not run on two threads at once.
    pub fn grow_to(&self, len: usize) {
        let mut capacity = self.capacity.load(Ordering::Relaxed);
        while capacity < len {
            let (segment, _) = locate(capacity);
            self.segments[segment].store(allocate(segment_len(segment)), Ordering::Release);
            capacity += segment_len(segment);
            self.capacity.store(capacity, Ordering::Release);
        }
    }

    /// The slot at `index`, which must be below `capacity()`.
    pub fn get(&self, index: usize) -> &T {
        assert!(index < self.capacity(), "slot {index} beyond capacity");
        let (segment, offset) = locate(index);
        let base = self.segments[segment].load(Ordering::Acquire);
        // SAFETY: the segment was allocated before `capacity` covered it and
        // is freed only by `drop`, which needs `&mut self`.
        unsafe { &*base.add(offset) }
    }
}

impl<T> Drop for Segmented<T> {
    fn drop(&mut self) {
        for (segment, pointer) in self.segments.iter_mut().enumerate() {
            let base = pointer.load(Ordering::Relaxed); // `&mut self`: nobody else reads it
            if !base.is_null() {
                let slice = std::ptr::slice_from_raw_parts_mut(base, segment_len(segment));
                // SAFETY: allocated in `grow_to` as a boxed slice of this length.
                drop(unsafe { Box::from_raw(slice) });
            }
        }
    }
}

#[cfg(all(test, not(target_arch = "wasm32"), not(loom)))]
mod tests {
    use super::*;

    #[test]
    fn segments_tile_the_index_space() {
        let mut next = 0;
        for segment in 0..6 {
            assert_eq!(locate(next), (segment, 0));
            next += segment_len(segment);
            assert_eq!(locate(next - 1), (segment, segment_len(segment) - 1));
        }
    }

    #[test]
    fn slots_keep_their_values_across_growth() {
        let storage = Segmented::<std::sync::atomic::AtomicU64>::new();
        storage.grow_to(10);
        storage.get(7).store(77, Ordering::Relaxed);
        storage.grow_to(100_000);
        assert!(storage.capacity() >= 100_000);
        assert_eq!(storage.get(7).load(Ordering::Relaxed), 77);
        storage.get(99_999).store(5, Ordering::Relaxed);
        assert_eq!(storage.get(99_999).load(Ordering::Relaxed), 5);
    }
}
