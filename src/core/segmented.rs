//! Slot storage in fixed-size segments that never move, so that readers
//! on other threads can index it while one writer adds to it, without
//! locks; and whose segments are used again once every slot in them is
//! done with, so that a pool that runs forever holds bounded memory.
//!
//! Slot `i` lives in segment `i / SEGMENT`, found through entry
//! `(i / SEGMENT) % table length` of a table of segment pointers. Two ways
//! to use it:
//!
//! - as a ring (the trace): indices below the table's reach only, each
//!   slot written again and again; segments are made on first use;
//! - as a sliding window (the queue): indices grow without end; `retire`
//!   counts the slots done with, and a segment whose slots are all retired
//!   leaves the table for a spare list, from which the next new segment is
//!   taken. Segment memory is never freed before the storage is dropped: a
//!   reader that is late (a worker peeking at a job someone else took)
//!   reads a slot that still exists, only with another job's values.
//!
//! Only `prepare` adds segments, and callers serialise it (the pool's
//! driver lock). Segments come zeroed from the allocator (`ZeroIsDefault`);
//! a reused segment keeps old values, which writers overwrite.

use super::sync::{AtomicPtr, AtomicU64, AtomicUsize, Ordering, SpinLock};

/// Slots per segment.
#[cfg(not(loom))]
pub const SEGMENT: usize = 4096;
/// Loom models every atomic it creates: a small model explores in time.
#[cfg(loom)]
pub const SEGMENT: usize = 4;

/// Slot types whose all-zero bytes are their `Default`: structs of atomics.
///
/// # Safety
/// An implementor's all-zero bit pattern must be a valid value equal to
/// `T::default()`. (Loom's atomics are not, so under `cfg(loom)` segments
/// are filled with `Default` instead.)
pub unsafe trait ZeroIsDefault: Default {}

// SAFETY: std's atomics are plain integers in memory; zero is their default.
unsafe impl ZeroIsDefault for std::sync::atomic::AtomicU64 {}

fn allocate<T: ZeroIsDefault>() -> *mut T {
    #[cfg(loom)]
    {
        Box::into_raw((0..SEGMENT).map(|_| T::default()).collect::<Box<[T]>>()) as *mut T
    }
    #[cfg(not(loom))]
    {
        let layout = std::alloc::Layout::array::<T>(SEGMENT).expect("segment size");
        // SAFETY: `layout` has a non-zero size (T is no ZST here); zeroed
        // memory is a valid `[T; SEGMENT]` (`ZeroIsDefault`), and `Drop`
        // frees it as the `Box<[T]>` of that length it is.
        let base = unsafe { std::alloc::alloc_zeroed(layout) };
        if base.is_null() {
            std::alloc::handle_alloc_error(layout);
        }
        base as *mut T
    }
}

/// # Safety
/// `base` came from `allocate` and nobody uses it any more.
unsafe fn free<T>(base: *mut T) {
    // SAFETY: allocated as a boxed slice of `SEGMENT` slots.
    drop(unsafe { Box::from_raw(std::ptr::slice_from_raw_parts_mut(base, SEGMENT)) });
}

struct Entry<T> {
    segment: AtomicPtr<T>,
    /// Which segment (`index / SEGMENT`) the pointer holds.
    number: AtomicU64,
    /// Its slots retired so far (the sliding window's use).
    retired: AtomicUsize,
}

/// Slots in segments of `SEGMENT` that never move once made, used again
/// once every slot of theirs is retired: the queue's and the trace's storage.
pub struct Segmented<T> {
    table: Box<[Entry<T>]>,
    /// Segments out of the table, for reuse. Taken by `prepare` (the
    /// driver) and given back by `retire` (any thread), each for a few
    /// instructions, so a spin lock: a browser's main thread never waits.
    spares: SpinLock<Vec<usize>>,
    /// Segments ever allocated: what the storage holds, in and out of the table.
    allocated: AtomicUsize,
}

// SAFETY: the segments are shared by design: slots are atomics (`T: Sync`),
// and pointers move between the table and `spares` under the rules above.
unsafe impl<T: Sync> Sync for Segmented<T> {}
unsafe impl<T: Send> Send for Segmented<T> {}

impl<T: ZeroIsDefault> Segmented<T> {
    /// Storage whose table has room for `segments` segments at once.
    pub fn new(segments: usize) -> Self {
        let table = (0..segments.max(1))
            .map(|_| Entry {
                segment: AtomicPtr::new(std::ptr::null_mut()),
                number: AtomicU64::new(0),
                retired: AtomicUsize::new(0),
            })
            .collect();
        Segmented {
            table,
            spares: SpinLock::new(Vec::new()),
            allocated: AtomicUsize::new(0),
        }
    }

    /// How many slots the table reaches at once.
    pub fn reach(&self) -> usize {
        self.table.len() * SEGMENT
    }

    fn entry(&self, index: usize) -> (&Entry<T>, u64) {
        let number = index / SEGMENT;
        (&self.table[number % self.table.len()], number as u64)
    }

    /// Whether slots `start..end` can all be made to exist: no segment they
    /// need would take a table entry that an older segment still holds.
    pub fn can_prepare(&self, start: usize, end: usize) -> bool {
        if end <= start {
            return true;
        }
        if end - start > self.reach() {
            return false;
        }
        (start / SEGMENT..=(end - 1) / SEGMENT).all(|number| {
            let entry = &self.table[number % self.table.len()];
            entry.segment.load(Ordering::Acquire).is_null() || entry.number.load(Ordering::Acquire) == number as u64
        })
    }

