//! Where a group's items come from, chunk by chunk (`Source`):
//!
//! - `Items`: the caller's `Vec`, each item moved out once by the party
//!   that claimed its chunk (`map`, `reduce`, `spawn`);
//! - `Indices`: an integer range, each item computed from its index and
//!   never stored (`map_range`: a million items take no memory; their
//!   results still have a slot each).

use super::chunks::Plan;
use std::cell::UnsafeCell;
use std::mem::MaybeUninit;
use std::ops::Range;
use std::sync::atomic::{AtomicBool, Ordering};

/// A group's items, taken a chunk at a time by whoever claimed the chunk.
///
/// # Safety
/// `take(k)` yields exactly `plan().range(k).len()` items: the chunk's
/// runner writes their values into that many slots unchecked, and the
/// chunk's results are read as all written.
pub(crate) unsafe trait Source: Send + Sync {
    type Item;

    /// How the items are cut into chunks.
    fn plan(&self) -> &Plan;

    /// Chunk `k`'s items, in order; those not reached (a native panic
    /// unwound) are dropped with the iterator.
    ///
    /// # Safety
    /// The caller claimed chunk `k`, and takes it once.
    unsafe fn take(&self, k: usize) -> impl Iterator<Item = Self::Item> + '_;
}

/// The caller's items, each read once by the party that claimed its chunk.
pub(crate) struct Items<I> {
    /// The caller's `Vec<I>`, reused in place (`UnsafeCell<MaybeUninit<I>>`
    /// is laid out as `I`): a million items are not copied to be queued.
    cells: Vec<UnsafeCell<MaybeUninit<I>>>,
    plan: Plan,
    /// Per chunk: its items were run or dropped (the rest drop with the group).
    taken: Box<[AtomicBool]>,
}

// SAFETY: an item is touched only by the party that claimed its chunk,
// which the queue makes exactly one (see `core/README.md`).
unsafe impl<I: Send> Sync for Items<I> {}

impl<I> Items<I> {
    pub(crate) fn new(items: Vec<I>, plan: Plan) -> Items<I> {
        let mut items = std::mem::ManuallyDrop::new(items);
        let (ptr, len, capacity) = (items.as_mut_ptr(), items.len(), items.capacity());
        // SAFETY: the same allocation, len and capacity, of a type laid out as `I` (both wrappers are transparent).
        let cells = unsafe { Vec::from_raw_parts(ptr.cast::<UnsafeCell<MaybeUninit<I>>>(), len, capacity) };
        let taken = (0..plan.jobs()).map(|_| AtomicBool::new(false)).collect();
        Items { cells, plan, taken }
    }

    /// # Safety
    /// As for `Source::take`.
    unsafe fn chunk(&self, k: usize) -> ChunkItems<'_, I> {
        self.taken[k].store(true, Ordering::Relaxed);
        ChunkItems {
            cells: &self.cells[self.plan.range(k)],
            next: 0,
        }
    }
}

// SAFETY: a chunk's items are the cells of its range.
unsafe impl<I: Send> Source for Items<I> {
    type Item = I;

    fn plan(&self) -> &Plan {
        &self.plan
    }

    unsafe fn take(&self, k: usize) -> impl Iterator<Item = I> + '_ {
        // SAFETY: see the trait.
        unsafe { self.chunk(k) }
    }
}

impl<I> Drop for Items<I> {
    fn drop(&mut self) {
        for k in 0..self.taken.len() {
            if !*self.taken[k].get_mut() {
                // SAFETY: nobody took chunk `k`'s items: they are all still there.
                drop(unsafe { self.chunk(k) });
            }
        }
        // The `Vec` of `MaybeUninit` frees the memory and drops nothing more.
    }
}

/// One chunk's items, moved out one by one.
struct ChunkItems<'a, I> {
    cells: &'a [UnsafeCell<MaybeUninit<I>>],
    next: usize,
}

