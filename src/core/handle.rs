//! What a caller holds for the closures it queued: a `JobHandle<T>` per
//! job (`spawn`), or a `Batch<T>` (`map`) that gives the results in input
//! order or in the order the jobs finish (the Go article's results
//! channel).
//!
//! A handle is a `Future` (await it from async Rust on any thread, a
//! browser's main thread included) and has a blocking `join` for threads
//! that may block; on a browser's main thread `join` returns
//! `JobError::WouldBlock` instead of trapping.

use super::chunks::Plan;
use super::error::JobError;
use super::sync::SpinLock;
use crate::sys;
use std::cell::UnsafeCell;
use std::future::Future;
use std::mem::MaybeUninit;
use std::pin::Pin;
use std::sync::atomic::{fence, AtomicBool, AtomicU32, AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll, Waker};

// A chunk's states, in the order they happen.
const EMPTY: u32 = 0;
/// The party that settles the chunk is writing its state (and error).
const WRITING: u32 = 1;
/// The closures' values are in; the job's event is not recorded yet.
const PUT: u32 = 2;
const SETTLED: u32 = 3;

/// One waker, set by the task that awaits and taken by whoever settles.
/// A spin lock held for a few instructions: a browser's main thread may
/// take it (it must never `Atomics.wait`), and no thread that holds it is
/// ever stopped from outside. `set` spares the lock when nobody awaits:
/// workers finishing a batch's jobs would otherwise all take it per job.
struct WakerSlot {
    waker: SpinLock<Option<Waker>>,
    set: AtomicBool,
}

impl Default for WakerSlot {
    fn default() -> Self {
        WakerSlot {
            waker: SpinLock::new(None),
            set: AtomicBool::new(false),
        }
    }
}

impl WakerSlot {
    /// Registers the awaiting task. The caller checks its condition again
    /// afterwards: either it sees it met, or `wake` sees `set`.
    fn register(&self, waker: &Waker) {
        self.waker.with(|slot| match slot {
            Some(old) if old.will_wake(waker) => {}
            _ => *slot = Some(waker.clone()),
        });
        self.set.store(true, Ordering::SeqCst);
        fence(Ordering::SeqCst);
    }

    /// Wakes the registered task, if any. The caller met the condition
    /// with a `SeqCst` store or before a `SeqCst` fence.
    fn wake(&self) {
        if !self.set.load(Ordering::SeqCst) {
            return;
        }
        let waker = self.waker.with(|slot| {
            self.set.store(false, Ordering::Relaxed);
            slot.take()
        });
        if let Some(waker) = waker {
            waker.wake();
        }
    }
}

/// The order in which a batch's jobs finished: each settled job appends
/// its index (and counts its items), and the batch reads them from its
/// cursor on.
///
/// Who waits for one result at a time (`next_finished`, `join_next`) is
/// woken by every job; who waits for all of them (`in_order`, `join_all`)
/// only by the last: a batch of 200,000 wakes its caller once, not 200,000
/// times.
pub(crate) struct FinishOrder {
    order: Box<[AtomicU32]>, // index + 1; 0 while not written
    finished: AtomicU32,
    /// The items of the jobs finished so far.
    items: AtomicUsize,
    waker: WakerSlot,
    all_waker: WakerSlot,
    /// Also the futex word blocking readers wait on.
    word: AtomicU32,
    /// Threads blocked in `join_next`, and in `join_all`.
    blocked: AtomicU32,
    blocked_for_all: AtomicU32,
}

impl FinishOrder {
    pub(crate) fn new(len: usize) -> FinishOrder {
        FinishOrder {
            order: (0..len).map(|_| AtomicU32::new(0)).collect(),
            finished: AtomicU32::new(0),
            items: AtomicUsize::new(0),
            waker: WakerSlot::default(),
            all_waker: WakerSlot::default(),
            word: AtomicU32::new(0),
            blocked: AtomicU32::new(0),
            blocked_for_all: AtomicU32::new(0),
        }
    }

