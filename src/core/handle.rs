//! What a caller holds for the closures it queued: a `JobHandle<T>` per
//! job (`spawn`), or a `Batch<T>` (`map`) that gives the results in input
//! order or in the order the jobs finish (the Go article's results
//! channel).
//!
//! A handle is a `Future` (await it from async Rust on any thread, a
//! browser's main thread included) and has a blocking `join` for threads
//! that may block; on a browser's main thread `join` returns
//! `JobError::WouldBlock` instead of trapping.

use super::error::JobError;
use super::sync::SpinLock;
use crate::sys;
use std::cell::UnsafeCell;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{fence, AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll, Waker};

// A result cell's states, in the order they happen.
const EMPTY: u32 = 0;
/// Someone is writing the cell: the closure its value, or the core an error.
const WRITING: u32 = 1;
/// The closure's value is in; the job's event is not recorded yet.
const PUT: u32 = 2;
const SETTLED: u32 = 3;
const TAKEN: u32 = 4;

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
/// its index, and the batch reads them from its cursor on.
///
/// Who waits for one result at a time (`next_finished`, `join_next`) is
/// woken by every job; who waits for all of them (`in_order`, `join_all`)
/// only by the last: a batch of 200,000 wakes its caller once, not 200,000
/// times.
pub(crate) struct FinishOrder {
    order: Box<[AtomicU32]>, // index + 1; 0 while not written
    finished: AtomicU32,
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
            waker: WakerSlot::default(),
            all_waker: WakerSlot::default(),
            word: AtomicU32::new(0),
            blocked: AtomicU32::new(0),
            blocked_for_all: AtomicU32::new(0),
        }
    }

    /// Appends `index`. Touches nothing another thread writes per job
    /// but `finished`, unless a reader waits: then it bumps `word` for it.
    fn record(&self, index: u32) {
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

/// The result cells of closure jobs queued together (one `spawn`, or one
/// `map`): one allocation for all of them, shared by the caller's handle
/// and the queued jobs.
pub(crate) struct Results<T> {
    cells: Box<[ResultCell<T>]>,
    /// A `map`'s: the order its jobs finished in.
    order: Option<FinishOrder>,
    first_job: AtomicU64,
    /// The caller cancelled these jobs (`JobHandle::cancel`, `Batch::cancel`);
    /// their group reads it before each job.
    stop_asked: Arc<AtomicBool>,
}

impl<T: Send> Results<T> {
    pub(crate) fn new(len: usize, batch: bool) -> Results<T> {
        Results {
            cells: (0..len).map(|_| ResultCell::new()).collect(),
            order: batch.then(|| FinishOrder::new(len)),
            first_job: AtomicU64::new(0),
            stop_asked: Arc::new(AtomicBool::new(false)),
        }
    }

    pub(crate) fn set_first_job(&self, job: u64) {
        self.first_job.store(job, Ordering::Release);
    }

    fn job(&self, index: usize) -> u64 {
        self.first_job.load(Ordering::Acquire) + index as u64
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

    /// Job `index`'s closure returned `value` (see `ResultCell::put`).
    pub(crate) fn put(&self, index: usize, value: T) {
        self.cells[index].put(value);
    }

    /// Job `index`'s event says it completed: the value put is the result.
    pub(crate) fn publish(&self, index: usize) {
        self.cells[index].publish();
        self.recorded(index);
    }

    /// Job `index`'s event says it failed, timed out or never ran.
    pub(crate) fn fail(&self, index: usize, error: JobError) {
        self.cells[index].fail(error);
        self.recorded(index);
    }

    fn recorded(&self, index: usize) {
        if let Some(order) = &self.order {
            order.record(index as u32);
        }
    }

    fn take(&self, index: usize) -> Option<Result<T, JobError>> {
        self.cells[index].try_take(|| self.job(index))
    }
}

/// Where one closure job's result goes.
struct ResultCell<T> {
    /// `EMPTY` .. `TAKEN`; also the futex word a blocking `join` waits on.
    state: AtomicU32,
    blocked: AtomicU32,
    value: UnsafeCell<Option<T>>,
    error: UnsafeCell<Option<JobError>>,
    waker: WakerSlot,
}

// SAFETY: `value` and `error` are written only by the party that moved
// `state` to `WRITING`, and read only by the one that moved it to `TAKEN`.
unsafe impl<T: Send> Sync for ResultCell<T> {}
unsafe impl<T: Send> Send for ResultCell<T> {}

impl<T: Send> ResultCell<T> {
    fn new() -> ResultCell<T> {
        ResultCell {
            state: AtomicU32::new(EMPTY),
            blocked: AtomicU32::new(0),
            value: UnsafeCell::new(None),
            error: UnsafeCell::new(None),
            waker: WakerSlot::default(),
        }
    }

    /// The closure returned `value`. Dropped if the job was already
    /// settled (it timed out meanwhile).
    fn put(&self, value: T) {
        if self
            .state
            .compare_exchange(EMPTY, WRITING, Ordering::Acquire, Ordering::Relaxed)
            .is_ok()
        {
            // SAFETY: `WRITING` is ours.
            unsafe { *self.value.get() = Some(value) };
            self.state.store(PUT, Ordering::Release);
        }
    }

    fn settle(&self) {
        self.state.store(SETTLED, Ordering::SeqCst);
        if self.blocked.load(Ordering::SeqCst) > 0 {
            sys::wake_all(&self.state);
        }
        self.waker.wake();
    }

    /// The result if it is settled; `ResultTaken` if it was taken before.
    fn try_take(&self, job: impl Fn() -> u64) -> Option<Result<T, JobError>> {
        match self
            .state
            .compare_exchange(SETTLED, TAKEN, Ordering::Acquire, Ordering::Acquire)
        {
            // SAFETY: `TAKEN` is ours, and whoever settled is done writing.
            Ok(_) => Some(
                match unsafe { ((*self.error.get()).take(), (*self.value.get()).take()) } {
                    (Some(error), _) => Err(error),
                    (None, Some(value)) => Ok(value),
                    (None, None) => Err(JobError::ResultTaken { job: job() }),
                },
            ),
            Err(TAKEN) => Some(Err(JobError::ResultTaken { job: job() })),
            Err(_) => None,
        }
    }

    fn poll_take(&self, cx: &mut Context<'_>, job: impl Fn() -> u64) -> Poll<Result<T, JobError>> {
        if let Some(result) = self.try_take(&job) {
            return Poll::Ready(result);
        }
        self.waker.register(cx.waker());
        match self.try_take(&job) {
            Some(result) => Poll::Ready(result),
            None => Poll::Pending,
        }
    }

    fn join(&self, job: impl Fn() -> u64) -> Result<T, JobError> {
        if !sys::may_block() {
            return Err(JobError::WouldBlock);
        }
        self.blocked.fetch_add(1, Ordering::SeqCst);
        let result = loop {
            if let Some(result) = self.try_take(&job) {
                break result;
            }
            let state = self.state.load(Ordering::SeqCst);
            if state < SETTLED {
                sys::wait(&self.state, state, None);
            }
        };
        self.blocked.fetch_sub(1, Ordering::SeqCst);
        result
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

    fn fail(&self, error: JobError) {
        loop {
            match self.state.load(Ordering::Acquire) {
                // The closure may be writing its value right now (it ran past its timeout): wait.
                WRITING => std::hint::spin_loop(),
                state @ (EMPTY | PUT) => {
                    if self
                        .state
                        .compare_exchange(state, WRITING, Ordering::Acquire, Ordering::Relaxed)
                        .is_ok()
                    {
                        // SAFETY: `WRITING` is ours.
                        unsafe {
                            *self.value.get() = None; // a value that arrived too late
                            *self.error.get() = Some(error);
                        }
                        self.settle();
                        return;
                    }
                }
                _ => return,
            }
        }
    }
}

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
    /// A spawned job is a group of one: its cell is the first.
    results: Arc<Results<T>>,
}

impl<T: Send> JobHandle<T> {
    pub(crate) fn new(results: Arc<Results<T>>) -> JobHandle<T> {
        JobHandle { results }
    }

    fn cell(&self) -> &ResultCell<T> {
        &self.results.cells[0]
    }

    /// The job's number in its pool (as in the events and the log).
    pub fn job(&self) -> u64 {
        self.results.job(0)
    }

    /// Whether the result is there (or was taken).
    pub fn is_finished(&self) -> bool {
        self.cell().state.load(Ordering::Acquire) >= SETTLED
    }

    /// The result if it is there, without waiting.
    pub fn try_result(&mut self) -> Option<Result<T, JobError>> {
        self.results.take(0)
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
        self.cell().join(|| self.job())
    }
}

impl<T: Send> Future for JobHandle<T> {
    type Output = Result<T, JobError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.cell().poll_take(cx, || self.job())
    }
}

impl<T> std::fmt::Debug for JobHandle<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JobHandle")
            .field("job", &self.results.first_job.load(Ordering::Relaxed))
            .finish()
    }
}