impl<I> Iterator for ChunkItems<'_, I> {
    type Item = I;

    #[inline]
    fn next(&mut self) -> Option<I> {
        let cell = self.cells.get(self.next)?;
        self.next += 1;
        // SAFETY: this chunk's claimant reads each of its items once (`Items::chunk`).
        Some(unsafe { (*cell.get()).assume_init_read() })
    }
}

impl<I> Drop for ChunkItems<'_, I> {
    fn drop(&mut self) {
        self.for_each(drop);
    }
}

/// The integers of a range, each computed from its index when its chunk
/// runs.
pub(crate) struct Indices<N> {
    start: N,
    plan: Plan,
}

impl<N: RangeItem> Indices<N> {
    /// The range's items cut as `plan` says (`plan` covers `N::count(range)` items).
    pub(crate) fn new(range: Range<N>, plan: Plan) -> Indices<N> {
        Indices {
            start: range.start,
            plan,
        }
    }
}

/// How many integers `range` holds (0 if it is empty or reversed).
pub(crate) fn range_len<N: RangeItem>(range: &Range<N>) -> u64 {
    N::count(range)
}

// SAFETY: a chunk's items are the offsets of its range.
unsafe impl<N: RangeItem> Source for Indices<N> {
    type Item = N;

    fn plan(&self) -> &Plan {
        &self.plan
    }

    unsafe fn take(&self, k: usize) -> impl Iterator<Item = N> + '_ {
        let start = self.start;
        self.plan.range(k).map(move |offset| start.nth(offset))
    }
}

mod sealed {
    use std::ops::Range;

    /// What `map_range` needs of an integer type; out of users' reach, so
    /// that it may change.
    pub trait Sealed: Sized {
        /// How many integers `range` holds (0 if it is empty or reversed).
        fn count(range: &Range<Self>) -> u64;

        /// The integer `offset` places after `self`, which the range holds.
        fn nth(self, offset: usize) -> Self;
    }
}

/// An integer type whose ranges `map_range` runs without storing their
/// items: the primitive integers up to 64 bits.
///
/// ```
/// # #[cfg(not(target_arch = "wasm32"))] {
/// let pool = poolscope::Pool::new(2).unwrap();
/// let below_zero = pool.map_range(-3i8..0, |n| n * 2).unwrap();
/// assert_eq!(below_zero.join_values().unwrap(), [-6, -4, -2]);
/// # }
/// ```
pub trait RangeItem: Copy + Send + Sync + 'static + sealed::Sealed {}

macro_rules! range_items {
    ($($int:ty),*) => {$(
        impl sealed::Sealed for $int {
            fn count(range: &Range<$int>) -> u64 {
                // At most 2^64 - 1: the type has at most 64 bits.
                (range.end as i128 - range.start as i128).max(0) as u64
            }

            #[inline]
            fn nth(self, offset: usize) -> $int {
                // Exact: the sum lies inside the range, and wrapping adds modulo the type's size.
                self.wrapping_add(offset as $int)
            }
        }

        impl RangeItem for $int {}
    )*};
}

range_items!(u8, u16, u32, u64, usize, i8, i16, i32, i64, isize);

#[cfg(test)]
mod tests {
    use super::sealed::Sealed;
    use std::ops::Range;

    #[test]
    fn counts_and_offsets_cover_each_type_s_extremes() {
        assert_eq!(i8::count(&(-128..127)), 255);
        assert_eq!((-128i8).nth(254), 126);
        assert_eq!(u8::count(&(0..255)), 255);
        assert_eq!(200u8.nth(54), 254);
        assert_eq!(i64::count(&(i64::MIN..i64::MAX)), u64::MAX);
        assert_eq!(i64::MIN.nth(u64::MAX as usize - 1), i64::MAX - 1);
        assert_eq!(u64::count(&(0..u64::MAX)), u64::MAX);
        assert_eq!(u32::count(&Range { start: 9, end: 3 }), 0, "a reversed range is empty");
        assert_eq!(u64::count(&(5..5)), 0);
    }
}