    /// Appends `index`. Touches nothing another thread writes per job
    /// but `finished`, unless a reader waits: then it bumps `word` for it.
    fn record(&self, index: u32, items: usize) {
        self.items.fetch_add(items, Ordering::Relaxed);
        let at = self.finished.fetch_add(1, Ordering::AcqRel) as usize;
        self.order[at].store(index + 1, Ordering::Release);
        // Pairs with the fence of a reader that starts waiting: either it
        // sees this entry, or this sees it waiting.
        fence(Ordering::SeqCst);
        let last = at + 1 == self.order.len();
        if self.blocked.load(Ordering::Relaxed) > 0 || (last && self.blocked_for_all.load(Ordering::Relaxed) > 0) {
            self.word.fetch_add(1, Ordering::SeqCst);
            sys::wake_all(&self.word);
        }
        self.waker.wake();
        if last {
            self.all_waker.wake();
        }
    }

    /// The index of the job that finished `at`-th, once it is written.
    fn nth(&self, at: usize) -> Option<usize> {
        match self.order.get(at)?.load(Ordering::Acquire) {
            0 => None,
            index => Some(index as usize - 1),
        }
    }
}

/// The result slots of closure jobs queued together (one `spawn`, `map` or
/// `reduce`): one allocation for all of them, shared by the caller's
/// handle and the queued jobs. Job `k` (a chunk) writes the slots
/// `slots.range(k)` (its items' values, or its one reduced value) and
/// settles once for all of them.
pub(crate) struct Results<T> {
    /// A slot per value; its memory may be the items' own (`Source::lend_slots`).
    values: Vec<UnsafeCell<MaybeUninit<T>>>,
    slots: Plan,
    chunks: Box<[ChunkCell]>,
    /// A batch's: the order its jobs finished in.
    order: Option<FinishOrder>,
    first_job: AtomicU64,
    /// The caller cancelled these jobs (`JobHandle::cancel`, `Batch::cancel`);
    /// their group reads it before each job.
    stop_asked: Arc<AtomicBool>,
    /// `take_values` gave the slots' memory away as a `Vec`.
    values_moved: AtomicBool,
}

// SAFETY: a chunk's slots are written only by the party that claimed the
// chunk (before it is `PUT`) and read only by the handle's one owner after
// it is `SETTLED` without an error; see `ChunkCell`.
unsafe impl<T: Send> Sync for Results<T> {}
unsafe impl<T: Send> Send for Results<T> {}

impl<T: Send> Results<T> {
    /// Results in `slots`, in memory of their own or in `lent`, the
    /// items' memory (which must hold exactly `slots.items()` slots).
    pub(crate) fn new(slots: Plan, batch: bool, lent: Option<Vec<UnsafeCell<MaybeUninit<T>>>>) -> Results<T> {
        let jobs = slots.jobs();
        let values = lent.unwrap_or_else(|| {
            let mut values = Vec::with_capacity(slots.items());
            // SAFETY: `MaybeUninit` needs no initialising.
            unsafe { values.set_len(slots.items()) };
            values
        });
        assert_eq!(values.len(), slots.items(), "a slot per value");
        Results {
            values,
            chunks: (0..jobs).map(|_| ChunkCell::new()).collect(),
            order: batch.then(|| FinishOrder::new(jobs)),
            slots,
            first_job: AtomicU64::new(0),
            stop_asked: Arc::new(AtomicBool::new(false)),
            values_moved: AtomicBool::new(false),
        }
    }

    pub(crate) fn set_first_job(&self, job: u64) {
        self.first_job.store(job, Ordering::Release);
    }

    /// Job `k`'s number.
    fn job(&self, k: usize) -> u64 {
        self.first_job.load(Ordering::Acquire) + k as u64
    }

    pub(crate) fn stop_flag(&self) -> Arc<AtomicBool> {
        Arc::clone(&self.stop_asked)
    }

    fn ask_stop(&self) {
        self.stop_asked.store(true, Ordering::Relaxed);
    }

    fn order(&self) -> &FinishOrder {
        self.order.as_ref().expect("a batch's results have a finish order")
    }

