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
use super::task::Sink;
use crate::sys;
use std::cell::UnsafeCell;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
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
/// ever stopped from outside.
struct WakerSlot(SpinLock<Option<Waker>>);

impl Default for WakerSlot {
    fn default() -> Self {
        WakerSlot(SpinLock::new(None))
    }
}

impl WakerSlot {
    fn with<R>(&self, f: impl FnOnce(&mut Option<Waker>) -> R) -> R {
        self.0.with(f)
    }

    fn register(&self, waker: &Waker) {
        self.with(|slot| match slot {
            Some(old) if old.will_wake(waker) => {}
            _ => *slot = Some(waker.clone()),
        });
    }

    fn wake(&self) {
        if let Some(waker) = self.with(Option::take) {
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

    fn record(&self, index: u32) {
        let at = self.finished.fetch_add(1, Ordering::AcqRel) as usize;
        self.order[at].store(index + 1, Ordering::Release);
        self.word.fetch_add(1, Ordering::SeqCst);
        let last = at + 1 == self.order.len();
        if self.blocked.load(Ordering::SeqCst) > 0 || (last && self.blocked_for_all.load(Ordering::SeqCst) > 0) {
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

/// Where one closure job's result goes.
pub(crate) struct ResultCell<T> {
    /// `EMPTY` .. `TAKEN`; also the futex word a blocking `join` waits on.
    state: AtomicU32,
    blocked: AtomicU32,
    value: UnsafeCell<Option<T>>,
    error: UnsafeCell<Option<JobError>>,
    waker: WakerSlot,
    job: AtomicU64,
    batch: Option<(Arc<FinishOrder>, u32)>,
}

// SAFETY: `value` and `error` are written only by the party that moved
// `state` to `WRITING`, and read only by the one that moved it to `TAKEN`.
unsafe impl<T: Send> Sync for ResultCell<T> {}
unsafe impl<T: Send> Send for ResultCell<T> {}

impl<T: Send> ResultCell<T> {
    pub(crate) fn new(batch: Option<(Arc<FinishOrder>, u32)>) -> ResultCell<T> {
        ResultCell {
            state: AtomicU32::new(EMPTY),
            blocked: AtomicU32::new(0),
            value: UnsafeCell::new(None),
            error: UnsafeCell::new(None),
            waker: WakerSlot::default(),
            job: AtomicU64::new(0),
            batch,
        }
    }

    pub(crate) fn set_job(&self, job: u64) {
        self.job.store(job, Ordering::Release);
    }

    /// The closure returned `value`. Dropped if the job was already
    /// settled (it timed out meanwhile).
    pub(crate) fn put(&self, value: T) {
        if self.state.compare_exchange(EMPTY, WRITING, Ordering::Acquire, Ordering::Relaxed).is_ok() {
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
        if let Some((order, index)) = &self.batch {
            order.record(*index);
        }
        self.waker.wake();
    }

    /// The result if it is settled; `ResultTaken` if it was taken before.
    fn try_take(&self) -> Option<Result<T, JobError>> {
        match self.state.compare_exchange(SETTLED, TAKEN, Ordering::Acquire, Ordering::Acquire) {
            // SAFETY: `TAKEN` is ours, and whoever settled is done writing.
            Ok(_) => Some(match unsafe { ((*self.error.get()).take(), (*self.value.get()).take()) } {
                (Some(error), _) => Err(error),
                (None, Some(value)) => Ok(value),
                (None, None) => Err(JobError::ResultTaken { job: self.job.load(Ordering::Acquire) }),
            }),
            Err(TAKEN) => Some(Err(JobError::ResultTaken { job: self.job.load(Ordering::Acquire) })),
            Err(_) => None,
        }
    }

    fn poll_take(&self, cx: &mut Context<'_>) -> Poll<Result<T, JobError>> {
        if let Some(result) = self.try_take() {
            return Poll::Ready(result);
        }
        self.waker.register(cx.waker());
        match self.try_take() {
            Some(result) => Poll::Ready(result),
            None => Poll::Pending,
        }
    }

    fn join(&self) -> Result<T, JobError> {
        if !sys::may_block() {
            return Err(JobError::WouldBlock);
        }
        self.blocked.fetch_add(1, Ordering::SeqCst);
        let result = loop {
            if let Some(result) = self.try_take() {
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
}

impl<T: Send> Sink for ResultCell<T> {
    fn publish(&self) {
        if self.state.compare_exchange(PUT, WRITING, Ordering::Acquire, Ordering::Relaxed).is_ok() {
            self.settle();
        }
    }

    fn fail(&self, error: JobError) {
        loop {
            match self.state.load(Ordering::Acquire) {
                // The closure may be writing its value right now (it ran past its timeout): wait.
                WRITING => std::hint::spin_loop(),
                state @ (EMPTY | PUT) => {
                    if self.state.compare_exchange(state, WRITING, Ordering::Acquire, Ordering::Relaxed).is_ok() {
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
/// # #[cfg(not(target_arch = "wasm32"))] { // on the web: `poolscope::web::WebPool`, and await
/// let pool = poolscope::Pool::new(2).unwrap();
/// let handle = pool.spawn(|| 6 * 7).unwrap();
/// assert_eq!(handle.join(), Ok(42));
/// # }
/// ```
pub struct JobHandle<T> {
    cell: Arc<ResultCell<T>>,
}

impl<T: Send> JobHandle<T> {
    pub(crate) fn new(cell: Arc<ResultCell<T>>) -> JobHandle<T> {
        JobHandle { cell }
    }

    /// The job's number in its pool (as in the events and the log).
    pub fn job(&self) -> u64 {
        self.cell.job.load(Ordering::Acquire)
    }

    /// Whether the result is there (or was taken).
    pub fn is_finished(&self) -> bool {
        self.cell.state.load(Ordering::Acquire) >= SETTLED
    }

    /// The result if it is there, without waiting.
    pub fn try_result(&mut self) -> Option<Result<T, JobError>> {
        self.cell.try_take()
    }

    /// Blocks until the result is there. On a thread that must not block
    /// (a browser's main thread) returns `JobError::WouldBlock` at once:
    /// await the handle there instead.
    pub fn join(self) -> Result<T, JobError> {
        self.cell.join()
    }
}

impl<T: Send> Future for JobHandle<T> {
    type Output = Result<T, JobError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.cell.poll_take(cx)
    }
}

impl<T> std::fmt::Debug for JobHandle<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JobHandle").field("job", &self.cell.job.load(Ordering::Relaxed)).finish()
    }
}

/// The results of a `map`: in input order (`in_order`, `join_all`) or in
/// the order the jobs finish (`next_finished`, `join_next`), each as soon
/// as it is there.
///
/// ```
/// # #[cfg(not(target_arch = "wasm32"))] { // on the web: `poolscope::web::WebPool`, and await
/// let pool = poolscope::Pool::new(2).unwrap();
/// let mut squares = pool.map(1..=4u64, |n| n * n).unwrap();
/// let (index, first) = squares.join_next().unwrap().unwrap();
/// assert_eq!(first, Ok((index as u64 + 1).pow(2)));
/// let rest = squares.join_all().unwrap(); // the one taken above says `ResultTaken`
/// assert_eq!(rest.len(), 4);
/// # }
/// ```
pub struct Batch<T> {
    cells: Vec<Arc<ResultCell<T>>>,
    order: Arc<FinishOrder>,
    cursor: usize,
}

impl<T: Send> Batch<T> {
    pub(crate) fn new(cells: Vec<Arc<ResultCell<T>>>, order: Arc<FinishOrder>) -> Batch<T> {
        Batch { cells, order, cursor: 0 }
    }

    /// How many jobs the batch has.
    pub fn len(&self) -> usize {
        self.cells.len()
    }

    /// Whether the batch has no jobs (a `map` over nothing).
    pub fn is_empty(&self) -> bool {
        self.cells.is_empty()
    }

    /// The job numbers of the batch, in input order.
    pub fn jobs(&self) -> Vec<u64> {
        self.cells.iter().map(|cell| cell.job.load(Ordering::Acquire)).collect()
    }

    /// How many jobs have finished so far.
    pub fn finished(&self) -> usize {
        self.order.finished.load(Ordering::Acquire) as usize
    }

    fn take_next(&mut self) -> Option<Option<(usize, Result<T, JobError>)>> {
        if self.cursor == self.cells.len() {
            return Some(None);
        }
        let index = self.order.nth(self.cursor)?;
        let result = self.cells[index].try_take()?;
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
    pub fn join_next(&mut self) -> Result<Option<(usize, Result<T, JobError>)>, JobError> {
        if !sys::may_block() {
            return Err(JobError::WouldBlock);
        }
        self.order.blocked.fetch_add(1, Ordering::SeqCst);
        let next = loop {
            let seen = self.order.word.load(Ordering::SeqCst);
            if let Some(next) = self.take_next() {
                break next;
            }
            sys::wait(&self.order.word, seen, None);
        };
        self.order.blocked.fetch_sub(1, Ordering::SeqCst);
        Ok(next)
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
        let order = &self.order;
        order.blocked_for_all.fetch_add(1, Ordering::SeqCst);
        loop {
            let seen = order.word.load(Ordering::SeqCst);
            if self.finished() == self.len() {
                break;
            }
            sys::wait(&order.word, seen, None);
        }
        order.blocked_for_all.fetch_sub(1, Ordering::SeqCst);
        Ok(self.cells.iter().map(|cell| cell.join()).collect()) // all settled: none waits
    }
}

impl<T> std::fmt::Debug for Batch<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Batch").field("len", &self.cells.len()).field("cursor", &self.cursor).finish()
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
        self.batch.order.waker.register(cx.waker());
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
            self.batch.order.all_waker.register(cx.waker());
            if !done(&self.batch) {
                return Poll::Pending;
            }
        }
        Poll::Ready(self.batch.cells.iter().map(|cell| cell.try_take().unwrap_or(Err(JobError::ResultTaken { job: 0 }))).collect())
    }
}
