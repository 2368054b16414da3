//! Where a group's items come from, chunk by chunk (`Source`):
//!
//! - `Items`: the caller's `Vec`, each item moved out once by the party
//!   that claimed its chunk (`map`, `reduce`, `spawn`); a `map` whose
//!   values are laid out as its items writes them in the same memory;
//! - `Indices`: an integer range, each item computed from its index and
//!   never stored (`map_range`: a million items take no memory; their
//!   results still have a slot each).

use super::chunks::Plan;
use std::cell::UnsafeCell;
use std::mem::{ManuallyDrop, MaybeUninit};
use std::ops::Range;
use std::ptr::NonNull;
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

    /// The items' memory for a slot per item, given to the results (which
    /// free it), when values of type `T` can live there; `None` otherwise.
    ///
    /// # Safety
    /// The results' slots are written only as a `map` writes them: slot
    /// `i` by the chunk that took item `i`, after it read it (`take` reads
    /// each item before the next is asked for). The results outlive the
    /// source, and nothing but the source reads the items.
    unsafe fn lend_slots<T>(&mut self) -> Option<Vec<UnsafeCell<MaybeUninit<T>>>> {
        None
    }

    /// Chunk `k`'s items, in order; those not reached (a native panic
    /// unwound) are dropped with the iterator.
    ///
    /// # Safety
    /// The caller claimed chunk `k`, and takes it once.
    unsafe fn take(&self, k: usize) -> impl Iterator<Item = Self::Item> + '_;
}

/// The caller's items, each read once by the party that claimed its chunk.
pub(crate) struct Items<I> {
    /// The caller's `Vec<I>`'s memory, reused in place
    /// (`UnsafeCell<MaybeUninit<I>>` is laid out as `I`): a million items
    /// are not copied to be queued.
    cells: NonNull<UnsafeCell<MaybeUninit<I>>>,
    len: usize,
    capacity: usize,
    /// The memory is ours to free: not lent to the results (`lend_slots`).
    owns_memory: bool,
    plan: Plan,
    /// Per chunk: its items were run or dropped (the rest drop with the group).
    taken: Box<[AtomicBool]>,
}

// SAFETY: an item is touched only by the party that claimed its chunk,
// which the queue makes exactly one (see `core/README.md`); the memory is
// the `Vec<I>`'s, which may be sent.
unsafe impl<I: Send> Sync for Items<I> {}
unsafe impl<I: Send> Send for Items<I> {}

impl<I> Items<I> {
    pub(crate) fn new(items: Vec<I>, plan: Plan) -> Items<I> {
        let mut items = ManuallyDrop::new(items);
        let (len, capacity) = (items.len(), items.capacity());
        // Both wrappers are transparent: the `Vec`'s memory, laid out as `I`.
        let cells = NonNull::from(items.as_mut_slice()).cast::<UnsafeCell<MaybeUninit<I>>>();
        let taken = (0..plan.jobs()).map(|_| AtomicBool::new(false)).collect();
        Items {
            cells,
            len,
            capacity,
            owns_memory: true,
            plan,
            taken,
        }
    }

    fn cells(&self) -> &[UnsafeCell<MaybeUninit<I>>] {
        // SAFETY: `len` cells of the caller's `Vec`, alive until this is dropped (when lent, the
        // results outlive this: see `Source::lend_slots`); shared, but each read through its cell.
        unsafe { std::slice::from_raw_parts(self.cells.as_ptr(), self.len) }
    }

    /// # Safety
    /// As for `Source::take`.
    unsafe fn chunk(&self, k: usize) -> ChunkItems<'_, I> {
        self.taken[k].store(true, Ordering::Relaxed);
        ChunkItems {
            cells: &self.cells()[self.plan.range(k)],
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

    /// Lends the memory when `T` is laid out as `I` and neither needs
    /// dropping (numbers, plain structs): a `map` of a million `u64`s then
    /// takes 8 MB, not 16, as rayon's `collect` does. Types that drop are
    /// left out: a failed chunk's slots would hold values of two types.
    unsafe fn lend_slots<T>(&mut self) -> Option<Vec<UnsafeCell<MaybeUninit<T>>>> {
        use std::mem::{align_of, needs_drop, size_of};
        let same_layout = size_of::<T>() == size_of::<I>() && align_of::<T>() == align_of::<I>();
        let plain = !needs_drop::<T>() && !needs_drop::<I>();
        if !(same_layout && plain && size_of::<I>() > 0 && self.owns_memory && self.len > 0) {
            return None;
        }
        self.owns_memory = false;
        // SAFETY: the caller's `Vec`'s allocation, len and capacity, of a type with `I`'s layout
        // (above), now freed by the results alone (`owns_memory`).
        Some(unsafe { Vec::from_raw_parts(self.cells.as_ptr().cast(), self.len, self.capacity) })
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
        if self.owns_memory {
            // SAFETY: the caller's `Vec`'s allocation, len and capacity; as `MaybeUninit` it drops
            // nothing more, only frees the memory.
            drop(unsafe { Vec::from_raw_parts(self.cells.as_ptr(), self.len, self.capacity) });
        }
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