    /// Where chunk `k`'s runner writes its values.
    ///
    /// # Safety
    /// The caller claimed job `k`, once.
    pub(crate) unsafe fn writer(&self, k: usize) -> SlotWriter<'_, T> {
        SlotWriter {
            results: self,
            chunk: k,
            start: self.slots.range(k).start,
            written: 0,
        }
    }

    /// Job `k`'s event says it completed: the values written are the results.
    pub(crate) fn publish(&self, k: usize) {
        self.chunks[k].publish();
        self.recorded(k);
    }

    /// Job `k`'s event says it failed, timed out or never ran.
    pub(crate) fn fail(&self, k: usize, error: JobError) {
        if self.chunks[k].fail(error) {
            // SAFETY: its runner put them and is done; the `WRITING` state made them ours.
            unsafe { self.drop_values(self.slots.range(k)) };
        }
        self.chunks[k].settle();
        self.recorded(k);
    }

    fn recorded(&self, k: usize) {
        if let Some(order) = &self.order {
            order.record(k as u32, self.slots.range(k).len());
        }
    }

    /// Slot `slot` of settled chunk `k`, which the handle's owner takes
    /// once, in order within the chunk: its value, the chunk's error, or
    /// `ResultTaken`.
    fn take_slot(&self, k: usize, slot: usize) -> Result<T, JobError> {
        let chunk = &self.chunks[k];
        let taken = chunk.taken.load(Ordering::Relaxed);
        let first_untaken = self.slots.range(k).start + taken;
        if slot < first_untaken {
            return Err(JobError::ResultTaken { job: self.job(k) });
        }
        debug_assert_eq!(slot, first_untaken, "a chunk's slots are taken in order");
        chunk.taken.store(taken + 1, Ordering::Relaxed);
        // SAFETY: settled (the caller saw it), so no one writes the chunk any more.
        match unsafe { (*chunk.error.get()).as_ref() } {
            Some(error) => Err(error.clone()),
            // SAFETY: settled without an error: every slot was written; this one is not taken.
            None => Ok(unsafe { (*self.values[slot].get()).assume_init_read() }),
        }
    }

    /// Chunk `k`'s results, if it is settled.
    fn take_chunk(&self, k: usize) -> Option<impl Iterator<Item = Result<T, JobError>> + '_> {
        self.chunks[k]
            .is_settled()
            .then(|| self.slots.range(k).map(move |slot| self.take_slot(k, slot)))
    }

    /// Every value in slot order, or the first error of a chunk; `None` if
    /// a chunk is not settled yet. Values already taken make it `ResultTaken`.
    fn take_values(&self) -> Option<Result<Vec<T>, JobError>> {
        if !(0..self.chunks.len()).all(|k| self.chunks[k].is_settled()) {
            return None;
        }
        for (k, chunk) in self.chunks.iter().enumerate() {
            // SAFETY: settled.
            if let Some(error) = unsafe { (*chunk.error.get()).as_ref() } {
                return Some(Err(error.clone()));
            }
            if chunk.taken.load(Ordering::Relaxed) > 0 {
                return Some(Err(JobError::ResultTaken { job: self.job(k) }));
            }
        }
        for (k, chunk) in self.chunks.iter().enumerate() {
            chunk.taken.store(self.slots.range(k).len(), Ordering::Relaxed);
        }
        // All settled without an error and none taken: every slot holds a value, and no
        // runner writes any more. The slots' memory becomes the `Vec` as it is, not copied;
        // `drop` then leaves it (`values_moved`).
        self.values_moved.store(true, Ordering::Relaxed);
        let (len, capacity) = (self.values.len(), self.values.capacity());
        // SAFETY: a `Vec` of `len` slots laid out as `T`s, all initialised (above), handed over
        // once (the flag), with the allocation's own capacity.
        let values = unsafe { Vec::from_raw_parts(self.values.as_ptr().cast::<T>().cast_mut(), len, capacity) };
        Some(Ok(values))
    }
}

impl<T> Results<T> {
    /// Drops slots `range`'s values.
    ///
    /// # Safety
    /// They were written and are no one else's.
    unsafe fn drop_values(&self, range: std::ops::Range<usize>) {
        for slot in range {
            // SAFETY: see the function's contract.
            unsafe { (*self.values[slot].get()).assume_init_drop() };
        }
    }
}

