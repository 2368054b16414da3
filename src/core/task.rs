//! Closure jobs: what a job queued with `spawn` or `map` carries in its
//! queue slot. The core runs the closure like any other job (the same
//! claim, events, counters, timeouts and resizes); what it adds is how the
//! outcome reaches the caller's handle.
//!
//! The jobs of one `spawn` or one `map` form a `Group`: one allocation for
//! their closures (or items), their result cells and their bookkeeping,
//! whatever their number. A `map` of 200,000 items allocates a handful of
//! times, not 200,000 times three; that is most of what a closure job
//! cost the thread that queued it.
//!
//! Exactly one party records a job's event, and that party settles the
//! handle, once: the worker when the closure returned (`publish`), the
//! watchdog when it timed out, the platform when the thread died on a
//! panic, `cancel` when the job never ran (`fail`). The closure itself only
//! puts its value into the handle's cell, before the event is recorded, so
//! that a caller who sees the result also sees it in the counters.
//!
//! Every queue slot of a group points at it, and the queue holds one count
//! of the group for all of them: whoever settles its last job lets go of
//! it. A worker that races the watchdog (a job timeout) holds a count of
//! its own while it runs the closure.

use super::error::{JobError, PoolError};
use super::handle::Results;
use std::cell::UnsafeCell;
use std::sync::atomic::{AtomicBool, AtomicPtr, AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;

/// The longest label a job may carry, in bytes. A longer one is refused
/// with `PoolError::LabelTooLong` (it would only be shown cut).
pub const MAX_LABEL_BYTES: usize = 256;

/// What a group's jobs run and where their outcomes go, with the types of
/// the items, the function and the results erased.
trait Closures: Send + Sync {
    /// Runs job `index`'s closure, which puts its value into its cell.
    ///
    /// # Safety
    /// The caller claimed job `index`; once per job, as `discard`.
    unsafe fn run(&self, index: usize);
    /// Drops job `index`'s closure unrun (it was cancelled).
    ///
    /// # Safety
    /// As for `run`.
    unsafe fn discard(&self, index: usize);
    /// The job's event says it completed: the value the closure put is the result.
    fn publish(&self, index: usize);
    /// The job's event says it failed, timed out or never ran.
    fn fail(&self, index: usize, error: JobError);
    /// The group's first job number, for the handle's `job()`.
    fn set_first_job(&self, job: u64);
}

/// `f(item)` for each item, into `results`. A `spawn` is a group of one
/// whose item is the closure and whose `f` calls it.
struct Work<I, T, F> {
    f: F,
    /// Taken by the one party that claimed the job: a worker runs it,
    /// `cancel` drops it.
    items: Box<[UnsafeCell<Option<I>>]>,
    results: Arc<Results<T>>,
}

// SAFETY: an item is touched only by the party that claimed its job, which
// the queue makes exactly one (see `core/README.md`); the rest is `Sync`.
unsafe impl<I: Send, T: Send, F: Sync> Sync for Work<I, T, F> {}

impl<I, T, F> Closures for Work<I, T, F>
where
    I: Send,
    T: Send,
    F: Fn(I) -> T + Send + Sync,
{
    unsafe fn run(&self, index: usize) {
        // SAFETY: see the trait.
        if let Some(item) = unsafe { (*self.items[index].get()).take() } {
            self.results.put(index, (self.f)(item));
        }
    }

    unsafe fn discard(&self, index: usize) {
        // SAFETY: see the trait.
        drop(unsafe { (*self.items[index].get()).take() });
    }

    fn publish(&self, index: usize) {
        self.results.publish(index);
    }

    fn fail(&self, index: usize, error: JobError) {
        self.results.fail(index, error);
    }

    fn set_first_job(&self, job: u64) {
        self.results.set_first_job(job);
    }
}

/// What the core keeps per closure job, beside its closure and its cell.
#[derive(Default)]
struct TaskState {
    settled: AtomicBool,
    /// What the panic hook said (a `Box<String>`), for the handle: wasm
    /// traps the panicking thread, so another thread records the event.
    panic_message: AtomicPtr<String>,
}

/// Closure jobs queued together (see the module's comment).
pub(crate) struct Group {
    /// The first job's number, set when the group is queued.
    first_job: AtomicU64,
    work: Box<dyn Closures>,
    /// Set by the caller's handle (`JobHandle::cancel`, `Batch::cancel`), which shares it.
    stop: Arc<AtomicBool>,
    tasks: Box<[TaskState]>,
    unsettled: AtomicUsize,
}

impl Group {
    pub(crate) fn new<I, T, F>(items: Vec<I>, f: F, batch: bool) -> (Group, Arc<Results<T>>)
    where
        I: Send + 'static,
        T: Send + 'static,
        F: Fn(I) -> T + Send + Sync + 'static,
    {
        let len = items.len();
        let results = Arc::new(Results::new(len, batch));
        let items = items.into_iter().map(|item| UnsafeCell::new(Some(item))).collect();
        let group = Group {
            first_job: AtomicU64::new(0),
            stop: results.stop_flag(),
            work: Box::new(Work {
                f,
                items,
                results: Arc::clone(&results),
            }),
            tasks: (0..len).map(|_| TaskState::default()).collect(),
            unsettled: AtomicUsize::new(len),
        };
        (group, results)
    }

    pub(crate) fn len(&self) -> usize {
        self.tasks.len()
    }

    /// Numbers the group's jobs from `job` on, for the workers (`index`)
    /// and for the caller's handle.
    pub(crate) fn set_first_job(&self, job: u64) {
        self.first_job.store(job, Ordering::Relaxed);
        self.work.set_first_job(job);
    }

    /// Where job `job` is in the group.
    pub(crate) fn index(&self, job: u64) -> usize {
        (job - self.first_job.load(Ordering::Relaxed)) as usize
    }

    /// Runs job `index`'s closure.
    ///
    /// # Safety
    /// The caller claimed job `index` itself.
    pub(crate) unsafe fn run(&self, index: usize) {
        // SAFETY: see the function's contract.
        unsafe { self.work.run(index) }
    }

    /// Whether the caller cancelled these jobs: a waiting one is not run
    /// (reported cancelled), a running one sees `should_stop()`.
    pub(crate) fn stop_asked(&self) -> bool {
        // One load per job, no call through `work`: a worker asks before each closure.
        self.stop.load(Ordering::Relaxed)
    }

    /// Drops job `index`'s closure unrun.
    ///
    /// # Safety
    /// As for `run`.
    pub(crate) unsafe fn discard(&self, index: usize) {
        // SAFETY: see the function's contract.
        unsafe { self.work.discard(index) }
    }

    /// A count of the group for a worker that must outlive the job's
    /// settling (the watchdog may settle it while the closure runs).
    ///
    /// # Safety
    /// The group is queued (it came from `JobQueue::group`) and the job
    /// not yet settled.
    pub(crate) unsafe fn hold(&self) -> Arc<Group> {
        // SAFETY: the queue's count keeps the group alive now; this adds one.
        unsafe {
            Arc::increment_strong_count(self);
            Arc::from_raw(self)
        }
    }

    pub(crate) fn note_panic(&self, index: usize, message: &str) {
        let old = self.tasks[index]
            .panic_message
            .swap(Box::into_raw(Box::new(message.to_string())), Ordering::AcqRel);
        if !old.is_null() {
            // SAFETY: every non-null pointer here came from `Box::into_raw` and is owned by the swapper.
            drop(unsafe { Box::from_raw(old) });
        }
    }

    pub(crate) fn take_panic_message(&self, index: usize) -> Option<String> {
        let message = self.tasks[index]
            .panic_message
            .swap(std::ptr::null_mut(), Ordering::AcqRel);
        // SAFETY: as in `note_panic`.
        (!message.is_null()).then(|| *unsafe { Box::from_raw(message) })
    }

    /// Settles job `index`'s handle as its event says; only the first call
    /// per job counts. Settling the group's last job lets go of the
    /// queue's count of the group.
    ///
    /// # Safety
    /// The group is queued (the queue holds its count). The caller does
    /// not touch the group afterwards, unless it holds a count of its own.
    pub(crate) unsafe fn settle(&self, index: usize, outcome: Result<(), JobError>) {
        if self.tasks[index].settled.swap(true, Ordering::AcqRel) {
            return;
        }
        match outcome {
            Ok(()) => self.work.publish(index),
            Err(error) => self.work.fail(index, error),
        }
        if self.unsettled.fetch_sub(1, Ordering::AcqRel) == 1 {
            // SAFETY: the queue's count, from `Arc::into_raw` in `JobQueue::publish_group`.
            unsafe { Arc::decrement_strong_count(self) };
        }
    }

    /// Settles every job not settled yet as never run (the pool was
    /// dropped with them queued), letting go of the queue's count.
    ///
    /// # Safety
    /// As for `settle`; no other thread touches the group now.
    pub(crate) unsafe fn settle_all_unrun(&self) {
        let (first, len) = (self.first_job.load(Ordering::Relaxed), self.len());
        let mut left = self.unsettled.load(Ordering::Acquire);
        for index in 0..len {
            if left == 0 {
                break; // the last settle below freed the group: touch nothing more
            }
            if !self.tasks[index].settled.load(Ordering::Acquire) {
                left -= 1;
                // SAFETY: see the function's contract.
                unsafe {
                    self.settle(
                        index,
                        Err(JobError::PoolStopped {
                            job: first + index as u64,
                        }),
                    )
                };
            }
        }
    }
}

impl Drop for Group {
    fn drop(&mut self) {
        (0..self.len()).for_each(|index| drop(self.take_panic_message(index)));
    }
}

/// Checks a label: at most `MAX_LABEL_BYTES`.
/// Refuses the first label longer than `MAX_LABEL_BYTES` (`LabelTooLong`).
pub(crate) fn check_labels(labels: &[Box<str>]) -> Result<(), PoolError> {
    labels.iter().try_for_each(|label| check_label(label).map(drop))
}

pub(crate) fn check_label(label: &str) -> Result<Box<str>, PoolError> {
    if label.len() > MAX_LABEL_BYTES {
        return Err(PoolError::LabelTooLong {
            len: label.len(),
            max: MAX_LABEL_BYTES,
        });
    }
    Ok(label.into())
}