/// The results of a `map`: in input order (`in_order`, `join_all`) or in
/// the order the jobs finish (`next_finished`, `join_next`), each as soon
/// as it is there.
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
    cursor: usize,
}

impl<T: Send> Batch<T> {
    pub(crate) fn new(results: Arc<Results<T>>) -> Batch<T> {
        Batch { results, cursor: 0 }
    }

    fn order(&self) -> &FinishOrder {
        self.results.order()
    }

    /// How many jobs the batch has.
    pub fn len(&self) -> usize {
        self.results.cells.len()
    }

    /// Whether the batch has no jobs (a `map` over nothing).
    pub fn is_empty(&self) -> bool {
        self.results.cells.is_empty()
    }

    /// The job numbers of the batch, in input order.
    pub fn jobs(&self) -> Vec<u64> {
        (0..self.len()).map(|index| self.results.job(index)).collect()
    }

    /// How many jobs have finished so far.
    pub fn finished(&self) -> usize {
        self.order().finished.load(Ordering::Acquire) as usize
    }

    fn take_next(&mut self) -> Option<Option<(usize, Result<T, JobError>)>> {
        if self.cursor == self.len() {
            return Some(None);
        }
        let index = self.order().nth(self.cursor)?;
        let result = self.results.take(index)?;
        self.cursor += 1;
        Some(Some((index, result)))
    }