impl<T> Drop for Results<T> {
    fn drop(&mut self) {
        if *self.values_moved.get_mut() {
            std::mem::forget(std::mem::take(&mut self.values)); // a `Vec` owns that memory now
            return;
        }
        for (k, chunk) in self.chunks.iter().enumerate() {
            // A value written by a runner whose chunk then failed was dropped by one of them (see `ChunkCell`).
            // SAFETY: no other party is left to touch the chunk.
            if chunk.is_settled() && unsafe { (*chunk.error.get()).is_none() } {
                let range = self.slots.range(k);
                // SAFETY: written and not taken.
                unsafe { self.drop_values(range.start + chunk.taken.load(Ordering::Relaxed)..range.end) };
            }
        }
    }
}

/// Writes a chunk's values as its closures return them. On a native panic
/// it drops what it wrote (its job fails); `done` hands them to the chunk.
pub(crate) struct SlotWriter<'a, T: Send> {
    results: &'a Results<T>,
    chunk: usize,
    start: usize,
    written: usize,
}

impl<T: Send> SlotWriter<'_, T> {
    /// How many slots the chunk has.
    pub(crate) fn room(&self) -> usize {
        self.results.slots.range(self.chunk).len()
    }

    /// Writes the chunk's next slot. Unchecked, so that a cheap closure's
    /// loop has no branch but its own.
    ///
    /// # Safety
    /// Fewer than `room()` slots were written.
    #[inline]
    pub(crate) unsafe fn push_unchecked(&mut self, value: T) {
        debug_assert!(self.written < self.room());
        // SAFETY: the chunk's slots are this writer's (`Results::writer`), each written once, in
        // order; the caller keeps to its room.
        unsafe { (*self.results.values.get_unchecked(self.start + self.written).get()).write(value) };
        self.written += 1;
    }

    /// The chunk's values are all in; returns how many. If the chunk was
    /// settled meanwhile (it timed out), they are dropped here.
    pub(crate) fn done(self) -> usize {
        assert_eq!(self.written, self.room(), "every slot of the chunk written");
        let this = std::mem::ManuallyDrop::new(self);
        if !this.results.chunks[this.chunk].put() {
            // SAFETY: ours: the chunk failed before they were put, so no one reads them.
            unsafe { this.results.drop_values(this.start..this.start + this.written) };
        }
        this.written
    }
}

impl<T: Send> Drop for SlotWriter<'_, T> {
    fn drop(&mut self) {
        // Unwinding from a panic: the chunk will fail; its written values are ours to drop.
        // SAFETY: written by this writer, never put.
        unsafe { self.results.drop_values(self.start..self.start + self.written) };
    }
}

/// One job's (chunk's) state, for all of its slots.
struct ChunkCell {
    /// `EMPTY` .. `SETTLED`; also the futex word a blocking `join` waits on.
    state: AtomicU32,
    blocked: AtomicU32,
    error: UnsafeCell<Option<JobError>>,
    /// How many of its slots the handle's owner took, from the first.
    taken: AtomicUsize,
    waker: WakerSlot,
}

impl ChunkCell {
    fn new() -> ChunkCell {
        ChunkCell {
            state: AtomicU32::new(EMPTY),
            blocked: AtomicU32::new(0),
            error: UnsafeCell::new(None),
            taken: AtomicUsize::new(0),
            waker: WakerSlot::default(),
        }
    }

    fn is_settled(&self) -> bool {
        self.state.load(Ordering::Acquire) == SETTLED
    }

    /// The runner wrote every slot. False if the chunk was failed first
    /// (it timed out): the runner drops its values then.
    fn put(&self) -> bool {
        self.state
            .compare_exchange(EMPTY, PUT, Ordering::AcqRel, Ordering::Relaxed)
            .is_ok()
    }

    fn settle(&self) {
        self.state.store(SETTLED, Ordering::SeqCst);
        if self.blocked.load(Ordering::SeqCst) > 0 {
            sys::wake_all(&self.state);
        }
        self.waker.wake();
    }

    fn publish(&self) {
        if self
            .state
            .compare_exchange(PUT, WRITING, Ordering::Acquire, Ordering::Relaxed)
            .is_ok()
        {
            self.settle();
        }
    }