    /// Makes slots `start..end` exist (check `can_prepare` first). Must not
    /// run on two threads at once.
    pub fn prepare(&self, start: usize, end: usize) {
        if end <= start {
            return;
        }
        for number in start / SEGMENT..=(end - 1) / SEGMENT {
            let entry = &self.table[number % self.table.len()];
            if !entry.segment.load(Ordering::Acquire).is_null() {
                assert_eq!(
                    entry.number.load(Ordering::Acquire),
                    number as u64,
                    "table entry still taken"
                );
                continue;
            }
            let base = match self.spares.with(|spares| spares.pop()) {
                Some(address) => address as *mut T,
                None => {
                    self.allocated.fetch_add(1, Ordering::Relaxed);
                    allocate()
                }
            };
            entry.number.store(number as u64, Ordering::Relaxed);
            entry.retired.store(0, Ordering::Relaxed);
            entry.segment.store(base, Ordering::Release);
        }
    }

    /// The slot at `index`, which must exist (`prepare`) and not be retired.
    pub fn get(&self, index: usize) -> &T {
        self.try_get(index)
            .unwrap_or_else(|| panic!("slot {index} does not exist"))
    }

    /// The slot at `index` if its segment is in the table. A late reader
    /// may get a slot that has since been reused for another index: its
    /// values are then another slot's, never freed memory.
    pub fn try_get(&self, index: usize) -> Option<&T> {
        let (entry, _) = self.entry(index);
        let base = entry.segment.load(Ordering::Acquire);
        // SAFETY: segments are freed only by `drop`, which needs `&mut self`.
        (!base.is_null()).then(|| unsafe { &*base.add(index % SEGMENT) })
    }

    /// Slots `indices` are done with, for good; once all of a segment's
    /// are, the segment goes to the spares. Each index is retired once.
    /// One atomic add per segment touched, not one per slot: workers retire
    /// the runs of jobs they took, and this counter is shared.
    pub fn retire(&self, indices: std::ops::Range<usize>) {
        let mut start = indices.start;
        while start < indices.end {
            let end = indices.end.min((start / SEGMENT + 1) * SEGMENT);
            let (entry, number) = self.entry(start);
            debug_assert_eq!(entry.number.load(Ordering::Relaxed), number);
            let count = end - start;
            if entry.retired.fetch_add(count, Ordering::AcqRel) + count == SEGMENT {
                let base = entry.segment.swap(std::ptr::null_mut(), Ordering::AcqRel);
                self.spares.with(|spares| spares.push(base as usize));
            }
            start = end;
        }
    }

    /// Calls `f` on every slot of every segment in the table.
    pub fn for_each_live(&mut self, mut f: impl FnMut(&T)) {
        for entry in self.table.iter() {
            let base = entry.segment.load(Ordering::Relaxed);
            if !base.is_null() {
                // SAFETY: `&mut self`: nobody else uses the segment now.
                (0..SEGMENT).for_each(|i| f(unsafe { &*base.add(i) }));
            }
        }
    }

    /// Segments allocated so far, in the table or spare: the memory held is
    /// this times `SEGMENT` slots.
    pub fn segments_allocated(&self) -> usize {
        self.allocated.load(Ordering::Relaxed)
    }
}

impl<T> Drop for Segmented<T> {
    fn drop(&mut self) {
        for entry in self.table.iter_mut() {
            let base = entry.segment.load(Ordering::Relaxed); // `&mut self`: nobody else reads it
            if !base.is_null() {
                // SAFETY: from `allocate`; `&mut self` ends every use.
                unsafe { free(base) };
            }
        }
        for address in self.spares.with(std::mem::take) {
            // SAFETY: as above; a spare is in no table entry.
            unsafe { free(address as *mut T) };
        }
    }
}

#[cfg(all(test, not(target_arch = "wasm32"), not(loom)))]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicU64 as Slot;

    #[test]
    fn slots_keep_their_values_as_segments_are_added() {
        let storage = Segmented::<Slot>::new(64);
        storage.prepare(0, 10);
        storage.get(7).store(77, Ordering::Relaxed);
        storage.prepare(10, 100_000);
        assert_eq!(storage.get(7).load(Ordering::Relaxed), 77);
        storage.get(99_999).store(5, Ordering::Relaxed);
        assert_eq!(storage.get(99_999).load(Ordering::Relaxed), 5);
        assert_eq!(storage.segments_allocated(), 100_000usize.div_ceil(SEGMENT));
    }

    #[test]
    fn a_sliding_window_reuses_retired_segments() {
        let storage = Segmented::<Slot>::new(4);
        let window = 3 * SEGMENT;
        for start in (0..100 * SEGMENT).step_by(window) {
            assert!(storage.can_prepare(start, start + window));
            storage.prepare(start, start + window);
            storage.retire(start..start + window);
        }
        assert!(
            storage.segments_allocated() <= 4,
            "{} segments for a window of 3",
            storage.segments_allocated()
        );
    }

    #[test]
    fn a_segment_still_in_use_keeps_its_table_entry() {
        let storage = Segmented::<Slot>::new(2);
        storage.prepare(0, 2 * SEGMENT);
        storage.retire(1..2 * SEGMENT); // slot 0 stays in use
        assert!(
            !storage.can_prepare(2 * SEGMENT, 3 * SEGMENT),
            "segment 2 would take segment 0's entry"
        );
        storage.retire(0..1);
        assert!(storage.can_prepare(2 * SEGMENT, 4 * SEGMENT));
        assert!(!storage.can_prepare(0, 3 * SEGMENT), "more than the table reaches");
    }
}