    /// The next job to finish, as `(index in the input, result)`; `None`
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
    /// worker has begun never run (each `Cancelled`), the running ones see
    /// `poolscope::should_stop()`. Every result still comes.
    ///
    /// ```
    /// # #[cfg(not(target_arch = "wasm32"))] {
    /// let pool = poolscope::Pool::new(1).unwrap();
    /// // One worker: item 0 runs until it is told to stop, the rest wait.
    /// let (began, has_begun) = std::sync::mpsc::sync_channel(1);
    /// let batch = pool.map(0..100u64, move |n| {
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

    /// Like `in_order`, blocking: `Err(WouldBlock)` on a thread that must not block.
    pub fn join_all(self) -> Result<Vec<Result<T, JobError>>, JobError> {
        if !sys::may_block() {
            return Err(JobError::WouldBlock);
        }
        let order = self.order();
        order.blocked_for_all.fetch_add(1, Ordering::SeqCst);
        fence(Ordering::SeqCst); // see `FinishOrder::record`
        loop {
            let seen = order.word.load(Ordering::SeqCst);
            if self.finished() == self.len() {
                break;
            }
            sys::wait(&order.word, seen, None);
        }
        order.blocked_for_all.fetch_sub(1, Ordering::SeqCst);
        let results = &self.results;
        Ok((0..self.len())
            .map(|index| results.cells[index].join(|| results.job(index)))
            .collect()) // all settled: none waits
    }
}

impl<T> std::fmt::Debug for Batch<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Batch")
            .field("len", &self.results.cells.len())
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

/// The future of `Batch::in_order`.
pub struct InOrder<T> {
    batch: Batch<T>,
}

impl<T: Send> Future for InOrder<T> {
    type Output = Vec<Result<T, JobError>>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let done = |batch: &Batch<T>| batch.finished() == batch.len();
        if !done(&self.batch) {
            self.batch.order().all_waker.register(cx.waker());
            if !done(&self.batch) {
                return Poll::Pending;
            }
        }
        let results = &self.batch.results;
        Poll::Ready(
            (0..self.batch.len())
                .map(|index| {
                    results.take(index).unwrap_or(Err(JobError::ResultTaken {
                        job: results.job(index),
                    }))
                })
                .collect(),
        )
    }
}