    /// Writes the chunk's error (the caller settles it next). True if its
    /// values were put: the caller drops them, since no one will read them.
    fn fail(&self, error: JobError) -> bool {
        loop {
            match self.state.load(Ordering::Acquire) {
                state @ (EMPTY | PUT) => {
                    if self
                        .state
                        .compare_exchange(state, WRITING, Ordering::Acquire, Ordering::Relaxed)
                        .is_ok()
                    {
                        // SAFETY: `WRITING` is ours.
                        unsafe { *self.error.get() = Some(error) };
                        return state == PUT;
                    }
                }
                _ => return false,
            }
        }
    }

    /// Waits until the chunk is settled, on a thread that may block.
    fn join(&self) {
        self.blocked.fetch_add(1, Ordering::SeqCst);
        loop {
            let state = self.state.load(Ordering::SeqCst);
            if state == SETTLED {
                break;
            }
            sys::wait(&self.state, state, None);
        }
        self.blocked.fetch_sub(1, Ordering::SeqCst);
    }
}

// SAFETY: `error` is written only by the party that moved `state` to
// `WRITING`, and read only once it is `SETTLED`.
unsafe impl Sync for ChunkCell {}

/// The result of one closure job queued with `spawn`: `Ok(T)` or a
/// `JobError` (panicked with its message, timed out, cancelled, pool
/// stopped).
///
/// Await it (from any thread; polling never blocks), or `join` it on a
/// thread that may block. Awaiting it again through `&mut` after it gave
/// its result gives `JobError::ResultTaken`.
///
/// ```
/// # #[cfg(not(target_arch = "wasm32"))] { // on the web: the same `Pool`, and await
/// let pool = poolscope::Pool::new(2).unwrap();
/// let handle = pool.spawn(|| 6 * 7).unwrap();
/// assert_eq!(handle.join(), Ok(42));
/// # }
/// ```
pub struct JobHandle<T> {
    /// A spawned job is a group of one: its chunk and slot are the first.
    results: Arc<Results<T>>,
}

impl<T: Send> JobHandle<T> {
    pub(crate) fn new(results: Arc<Results<T>>) -> JobHandle<T> {
        JobHandle { results }
    }

    /// The job's number in its pool (as in the events and the log).
    pub fn job(&self) -> u64 {
        self.results.job(0)
    }

    /// Whether the result is there (or was taken).
    pub fn is_finished(&self) -> bool {
        self.results.chunks[0].is_settled()
    }

    /// The result if it is there, without waiting.
    pub fn try_result(&mut self) -> Option<Result<T, JobError>> {
        self.is_finished().then(|| self.results.take_slot(0, 0))
    }

    /// Cancels the job: if no worker has begun it, it never runs and is
    /// reported `Cancelled` (`JobError::Cancelled`) when its turn in the
    /// queue comes; if it runs, `poolscope::should_stop()` turns true in
    /// it, so a closure that checks it ends early. Its handle still
    /// settles: await or join it as before. Does nothing to a finished job.
    ///
    /// ```
    /// # #[cfg(not(target_arch = "wasm32"))] {
    /// let pool = poolscope::Pool::new(1).unwrap();
    /// let (began, has_begun) = std::sync::mpsc::channel();
    /// let busy = pool.spawn(move || { began.send(()).unwrap(); while !poolscope::should_stop() {} }).unwrap();
    /// let waiting = pool.spawn(|| "never").unwrap();
    /// has_begun.recv().unwrap();
    /// waiting.cancel();
    /// busy.cancel();
    /// assert!(matches!(waiting.join(), Err(poolscope::JobError::Cancelled { .. })));
    /// assert_eq!(busy.join(), Ok(()));
    /// # }
    /// ```
    pub fn cancel(&self) {
        self.results.ask_stop();
    }

    /// Blocks until the result is there. On a thread that must not block
    /// (a browser's main thread) returns `JobError::WouldBlock` at once:
    /// await the handle there instead.
    pub fn join(self) -> Result<T, JobError> {
        if !sys::may_block() {
            return Err(JobError::WouldBlock);
        }
        self.results.chunks[0].join();
        self.results.take_slot(0, 0)
    }
}

impl<T: Send> Future for JobHandle<T> {
    type Output = Result<T, JobError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let chunk = &self.results.chunks[0];
        if !chunk.is_settled() {
            chunk.waker.register(cx.waker());
            if !chunk.is_settled() {
                return Poll::Pending;
            }
        }
        Poll::Ready(self.results.take_slot(0, 0))
    }
}

impl<T> std::fmt::Debug for JobHandle<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JobHandle")
            .field("job", &self.results.first_job.load(Ordering::Relaxed))
            .finish()
    }
}

/// The results of a `map`, an item's each: in input order (`in_order`,
/// `join_all`; or just the values, `values`, `join_values`) or in the
/// order they finish (`next_finished`, `join_next`), each as soon as its
/// job is over. The items run in jobs of one or of many (`Chunking`); an
/// item's result is its job's: a panic fails every item of its job, and
/// its message says which item panicked.
///
/// ```
/// # #[cfg(not(target_arch = "wasm32"))] { // on the web: the same `Pool`, and await
/// let pool = poolscope::Pool::new(2).unwrap();
/// let mut squares = pool.map(1..=4u64, |n| n * n).unwrap();
/// let (index, first) = squares.join_next().unwrap().unwrap();
/// assert_eq!(first, Ok((index as u64 + 1).pow(2)));
/// let rest = squares.join_all().unwrap(); // the one taken above says `ResultTaken`
/// assert_eq!(rest.len(), 4);
/// # }
/// ```
pub struct Batch<T> {
    results: Arc<Results<T>>,
    /// The next job in finishing order to give items of, and its next item.
    cursor: usize,
    item: Option<usize>,
}

impl<T: Send> Batch<T> {
    pub(crate) fn new(results: Arc<Results<T>>) -> Batch<T> {
        Batch {
            results,
            cursor: 0,
            item: None,
        }
    }

    fn order(&self) -> &FinishOrder {
        self.results.order()
    }

    /// How many items the batch has.
    pub fn len(&self) -> usize {
        self.results.slots.items()
    }

    /// Whether the batch has no items (a `map` over nothing).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// How many jobs run the items: one per item, or one per chunk.
    pub fn job_count(&self) -> usize {
        self.results.chunks.len()
    }

    /// The job number of each item, in input order (items of one chunk
    /// share their job's).
    pub fn jobs(&self) -> Vec<u64> {
        (0..self.job_count())
            .flat_map(|k| std::iter::repeat_n(self.results.job(k), self.results.slots.range(k).len()))
            .collect()
    }

    /// The job that runs item `item`.
    pub fn job_of(&self, item: usize) -> u64 {
        self.results.job(self.results.slots.job_of(item))
    }

    /// How many items have finished so far.
    pub fn finished(&self) -> usize {
        self.order().items.load(Ordering::Acquire)
    }

    fn all_finished(&self) -> bool {
        self.order().finished.load(Ordering::Acquire) as usize == self.job_count()
    }

    fn take_next(&mut self) -> Option<Option<(usize, Result<T, JobError>)>> {
        loop {
            if self.cursor == self.job_count() {
                return Some(None);
            }
            let k = self.order().nth(self.cursor)?;
            let range = self.results.slots.range(k);
            let item = self.item.unwrap_or(range.start);
            if item < range.end {
                self.item = Some(item + 1);
                return Some(Some((item, self.results.take_slot(k, item))));
            }
            (self.cursor, self.item) = (self.cursor + 1, None);
        }
    }

    /// The next item to finish, as `(index in the input, result)`; `None`
    /// once all were given. Never blocks.
    pub fn next_finished(&mut self) -> NextFinished<'_, T> {
        NextFinished { batch: self }
    }

    /// Like `next_finished`, blocking: `Err(WouldBlock)` on a thread that
    /// must not block.
    #[allow(clippy::type_complexity)] // the item's index and its own result: named in the doc above
    pub fn join_next(&mut self) -> Result<Option<(usize, Result<T, JobError>)>, JobError> {
        if !sys::may_block() {
            return Err(JobError::WouldBlock);
        }
        let results = Arc::clone(&self.results);
        let order = results.order();
        order.blocked.fetch_add(1, Ordering::SeqCst);
        fence(Ordering::SeqCst); // see `FinishOrder::record`
        let next = loop {
            let seen = order.word.load(Ordering::SeqCst);
            if let Some(next) = self.take_next() {
                break next;
            }
            sys::wait(&order.word, seen, None);
        };
        order.blocked.fetch_sub(1, Ordering::SeqCst);
        Ok(next)
    }

    /// Cancels the batch's jobs, as `JobHandle::cancel` one job: those no
    /// worker has begun never run (each of their items `Cancelled`), the
    /// running ones see `poolscope::should_stop()`. Every result still comes.
    ///
    /// ```
    /// # #[cfg(not(target_arch = "wasm32"))] {
    /// use poolscope::Chunking;
    /// let pool = poolscope::Pool::new(1).unwrap();
    /// // One worker: item 0 runs until it is told to stop, the rest wait.
    /// let (began, has_begun) = std::sync::mpsc::sync_channel(1);
    /// let batch = pool.map_chunked(0..100u64, Chunking::PerItem, move |n| {
    ///     if n == 0 {
    ///         began.send(()).unwrap();
    ///         while !poolscope::should_stop() {}
    ///     }
    ///     n
    /// }).unwrap();
    /// has_begun.recv().unwrap();
    /// batch.cancel();
    /// let results = batch.join_all().unwrap();
    /// assert_eq!(results[0], Ok(0), "the running one ended itself");
    /// assert!(results[1..].iter().all(|r| matches!(r, Err(poolscope::JobError::Cancelled { .. }))));
    /// # }
    /// ```
    pub fn cancel(&self) {
        self.results.ask_stop();
    }

    /// Every result, in input order, once all jobs finished. A result
    /// already taken with `next_finished` is `ResultTaken`.
    pub fn in_order(self) -> InOrder<T> {
        InOrder { batch: self }
    }

    /// Every value, in input order, once all jobs finished: what
    /// `collect::<Result<Vec<T>, _>>()` over `in_order` gives, without a
    /// `Result` per item. The first failed job's error (in input order)
    /// if any failed; `ResultTaken` if `next_finished` took some.
    ///
    /// ```
    /// # #[cfg(not(target_arch = "wasm32"))] { // on the web: `pool.map(..)?.values().await`
    /// let pool = poolscope::Pool::new(2).unwrap();
    /// let squares = pool.map(0..1_000_000u64, |n| n * n).unwrap();
    /// assert_eq!(squares.join_values().unwrap()[999], 998_001);
    /// # }
    /// ```
    pub fn values(self) -> Values<T> {
        Values { batch: self }
    }

    fn wait_all(&self) -> Result<(), JobError> {
        if !sys::may_block() {
            return Err(JobError::WouldBlock);
        }
        let order = self.order();
        order.blocked_for_all.fetch_add(1, Ordering::SeqCst);
        fence(Ordering::SeqCst); // see `FinishOrder::record`
        loop {
            let seen = order.word.load(Ordering::SeqCst);
            if self.all_finished() {
                break;
            }
            sys::wait(&order.word, seen, None);
        }
        order.blocked_for_all.fetch_sub(1, Ordering::SeqCst);
        Ok(())
    }

    /// Like `values`, blocking: `Err(WouldBlock)` on a thread that must not block.
    pub fn join_values(self) -> Result<Vec<T>, JobError> {
        self.wait_all()?;
        self.results.take_values().expect("all settled")
    }

    /// Like `in_order`, blocking: `Err(WouldBlock)` on a thread that must not block.
    pub fn join_all(self) -> Result<Vec<Result<T, JobError>>, JobError> {
        self.wait_all()?;
        Ok(self.take_all())
    }

    /// Every result in input order; all jobs are settled.
    fn take_all(&self) -> Vec<Result<T, JobError>> {
        let mut all = Vec::with_capacity(self.len());
        for k in 0..self.job_count() {
            all.extend(self.results.take_chunk(k).expect("all settled"));
        }
        all
    }
}

impl<T> std::fmt::Debug for Batch<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Batch")
            .field("items", &self.results.slots.items())
            .field("jobs", &self.results.chunks.len())
            .field("cursor", &self.cursor)
            .finish()
    }
}

/// The future of `Batch::next_finished`.
pub struct NextFinished<'a, T> {
    batch: &'a mut Batch<T>,
}

impl<T: Send> Future for NextFinished<'_, T> {
    type Output = Option<(usize, Result<T, JobError>)>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        if let Some(next) = self.batch.take_next() {
            return Poll::Ready(next);
        }
        self.batch.order().waker.register(cx.waker());
        match self.batch.take_next() {
            Some(next) => Poll::Ready(next),
            None => Poll::Pending,
        }
    }
}

/// Ready once every job of `batch` finished; registers `cx` otherwise.
fn poll_all_finished<T: Send>(batch: &Batch<T>, cx: &mut Context<'_>) -> bool {
    if !batch.all_finished() {
        batch.order().all_waker.register(cx.waker());
        if !batch.all_finished() {
            return false;
        }
    }
    true
}

/// The future of `Batch::in_order`.
pub struct InOrder<T> {
    batch: Batch<T>,
}

impl<T: Send> Future for InOrder<T> {
    type Output = Vec<Result<T, JobError>>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match poll_all_finished(&self.batch, cx) {
            true => Poll::Ready(self.batch.take_all()),
            false => Poll::Pending,
        }
    }
}

/// The future of `Batch::values`.
pub struct Values<T> {
    batch: Batch<T>,
}

impl<T: Send> Future for Values<T> {
    type Output = Result<Vec<T>, JobError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match poll_all_finished(&self.batch, cx) {
            true => Poll::Ready(self.batch.results.take_values().expect("all settled")),
            false => Poll::Pending,
        }
    }
}

/// The outcome of a `reduce` (or `for_each`): `op` over every item's
/// value, folded in input order, or the first failed job's error. Await
/// it, or `join` it on a thread that may block.
///
/// ```
/// # #[cfg(not(target_arch = "wasm32"))] { // on the web: the same, and await
/// let pool = poolscope::Pool::new(2).unwrap();
/// let sum = pool.reduce(1..=1_000u64, |n| n * n, || 0, |a, b| a + b).unwrap();
/// assert_eq!(sum.join(), Ok(333_833_500));
/// # }
/// ```
pub struct Reduction<T> {
    /// A slot per job: its items folded.
    batch: Batch<T>,
    identity: Arc<dyn Fn() -> T + Send + Sync>,
    op: Arc<dyn Fn(T, T) -> T + Send + Sync>,
}

impl<T: Send> Reduction<T> {
    pub(crate) fn new(
        results: Arc<Results<T>>,
        identity: Arc<dyn Fn() -> T + Send + Sync>,
        op: Arc<dyn Fn(T, T) -> T + Send + Sync>,
    ) -> Reduction<T> {
        Reduction {
            batch: Batch::new(results),
            identity,
            op,
        }
    }

    /// How many jobs run the items.
    pub fn job_count(&self) -> usize {
        self.batch.job_count()
    }

    /// The jobs' numbers, in input order.
    pub fn jobs(&self) -> Vec<u64> {
        self.batch.jobs()
    }

    /// Cancels the jobs (see `Batch::cancel`); the outcome is then
    /// `Cancelled` unless every job had begun.
    pub fn cancel(&self) {
        self.batch.cancel();
    }

    fn fold(&self, partials: Result<Vec<T>, JobError>) -> Result<T, JobError> {
        Ok(partials?.into_iter().fold((self.identity)(), |a, b| (self.op)(a, b)))
    }

    /// Blocks until every job finished: `Err(WouldBlock)` on a thread
    /// that must not block (await it there).
    pub fn join(self) -> Result<T, JobError> {
        self.batch.wait_all()?;
        self.fold(self.batch.results.take_values().expect("all settled"))
    }
}

impl<T: Send> Future for Reduction<T> {
    type Output = Result<T, JobError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match poll_all_finished(&self.batch, cx) {
            true => Poll::Ready(self.fold(self.batch.results.take_values().expect("all settled"))),
            false => Poll::Pending,
        }
    }
}

impl<T> std::fmt::Debug for Reduction<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Reduction").field("batch", &self.batch).finish()
    }
}
